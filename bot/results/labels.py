"""Names a marketer reads instead of ids: intents in plain words, CTAs by their label, offers
by their title. Used by the report, the review's "wrong intent?" menu and the spreadsheets,
so an intent is called the same everywhere.
"""

from __future__ import annotations

from bot.config import Config
from bot.results.outcomes import NO_CTA as UNASKED

INTENT_LABELS = {
    "purchase_intent": "Wants to buy",
    "pricing": "Asks about price",
    "product_question": "Product question",
    "store_visit": "Visiting a shop (hours, address)",
    "order_support": "Help with an order",
    "complaint": "Complaint",
    "praise": "Praise",
    "chit_chat": "Small talk",
    "unsubscribe": "Wants no more messages",
}
NO_CTA = "No link asked for"


def intent_label(intent: str | None) -> str:
    """"store_visit" -> "Visiting a shop (hours, address)"; an unknown one in words."""
    if not intent:
        return "Not classified"
    return INTENT_LABELS.get(intent, intent.replace("_", " ").capitalize())


def cta_label(config: Config, cta_id: str | None) -> str:
    """The CTA's label in the brand's language; a CTA since removed from the config keeps its
    id, in words ("spring-sale" -> "Spring sale (no longer in the config)")."""
    if not cta_id or cta_id == UNASKED:
        return NO_CTA
    cta = config.cta(cta_id)
    if cta is not None:
        return str(cta.label)
    return f"{cta_id.replace('-', ' ').replace('_', ' ').capitalize()} (no longer in the config)"


def offer_title(config: Config, offer_id: str) -> str:
    offer = next((o for o in config.offers if o.id == offer_id), None)
    return str(offer.title) if offer is not None else offer_id
