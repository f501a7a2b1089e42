"""The team's catalog as the policy sees it on one day, for one customer.

Which CTAs may be used: an offer-kind CTA whose offers have all ended (or not started) is
held back, and a customer who opted out gets no promotional CTA (buy, offer, review, refer)
and no offer at all.
"""

from __future__ import annotations

from datetime import date

from bot.config import CTA, Config, Offer

PROMOTIONAL_KINDS = frozenset({"buy", "offer", "review", "refer"})
SALES_KINDS = frozenset({"buy", "offer"})


class Catalog:
    def __init__(self, config: Config, day: date, promotions: bool):
        self.config = config
        self.day = day
        self.promotions = promotions

    def usable(self, cta: CTA | None) -> bool:
        if cta is None:
            return False
        if cta.kind in PROMOTIONAL_KINDS and not self.promotions:
            return False
        if cta.kind == "offer":
            offers = [offer for offer in self.config.offers if offer.cta == cta.id]
            return not offers or any(offer.is_valid_on(self.day) for offer in offers)
        return True

    def first(self, *kinds: str) -> CTA | None:
        """The first usable CTA of the first kind that has one (kinds in order of preference)."""
        for kind in kinds:
            for cta in self.config.ctas:
                if cta.kind == kind and self.usable(cta):
                    return cta
        return None

    def by_id(self, cta_id: str | None) -> CTA | None:
        cta = self.config.cta(cta_id) if cta_id else None
        return cta if self.usable(cta) else None

    def offers(self, *, in_store: bool | None = None) -> list[Offer]:
        """Offers valid today, in config order (none for an opted-out customer)."""
        if not self.promotions:
            return []
        return [offer for offer in self.config.offers if offer.is_valid_on(self.day)
                and (in_store is None or offer.in_store == in_store)]

    def offer(self, *, in_store: bool | None = None) -> Offer | None:
        """The first offer valid today (none for an opted-out customer).

        in_store=None prefers an online offer and falls back to an in-store one.
        """
        valid = self.offers(in_store=in_store)
        if in_store is None:
            valid.sort(key=lambda offer: offer.in_store)  # stable: config order otherwise
        return valid[0] if valid else None

    def offer_cta(self, offer: Offer | None, kinds: frozenset[str] = SALES_KINDS) -> CTA | None:
        """The CTA an offer names, when it is usable and of one of `kinds`."""
        cta = self.by_id(offer.cta) if offer else None
        return cta if cta and cta.kind in kinds else None
