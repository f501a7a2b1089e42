"""What an LLM draft must pass before the team sees it: the engine's facts and link, nothing more.

The model only words the reply. Anything it states that could mislead a customer must already be
in the facts the engine decided (or in the engine's own reply); otherwise the whole draft is
dropped and the template reply stays. That covers prices, percentages, numbers (in digits or in
words, fractions included), codes (in capitals or introduced by "code", "use", "enter"...),
dates, days, hours and holidays, money in any currency ("10 CHF" where the facts say "10%"),
promises (something free, a discount, a multi-buy deal, a refund, price matching, shipping, a
guarantee, a rush, a loyalty reward, a way to redeem such as a secret word, "show this message",
a QR code or "reply YES", a delivery or collection time), email addresses and phone numbers the
facts do not give (an address spelled "hello at shop dot example" included, even on the shop's
own domain: the mailbox is invented), and links: any domain or link-like text
but the decided catalog link and the links the engine's reply already carries is refused,
however it is disguised ("crumb-deals dot com", "evil[.]ru", a zero-width character inside,
an ideographic full stop). Checks read the draft as a person sees it (bot.plaintext.visible);
the decided link is put back if the model left it out. English, Spanish, French and German.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.types import Suggestion
from bot.llm import concepts
from bot.llm.facts import GERMAN_COMPOUND, SPELLED, Claims, codes_in, extract
from bot.plaintext import visible

MAX_REPLY_CHARS = 600  # without the link: a chat reply, not an email

# Bare domains ("deals.shop/x") count as links too. Top-level domains that are also words
# ("it", "me", "us", "to", "in", "at", "be", "no") count only with a path after them
# ("t.me/deals"): "box.It's" is a missing space, not a link.
_TLDS = (
    "com|net|org|io|co|uk|eu|de|fr|nl|es|ca|au|nz|ie|ch|se|dk|fi|pl|pt|br|mx|ar|cl|ru|su|cn|"
    "jp|kr|hk|tw|sg|tv|cc|ws|gg|ly|gl|tk|ml|ga|cf|gq|pw|top|xyz|club|online|site|shop|store|"
    "app|dev|info|biz|link|page|click|live|life|fun|icu|vip|pro|win|bid|loan|men|work|buzz|"
    "rest|email|today|world|deals|sale|gift|gifts|coupons|discount|promo|bargains|cheap|"
    "ee|ai|sh|fm|gle|ink|one|lol|wtf|cam|ltd|plus|market|money|cash|bet|games|"
    "example|local|onion|xn--[a-z0-9-]+"
)
_WORD_TLDS = "me|us|to|in|at|be|it|is|am|my|so|do|go|no|on|im|an|as|by|id|la|li|lu|md|mu"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_URL_CHARS = r"[^\s<>()\[\]{}\"'`|]"
_URL = re.compile(
    rf"(?:https?|hxxps?|h\*\*ps?|ftp)://{_URL_CHARS}+|www\.{_URL_CHARS}+"
    rf"|(?<![\w@.-])(?:{_LABEL}\.)+(?:{_TLDS})\b(?!['’-])(?:/{_URL_CHARS}*)?"
    rf"|(?<![\w@.-])(?:{_LABEL}\.)+(?:{_WORD_TLDS})/{_URL_CHARS}*",
    re.IGNORECASE,
)
# Ways to write a dot that a person reads as one: "[.]", "(dot)", " dot ", "{punto}", " .com".
# A spaced dot counts only with a space before it too: "We're open. Shop online" is a sentence.
_DISGUISED_DOT = re.compile(
    r"\s*[\[({<]\s*(?:\.|dot|punto|point|punkt)\s*[\])}>]\s*"
    rf"|\s+(?:dot|d0t|punto|punkt)\s+|(?<=\w)\s+\.\s*(?=(?-i:{_TLDS})\b|(?-i:{_WORD_TLDS})/)",
    re.IGNORECASE,
)
_DISGUISED_SLASH = re.compile(r"\s+slash\s+|\s*[\[(]\s*/\s*[\])]\s*", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_][A-Za-z0-9_.]{1,29})")
_HASHTAG = re.compile(r"(?<![\w#&])#([^\W\d_]\w{2,})")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_QUOTE = "\"'“”‘’«»`"
# A code introduced by a word: "code bakerylove", "promo: VIP", "código dulce".
_CODE_WORD = (r"(?:(?:promo(?:tional)?|discount|voucher|coupon|gift)\s+codes?|codes?\s+promo|"
              r"c[óo]digos?(?:\s+(?:de\s+)?(?:descuento|promocional))?|cup[óo]n|"
              r"gutschein(?:code)?|rabattcode|aktionscode|codes?|coupons?|vouchers?|promo)")
_CODE_AFTER_WORD = re.compile(
    rf"\b{_CODE_WORD}\b\s*(?:is|es|est|ist|lautet|[:=\-–])?\s*([{_QUOTE}]?)"
    rf"([^\s{_QUOTE}.,!?;:()]+)",
    re.IGNORECASE,
)
# A code introduced by an instruction: "Use vip at checkout", "enter bakerylove",
# "utilisez DOUCEUR en caisse", "gib süß ein". A plain object ("use oat milk") is not a code.
_CODE_VERB = (r"use|enter|apply|type|redeem|quote|mention|input|add|say|show|usa|utiliza|usad|"
              r"introduce|ingresa|escribe|aplica|menciona|di|utilisez|utilise|entrez|entre|"
              r"saisissez|saisis|tapez|tape|indiquez|mentionnez|verwende|verwenden sie|nutze|"
              r"nutzen sie|gib|geben sie|tippe|nenne|nennen sie")
_CODE_AFTER_VERB = re.compile(
    rf"\b({_CODE_VERB})\s+([{_QUOTE}]?)([^\s{_QUOTE}.,!?;:()]+)([{_QUOTE}]?)"
    rf"(\s*[.!?\n\ue000]|\s*$|\s+(?:at|when|in|on|for|to|online|al|à|a|en|bei|beim|im|am|an|und|y|"
    rf"et|and|ein|para|pour|für|zum|as|como|comme|als|next|la|le|lors)\b)?",
    re.IGNORECASE,
)
_CHATTY_VERBS = frozenset({"say", "show", "add", "mention", "quote", "di", "type"})
# "We use butter" describes; "use vip" instructs. After these words the verb is not an order.
_SUBJECTS = frozenset(
    """we i they you he she it people customers who that which nous je ils elles on wir ich sie
    man yo nosotros ellos ustedes usted""".split()  # noqa: SIM905 (a word list)
)
# "the code for friends is pastrylover": a code named a few words after the word "code".
_CODE_NAMED_LATER = re.compile(
    rf"\b{_CODE_WORD}\b[^.!?\n]{{0,30}}?\b(?:is|es|est|ist|lautet)\s*:?\s*([{_QUOTE}]?)"
    rf"([^\s{_QUOTE}.,!?;:()]+)",
    re.IGNORECASE,
)
_PER_CENT = re.compile(r"\b(?:per|por|pour)\s?(?:cent|ciento)\b")
# Words that may follow "code" or "use" without being a code themselves.
_PLAIN_WORDS = frozenset(
    """
    a an the your our my this that these those it its at below above here there when if is in
    on for to and or with will can may works work gets gives takes applies apply expires only
    valid ends runs lasts
    also still just already right now link button page form app site website shop store menu
    order basket cart checkout till counter email number name details address phone same one
    any every each some all them him her you we us me
    el la los las lo un una de del tu su sus nuestro nuestra este esta ese esa al en con y o
    le les une du des votre vos notre nos ce cette ces au aux et ou avec sur
    der die das den dem ein eine einen ihr ihren ihre unser unseren unsere bei im am und
    oder mit auf für diesen diese dieses
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# An address written out so no email check sees it: "hello at crumbandco dot example",
# "pedidos arroba tienda punto es", "info (at) shop (dot) com". Even on the shop's own domain
# the mailbox is invented unless the facts give it.
_SPELLED_AT = (r"\s*[\[({<]\s*(?:at|@|arroba|arobase|ät)\s*[\])}>]\s*"
               r"|\s+(?:at|arroba|arobase|ät|chez|@)\s+")
_SPELLED_DOT = (r"\s*[\[({<]\s*(?:\.|dot|punto|point|punkt)\s*[\])}>]\s*"
                r"|\s+(?:dot|d0t|punto|punkt|point)\s+|\s+\.\s*")
_EMAIL_IN_WORDS = re.compile(
    # Starts only where a word starts: a run of "1-1-1..." is read once, not once per digit.
    rf"(?<![\w+.-])([\w+-]+(?:\.[\w+-]+)*)({_SPELLED_AT})"
    rf"([\w-]+)((?:(?:{_SPELLED_DOT}|\.)[\w-]+)+)",
    re.IGNORECASE,
)
_STRONG_AT = re.compile(r"[\[({<@]|arroba|arobase", re.IGNORECASE)
# A phone number: seven digits or more in groups ("01223 000002", "+44 (0)1223 000001").
_PHONE = re.compile(r"(?<![\w:.,/-])\+?\(?\d[\d ()./-]{5,}\d(?![\w:%])")
_NOT_PHONE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|"
                        r"\d{1,4}(?:[.:]\d{2})?\s*[-–/]\s*\d{1,4}(?:[.:]\d{2})?")
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
    """Protect the allowed links; returns the text and every other link found (to refuse)."""
    foreign: list[str] = []

    def keep_or_flag(link: str, label: str = "") -> str:
        url, trailing = _split_trailing(link)
        if url in allowed:
            return (f"{label} " if label else "") + protector.keep(url) + trailing
        foreign.append(url)
        return _REMOVED + trailing

    text = _SLACK_LINK.sub(lambda m: keep_or_flag(m[1], (m[2] or "").strip()), text)
    text = _MARKDOWN_LINK.sub(lambda m: keep_or_flag(m[2], m[1].strip()), text)
    text = _URL.sub(lambda m: keep_or_flag(m.group(0)), text)
    return text, foreign


def _host(link: str) -> str:
    host = re.sub(r"^[a-z][a-z0-9+.*-]*://", "", link.lower()).split("/")[0].split("?")[0]
    return host.split("@")[-1].split(":")[0].removeprefix("www.")


def _disguised_link(text: str, allowed_hosts: set[str]) -> str | None:
    """A domain a plain link check would miss ("evil dot com", "evil[.]ru"), if any.

    The text is read with every disguised dot made a dot; a bare mention of the host of an
    allowed link (the shop's own domain) is fine, anything else is refused.
    """
    plain = _DISGUISED_SLASH.sub("/", _DISGUISED_DOT.sub(".", text))
    for match in _URL.finditer(plain):
        link = _split_trailing(match.group(0))[0]
        if _host(link) not in allowed_hosts or "/" in link.split("://")[-1]:
            return link
    return None


def _spelled_email(text: str, known_raw: str) -> str | None:
    """An email address written in words that the facts do not give, if any."""
    known = known_raw.lower()
    for match in _EMAIL_IN_WORDS.finditer(text):
        local, at, domain, rest = match.groups()
        # "see you at crumbandco.example" is a sentence; "at" with a spelled dot is an address.
        if not _STRONG_AT.search(at) and not re.search(_SPELLED_DOT, rest, re.IGNORECASE):
            continue
        address = f"{local}@{domain}{re.sub(_SPELLED_DOT, '.', rest, flags=re.IGNORECASE)}"
        if address.lower() not in known:
            return address
    return None


def _phone_digits(text: str) -> set[str]:
    text = re.sub(r"\s?\(0\)\s?", " ", text)  # "+44 (0)1223": the 0 is dialled only at home
    return {re.sub(r"\D", "", m.group(0)) for m in _PHONE.finditer(text)
            if not _NOT_PHONE.fullmatch(m.group(0).strip("() "))
            and len(re.sub(r"\D", "", m.group(0))) >= 7}


def _unknown_phone(text: str, known_raw: str) -> str | None:
    """A phone number the facts do not give; a known one in national form ("01223 ...") is fine."""
    known = _phone_digits(known_raw)
    for digits in sorted(_phone_digits(text)):
        national = digits.lstrip("0")
        if digits in known or any(k.endswith(national) and len(national) >= 7 for k in known):
            continue
        return digits
    return None


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


def _known_codes(known_text: str) -> set[str]:
    """The codes the facts give: in capitals, or named after the word "code"."""
    codes = {code.lower() for code in codes_in(known_text.upper())}
    codes.update(m[2].lower() for m in _CODE_AFTER_WORD.finditer(known_text))
    return codes


def _made_up(token: str, known_codes: set[str]) -> bool:
    lowered = token.lower()
    return lowered not in known_codes and lowered not in _PLAIN_WORDS and not lowered.isdigit()


def _preceding_word(text: str, index: int) -> str:
    """The word just before `index` in the same sentence ("" at a sentence's start)."""
    sentence = re.split(r"[.!?\n\ue000-\uf8ff]", text[max(0, index - 30):index])[-1]
    words = re.findall(r"[\w'’]+", sentence)
    return words[-1].lower() if words else ""


def _unbacked_code(text: str, known: Claims, known_text: str) -> str | None:
    """A code the facts do not give: in capitals, after "code", or after "use", "enter"..."""
    for code in codes_in(text):
        if code.lower() not in known.words:
            return f"a code not in the facts: {code}"
    known_codes = _known_codes(known_text)
    for pattern in (_CODE_AFTER_WORD, _CODE_NAMED_LATER):
        for match in pattern.finditer(text):
            if _made_up(match[2], known_codes):
                return f"a code not in the facts: {match[2]}"
    for match in _CODE_AFTER_VERB.finditer(text):
        if _preceding_word(text, match.start()) in _SUBJECTS:
            continue
        verb, opening, token, closing, ending = match.groups()
        # "come say hi!" ends a sentence too: after a chatty verb only a place makes it a code.
        ends_well = ending is not None and (verb.lower() not in _CHATTY_VERBS
                                            or ending.strip() not in ("", ".", "!", "?"))
        looks_made_up = (bool(opening or closing) or ends_well
                         or any(c.isdigit() for c in token) or any(c.isupper() for c in token[1:]))
        if looks_made_up and _made_up(token, known_codes) and token.lower() not in known.words:
            return f"a code not in the facts: {token}"
    for tag in _HASHTAG.findall(text):
        if tag.lower() not in known.words:
            return f"a hashtag not in the facts: #{tag}"
    return None


def _unbacked_words(text: str, known: Claims, known_text: str) -> str | None:
    """A promise, a day or a number in words that the known text does not back."""
    problem = concepts.unbacked(text, known_text)
    if problem:
        return problem
    lowered = _PER_CENT.sub(" ", text.lower())
    for word in SPELLED:
        if re.search(rf"\b{word}\b", lowered) and word not in known.words:
            return f"a number not in the facts: {word}"
    for match in GERMAN_COMPOUND.finditer(text):
        if match.group(0).lower() not in known.words:
            return f"a number not in the facts: {match.group(0)}"
    return None


def check_draft(draft: str, suggestion: Suggestion, *, context: Iterable[str] = (),
                cut_off: bool = False, max_chars: int = MAX_REPLY_CHARS) -> Verdict:
    """Decide whether an LLM draft may replace the template reply of `suggestion`.

    `context` holds other trusted wording the reply may repeat (the brand's name and sign-off).
    `cut_off` is true when the server stopped at max_tokens, so the draft ends mid-sentence.
    """
    if len(draft) > max_chars * 4 + 2000:  # long before reading it: no pattern runs on a flood
        return Verdict(None, f"the answer is too long ({len(draft)} characters)")
    text = unwrap(draft)
    if cut_off:
        return Verdict(None, "the answer was cut off at max_tokens")
    if _BIDI.search(text):
        return Verdict(None, "the answer hides text-direction controls")
    text = visible(text, keep_emoji_joiners=True).strip()
    if not text:
        return Verdict(None, "the answer is empty")
    if _REFUSAL.search(text):
        return Verdict(None, "the model refused or spoke about itself")
    protector = _Protector()
    text = _MENTION.sub("", text)
    known_sources = [*suggestion.facts, suggestion.cta_label or "", suggestion.text, *context]
    known_raw = visible("\n".join(known_sources))
    known_text = _URL.sub(" ", known_raw).lower()
    for email in set(_EMAIL.findall(text)):
        if email.lower() not in known_raw.lower():
            return Verdict(None, f"an email address not in the facts: {email}")
        text = text.replace(email, protector.keep(email))
    allowed_links = links_in(suggestion.text) | ({suggestion.cta_url} - {None})
    text, foreign = _links(text, allowed_links, protector)
    if foreign:
        return Verdict(None, f"a link not in the catalog: {foreign[0][:80]}")
    checked = visible(text)  # emoji joiners out too: nothing may hide between two letters
    hidden = _disguised_link(checked, {_host(link) for link in allowed_links})
    if hidden:
        return Verdict(None, f"a link not in the catalog: {hidden[:80]}")
    for handle in _HANDLE.findall(checked):
        if f"@{handle.lower()}" not in known_raw.lower():
            return Verdict(None, f"a social media handle not in the facts: @{handle}")
    address = _spelled_email(checked, known_raw)
    if address:
        return Verdict(None, f"an email address not in the facts: {address}")
    phone = _unknown_phone(checked, known_raw)
    if phone:
        return Verdict(None, f"a phone number not in the facts: {phone}")
    echo = _PROMPT_ECHO.search(checked)
    if echo:
        return Verdict(None, f"the answer echoes the prompt: {echo.group(0)}")
    if _repeats_itself(checked):
        return Verdict(None, "the answer repeats itself")
    known = extract(known_text, trusted=True)
    problem = (
        _unbacked_code(checked, known, known_text)
        or _invented(extract(checked), known)
        or _unbacked_words(checked, known, known_text)
    )
    if problem:
        return Verdict(None, problem)
    text = _tidy(text)
    if len(text) > max_chars:
        return Verdict(None, f"the answer is too long ({len(text)} characters)")
    if not text.replace(_PROTECTED, "").strip():
        return Verdict(None, "nothing is left but the link")
    text = protector.restore(text)
    for code in codes_in(_URL.sub(" ", suggestion.text)):
        if code not in text:
            return Verdict(None, f"the answer dropped the code {code}")
    return Verdict(with_cta(text, suggestion))


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
