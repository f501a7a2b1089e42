"""The policy: for each intent, which replies to suggest, with which CTA and offer, and why.

Inform, converse, promote: an information question gets an answer (and a soft link), a
conversation is kept going (and, after enough messages without an ask, gets a gentle one),
and a buying signal gets the sale asked for at once. Complaints and order problems never get a
sales link; an opted-out customer never gets a promotion.

A policy function returns Plans in order of preference; the engine renders them into text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property

from bot.config import CTA, Config, Offer, Product, Shop
from bot.engine.answers import Answers, fitting_offers, knowledge_answers, overstock_addon
from bot.engine.catalog import SALES_KINDS, Catalog
from bot.engine.days import DaysAsked, days_asked
from bot.engine.knowledge import Knowledge, concept_terms
from bot.engine.products import ProductDirectory
from bot.engine.questions import (
    BOOKING,
    BUYING,
    CONTACT_ME,
    HOURS,
    OPEN_DE,
    OPENS,
    Asked,
    analyse,
    fold,
)
from bot.engine.sensitive import sensitive_topic, wording
from bot.engine.shops import ShopDirectory, ShopHours, shop_hours
from bot.engine.types import Classification, ThreadState, handled_note
from bot.engine.words import Words, english
from bot.translations import variants


@dataclass(frozen=True)
class Plan:
    """One reply to render: its template variant, CTA, offer, facts to state, and why."""

    variant: int
    rationale: str
    cta: CTA | None = None
    offer: Offer | None = None
    answer: str | None = None
    stores: tuple[ShopHours, ...] = ()
    when: str = ""  # the day(s) the hours are for: "today", "on Sunday", "this weekend"
    offer_at: tuple[str, ...] = ()  # the shops an in-store offer runs at, when not all listed
    urgent: bool = False
    unsure: bool = False  # the intent was a guess: the reply asks what they need
    answers: tuple[dict, ...] = ()  # what the brand's knowledge says to each question asked
    checking: bool = False  # something asked is not in the config: the team will check
    addon: Product | None = None  # an overstocked product suggested alongside
    also_open: tuple[ShopHours, ...] = ()  # open shops to point to when the one asked is shut
    topic: str = ""  # a sensitive topic (allergy, health, legal, press) handed to a person


@dataclass(frozen=True)
class Situation:
    """Everything a policy function may look at."""

    text: str
    classification: Classification
    state: ThreadState
    day: date
    config: Config
    catalog: Catalog
    knowledge: Knowledge
    stores: ShopDirectory
    products: ProductDirectory
    moment: datetime | None = None  # the local time now (for "are you open?")
    words: Words = field(default_factory=english)

    @property
    def cadence(self) -> int:
        return self.config.engine.cta_cadence

    @cached_property
    def asked(self) -> Asked:
        return analyse(self.text, self.products, self.knowledge, self.state.earlier_texts)

    @cached_property
    def answers(self) -> Answers:
        return knowledge_answers(self.asked, self.products, self.words.lang)

    @cached_property
    def sensitive(self) -> str | None:
        return sensitive_topic(self.text)

    @cached_property
    def books(self) -> bool:
        """Asking to book a table, an appointment or a place: no shop-wide discount."""
        return bool(BOOKING.search(fold(self.text)))

    @cached_property
    def wants_contact(self) -> bool:
        """Asking to be called, e-mailed or put through to someone."""
        return bool(CONTACT_ME.search(fold(self.text)))

    def offers(self, *, buying: bool, in_store: bool | None = None) -> list[Offer]:
        """The offers that fit. A shop-wide one only goes with buying what the shop has: not
        with a booking, a request to be contacted, or a question the team has to check."""
        offers = fitting_offers(self.catalog, self.asked, self.products, self.state,
                                self.text, buying=buying, in_store=in_store)
        if self.answers.checking or self.books or self.wants_contact:
            offers = [offer for offer in offers if offer.applies_to]
        return offers

    def hours_for_extra_questions(self) -> tuple[ShopHours, ...]:
        """Hours for a message that asks about them besides something else."""
        if not self.answers.hours:
            return ()
        meant = self.stores.meant(self.text, self.state.earlier_texts)
        at = self.moment.time() if self.moment else None
        return tuple(shop_hours(store, _days(self), at, self.words) for store in meant)


def _offer_note(offer: Offer | None) -> str:
    if offer is None:
        return "no offer that fits"
    where = " (in the shop)" if offer.in_store else ""
    return f"offer \"{offer.title}\" running and fits{where}"


def _knowledge(s: Situation) -> dict:
    """The Plan values every answering policy shares: the answers, extra hours, checking."""
    return {"answers": s.answers.items, "checking": s.answers.checking,
            "stores": s.hours_for_extra_questions()}


def _talk_knowledge(s: Situation) -> dict:
    """The Plan values for praise and small talk: answers only to what they asked. "The
    cappuccino yesterday was perfect" gets thanks, not the cappuccino's price and blurb."""
    known = _knowledge(s)
    if not any(c.question for c in s.asked.clauses):
        known = {**known, "answers": (), "checking": False}
    return known


def _answered(s: Situation) -> str:
    """The rationale's note on what the knowledge answered."""
    if not s.answers.sources:
        return ""
    return "; answers from " + ", ".join(s.answers.sources[:3])


def _product_cta(s: Situation, kinds: frozenset[str]) -> CTA | None:
    """The CTA of the one product the customer talks about, when it is of one of `kinds`."""
    if len(s.asked.products) != 1:
        return None
    cta = s.catalog.by_id(s.asked.products[0].cta)
    return cta if cta is not None and cta.kind in kinds else None


def _fitting_cta(s: Situation, kind: str) -> CTA | None:
    """The usable CTA of `kind` whose label, in any language, or link shares most words with
    the message ("Book a table" for "can we reserve a table for six?"); the first one when
    none shares any."""
    ctas = [cta for cta in s.config.ctas if cta.kind == kind and s.catalog.usable(cta)]
    if len(ctas) <= 1:
        return ctas[0] if ctas else None
    asked = set(concept_terms(s.text))
    best, best_score = ctas[0], 0
    for cta in ctas:
        own = set(concept_terms(" ".join([*variants(cta.label),
                                          re.sub(r"[/_.?=&-]", " ", cta.url)])))
        score = len(asked & own)
        if score > best_score:
            best, best_score = cta, score
    return best


def _addon(s: Situation, offer: Offer | None) -> Product | None:
    """One pitch per reply: an overstock add-on only when no offer is mentioned."""
    if offer is not None:
        return None
    return overstock_addon(s.catalog, s.asked, s.products, s.state)


def _sales_offer(s: Situation) -> Offer | None:
    """The offer to put to a buyer: online ones, or an in-store one made for what they buy."""
    offers = [o for o in s.offers(buying=True) if not o.in_store or o.applies_to]
    return offers[0] if offers else None


def purchase_intent(s: Situation) -> list[Plan]:
    if not s.catalog.promotions:
        return _opted_out_buyer(s, "wants to buy")
    if s.wants_contact and s.catalog.first("contact"):
        return _call_back(s)
    offer = _sales_offer(s)
    faq = s.asked.faq[0].entry.faq if s.asked.faq else None
    faq_cta = s.catalog.by_id(faq.cta) if faq and faq.cta else None
    buy = _product_cta(s, SALES_KINDS) or (faq_cta if faq_cta and faq_cta.kind == "buy"
                                            else None) or _fitting_cta(s, "buy")
    offer_link = s.catalog.offer_cta(offer)
    primary = offer_link or buy or s.catalog.first("offer")
    second = buy if buy is not None and buy is not primary else primary
    note = _offer_note(offer)
    addon = _addon(s, offer)
    extra = f", add-on \"{addon.name}\" (overstock)" if addon else ""
    ask = (f"ask for the sale with the {primary.kind} link" if primary
           else "ask for the sale (no buy or offer link in the catalog)")
    known = _knowledge(s)
    why = f"wants to buy, {note}{extra}{_answered(s)}"
    return [
        Plan(0, f"{why}: {ask}", primary, offer, addon=addon, **known),
        Plan(1, f"wants to buy: straight to {second.kind if second else 'ordering'}, "
                f"{'offer mentioned' if offer else 'no offer that fits'}", second, offer,
             **known),
        Plan(2, "wants to buy: warm thanks, invite questions, then the link", primary, offer,
             addon=addon, **known),
    ]


def pricing(s: Situation) -> list[Plan]:
    if not s.catalog.promotions:
        return _opted_out_buyer(s, "asked about price")
    offer = _sales_offer(s)
    buy = _product_cta(s, SALES_KINDS) or _fitting_cta(s, "buy")
    primary = s.catalog.offer_cta(offer) or buy or s.catalog.first("offer")
    second = buy if buy is not None and buy is not primary else primary
    note = _offer_note(offer)
    addon = None  # an add-on goes with an order, not with a question about price
    extra = ""
    ask = f"ask for the sale with the {primary.kind} link" if primary else "ask for the sale"
    known = _knowledge(s)
    said = "give the price" if s.answers else "no price in the products: ask what they want"
    why = f"asked about price: {said}, {note}{extra}{_answered(s)}"
    return [
        Plan(0, f"{why}; {ask}", primary, offer, addon=addon, **known),
        Plan(1, f"asked about price: point to prices and the {second.kind if second else 'order'}"
                " page", second, offer, **known),
        Plan(2, "asked about price: offer to quote, keep the door open to buy", primary, offer,
             addon=addon, **known),
    ]


def _call_back(s: Situation) -> list[Plan]:
    """"Call me back about 12 gift baskets": the team gets in touch; the contact link, no
    offer pushed at someone who asked for a person."""
    contact = s.catalog.first("contact")
    buy = _product_cta(s, SALES_KINDS) or _fitting_cta(s, "buy")
    known = _knowledge(s)
    why = f"wants to buy and asks to be contacted: the team gets in touch{_answered(s)}"
    return [
        Plan(0, f"{why}; contact link", contact, **known),
        Plan(1, f"{why}; no link", **known),
        Plan(2, f"{why}; the buy link meanwhile", buy or contact, **known),
    ]


def _opted_out_buyer(s: Situation, why: str) -> list[Plan]:
    contact = s.catalog.first("contact")
    known = _knowledge(s)
    stopped = "may have asked to stop" if s.classification.unsure_opt_out \
        else "opted out of marketing"
    return [
        Plan(0, f"{why}, but {stopped}: help personally, no sales link or offer"
                f"{_answered(s)}", contact, **known),
        Plan(1, f"{why}, {'may have ' if s.classification.unsure_opt_out else ''}opted out: "
                "answer without any link", **known),
    ]


def product_question(s: Situation) -> list[Plan]:
    learn = s.catalog.first("learn")
    known = _knowledge(s)
    if not s.answers:
        why = "product question nothing in the config answers: the team will check"
        return [
            Plan(0, why, checking=True, stores=known["stores"]),
            Plan(1, "no answer in the config: promise one, with a learn-more link meanwhile",
                 learn, checking=True, stores=known["stores"]),
            Plan(2, "no answer in the config: promise one", checking=True,
                 stores=known["stores"]),
        ]
    offers = s.offers(buying=s.asked.price)
    offer = offers[0] if offers else None
    faq = s.asked.faq[0].entry.faq if s.asked.faq else None
    own = s.catalog.by_id(faq.cta) if faq else None
    own = own or _product_cta(s, frozenset({"learn", "buy", "offer"}))
    soft = own if own is not None and own.kind == "learn" else learn
    if offer is not None and s.catalog.offer_cta(offer) is not None:
        soft = s.catalog.offer_cta(offer)
    first = "FAQ does not answer everything: " if s.answers.checking else ""
    why = f"product question: {first}answer{_answered(s)}"
    if offer is not None:
        why += f", {_offer_note(offer)}"
    plans = [
        Plan(0, f"{why}; soft {soft.kind if soft else 'no'} link", soft, offer, **known),
        Plan(1, f"{why}; keep talking, no link", None, offer, **known),
    ]
    if own is not None and own is not soft:
        plans.append(Plan(2, f"{why}; the {own.kind} link this entry names", own, offer,
                          **known))
    else:
        plans.append(Plan(2, f"{why}; learn-more link", learn, offer, **known))
    return plans


def _visit_cta(s: Situation, stores: list[Shop]) -> CTA | None:
    """A visit CTA that suits every shop in the reply: the shop's own first, else a general one.

    One made for another shop ("Get directions to Mill Road" when the customer asked about
    Market Square) is never used: each shop's own map link in the reply shows the way instead.
    """
    visits = [cta for cta in s.config.ctas_of_kind("visit") if s.catalog.usable(cta)]
    fitting = [cta for cta in visits if s.stores.fits(cta, stores)]
    own = [cta for cta in fitting if s.stores.owners(cta)]
    return (own or fitting or [None])[0]


def _store_offer(s: Situation, stores: list[Shop]) -> tuple[Offer | None, tuple[str, ...]]:
    """The first in-store offer that fits and runs today at one of these shops, and the shops
    it runs at when that is not all of them (an offer whose CTA belongs to a shop runs there
    only). A shop-wide one fits only a customer coming to buy (naming products, a price,
    "pick up", "get some")."""
    names = {store.name for store in stores}
    buying = bool(s.asked.price or s.asked.products or s.asked.categories
                  or BUYING.search(fold(s.text)))
    for offer in s.offers(buying=buying, in_store=True):
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


def _also_open(s: Situation, shown: tuple[ShopHours, ...], asked: DaysAsked,
               at) -> tuple[ShopHours, ...]:
    """When every shop in the reply is shut when the customer wants to come, the other shops
    that are open then (so the reply can point to one)."""
    if not shown or not all(h.closed_when_asked for h in shown):
        return ()
    names = {h.store.name for h in shown}
    others = [store for store in s.stores.stores if store.name not in names]
    hours = (shop_hours(store, asked, at, s.words) for store in others)
    return tuple(h for h in hours if not h.closed_when_asked)


def store_visit(s: Situation) -> list[Plan]:
    meant = s.stores.meant(s.text, s.state.earlier_texts)
    asked = _days(s)
    at = s.moment.time() if s.moment else None
    hours = tuple(shop_hours(store, asked, at, s.words) for store in meant)
    visit = _visit_cta(s, meant)
    offer, offer_at = _store_offer(s, meant)
    answers = s.answers
    if not meant:
        return [Plan(0, "asked about visiting, but the config lists no shop: say so kindly",
                     visit, answers=answers.items)]
    when = asked.phrase
    said = f" {when}" if asked.named else ""
    hours_note = f"hours {when}" if asked.named else "today's hours"
    if any(day.now for h in hours for day in h.days):
        hours_note += " as of now"
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
    also = _also_open(s, hours, asked, at)
    extra = f", in-store offer \"{offer.title}\"" if offer else ""
    if also:
        extra += ", closed then: points to " + " and ".join(h.store.name for h in also)
    values = {"cta": visit, "offer": offer, "stores": hours, "when": asked.phrase_in(s.words),
              "offer_at": offer_at, "also_open": also, "answers": answers.items,
              "checking": answers.checking}
    why = f"{where}{link}{extra}{_answered(s)}"
    return [
        Plan(0, why, **values),
        Plan(1, f"{why}; short version", **values),
    ]


# What an FAQ answer about allergens talks about (bot.engine.knowledge's concept groups), and
# how closely it must match the question to stand in for a person.
_ALLERGENS = frozenset({"#allergen", "#gluten", "#dairy"})
SURE_ALLERGEN_ANSWER = 0.75


def order_support(s: Situation) -> list[Plan]:
    contact = s.catalog.first("contact")
    # A story about a broken parcel names products; it asks nothing about them.
    known = _talk_knowledge(s)
    why = "order or account problem: help and route to the order desk, never a sales link"
    if any(c.question and c.faq for c in s.asked.clauses) and not _MY_ORDER.search(
            fold(s.text)):
        # "Can I return opened food?": a policy the FAQ answers, not a problem with an order.
        policy = f"a question about a policy the FAQ answers{_answered(s)}: the answer, no apology"
        return [
            Plan(3, f"{policy}; contact link", contact, **known),
            Plan(0, why + _answered(s), contact, **known),
            Plan(2, "order problem: ask for the order number, no link", **known),
        ]
    return [
        Plan(0, why + _answered(s), contact, **known),
        Plan(1, "order problem: ask for the order number, contact link", contact, **known),
        Plan(2, "order problem: ask for the order number, no link", **known),
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


def sensitive(s: Situation) -> list[Plan]:
    """Allergies, health and safety, legal threats, the press: a person answers."""
    topic = s.sensitive or "health"
    contact = s.catalog.first("contact")
    why = (f"sensitive ({topic}): a person must answer (urgent); safe holding reply, "
           "no sales link")
    # The brand's own FAQ words (its allergens, its warning about traces) go with the holding
    # reply. An allergen answer that matches the question closely is answered in those words
    # and a person confirms; otherwise someone must look at once.
    faq_words = tuple(item for item in s.answers.items if item["type"] == "faq") \
        if topic == "allergy" else ()
    sure = [m for m in s.asked.faq if m.score >= SURE_ALLERGEN_ANSWER
            and _ALLERGENS & set(concept_terms(" ".join(variants(m.entry.faq.answer))))]
    urgent = not (faq_words and sure)
    if not urgent:
        why = (f"sensitive ({topic}): the FAQ's allergen answer in the brand's own words, a "
               "person to confirm, no sales link")
    elif faq_words:
        why += "; the FAQ's answer in the brand's own words"
    shown = wording(topic)  # the holding reply's wording (a threat is answered as legal)
    return [
        Plan(0, why, urgent=urgent, topic=shown, answers=faq_words),
        Plan(1, f"{why}; contact link", contact, urgent=urgent, topic=shown, answers=faq_words),
        Plan(2, why, urgent=urgent, topic=shown, answers=faq_words),
    ]


def praise(s: Situation) -> list[Plan]:
    review, refer = s.catalog.first("review"), s.catalog.first("refer")
    known = _talk_knowledge(s)
    if not s.catalog.promotions:
        return [Plan(0, "happy customer who opted out of marketing: just thank them", **known),
                Plan(2, "happy customer, opted out: thank them", **known)]
    if _ACKNOWLEDGEMENT.match(s.text):
        why = "a plain thank-you or acknowledgement: thank them, no ask"
        return [Plan(2, why, **known), Plan(1, why, **known)]
    plans = []
    if review:
        plans.append(Plan(0, "happy customer: thank them, then ask for a review", review,
                          **known))
    if refer:
        plans.append(Plan(1, "happy customer: thank them, then ask for a referral", refer,
                          **known))
    plans.append(Plan(2, "happy customer: thank them, no ask this time", **known))
    return plans


# Replies that only acknowledge ("ok", "lol ok", "cool thanks"): never the moment for an ask.
_ACKNOWLEDGEMENT = re.compile(
    r"^\W*(ok(ay)?|k|kk|lol|haha+|cool|great|nice|thanks?|thank you|thx|ta|cheers|sure|fine|"
    r"alright|got it|perfect|lovely|brill|yep|yes|yeah|no worries|np|gracias|vale|merci|"
    r"d'accord|danke|super|gut|bien)([\s,.!]+(ok(ay)?|k|lol|haha+|cool|great|thanks?|thx|"
    r"cheers|then|so much|a lot|mate|guys|you|x+))*\W*$", re.IGNORECASE)


def chit_chat(s: Situation) -> list[Plan]:
    since, cadence = s.state.customer_messages_since_cta, s.cadence
    known = _talk_knowledge(s)
    if s.classification.low_confidence:
        # It may be a complaint or a question the model did not recognise: ask what they
        # need (or answer what the config knows), and never sell to a message nobody
        # understood.
        unsure = f"unsure what they mean ({s.classification.confidence:.0%} confident)"
        if s.answers:
            why = f"{unsure}, but the config answers it{_answered(s)}: no call-to-action"
            return [Plan(v, why, **known) for v in range(3)]
        why = f"{unsure}: ask what they need, no call-to-action until it is clear"
        return [Plan(v, why, unsure=True, **known) for v in range(3)]
    acknowledgement = bool(_ACKNOWLEDGEMENT.match(s.text))
    if since < cadence or not s.catalog.promotions or acknowledgement:
        why = "opted out, so no ask" if not s.catalog.promotions \
            else "a plain acknowledgement is no moment to ask" if acknowledgement \
            else f"no CTA yet ({since} of {cadence} messages since the last one)"
        return [Plan(v, f"small talk: keep the conversation going, {why}", **known)
                for v in range(3)]
    offers = s.offers(buying=False, in_store=False)
    offer = offers[0] if offers else None
    offer_link = s.catalog.offer_cta(offer)
    gentle = s.catalog.first("learn") or offer_link or s.catalog.first("offer", "buy")
    why = f"{since} messages since the last call-to-action: time for a gentle ask"
    plans = [Plan(0, f"small talk; {why} ({gentle.kind} link)" if gentle
                  else f"small talk; {why}", gentle, **known)]
    if offer is not None and offer_link is not None and offer_link is not gentle:
        plans.append(Plan(1, f"small talk; {why}: mention the offer \"{offer.title}\"",
                          offer_link, offer, **known))
    plans.append(Plan(2, "small talk: keep the conversation going, no ask this time", **known))
    return plans


def unsubscribe(s: Situation) -> list[Plan]:
    why = ("asked to stop: confirm exactly what stops (offers and sales links in our replies "
           "to them); the opt-out is recorded")
    return [Plan(0, why), Plan(1, why)]


def route(s: Situation) -> str:
    """The policy to answer with: the intent's, unless the brand's knowledge says better.

    A sensitive question goes to a person whatever its intent; a message the classifier took
    for a shop visit or small talk that the FAQ or the products answer is answered as the
    product or price question it is."""
    intent = s.classification.intent
    if s.sensitive:
        return "sensitive"
    if intent == "chit_chat" and s.state.previous_intent == "complaint" and not s.answers \
            and not _ACKNOWLEDGEMENT.match(s.text):
        return "complaint"  # "I'm leaving" after a complaint: still for a person, now
    going_on = _goes_on_from(s)
    if going_on and intent not in ("complaint", "unsubscribe"):
        intent = going_on
    guess = intent == "chit_chat" or s.classification.low_confidence
    if guess and (s.asked.products or s.asked.categories) \
            and not any(c.question for c in s.asked.clauses) \
            and s.state.previous_intent in ("purchase_intent", "pricing", "product_question"):
        intent = s.state.previous_intent  # "and a christmas tree too": more of the same
    answered = bool(s.answers)
    opens = intent != "order_support" or bool(OPENS.search(fold(s.text))
                                               or OPEN_DE.search(fold(s.text)))
    if intent in ("purchase_intent", "product_question", "chit_chat", "order_support") \
            and opens and s.answers.hours and not s.asked.price \
            and days_asked(s.text, s.day).named:
        return "store_visit"  # "are you open on the 31st? we'd like to come by": hours first
    if intent in ("complaint", "unsubscribe", "order_support", "praise"):
        return intent
    if intent in ("chit_chat", "product_question") and not answered and (
            s.answers.hours or (s.stores.named(s.text) and days_asked(s.text, s.day).named)):
        return "store_visit"  # "mill road 24 dec?": a shop and a day
    if intent == "store_visit" and answered and not s.answers.hours:
        return "pricing" if s.asked.price and s.asked.products else "product_question"
    if intent == "chit_chat" and answered and not s.classification.low_confidence:
        return "pricing" if s.asked.price and s.asked.products else "product_question"
    if intent == "product_question" and s.asked.price and s.asked.products and \
            not s.asked.faq:
        return "pricing"
    return intent


# A customer's own order, parcel or booking: the order desk, not the FAQ, answers that.
_MY_ORDER = re.compile(
    r"(?<![a-z])(?:(?:my|our) (?:order|parcel|package|delivery|booking)|mi pedido|mi paquete"
    r"|mi reserva|ma commande|mon colis|ma reservation|meine bestellung|mein paket"
    r"|meine lieferung|meine buchung)(?![a-z])|#\s*\d+|\d{4,}")


def _goes_on_from(s: Situation) -> str:
    """The intent a short follow-up carries on ("and the 1st?" after an hours question is
    about hours; "¿y la pequeña?" after a price, a price), or "" when it is not one."""
    before = s.state.previous_intent
    if not s.asked.follow_up or not before:
        return ""
    if before in ("pricing", "product_question", "purchase_intent") and (
            s.asked.products or s.asked.categories):
        return "pricing" if s.asked.price and s.asked.products else before
    asked_hours = before == "store_visit" or bool(
        s.state.earlier_texts and HOURS.search(fold(s.state.earlier_texts[-1])))
    if asked_hours and (days_asked(s.text, s.day).named or s.stores.named(s.text)):
        return "store_visit"
    return ""


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
    "sensitive": sensitive,
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
    "sensitive": frozenset({"contact"}),
}


def plan(s: Situation) -> list[Plan]:
    """The plans for this situation, each checked against the intent's allowed CTA kinds.

    An unsure guess says so first in every plan's rationale ("Not sure: complaint or
    order_support?"); a strongly negative message makes every plan urgent, whatever its intent.
    """
    c = s.classification
    intent = route(s)
    plans = POLICIES[intent](s)
    allowed = ALLOWED_KINDS[intent]
    plans = [p for p in plans if p.cta is None or (p.cta.kind in allowed
                                                   and s.catalog.usable(p.cta))]
    if intent != c.intent:
        plans = [replace(p, rationale=f"{handled_note(c.intent, intent)}: {p.rationale}")
                 for p in plans]
    if c.not_sure:
        plans = [replace(p, rationale=f"{c.not_sure} {p.rationale}") for p in plans]
    if c.urgent:
        plans = [p if p.urgent else replace(p, urgent=True, rationale=f"{p.rationale}; "
                                            "strongly negative wording: urgent")
                 for p in plans]
    elif _complaint_goes_on(s, intent):
        plans = [p if p.urgent else replace(p, urgent=True, rationale=f"{p.rationale}; "
                                            "follow-up to a complaint: urgent")
                 for p in plans]
    return plans


def _complaint_goes_on(s: Situation, intent: str) -> bool:
    """A message in a thread already flagged urgent, or right after a complaint, that is not a
    thank-you ("and the bag was split too", "I'm leaving") keeps the thread with a person."""
    return ((s.state.urgent or s.state.previous_intent == "complaint")
            and intent not in ("praise",) and not _ACKNOWLEDGEMENT.match(s.text))
