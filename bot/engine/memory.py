"""Thread memory: what was already said to this customer is not said again.

A sentence the team already sent in the thread (an apology, a pitch, a question) is left out of
a new reply, and of two alternatives the one that repeats less comes first. Facts the customer
is asking for again (a price, hours, an address: anything with a number, or a sentence from
the config's answers) and link lines are kept, since leaving them out would leave the question
unanswered.
"""

from __future__ import annotations

import re

from bot.engine.questions import fold

_SENTENCE_END = re.compile(
    r"(?<=[.!?])\s+|(?<=[\U0001F300-\U0001FAFF\u2600-\u27BF])\s+(?=[A-Z¿¡ÀÂÄÉÈÊÎÏÔÖÙÛÜÑ])")
_URL = re.compile(r"https?://\S+")
_DIGIT = re.compile(r"\d")


def sentences(text: str) -> list[str]:
    """The sentences of a reply, paragraph by paragraph."""
    found = []
    for paragraph in text.split("\n"):
        found += [part.strip() for part in _SENTENCE_END.split(paragraph) if part.strip()]
    return found


def key(sentence: str) -> str:
    """A sentence as compared: folded, without emoji, spaces or punctuation."""
    return re.sub(r"[\W_]+", " ", fold(sentence)).strip()


def is_fact(sentence: str, facts: tuple[str, ...] = ()) -> bool:
    """Whether a sentence states a fact or a link (kept even when said before)."""
    if _URL.search(sentence) or _DIGIT.search(sentence):
        return True
    folded = key(sentence)
    return any(folded and (folded in key(fact) or key(fact) in folded) for fact in facts if fact)


def said_before(state_said: tuple[str, ...]) -> set[str]:
    return {key(s) for text in state_said for s in sentences(text) if key(s)}


def repeats(text: str, said: set[str], facts: tuple[str, ...] = ()) -> list[str]:
    """The sentences of `text` already said in the thread (facts and links aside)."""
    return [s for s in sentences(text) if key(s) in said and not is_fact(s, facts)]


def without_repeats(text: str, said: set[str], facts: tuple[str, ...] = ()) -> str:
    """`text` with the sentences already said left out (paragraphs kept)."""
    if not said:
        return text
    paragraphs = []
    for paragraph in text.split("\n\n"):
        kept = [s for s in sentences(paragraph) if key(s) not in said or is_fact(s, facts)]
        if kept:
            paragraphs.append(" ".join(kept))
    return "\n\n".join(paragraphs)


def talk(text: str) -> set[str]:
    """The conversational sentences of a reply (no facts, no links): what makes two
    alternatives different to the person choosing."""
    return {key(s) for s in sentences(text) if not _URL.search(s)}
