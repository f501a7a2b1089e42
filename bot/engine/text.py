"""Customer text made safe and comparable: cut, cleaned, normalised, split into features.

The same functions feed training and prediction, so what the model learned and what it sees
can never drift apart. They are plain Python (no scikit-learn) so that answering a message
needs only numpy once the model is cached.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Enough for any chat message; a 50,000-character paste is cut, never processed whole.
MAX_CHARS = 1_000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
# Slack <@U123>, <#C123|name>, <!here>; Discord <@123>, <@&123>, <#123>; plain @name.
_MENTION = re.compile(r"<[@#!][^>\s]*>|(?<!\w)@\w+")
_HTML_TAG = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?/?>", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_APOSTROPHE = re.compile(r"(?<=\w)['’`](?=\w)")
_SPACES = re.compile(r"\s+")
# A word is a run of letters/digits; "?" "!" "£" "$" "€" "%" and each emoji count as words too,
# since "??" or "😡" say a lot about intent.
_TOKEN = re.compile(r"\w+|[?!£$€%]|[^\w\s.,;:'\"()\[\]{}<>/\\|*_~^`=+#&-]")

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)


def clean(text: str, limit: int = MAX_CHARS) -> str:
    """The text with invisible and control characters removed, cut to `limit` characters."""
    if not isinstance(text, str):
        text = str(text)
    text = text[: limit * 2]  # cheap first cut: later steps never see a huge string
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()[:limit]


def normalise(text: str) -> str:
    """Lower-case, unicode-folded text where links, mentions and numbers are placeholders."""
    text = unicodedata.normalize("NFKC", clean(text)).casefold()
    text = _URL.sub(" urltoken ", text)
    text = _EMAIL.sub(" emailtoken ", text)
    text = _MENTION.sub(" mentiontoken ", text)
    text = _HTML_TAG.sub(" ", text)
    text = _DIGITS.sub("0", text)
    text = _APOSTROPHE.sub("", text)
    return _SPACES.sub(" ", text).strip()


# A "word" longer than this is a paste, a hash or a key-mash: it tells nothing about intent.
LONGEST_WORD = 30


def for_embedding(text: str) -> str:
    """The text as the sentence encoder should read it: cleaned, with case, accents and
    punctuation kept (they carry meaning), but links, addresses, mentions and over-long
    "words" taken out (a 1,000-character key-mash would drown the message)."""
    text = _MENTION.sub(" ", _EMAIL.sub(" ", _URL.sub(" ", clean(text))))
    words = [word for word in text.split() if len(word) <= LONGEST_WORD]
    return " ".join(words)


def tokens(normalised: str) -> list[str]:
    return _TOKEN.findall(normalised)


def word_features(normalised: str) -> list[str]:
    """Words and word pairs; a start marker lets "thanks ..." differ from "... no thanks"."""
    words = tokens(normalised)
    features = list(words)
    padded = ["^", *words]
    features += [f"{a} {b}" for a, b in zip(padded, padded[1:], strict=False)]
    return features


def char_features(normalised: str) -> list[str]:
    """Character n-grams inside each padded word: robust to typos, slang and missing spaces."""
    low, high = CHAR_NGRAMS
    features = []
    for word in normalised.split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if n > size:
                break
            features += [padded[i : i + n] for i in range(size - n + 1)]
    return features


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of neighbours as one slip ("thrusday"), capped at limit+1.

    Used to forgive one or two typos in a day, month or product name."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # Each slip mends at most one letter the two do not share: a cheap bound before the table.
    if max(len(a), len(b)) - sum((Counter(a) & Counter(b)).values()) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)
