"""The policy: for each intent, which replies to suggest, with which CTA and offer, and why.

Inform, converse, promote: an information question gets an answer (and a soft link), a
conversation is kept going (and, after enough messages without an ask, gets a gentle one),
and a buying signal gets the sale asked for at once. Complaints and order problems never get a
sales link; an opted-out customer never gets a promotion.

A policy function returns Plans in order of preference; the engine renders them into text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.config import CTA, Config, Offer, Store
from bot.engine.catalog import SALES_KINDS, Catalog
from bot.engine.days import DaysAsked, days_asked
from bot.engine.faq import FAQIndex
from bot.engine.stores import StoreDirectory, StoreHours, store_hours
from bot.engine.types import Classification, ThreadState


@dataclass(frozen=True)
class Plan:
    """One reply to render: its template variant, CTA, offer, facts to state, and why."""

    variant: int
    rationale: str
    cta: CTA | None = None
    offer: Offer | None = None
    answer: str | None = None
    stores: tuple[StoreHours, ...] = ()
    when: str = ""  # the day(s) the hours are for: "today", "on Sunday", "this weekend"
    offer_at: tuple[str, ...] = ()  # the shops an in-store offer runs at, when not all listed
    urgent: bool = False
    unsure: bool = False  # the intent was a guess: the reply asks what they need


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
    """A visit CTA that suits every shop in the reply: the shop's own first, else a general one.

    One made for another shop ("Get directions to Mill Road" when the customer asked about
    Market Square) is never used: each shop's own map link in the reply shows the way instead.
    """
    visits = [cta for cta in s.config.ctas_of_kind("visit") if s.catalog.usable(cta)]
    fitting = [cta for cta in visits if s.stores.fits(cta, stores)]
    own = [cta for cta in fitting if s.stores.owners(cta)]
    return (own or fitting or [None])[0]


def _store_offer(s: Situation, stores: list[Store]) -> tuple[Offer | None, tuple[str, ...]]:
    """The first in-store offer running today at one of these shops, and the shops it runs at
    when that is not all of them (an offer whose CTA belongs to a shop runs there only)."""
    names = {store.name for store in stores}
    for offer in s.catalog.offers(in_store=True):
        cta = s.config.cta(offer.cta) if offer.cta else None
        owners = s.stores.owners(cta) if cta else frozenset()
        if not owners or names <= owners:
            return offer, ()
        if owners & names:
            return offer, tuple(store.name for store in stores if store.name in owners)
    return None, ()


def _days(s: Situation) -> DaysAsked:
    """The day(s) asked about now, else in the customer's previous message, else today."""
    asked = days_asked(s.text, s.day)
    if not asked.named and s.state.earlier_texts:
        earlier = days_asked(s.state.earlier_texts[-1], s.day)
        if earlier.named:
            return earlier
    return asked


def store_visit(s: Situation) -> list[Plan]:
    meant = s.stores.meant(s.text, s.state.earlier_texts)
    asked = _days(s)
    hours = tuple(store_hours(store, asked) for store in meant)
    visit = _visit_cta(s, meant)
    offer, offer_at = _store_offer(s, meant)
    if not meant:
        return [Plan(0, "asked about visiting, but the config lists no shop: say so kindly",
                     visit)]
    when = asked.phrase
    said = f" {when}" if asked.named else ""
    hours_note = f"hours {when}" if asked.named else "today's hours"
    if len(meant) == 1:
        where = f"asked about visiting {meant[0].name}{said}: address, {hours_note}, map"
    elif len(meant) == len(s.stores.stores):
        every = "both" if len(meant) == 2 else f"all {len(meant)}"
        where = f"asked about visiting{said} without naming a shop: list {every}, {hours_note}"
    else:
        where = f"asked about visiting{said}: the {len(meant)} shops named, {hours_note}"
    if visit is not None:
        link = ", visit link"
    elif s.config.ctas_of_kind("visit"):
        shop = "this shop" if len(meant) == 1 else "every shop listed"
        link = f", no visit link in the catalog fits {shop} (the map link shows the way)"
    else:
        link = ""
    extra = f", in-store offer \"{offer.title}\"" if offer else ""
    values = {"cta": visit, "offer": offer, "stores": hours, "when": when, "offer_at": offer_at}
    return [
        Plan(0, f"{where}{link}{extra}", **values),
        Plan(1, f"{where}{link}{extra}; short version", **values),
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
    if s.classification.low_confidence:
        # It may be a complaint or a question the model did not recognise: ask what they
        # need, and never sell to a message nobody understood.
        why = (f"unsure what they mean ({s.classification.confidence:.0%} confident): ask "
               "what they need, no call-to-action until it is clear")
        return [Plan(v, why, unsure=True) for v in range(3)]
    if since < cadence or not s.catalog.promotions:
        why = "opted out, so no ask" if not s.catalog.promotions \
            else f"no CTA yet ({since} of {cadence} messages since the last one)"
        return [Plan(v, f"small talk: keep the conversation going, {why}") for v in range(3)]
    offer = s.catalog.offer(in_store=False)
    offer_link = s.catalog.offer_cta(offer)
    gentle = s.catalog.first("learn") or offer_link or s.catalog.first("offer", "buy")
    why = f"{since} messages since the last call-to-action: time for a gentle ask"
    plans = [Plan(0, f"small talk; {why} ({gentle.kind} link)" if gentle
                  else f"small talk; {why}", gentle)]
    if offer is not None and offer_link is not None and offer_link is not gentle:
        plans.append(Plan(1, f"small talk; {why}: mention the offer \"{offer.title}\"",
                          offer_link, offer))
    plans.append(Plan(2, "small talk: keep the conversation going, no ask this time"))
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
    """The plans for this situation, each checked against the intent's allowed CTA kinds.

    An unsure guess says so first in every plan's rationale ("Not sure: complaint or
    order_support?"); a strongly negative message makes every plan urgent, whatever its intent.
    """
    c = s.classification
    plans = POLICIES[c.intent](s)
    allowed = ALLOWED_KINDS[c.intent]
    plans = [p for p in plans if p.cta is None or (p.cta.kind in allowed
                                                   and s.catalog.usable(p.cta))]
    if c.not_sure:
        plans = [replace(p, rationale=f"{c.not_sure} {p.rationale}") for p in plans]
    if c.urgent:
        plans = [p if p.urgent else replace(p, urgent=True, rationale=f"{p.rationale}; "
                                            "strongly negative wording: urgent")
                 for p in plans]
    return plans
