"""The embedded suggestion engine: intent, stage, replies and calls-to-action.

`Engine(config)` is cheap to build; the intent model is loaded (or trained and cached) on the
first message. `suggest()` is deterministic: the same text, thread state, time and config give
the same suggestions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path

from bot.config import CTA, Config, Offer, Product
from bot.engine.answers import NO_ANSWER_NOTE, STOCK_WORDS
from bot.engine.catalog import Catalog
from bot.engine.classifier import IntentClassifier
from bot.engine.knowledge import Knowledge
from bot.engine.language import detect_language, warm_detector
from bot.engine.links import DEFAULT_CAMPAIGN, tag_url
from bot.engine.memory import key, repeats, said_before, sentences, talk, without_repeats
from bot.engine.policy import Plan, Situation, plan, route
from bot.engine.products import ProductDirectory
from bot.engine.render import Renderer, pick_wording
from bot.engine.shops import ShopDirectory, ShopHours, long_date
from bot.engine.text import clean
from bot.engine.types import (
    STAGES,
    Classification,
    Gap,
    Suggestion,
    SuggestionSet,
    ThreadState,
)
from bot.engine.words import Words, english, words_for
from bot.translations import in_language, missing_texts, variants

__all__ = ["Engine"]


@dataclass(frozen=True)
class _View:
    """What the engine answers from, in one language."""

    config: Config
    knowledge: Knowledge
    stores: ShopDirectory
    products: ProductDirectory


class Engine:
    def __init__(self, config: Config, *, cache_dir: Path | None = None):
        self.config = config
        self.classifier = IntentClassifier(config.engine.confidence_threshold, cache_dir,
                                           embedding_dir=config.engine.embedding_model)

    @cached_property
    def _knowledge(self) -> Knowledge:
        shops = " ".join(f"{' '.join(variants(store.name))} {store.address} "
                         f"{' '.join(store.aliases)}" for store in self.config.stores)
        return Knowledge(self.config.faq, self.config.products,
                         self.config.engine.faq_threshold, ignore=shops)

    @cached_property
    def _views(self) -> dict[str, _View]:
        return {}

    def _view(self, lang: str) -> _View:
        """The config, knowledge, shops and products with every text in `lang` (built once
        per language; the matching indexes are shared, since they know every language)."""
        view = self._views.get(lang)
        if view is None:
            config = in_language(self.config, lang)
            view = _View(config,
                         self._knowledge.in_language(config.faq, config.products),
                         ShopDirectory(config.stores),
                         ProductDirectory(config.products, config.brand.currency))
            self._views[lang] = view
        return view

    @cached_property
    def _renderer(self) -> Renderer:
        return Renderer()

    def warm(self) -> None:
        """Get everything ready now rather than on the first customer message: the FAQ and
        product index, the shops, the reply templates, the language detector, and the intent
        model (loaded from its cache, or trained on a fresh install, which takes a second or
        two).

        Safe to run in another thread: a suggestion asked for meanwhile waits for the model.
        """
        self._knowledge  # noqa: B018 - building it is the point
        for lang in {self.config.brand.language, *self.config.brand.languages}:
            self._view(lang)
        self._renderer.load_all()
        warm_detector()
        self.classifier.model  # noqa: B018

    @property
    def ready(self) -> bool:
        """Whether the intent model is loaded, so a suggestion needs no wait."""
        return self.classifier.loaded

    def classify(self, text: str) -> Classification:
        return self.classifier.classify(text)

    def classify_many(self, texts: Iterable[str]) -> list[Classification]:
        return self.classifier.classify_many(texts)

    def language(self, text: str, earlier: tuple[str, ...] = ()) -> tuple[str, str]:
        """(the language to reply in, the language the customer wrote in or "")."""
        brand = self.config.brand
        wrote_in = detect_language(text, earlier)
        reply_in = wrote_in if wrote_in in brand.languages else brand.language
        return reply_in, wrote_in

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
        corrected = intent is not None  # a person said what it is: the review shows that
        classification = self.classify(text) if intent is None \
            else Classification(intent, 1.0, STAGES[intent])
        moment = now.astimezone(self.config.zone)
        day = moment.date()
        lang, wrote_in = self.language(text, state.earlier_texts)
        view = self._view(lang)
        situation = Situation(
            text=text,
            classification=classification,
            state=state,
            day=day,
            config=view.config,
            # An opt-out the team is asked to confirm sells nothing meanwhile.
            catalog=Catalog(view.config, day, promotions=not (
                state.opted_out or classification.unsure_opt_out)),
            knowledge=view.knowledge,
            stores=view.stores,
            products=view.products,
            moment=moment,
            words=words_for(lang),
        )
        intent = route(situation)
        notes = list(situation.answers.notes) if intent not in ("sensitive", "complaint") \
            else []
        if intent in STAGES and intent != classification.intent and not corrected:
            # The review's Intent line shows what the reply answers: "and the 1st?" after an
            # hours question is a store visit, whatever the model made of three words.
            notes.insert(0, f"read as {intent} (the model said {classification.intent}, "
                            f"{classification.confidence:.0%})")
            classification = replace(classification, intent=intent, stage=STAGES[intent],
                                     low_confidence=False, alternatives=())
        if wrote_in and wrote_in != lang:
            name = words_for("en").get("language_names").get(wrote_in, wrote_in)
            notes.append(f"the customer wrote in {name}: replied in "
                         f"{words_for('en').get('language_names')[lang]}")
        said = said_before(state.said)
        candidates = [self._render(intent, chosen, platform, lang, notes, said,
                                   state.thread_key, view)
                      for chosen in plan(situation)]
        # Of the alternatives, those that repeat nothing said in the thread come first.
        candidates.sort(key=lambda c: c[1])
        suggestions: list[Suggestion] = []
        for suggestion, _ in candidates:
            if all(_different(suggestion, other) for other in suggestions):
                suggestions.append(suggestion)
            if len(suggestions) == self.config.engine.max_suggestions:
                break
        return SuggestionSet(classification, suggestions, lang=lang, wrote_in=wrote_in,
                             handled_as=intent if intent != classification.intent else "",
                             gap=_gap(situation, view) if NO_ANSWER_NOTE in notes else None)

    def faq_answers(self, text: str) -> str | None:
        """The question of the FAQ entry that answers `text` (as a customer message's clause
        would be matched), else None: a knowledge gap closes once one does."""
        match = self._view(self.config.brand.language).knowledge.best(clean(text),
                                                                     faq_only=True)
        return match.entry.faq.question if match is not None else None

    def _render(self, intent: str, chosen: Plan, platform: str, lang: str, notes: list[str],
                said: set[str], thread_key: str, view: _View) -> tuple[Suggestion, int]:
        """The suggestion for one plan, and how many sentences it had to leave out because
        they were said before in the thread."""
        cta, offer = chosen.cta, chosen.offer
        wording = pick_wording(thread_key, intent,
                               self._renderer.wordings(f"{intent}.j2", lang))
        cta_url = tag_url(cta.url, platform=platform, campaign=cta.campaign) if cta else None
        map_campaign = cta.campaign if cta else DEFAULT_CAMPAIGN
        brand = view.config.brand
        words = words_for(lang)
        values = dict(
            variant=chosen.variant,
            brand={"name": brand.name, "emoji": brand.emoji},
            cta={"label": cta.label, "url": cta_url, "kind": cta.kind} if cta else None,
            offer=_offer_values(offer, words),
            answer=chosen.answer,
            answers=list(chosen.answers),
            checking=chosen.checking,
            addon=_addon_values(chosen.addon, view.products, lang),
            stores=[_store_values(s, platform, map_campaign, cta) for s in chosen.stores],
            also_open=[_store_values(s, platform, map_campaign, cta) for s in chosen.also_open],
            when=chosen.when,
            offer_at=list(chosen.offer_at),
            unsure=chosen.unsure,
            topic=chosen.topic,
        )
        text = self._renderer.render(intent, lang, wording, **values)
        # Only the fallbacks the reply really shows (a shop's note may not be).
        untranslated = [fallback.where for fallback in missing_texts(values)
                        if str(fallback) in text]
        facts = [*(f for s in (*chosen.stores, *chosen.also_open) for f in s.facts())]
        if offer is not None:
            where = f" (at {' and '.join(chosen.offer_at)})" if chosen.offer_at else ""
            facts.append(offer_summary(offer) + where)
        facts += _answer_facts(chosen.answers)
        if chosen.addon is not None:
            facts.append(f"{chosen.addon.name} costs {view.products.price(chosen.addon, lang)} "
                         "(plenty in stock)")
        repeated = len(repeats(text, said, tuple(facts)))
        text = without_repeats(text, said, tuple(facts))
        if not any(not URL.search(line) for line in sentences(text)):
            text = _fallback(words, said) + ("\n\n" + text if text else "")
        rationale = chosen.rationale
        if untranslated:
            name = words_for("en").get("language_names").get(lang, lang)
            notes = [*notes, f"no {name} text in the config for {', '.join(untranslated)}: "
                             f"written in the brand's language"]
        if notes:
            rationale += "; " + "; ".join(notes)
        return Suggestion(
            text=text,
            rationale=rationale,
            cta_id=cta.id if cta else None,
            cta_kind=cta.kind if cta else None,
            cta_label=cta.label if cta else None,
            cta_url=cta_url,
            offer_id=offer.id if offer else None,
            urgent=chosen.urgent,
            facts=tuple(facts),
            variant=wording,
        ), repeated


URL = re.compile(r"https?://\S+")


def _gap(situation: Situation, view: _View) -> Gap:
    """What the replies could not answer, and the shop it is about when one is meant."""
    asked = " ".join(situation.answers.unanswered) or situation.text
    meant = view.stores.meant(situation.text, situation.state.earlier_texts) \
        if view.config.stores else []
    return Gap(asked, str(meant[0].name) if len(meant) == 1 else "")


def _different(one: Suggestion, other: Suggestion) -> bool:
    """Whether two alternatives differ in their words or their link, not only in punctuation."""
    return talk(one.text) != talk(other.text) or one.cta_id != other.cta_id


def _fallback(words: Words, said: set[str]) -> str:
    options = words.table.get("fallbacks") or english().get("fallbacks")
    return next((line for line in options if key(line) not in said), options[-1])


def _answer_facts(answers: tuple[dict, ...]) -> list[str]:
    facts = []
    for item in answers:
        if item["type"] == "faq":
            facts.append(item["text"])
            continue
        fact = item["name"]
        if item.get("price"):
            fact += f" costs {item['price']}"
        if item.get("stock"):
            fact += f" ({STOCK_WORDS[item['stock']]})"
        if item.get("description"):
            fact += f": {item['description']}"
        facts.append(fact)
    return facts


def _addon_values(product: Product | None, products: ProductDirectory,
                  lang: str) -> dict | None:
    if product is None:
        return None
    return {"name": product.name, "price": products.price(product, lang)}


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


def _offer_values(offer: Offer | None, words: Words) -> dict | None:
    if offer is None:
        return None
    return {
        "title": offer.title,
        "text": offer.text,
        "code": offer.code,
        "until": long_date(offer.end, words) if offer.end else "",
        "in_store": offer.in_store,
    }


def _store_values(shop: ShopHours, platform: str, campaign: str, cta: CTA | None) -> dict:
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
             "next_open": day.next_open, "note": day.note, "now": day.now,
             "until": day.until, "opens_at": day.opens_at,
             "closed_when_asked": day.closed_when_asked}
            for day in shop.days
        ],
        "phone": store.phone,
        "map_url": map_url,
    }
