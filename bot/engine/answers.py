"""Answers from the brand's own knowledge, and the offers and add-ons that fit a message.

Knowledge first: each question in the message gets its answer from the config (a product's
price or stock, an FAQ answer); a question nothing in the config answers makes the reply say the
team will check, and tells the team to add an answer. Nothing here invents a fact.

Offers fit when they apply to what the customer is talking about (`applies_to` names one of
its products or their category), or when they are shop-wide and the customer asks about price
or buying. Each is mentioned at most once in a thread unless the customer asks about deals; an
overstocked product is suggested as an add-on at most once per thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.config import Offer, Product
from bot.engine.catalog import Catalog
from bot.engine.products import ProductDirectory
from bot.engine.questions import Asked, fold
from bot.engine.types import ThreadState

MAX_PRODUCTS = 5
_PRICE_IN = re.compile(r"[£$€¥]|\d+[.,]\d\d|\d+ ?(eur|euros?|pounds?|dollars?|chf)\b", re.I)
STOCK_WORDS = {
    "normal": "in stock", "overstock": "plenty in stock", "low": "running low",
    "out": "sold out",
}


@dataclass(frozen=True)
class Answers:
    """What the reply states from the config, in the order the customer asked."""

    items: tuple[dict, ...] = ()  # values for the templates' `answers` macro
    facts: tuple[str, ...] = ()  # the same, as plain English facts for the review and the LLM
    sources: tuple[str, ...] = ()  # where each answer came from, for the rationale
    checking: bool = False  # something asked is not in the config: the team will check
    hours: bool = False  # a clause asks about opening hours or the way to a shop
    notes: tuple[str, ...] = field(default=())
    # The clauses nothing in the config answers, in the order asked: kept as knowledge gaps.
    unanswered: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.items)


NO_ANSWER_NOTE = "no answer in your FAQ or products: add one?"


def _product_item(products: ProductDirectory, product: Product, *, price: bool,
                  stock: bool, lang: str, describe: bool = False) -> tuple[dict, str]:
    shown_price = products.price(product, lang) if price else ""
    # Asked for the price: "sold out" or "only a few left" matters too; otherwise stock is
    # said only when asked.
    stock_shown = product.stock if stock or (price and product.stock in ("low", "out")) else ""
    # No fixed price ("a gift card of any amount from 10 € to 150 €"): its description says
    # what it costs, when it names an amount.
    priced_by_words = price and product.price is None and bool(_PRICE_IN.search(
        product.description))
    item = {"type": "product", "name": product.name, "price": shown_price,
            "stock": stock_shown,
            "description": product.description
            if priced_by_words or describe or not (price or stock) else ""}
    fact = product.name
    if shown_price:
        fact += f" costs {shown_price}"
    if stock_shown:
        fact += f" ({STOCK_WORDS[stock_shown]})"
    if item["description"]:
        fact += f": {product.description}"
    return item, fact


def _talked(clause, asked: Asked, products: ProductDirectory) -> tuple[Product, ...]:
    """The products a clause talks about: named in it, or (for a question about price or
    stock that names nothing, "and how much is it?") those of the message or the thread."""
    talked = clause.products or (asked.products if asked.earlier_products else ())
    # A category named in passing ("I want cheeses for Christmas Eve") is no question about
    # each of its products.
    if not talked and clause.categories and (clause.question or clause.price or clause.stock):
        talked = tuple(p for c in clause.categories for p in products.in_category(c))
    if not talked and (clause.price or clause.stock) and not clause.faq \
            and not clause.subject_words:
        talked = asked.products
    return tuple(talked)


def knowledge_answers(asked: Asked, products: ProductDirectory, lang: str = "en") -> Answers:
    """One answer per question in the message, from the products and the FAQ."""
    items: list[dict] = []
    facts: list[str] = []
    sources: list[str] = []
    seen: set[str] = set()
    checking = hours = False
    unanswered: list[str] = []

    def missing(clause) -> None:
        nonlocal checking
        checking = True
        if clause.text not in unanswered:
            unanswered.append(clause.text)

    def add(item: dict, fact: str, source: str) -> None:
        if fact not in seen:
            seen.add(fact)
            items.append(item)
            facts.append(fact)
            sources.append(source)

    # Each product once a reply, where it is first talked about, with everything asked of it
    # anywhere in the message ("is the tome 3 in? how much is it?").
    talks = [(clause, _talked(clause, asked, products)) for clause in asked.clauses]
    price_of = {id(p) for clause, talked in talks if clause.price for p in talked}
    stock_of = {id(p) for clause, talked in talks if clause.stock for p in talked}
    # "When is the paella class, and how much?": the description answers the "when".
    about = {id(p) for clause, talked in talks
             if clause.question and not (clause.price or clause.stock) and not clause.faq
             for p in clause.products}
    shown: set[int] = set()
    for clause, talked in talks:
        described = any(p.description for p in talked)
        if talked and (clause.price or clause.stock or (described and not clause.faq)):
            for product in talked[:MAX_PRODUCTS]:
                if id(product) in shown:
                    continue
                shown.add(id(product))
                price, stock = id(product) in price_of, id(product) in stock_of
                item, fact = _product_item(products, product, price=price, stock=stock,
                                           lang=lang, describe=id(product) in about)
                if price and product.price is None and not (
                        item["description"] and _PRICE_IN.search(item["description"])):
                    missing(clause)
                if item["price"] or item["stock"] or item["description"]:
                    add(item, fact, f'product "{product.name}"')
                elif not clause.faq:
                    missing(clause)
            continue
        if clause.hours:
            hours = True
        elif clause.faq is not None:
            entry = clause.faq.entry.faq
            add({"type": "faq", "text": entry.answer}, entry.answer,
                f'FAQ "{entry.question}" ({clause.faq.score:.0%} match)')
            if clause.price and not _PRICE_IN.search(entry.answer):
                missing(clause)  # the answer is about it, but the price asked is not there
        elif clause.question and clause.subject_words:
            missing(clause)
    notes = (NO_ANSWER_NOTE,) if checking else ()
    return Answers(tuple(items), tuple(facts), tuple(sources), checking, hours, notes,
                   tuple(unanswered))


def offers_mentioned(state: ThreadState, offers: list[Offer]) -> set[str]:
    """The offers already put to this customer in the thread (sent with a reply, or whose
    code or wording a reply contained)."""
    said = fold(" ".join(state.said))
    found = set(state.offers_sent)
    for offer in offers:
        if (offer.code and offer.code.casefold() in said) or fold(offer.text) in said:
            found.add(offer.id)
    return found


def offer_fits(offer: Offer, asked: Asked, products: ProductDirectory, *,
               buying: bool) -> bool:
    """Whether the offer is about what the customer is talking about (or shop-wide and they
    are asking about price or buying)."""
    if not offer.applies_to:
        return buying
    talked = list(asked.products) + [p for c in asked.categories for p in products.in_category(c)]
    for name in offer.applies_to:
        if any(products.matches(name, p) for p in talked):
            return True
        if any(fold(name) == fold(c) for c in asked.categories):
            return True
    return False


def asks_about(offer: Offer, asked: Asked, text: str) -> bool:
    """Whether the customer asks about deals, or names this offer or its code."""
    folded = fold(text)
    return asked.offer or (offer.code and offer.code.casefold() in folded) or \
        fold(offer.title) in folded


def fitting_offers(catalog: Catalog, asked: Asked, products: ProductDirectory,
                   state: ThreadState, text: str, *, buying: bool,
                   in_store: bool | None = None) -> list[Offer]:
    """The offers valid today that fit this message and were not already put to the customer."""
    valid = catalog.offers(in_store=in_store)
    before = offers_mentioned(state, valid)
    fitting = [o for o in valid
               if offer_fits(o, asked, products, buying=buying or asks_about(o, asked, text))
               and (o.id not in before or asks_about(o, asked, text))]
    if in_store is None:
        fitting.sort(key=lambda offer: offer.in_store)  # an online offer first
    # One scoped to what they are talking about beats a shop-wide one.
    fitting.sort(key=lambda offer: not offer.applies_to)
    return fitting


def _said(state: ThreadState, words: str) -> bool:
    pattern = re.compile(rf"(?<![a-z]){re.escape(fold(words))}(?![a-z])")
    return any(pattern.search(fold(text)) for text in state.said)


def overstock_addon(catalog: Catalog, asked: Asked, products: ProductDirectory,
                    state: ThreadState) -> Product | None:
    """An overstocked product to suggest alongside what they buy, once per thread: one of the
    category they are buying from (it goes with their order). None when they named it
    themselves, or it was suggested before."""
    if not catalog.promotions:
        return None
    named = set(id(p) for p in asked.products)
    categories = {p.category for p in asked.products if p.category} | set(asked.categories)
    plenty = [p for p in products.products if p.stock == "overstock" and id(p) not in named
              and p.price is not None and p.category in categories]
    for product in plenty:
        if not _said(state, product.name):
            return product
    return None
