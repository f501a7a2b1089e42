"""The policy: for each intent, which replies to suggest, with which CTA and offer, and why.

Inform, converse, promote: an information question gets an answer (and a soft link), a
conversation is kept going (and, after enough messages without an ask, gets a gentle one),
and a buying signal gets the sale asked for at once. Complaints and order problems never get a
sales link; an opted-out customer never gets a promotion.

A policy function returns Plans in order of preference; the engine renders them into text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.config import CTA, Config, Offer, Store
from bot.engine.catalog import SALES_KINDS, Catalog
from bot.engine.faq import FAQIndex
from bot.engine.stores import StoreDirectory, StoreToday, store_today
from bot.engine.types import Classification, ThreadState


@dataclass(frozen=True)
class Plan:
    """One reply to render: its template variant, CTA, offer, facts to state, and why."""

    variant: int
    rationale: str
    cta: CTA | None = None
    offer: Offer | None = None
    answer: str | None = None
    stores: tuple[StoreToday, ...] = ()
    urgent: bool = False


@dataclass(frozen=True)
class Situation:
    """Everything a policy function may look at."""

    text: str
    classification: Classification
    state: ThreadState
    day: date
    config: Config
    catalog: Catalog
    faq: FAQIndex
    stores: StoreDirectory

    @property
    def cadence(self) -> int:
        return self.config.engine.cta_cadence


def _offer_note(offer: Offer | None) -> str:
    if offer is None:
        return "no offer running today"
    return f"offer \"{offer.title}\" running" + (" in the shop" if offer.in_store else "")


def purchase_intent(s: Situation) -> list[Plan]:
    if not s.catalog.promotions:
        return _opted_out_buyer(s, "wants to buy")
    offer = s.catalog.offer()
    buy = s.catalog.first("buy")
    offer_link = s.catalog.offer_cta(offer)
    primary = offer_link or buy or s.catalog.first("offer")
    second = buy if buy is not None and buy is not primary else primary
    note = _offer_note(offer)
    ask = (f"ask for the sale with the {primary.kind} link" if primary
           else "ask for the sale (no buy or offer link in the catalog)")
    return [
        Plan(0, f"wants to buy, {note}: {ask}", primary, offer),
        Plan(1, f"wants to buy: straight to {second.kind if second else 'ordering'}, "
                f"{'offer mentioned' if offer else 'no offer today'}", second, offer),
        Plan(2, "wants to buy: warm thanks, invite questions, then the link", primary, offer),
    ]


def pricing(s: Situation) -> list[Plan]:
    if not s.catalog.promotions:
        return _opted_out_buyer(s, "asked about price")
    offer = s.catalog.offer()
    buy = s.catalog.first("buy")
    primary = s.catalog.offer_cta(offer) or s.catalog.first("offer") or buy
    second = buy if buy is not None and buy is not primary else primary
    note = _offer_note(offer)
    ask = f"ask for the sale with the {primary.kind} link" if primary else "ask for the sale"
    return [
        Plan(0, f"asked about price, {note}: {ask}", primary, offer),
        Plan(1, f"asked about price: point to prices and the {second.kind if second else 'order'}"
                " page", second, offer),
        Plan(2, "asked about price: offer to quote, keep the door open to buy", primary, offer),
    ]


def _opted_out_buyer(s: Situation, why: str) -> list[Plan]:
    contact = s.catalog.first("contact")
    return [
        Plan(0, f"{why}, but opted out of marketing: help personally, no sales link or offer",
             contact),
        Plan(1, f"{why}, opted out: answer without any link"),
    ]


def product_question(s: Situation) -> list[Plan]:
    learn = s.catalog.first("learn")
    match = s.faq.best(s.text)
    if match is None:
        return [
            Plan(0, "product question the FAQ does not answer: promise an answer (worth adding "
                    "to the FAQ?)"),
            Plan(1, "no FAQ answer: promise one, with a learn-more link meanwhile", learn),
            Plan(2, "no FAQ answer: promise one"),
        ]
    entry = match.entry
    own = s.catalog.by_id(entry.cta)
    soft = own if own is not None and own.kind == "learn" else learn
    why = f"product question the FAQ answers (\"{entry.question}\", {match.score:.0%} match)"
    plans = [
        Plan(0, f"{why}: answer with a soft learn-more link", soft, answer=entry.answer),
        Plan(1, f"{why}: answer and keep talking, no link", answer=entry.answer),
    ]
    if own is not None and own is not soft:
        plans.append(Plan(2, f"{why}: answer with the {own.kind} link this FAQ entry names", own,
                          answer=entry.answer))
    else:
        plans.append(Plan(2, f"{why}: answer with a learn-more link", soft, answer=entry.answer))
    return plans


def _visit_cta(s: Situation, stores: list[Store]) -> CTA | None:
    """The visit CTA for these shops: one linking to a shop's map, else the first visit CTA."""
    maps = {store.map_url for store in stores if store.map_url}
    visits = [cta for cta in s.config.ctas_of_kind("visit") if s.catalog.usable(cta)]
    for cta in visits:
        if cta.url in maps:
            return cta
    if len(stores) == 1:
        name = stores[0].name.lower()
        for cta in visits:
            if name in cta.label.lower() or name.replace(" ", "-") in cta.id.lower():
                return cta
    return visits[0] if visits else None


def store_visit(s: Situation) -> list[Plan]:
    meant = s.stores.meant(s.text, s.state.earlier_texts)
    todays = tuple(store_today(store, s.day) for store in meant)
    visit = _visit_cta(s, meant)
    offer = s.catalog.offer(in_store=True)
    if not meant:
        return [Plan(0, "asked about visiting, but the config lists no shop: say so kindly",
                     visit)]
    if len(meant) == 1:
        where = f"asked about visiting {meant[0].name}: address, today's hours, map"
    elif len(meant) == len(s.stores.stores):
        where = f"asked about visiting without naming a shop: list all {len(meant)}, today's hours"
    else:
        where = f"asked about visiting: the {len(meant)} shops named, today's hours"
    extra = f", in-store offer \"{offer.title}\"" if offer else ""
    return [
        Plan(0, f"{where}, visit link{extra}", visit, offer, stores=todays),
        Plan(1, f"{where}: short answer, visit link{extra}", visit, offer, stores=todays),
    ]


def order_support(s: Situation) -> list[Plan]:
    contact = s.catalog.first("contact")
    why = "order or account problem: help and route to the order desk, never a sales link"
    return [
        Plan(0, why, contact),
        Plan(1, "order problem: ask for the order number, contact link", contact),
        Plan(2, "order problem: ask for the order number, no link"),
    ]


def complaint(s: Situation) -> list[Plan]:
    contact = s.catalog.first("contact")
    return [
        Plan(0, "unhappy customer: apologise and hand to a person now (urgent), no sales link",
             urgent=True),
        Plan(1, "unhappy customer: apologise, direct line to the team (urgent)", contact,
             urgent=True),
        Plan(2, "unhappy customer: apologise, ask what happened (urgent)", urgent=True),
    ]


def praise(s: Situation) -> list[Plan]:
    review, refer = s.catalog.first("review"), s.catalog.first("refer")
    if not s.catalog.promotions:
        return [Plan(0, "happy customer who opted out of marketing: just thank them"),
                Plan(2, "happy customer, opted out: thank them")]
    plans = []
    if review:
        plans.append(Plan(0, "happy customer: thank them, then ask for a review", review))
    if refer:
        plans.append(Plan(1, "happy customer: thank them, then ask for a referral", refer))
    plans.append(Plan(2, "happy customer: thank them, no ask this time"))
    return plans


def chit_chat(s: Situation) -> list[Plan]:
    since, cadence = s.state.customer_messages_since_cta, s.cadence
    unsure = s.classification.low_confidence
    lead = (f"unsure what they mean ({s.classification.confidence:.0%} confident): treat as "
            "small talk" if unsure else "small talk")
    if since < cadence or not s.catalog.promotions:
        why = "opted out, so no ask" if not s.catalog.promotions \
            else f"no CTA yet ({since} of {cadence} messages since the last one)"
        return [Plan(v, f"{lead}: keep the conversation going, {why}") for v in range(3)]
    offer = s.catalog.offer(in_store=False)
    offer_link = s.catalog.offer_cta(offer)
    gentle = s.catalog.first("learn") or offer_link or s.catalog.first("offer", "buy")
    why = f"{since} messages since the last call-to-action: time for a gentle ask"
    plans = [Plan(0, f"{lead}; {why} ({gentle.kind} link)" if gentle else f"{lead}; {why}",
                  gentle)]
    if offer is not None and offer_link is not None and offer_link is not gentle:
        plans.append(Plan(1, f"{lead}; {why}: mention the offer \"{offer.title}\"", offer_link,
                          offer))
    plans.append(Plan(2, f"{lead}: keep the conversation going, no ask this time"))
    return plans


def unsubscribe(s: Situation) -> list[Plan]:
    why = "asked to stop: confirm; the opt-out is recorded and no promotion will reach them"
    return [Plan(0, why), Plan(1, why)]


POLICIES: dict[str, Callable[[Situation], list[Plan]]] = {
    "purchase_intent": purchase_intent,
    "pricing": pricing,
    "product_question": product_question,
    "store_visit": store_visit,
    "order_support": order_support,
    "complaint": complaint,
    "praise": praise,
    "chit_chat": chit_chat,
    "unsubscribe": unsubscribe,
}

# The CTA kinds each intent may ever carry: the rules above, stated once more as a guard.
ALLOWED_KINDS: dict[str, frozenset[str]] = {
    "purchase_intent": SALES_KINDS | {"contact"},
    "pricing": SALES_KINDS | {"contact"},
    "product_question": frozenset({"learn", "buy", "offer", "visit", "contact"}),
    "store_visit": frozenset({"visit"}),
    "order_support": frozenset({"contact"}),
    "complaint": frozenset({"contact"}),
    "praise": frozenset({"review", "refer"}),
    "chit_chat": frozenset({"learn", "offer", "buy"}),
    "unsubscribe": frozenset(),
}


def plan(s: Situation) -> list[Plan]:
    """The plans for this situation, each checked against the intent's allowed CTA kinds."""
    intent = s.classification.intent
    plans = POLICIES[intent](s)
    allowed = ALLOWED_KINDS[intent]
    return [p for p in plans if p.cta is None or (p.cta.kind in allowed
                                                  and s.catalog.usable(p.cta))]
