"""What an LLM draft must pass before the team sees it: the engine's facts and link, nothing more.

The model only words the reply. Anything it states that could mislead a customer (a price, a
percentage, a code, a date, an hour, any other number, a promise of something free) must
already be in the facts the engine decided; otherwise the whole draft is dropped and the
template reply stays. Links are repaired rather than rejected: any link but the decided catalog
link (and the links the engine's own reply already carries, such as a second shop's map) is
removed, and the decided link is put back if the model left it out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.types import Suggestion
from bot.llm.facts import RELATIVE_DAYS, SPELLED, Claims, codes_in, extract, offer_words_in

MAX_REPLY_CHARS = 600  # without the link: a chat reply, not an email

# Bare domains ("deals.shop/x") count as links too. Top-level domains that are also English
# words ("it", "me", "us") are left out: "box.It's" is a missing space, not a link.
_TLDS = (
    "com|net|org|io|co|uk|eu|de|fr|nl|ca|au|shop|store|online|site|app|dev|info|biz|ly|gl|"
    "link|page|xyz|example"
)
_URL_CHARS = r"[^\s<>()\[\]{}\"'`|]"
_URL = re.compile(
    rf"(?:https?://|www\.){_URL_CHARS}+"
    rf"|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})\b(?:/{_URL_CHARS}*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]{0,200})\]\(\s*([^)\s]+)\s*\)")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|([^>\n]*))?>")
_MENTION = re.compile(r"@(?:everyone|here|channel)\b|<[@!#][^>\s]*>")
_THINKING = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_FENCE = re.compile(r"^```[a-z]*\s*|\s*```$", re.IGNORECASE)
# "Sure, here is a friendlier reply:" is about the answer, not part of it; "Here's where to
# find us today:" is part of it, so only a first line that names the reply counts.
_PREAMBLE = re.compile(
    r"^(?:[^\n]{0,60}\b(?:reply|response|message|draft|version|rewrite|rewritten)\b"
    r"[^\n]{0,40}:\s*\n|(?:reply|response|draft)\s*:\s*)",
    re.IGNORECASE,
)
_REFUSAL = re.compile(
    r"\bas an ai\b|\blanguage model\b|\b(?:i|we)(?:'m| am| are)? (?:can(?:no|')?t|cannot|"
    r"(?:am |are )?unable to|won'?t be able to) (?:help|assist|comply|fulfil|fulfill|provide|"
    r"do that|write|create|generate)",
    re.IGNORECASE,
)
# Small models sometimes echo the prompt back: its tags, its headings, or a second preamble.
_PROMPT_ECHO = re.compile(
    r"</?[A-Za-z_][\w-]*>|untrusted|customer_message|brand voice|the team's draft|"
    r"here(?:'s| is) (?:the|my|a|your) (?:reply|response|draft|rewrite)|(?-i:\bFACTS\b)",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?'\")]"
_PROTECTED = "\ue000"
_REMOVED = "\ue001"
_DANGLING = re.compile(
    rf"(?:\s*\b(?:at|on|via|see|visit|from|here|to|or|and|in)\b)?\s*[:\-–—]?\s*{_REMOVED}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    """`text` is the reply to use, or None when the draft must be dropped (`reason` says why)."""

    text: str | None
    reason: str = ""

    @property
    def accepted(self) -> bool:
        return self.text is not None


def unwrap(draft: str) -> str:
    """The reply itself, without reasoning blocks, code fences, a preamble or wrapping quotes."""
    text = _THINKING.sub("", draft).strip()
    text = _FENCE.sub("", text).strip()
    text = _PREAMBLE.sub("", text, count=1).strip()
    if len(text) >= 2 and text[0] in "\"“'" and text[-1] in "\"”'":
        text = text[1:-1].strip()
    return text


class _Protector:
    """Swaps allowed spans (the decided link, a known email) for markers no check can read."""

    def __init__(self) -> None:
        self.kept: list[str] = []

    def keep(self, span: str) -> str:
        self.kept.append(span)
        return f"{_PROTECTED}{chr(0xE100 + len(self.kept) - 1)}{_PROTECTED}"

    def restore(self, text: str) -> str:
        for index, span in enumerate(self.kept):
            text = text.replace(f"{_PROTECTED}{chr(0xE100 + index)}{_PROTECTED}", span)
        return text


def _split_trailing(url: str) -> tuple[str, str]:
    stripped = url.rstrip(_TRAILING_PUNCTUATION)
    return stripped, url[len(stripped):]


def links_in(text: str) -> set[str]:
    return {_split_trailing(match.group(0))[0] for match in _URL.finditer(text)}


def _links(text: str, allowed: set[str], protector: _Protector) -> tuple[str, list[str]]:
    """Keep the allowed links, remove every other one; returns the text and what was removed."""
    removed: list[str] = []

    def keep_or_remove(link: str, label: str = "") -> str:
        url, trailing = _split_trailing(link)
        if url in allowed:
            return (f"{label} " if label else "") + protector.keep(url) + trailing
        removed.append(url)
        return _REMOVED + trailing  # a removed link's label goes too: it described the link

    text = _SLACK_LINK.sub(lambda m: keep_or_remove(m[1], (m[2] or "").strip()), text)
    text = _MARKDOWN_LINK.sub(lambda m: keep_or_remove(m[2], m[1].strip()), text)
    text = _URL.sub(lambda m: keep_or_remove(m.group(0)), text)
    return _close_gaps(text), removed


def _close_gaps(text: str) -> str:
    """Remove what pointed at a removed link ("more at", "or"), and sentences left too short."""
    parts = re.split(r"(?<=[.!?])(\s+)", text)
    for index, part in enumerate(parts):
        if _REMOVED not in part:
            continue
        part = _DANGLING.sub("", part)
        if _PROTECTED not in part and len(re.findall(r"\w+", part)) < 3:
            part = ""
        parts[index] = part
    return "".join(parts)


def _repeats_itself(text: str) -> bool:
    sentences = [
        " ".join(sentence.lower().split())
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text)
        if len(sentence.strip()) >= 20
    ]
    return len(sentences) != len(set(sentences))


def _tidy(text: str) -> str:
    text = re.sub(r"\(\s*\)|\[\s*\]|<\s*>", "", text)
    text = re.sub(r"[ \t]+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[.!?])", "", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _invented(draft: Claims, known: Claims) -> str | None:
    """The first claim in the draft that the facts do not back, described for the log."""

    def shown(kind: str, value: object) -> str:
        return draft.shown.get((kind, value), str(value))

    for money in sorted(draft.money - known.money):
        return f"a price or amount not in the facts: {shown('money', money)}"
    for percent in sorted(draft.percents - known.percents):
        return f"a percentage not in the facts: {shown('percent', percent)}"
    for date in sorted(draft.dates - known.dates):
        return f"a date not in the facts: {shown('date', date)}"
    for options in draft.ambiguous_dates:
        if not set(options) & known.dates:
            return f"a date not in the facts: {shown('date', options)}"
    for day in sorted(draft.days_of_month - known.days_of_month - set(known.numbers)):
        return f"a date not in the facts: {shown('day', day)}"
    for weekday in sorted(draft.weekdays - known.weekdays):
        return f"a day not in the facts: {shown('weekday', weekday)}"
    for month in sorted(draft.months - known.months):
        return f"a month not in the facts: {shown('month', month)}"
    for minutes in sorted(draft.times - known.times):
        return f"a time not in the facts: {shown('time', minutes)}"
    for number in sorted(draft.numbers - known.numbers):
        return f"a number not in the facts: {shown('number', number)}"
    return None


def _unbacked_code(text: str, known: Claims) -> str | None:
    for code in codes_in(text):
        if code.lower() not in known.words:
            return f"a code not in the facts: {code}"
    for match in re.finditer(
        r"\b(?:code|coupon|voucher|promo)\s*(?:is\s*|:\s*)?[\"'“‘]?([A-Za-z0-9][\w-]{2,})", text
    ):
        token = match[1]
        if any(c.isdigit() or c.isupper() for c in token) and token.lower() not in known.words:
            return f"a code not in the facts: {token}"
    return None


def _unbacked_words(text: str, known: Claims, known_text: str) -> str | None:
    lowered = text.lower()
    for phrase in RELATIVE_DAYS:
        if re.search(rf"\b{phrase}s?\b", lowered) and phrase not in known_text:
            return f"a day not in the facts: {phrase}"
    for word in sorted(offer_words_in(text) - offer_words_in(known_text)):
        return f"a promise not in the facts: {word}"
    for word in SPELLED:
        if re.search(rf"\b{word}\b", lowered) and word not in known.words:
            return f"a number not in the facts: {word}"
    return None


def check_draft(draft: str, suggestion: Suggestion, *, context: Iterable[str] = (),
                cut_off: bool = False, max_chars: int = MAX_REPLY_CHARS) -> Verdict:
    """Decide whether an LLM draft may replace the template reply of `suggestion`.

    `context` holds other trusted wording the reply may repeat (the brand's name and sign-off).
    `cut_off` is true when the server stopped at max_tokens, so the draft ends mid-sentence.
    """
    text = unwrap(draft)
    if cut_off:
        return Verdict(None, "the answer was cut off at max_tokens")
    if not text:
        return Verdict(None, "the answer is empty")
    if _REFUSAL.search(text):
        return Verdict(None, "the model refused or spoke about itself")
    protector = _Protector()
    text = _MENTION.sub("", text)
    known_sources = [*suggestion.facts, suggestion.cta_label or "", suggestion.text, *context]
    known_text = _URL.sub(" ", "\n".join(known_sources)).lower()
    for email in set(_EMAIL.findall(text)):
        if email.lower() not in known_text:
            return Verdict(None, f"an email address not in the facts: {email}")
        text = text.replace(email, protector.keep(email))
    allowed_links = links_in(suggestion.text) | ({suggestion.cta_url} - {None})
    text, removed = _links(text, allowed_links, protector)
    echo = _PROMPT_ECHO.search(text)
    if echo:
        return Verdict(None, f"the answer echoes the prompt: {echo.group(0)}")
    if _repeats_itself(text):
        return Verdict(None, "the answer repeats itself")
    known = extract(known_text, trusted=True)
    problem = (
        _unbacked_code(text, known)
        or _invented(extract(text), known)
        or _unbacked_words(text, known, known_text)
    )
    if problem:
        return Verdict(None, problem)
    text = _tidy(text)
    if len(text) > max_chars:
        return Verdict(None, f"the answer is too long ({len(text)} characters)")
    if not text.replace(_PROTECTED, "").strip():
        return Verdict(None, "nothing is left once links are removed")
    text = protector.restore(text)
    for code in codes_in(_URL.sub(" ", suggestion.text)):
        if code not in text:
            return Verdict(None, f"the answer dropped the code {code}")
    text = with_cta(text, suggestion)
    note = f"removed {len(removed)} link(s) not in the catalog" if removed else ""
    return Verdict(text, note)


def with_cta(text: str, suggestion: Suggestion) -> str:
    """The text carrying the decided link, appended with its label when the model dropped it."""
    url = suggestion.cta_url
    if not url or url in text:
        return text
    label = suggestion.cta_label or ""
    if text[-1:].isalnum():
        text += "."
    if label and label.lower() not in text.lower():
        return f"{text}\n{label}: {url}"
    return f"{text}\n{url}"
