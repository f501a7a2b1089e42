"""The checks of a brand conversation set (bench/brands, ../shared/eval/brands), judged on the
first suggestion for a customer message. The keys and their meaning are those of the shared
set's README: has, has_any, not, cta, offers, offer, urgent, lang, intent.

Text is matched the way that README says: case ignored, all whitespace removed from both sides
(so "12,50 €" matches "12,50€" and a narrow no-break space), the typographic apostrophe ’ read
as '. Kept apart from the replay so each rule can be tested on a hand-made suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

KEYS = ("has", "has_any", "not", "cta", "offers", "offer", "urgent", "lang", "intent")
LANGUAGES = ("en", "de", "es", "fr")
# A sentence this long in another of the four languages is a sentence the customer cannot read,
# even when the rest of the reply is in theirs; shorter ones (a product's name) are left alone.
SENTENCE_WORDS = 5

_SPACE = re.compile(r"\s+")
_LINK = re.compile(r"(https?://|www\.)\S+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def norm(text: str) -> str:
    """Text as the checks compare it: lower case, no whitespace at all, ’ as '."""
    return _SPACE.sub("", text.replace("\u2019", "'")).lower()


def mentioned_offers(suggestion: Mapping, codes: Mapping[str, str]) -> set[str]:
    """The offers a suggestion mentions: its offer_id, and every offer whose code is in the
    text."""
    text = norm(suggestion.get("text") or "")
    found = {offer for offer, code in codes.items() if code and norm(code) in text}
    if suggestion.get("offer_id"):
        found.add(suggestion["offer_id"])
    return found


def reply_languages(text: str, wanted: str, names: Iterable[str],
                    detect: Callable[[str], str]) -> tuple[str, list[str]]:
    """The language the reply reads in ("" when it cannot be told), and its longer sentences
    that read in another of the four languages than `wanted`. Links and proper names (the
    brand's, the stores' names and addresses) are left out first: they read the same in every
    language."""
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = text.replace(name, " ")
    text = _LINK.sub(" ", text)
    whole = detect(text)
    foreign = []
    for sentence in _SENTENCE.split(text):
        if len(sentence.split()) >= SENTENCE_WORDS:
            lang = detect(sentence)
            if lang in LANGUAGES and lang != wanted:
                foreign.append(f"{lang}: {sentence.strip()}")
    return whole, foreign


def check(suggestion: Mapping, checks: Mapping, codes: Mapping[str, str] | None = None,
          names: Iterable[str] = (), detect: Callable[[str], str] | None = None) -> dict[str, str]:
    """The checks the suggestion breaks, each with why; empty when it passes all of them.

    `suggestion` has the suggestions table's fields (text, cta_kind, offer_id, urgent, intent);
    `codes` maps each offer of the brand to its code; `names` are the proper names left out
    when telling the reply's language; `detect` tells a text's language (Nudge's own detector
    when None)."""
    codes = codes or {}
    text = norm(suggestion.get("text") or "")
    broken: dict[str, str] = {}
    missing = [want for want in checks.get("has", ()) if norm(want) not in text]
    if missing:
        broken["has"] = f"missing {missing}"
    if "has_any" in checks and not any(norm(want) in text for want in checks["has_any"]):
        broken["has_any"] = f"none of {checks['has_any']}"
    present = [bad for bad in checks.get("not", ()) if norm(bad) in text]
    if present:
        broken["not"] = f"has {present}"
    if "cta" in checks and suggestion.get("cta_kind") not in checks["cta"]:
        broken["cta"] = f"CTA {suggestion.get('cta_kind')} not in {checks['cta']}"
    offers = mentioned_offers(suggestion, codes)
    if "offers" in checks and offers - set(checks["offers"]):
        broken["offers"] = f"mentions {sorted(offers - set(checks['offers']))}"
    if "offer" in checks and checks["offer"] not in offers:
        broken["offer"] = f"does not mention {checks['offer']}"
    if "urgent" in checks and bool(suggestion.get("urgent")) != checks["urgent"]:
        broken["urgent"] = f"urgent should be {checks['urgent']}"
    if "intent" in checks and suggestion.get("intent") not in checks["intent"]:
        broken["intent"] = f"intent {suggestion.get('intent')} not in {checks['intent']}"
    if "lang" in checks:
        if detect is None:
            from bot.engine.language import detect_one as detect
        whole, foreign = reply_languages(suggestion.get("text") or "", checks["lang"], names,
                                         detect)
        if whole and whole != checks["lang"]:
            broken["lang"] = f"reply in {whole}, expected {checks['lang']}"
        elif foreign:
            broken["lang"] = f"a sentence in {foreign[0]}"
    return broken
