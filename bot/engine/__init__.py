"""The embedded suggestion engine: intent, stage, replies and calls-to-action.

`Engine(config)` is cheap to build; the intent model is loaded (or trained and cached) on the
first message. `suggest()` is deterministic: the same text, thread state, time and config give
the same suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cached_property
from pathlib import Path

from bot.config import CTA, Config, Offer
from bot.engine.catalog import Catalog
from bot.engine.classifier import IntentClassifier
from bot.engine.faq import FAQIndex
from bot.engine.links import DEFAULT_CAMPAIGN, tag_url
from bot.engine.policy import Plan, Situation, plan
from bot.engine.render import Renderer, pick_wording
from bot.engine.stores import StoreDirectory, StoreHours, long_date
from bot.engine.text import clean
from bot.engine.types import STAGES, Classification, Suggestion, SuggestionSet, ThreadState

__all__ = ["Engine"]


class Engine:
    def __init__(self, config: Config, *, cache_dir: Path | None = None):
        self.config = config
        self.classifier = IntentClassifier(config.engine.confidence_threshold, cache_dir)

    @cached_property
    def _faq(self) -> FAQIndex:
        return FAQIndex(self.config.faq, self.config.engine.faq_threshold)

    @cached_property
    def _stores(self) -> StoreDirectory:
        return StoreDirectory(self.config.stores)

    @cached_property
    def _renderer(self) -> Renderer:
        return Renderer()

    def warm(self) -> None:
        """Get everything ready now rather than on the first customer message: the FAQ index,
        the shops, the reply templates, and the intent model (loaded from its cache, or
        trained on a fresh install, which takes a second or two).

        Safe to run in another thread: a suggestion asked for meanwhile waits for the model.
        """
        self._faq  # noqa: B018 - building it is the point
        self._stores  # noqa: B018
        self._renderer.load_all()
        self.classifier.model  # noqa: B018

    @property
    def ready(self) -> bool:
        """Whether the intent model is loaded, so a suggestion needs no wait."""
        return self.classifier.loaded

    def classify(self, text: str) -> Classification:
        return self.classifier.classify(text)

    def classify_many(self, texts: Iterable[str]) -> list[Classification]:
        return self.classifier.classify_many(texts)

    def suggest(self, text: str, *, platform: str, state: ThreadState | None = None,
                now: datetime, intent: str | None = None) -> SuggestionSet:
        """1 to `engine.max_suggestions` replies for this customer message, best first.

        `intent` skips the model: a person said what the message is ("wrong intent?" on a
        review), so the replies are made for that intent, with full confidence.
        """
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("now must be a time-zone aware datetime")
        if intent is not None and intent not in STAGES:
            raise ValueError(f"unknown intent {intent!r}")
        state = state or ThreadState()
        text = clean(text)
        classification = self.classify(text) if intent is None \
            else Classification(intent, 1.0, STAGES[intent])
        day = now.astimezone(self.config.zone).date()
        situation = Situation(
            text=text,
            classification=classification,
            state=state,
            day=day,
            config=self.config,
            catalog=Catalog(self.config, day, promotions=not state.opted_out),
            faq=self._faq,
            stores=self._stores,
        )
        suggestions: list[Suggestion] = []
        for chosen in plan(situation):
            suggestion = self._render(classification.intent, chosen, platform,
                                      state.thread_key)
            if all(suggestion.text != other.text for other in suggestions):
                suggestions.append(suggestion)
            if len(suggestions) == self.config.engine.max_suggestions:
                break
        return SuggestionSet(classification, suggestions)

    def _render(self, intent: str, chosen: Plan, platform: str,
                thread_key: str = "") -> Suggestion:
        cta, offer = chosen.cta, chosen.offer
        wording = pick_wording(thread_key, intent, self._renderer.wordings(f"{intent}.j2"))
        cta_url = tag_url(cta.url, platform=platform, campaign=cta.campaign) if cta else None
        map_campaign = cta.campaign if cta else DEFAULT_CAMPAIGN
        brand = self.config.brand
        text = self._renderer.render(
            intent,
            wording,
            variant=chosen.variant,
            brand={"name": brand.name, "emoji": brand.emoji},
            cta={"label": cta.label, "url": cta_url, "kind": cta.kind} if cta else None,
            offer=_offer_values(offer),
            answer=chosen.answer,
            stores=[_store_values(s, platform, map_campaign, cta) for s in chosen.stores],
            when=chosen.when,
            offer_at=list(chosen.offer_at),
            unsure=chosen.unsure,
        )
        facts = [*(f for s in chosen.stores for f in s.facts())]
        if offer is not None:
            where = f" (at {' and '.join(chosen.offer_at)})" if chosen.offer_at else ""
            facts.append(offer_summary(offer) + where)
        if chosen.answer:
            facts.append(chosen.answer)
        return Suggestion(
            text=text,
            rationale=chosen.rationale,
            cta_id=cta.id if cta else None,
            cta_kind=cta.kind if cta else None,
            cta_label=cta.label if cta else None,
            cta_url=cta_url,
            offer_id=offer.id if offer else None,
            urgent=chosen.urgent,
            facts=tuple(facts),
            variant=wording,
        )


def offer_summary(offer: Offer) -> str:
    """The offer as one fact: what it is, its code and its last day, as the reply states it."""
    summary = offer.text
    if offer.code:
        summary += f" with code {offer.code}"
    if offer.end:
        summary += f" (until {long_date(offer.end)})"
    if offer.in_store:
        summary += ", in the shop only"
    return summary


def _offer_values(offer: Offer | None) -> dict | None:
    if offer is None:
        return None
    return {
        "title": offer.title,
        "text": offer.text,
        "code": offer.code,
        "until": long_date(offer.end) if offer.end else "",
        "in_store": offer.in_store,
    }


def _store_values(shop: StoreHours, platform: str, campaign: str, cta: CTA | None) -> dict:
    store = shop.store
    map_url = ""
    # The CTA line already links this map; a second copy of the same link is noise.
    if store.map_url and not (cta and cta.url == store.map_url):
        map_url = tag_url(store.map_url, platform=platform, campaign=campaign)
    return {
        "name": store.name,
        "address": store.address,
        "days": [
            {"label": day.label, "hours": day.hours, "open": day.open,
             "next_open": day.next_open}
            for day in shop.days
        ],
        "phone": store.phone,
        "map_url": map_url,
    }
