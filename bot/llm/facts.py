"""The checkable claims in a piece of text: prices, percentages, codes, dates, hours and numbers.

The guardrails extract them from the engine's facts (what may be said) and from an LLM draft
(what it says); any claim in the draft that is not among the facts' claims rejects the draft.
Values are normalised before comparing ("6pm" is "18:00", "10 percent" is "10%", "31 Dec" is
"2026-12-31"), so a draft may word a fact differently but cannot change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
# Replies are going multilingual: month and day names in Spanish, French and German too.
# "mayo", "mars" and "mai" are also mayonnaise, a planet and a chocolate bar, so alone they
# are not read as months; with a day ("3 de mayo", "le 3 mai") they are.
FOREIGN_MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5,
    "juin": 6, "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10,
    "novembre": 11, "décembre": 12, "decembre": 12, "januar": 1, "jänner": 1, "februar": 2,
    "märz": 3, "maerz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
}
AMBIGUOUS_MONTHS = ("mayo", "mars", "mai")
MONTHS.update(FOREIGN_MONTHS)
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}
FOREIGN_WEEKDAYS = {
    "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
    "sábado": 5, "sabado": 5, "domingo": 6, "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3,
    "vendredi": 4, "samedi": 5, "dimanche": 6, "montag": 0, "dienstag": 1, "mittwoch": 2,
    "donnerstag": 3, "freitag": 4, "samstag": 5, "sonnabend": 5, "sonntag": 6,
}
WEEKDAYS.update(FOREIGN_WEEKDAYS)
# Numbers written as words. Words that are also common words elsewhere ("once", "quince",
# "seize", "elf", "un") are left out; a draft that spells a number the facts do not hold is
# dropped, so the list errs on the side of the words a model really uses for amounts.
SPELLED = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "doce": 12, "docena": 12, "trece": 13, "catorce": 14, "dieciséis": 16,
    "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veinticinco": 25,
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
    "ochenta": 80, "noventa": 90, "cien": 100, "ciento": 100,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "douzaine": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "nonante": 90, "cent": 100, "mille": 1000,
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "zwölf": 12, "dutzend": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15,
    "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20,
    "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
    "neunzig": 90, "hundert": 100, "tausend": 1000,
}
# German writes 25 as one word ("fünfundzwanzig"); such a word is a number the facts must hold.
GERMAN_COMPOUND = re.compile(
    r"\b(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und(?:zwanzig|dreißig|vierzig|"
    r"fünfzig|sechzig|siebzig|achtzig|neunzig)\b", re.IGNORECASE)
_FOREIGN_MONTHS_ALONE = "|".join(m for m in FOREIGN_MONTHS if m not in AMBIGUOUS_MONTHS)
_FULL_MONTH = ("january|february|march|april|june|july|august|september|october|november|"
               "december|" + _FOREIGN_MONTHS_ALONE)
_SHORT_MONTH = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_ANY_MONTH = _FULL_MONTH + "|may|mayo|mars|mai|" + _SHORT_MONTH.lower()
_ORD = r"(?:st|nd|rd|th|er|e|º|°|\.)?"
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "premier": 1, "primero": 1,
}
_AMPM = r"(a\.?m\.?|p\.?m\.?)(?![a-z])"
_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
_MONTH_DAY = re.compile(rf"\b({_ANY_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORD}\s*(?:of\s+|de\s+)?({_ANY_MONTH})\b\.?",
                        re.IGNORECASE)
_WORD_DAY_MONTH = re.compile(
    rf"\b(?:the\s+)?({'|'.join(_ORDINAL_WORDS)})(?:[- ](first|second|third|fourth|fifth|sixth|"
    rf"seventh|eighth|ninth))?\s+(?:of\s+|de\s+)?({_ANY_MONTH})\b", re.IGNORECASE)
# Any currency counts, not only the brand's: "10 CHF" where the facts say "10%" is a price
# the facts never gave. Symbols may come after the amount ("10 €"), codes before it ("CHF 10").
_SYMBOLS = "£$€¥₹₩₽₺₪฿₫₱₴₦"
_CODES = (r"usd|gbp|eur|chf|sek|nok|dkk|isk|pln|czk|huf|ron|bgn|jpy|cny|rmb|inr|aud|cad|"
          r"nzd|hkd|sgd|zar|brl|mxn|ars|clp|cop|rub|uah|aed|sar|ils|krw|thb|idr|php|vnd")
_MONEY_BEFORE = re.compile(
    rf"(?:(?:\b(?:us|au|ca|nz|hk|s|r))?([{_SYMBOLS}])|\b({_CODES}|kr|fr|sfr)\.?)"
    rf"\s?({_AMOUNT})(k\b)?",
    re.IGNORECASE,
)
_MONEY_AFTER = re.compile(
    rf"\b({_AMOUNT})\s?(?:([{_SYMBOLS}])|(pounds?|quid|dollars?|d[óo]lares|euros?|{_CODES}|"
    r"pence|p|cents?|libras?|livres?|francs?|franken|fr|sfr|kr|kronor|kroner|kronen?|krone|"
    r"coronas?|couronnes?|yen|yuan|rupees?|rupias?|roupies?|pesos?|reais|z[łl]oty|"
    r"rand|lira|liras|lire|rubles?|roubles?|rubel|won|baht|dirhams?|shekels?|"
    r"bucks|balles|pavos|pelas|m[äa]use|kr[öo]ten)\b)",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    r"\b(\d+(?:[.,]\d+)?|" + "|".join(SPELLED) + r")\s?(?:%|percent\b|per\s?cent\b|"
    r"por\s?ciento\b|pour\s?cent\b|prozent\b)",
    re.IGNORECASE,
)
_CLOCK = re.compile(rf"\b([01]?\d|2[0-4])(?::|h)([0-5]\d)\b\s?(?:{_AMPM})?", re.IGNORECASE)
_CLOCK_DOT = re.compile(rf"\b(1[0-2]|0?\d)\.([0-5]\d)\s?{_AMPM}", re.IGNORECASE)
_HOUR_AMPM = re.compile(rf"\b(1[0-2]|0?\d)\s?{_AMPM}", re.IGNORECASE)
_NOON = re.compile(r"\b(noon|midday|midnight)\b", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_FULL_WEEKDAY = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    + "|".join(FOREIGN_WEEKDAYS) + r")s?\b", re.IGNORECASE
)
# Abbreviations are English words too ("sat", "sun", "wed"), so in a draft only the
# capitalised, stand-alone form counts as a day.
_SHORT_WEEKDAY = re.compile(r"\b(Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri|Sat|Sun)\b\.?")
_ANY_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")s?\b", re.IGNORECASE)
_FULL_MONTH_ALONE = re.compile(rf"\b({_FULL_MONTH})\b", re.IGNORECASE)
_SHORT_MONTH_ALONE = re.compile(rf"\b({_SHORT_MONTH})\b\.?")
_ANY_MONTH_ALONE = re.compile(rf"\b({_ANY_MONTH})\b", re.IGNORECASE)
_CODE = re.compile(r"\b[A-Z0-9][A-Z0-9_-]*[A-Z0-9]\b")
_CODE_AFTER_WORD = re.compile(
    r"\b(?:code|coupon|voucher|promo)\s*(?:is\s*|:\s*)?[\"'“‘]?([A-Za-z0-9][A-Za-z0-9_-]{2,})"
)
_WORDS = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")).normalize()
    except InvalidOperation:
        return None


_OTHER_CURRENCIES = {"¥": "JPY", "yen": "JPY", "fr": "CHF", "sfr": "CHF", "franken": "CHF",
                     "franc": "CHF", "francs": "CHF", "dólares": "USD", "dolares": "USD"}


def _currency(unit: str) -> str:
    unit = unit.lower()
    if unit in ("£", "pound", "pounds", "quid", "gbp", "pence", "p"):
        return "GBP"
    if unit in ("$", "dollar", "dollars", "usd"):
        return "USD"
    if unit in ("€", "euro", "euros", "eur"):
        return "EUR"
    if unit in ("p", "pence", "cent", "cents"):
        return "CENTS"
    return _OTHER_CURRENCIES.get(unit, unit.upper())


def _minutes(hour: int, minute: int, ampm: str | None) -> int:
    if ampm and hour <= 12:  # "14:00 am Markt" is German for "at the market", not a.m.
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    return hour * 60 + minute


def looks_like_code(token: str) -> bool:
    """An uppercase token that could be a discount code: AUTUMN10, FREE-100, WELCOME."""
    has_letter = any(c.isalpha() for c in token)
    has_digit = any(c.isdigit() for c in token)
    return has_letter and len(token) >= 4 and (has_digit or len(token) >= 5)


def codes_in(text: str) -> list[str]:
    return [token for token in _CODE.findall(text) if looks_like_code(token)]


@dataclass
class Claims:
    """What a text asserts, each value normalised; `shown` keeps the wording for messages."""

    money: set[tuple[str, Decimal]] = field(default_factory=set)
    percents: set[Decimal] = field(default_factory=set)
    times: set[int] = field(default_factory=set)  # minutes after midnight
    dates: set[tuple[int, int]] = field(default_factory=set)  # (month, day)
    ambiguous_dates: list[tuple[tuple[int, int], ...]] = field(default_factory=list)
    days_of_month: set[int] = field(default_factory=set)
    weekdays: set[int] = field(default_factory=set)
    months: set[int] = field(default_factory=set)
    numbers: set[Decimal] = field(default_factory=set)
    words: set[str] = field(default_factory=set)  # lowercase word tokens
    shown: dict[tuple[str, object], str] = field(default_factory=dict)


class _Scanner:
    """Finds claims left to right, blanking each match so a later pattern cannot count it twice."""

    def __init__(self, text: str):
        self.text = text
        self.claims = Claims()

    def take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        matches = list(pattern.finditer(self.text))
        self.text = pattern.sub(lambda m: " " * len(m.group(0)), self.text)
        return matches

    def note(self, kind: str, value: object, match: re.Match[str]) -> None:
        self.claims.shown.setdefault((kind, value), match.group(0).strip())


def extract(text: str, *, trusted: bool = False) -> Claims:
    """The claims in `text`. Trusted text (the facts) is read generously, a draft strictly."""
    scan = _Scanner(text)
    claims = scan.claims
    for m in scan.take(_ISO_DATE):
        claims.dates.add((int(m[2]), int(m[3])))
        claims.numbers.add(Decimal(int(m[1])))
        scan.note("date", (int(m[2]), int(m[3])), m)
    for m in scan.take(_MONTH_DAY):
        value = (MONTHS[m[1].lower()], int(m[2]))
        claims.dates.add(value)
        scan.note("date", value, m)
    for m in scan.take(_DAY_MONTH):
        value = (MONTHS[m[2].lower()], int(m[1]))
        claims.dates.add(value)
        scan.note("date", value, m)
    for m in scan.take(_WORD_DAY_MONTH):
        day = _ORDINAL_WORDS[m[1].lower()] + (_ORDINAL_WORDS[m[2].lower()] if m[2] else 0)
        value = (MONTHS[m[3].lower()], day)
        claims.dates.add(value)
        scan.note("date", value, m)
    for m in scan.take(_SLASH_DATE):
        first, second = int(m[1]), int(m[2])
        options = ((second, first), (first, second))  # day/month or month/day
        claims.ambiguous_dates.append(options)
        claims.dates.update(options if trusted else ())
        scan.note("date", options, m)
    for pattern in (_MONEY_BEFORE, _MONEY_AFTER):
        for m in scan.take(pattern):
            if pattern is _MONEY_BEFORE:
                unit, amount = m[1] or m[2], m[3]
            else:
                unit, amount = m[2] or m[3], m[1]
            value = _decimal(amount)
            if value is None:
                continue
            if pattern is _MONEY_BEFORE and m[4]:
                value *= 1000
            if unit.lower() in ("p", "pence", "cent", "cents"):
                value /= 100
            money = (_currency(unit), value.normalize())
            claims.money.add(money)
            scan.note("money", money, m)
    for m in scan.take(_PERCENT):
        word = m[1].lower()
        value = Decimal(SPELLED[word]) if word in SPELLED else _decimal(word.replace(",", "."))
        claims.percents.add(value)
        scan.note("percent", value, m)
    for pattern in (_CLOCK, _CLOCK_DOT):
        for m in scan.take(pattern):
            value = _minutes(int(m[1]), int(m[2]), m[3])
            claims.times.add(value)
            scan.note("time", value, m)
    for m in scan.take(_HOUR_AMPM):
        value = _minutes(int(m[1]), 0, m[2])
        claims.times.add(value)
        scan.note("time", value, m)
    for m in scan.take(_NOON):
        value = 720 if m[1].lower() in ("noon", "midday") else 0
        claims.times.add(value)
        scan.note("time", value, m)
    for m in scan.take(_ORDINAL):
        claims.days_of_month.add(int(m[1]))
        scan.note("day", int(m[1]), m)
    weekday_patterns = (_ANY_WEEKDAY,) if trusted else (_FULL_WEEKDAY, _SHORT_WEEKDAY)
    for pattern in weekday_patterns:
        for m in scan.take(pattern):
            value = WEEKDAYS[m[1].lower()]
            claims.weekdays.add(value)
            scan.note("weekday", value, m)
    month_patterns = (_ANY_MONTH_ALONE,) if trusted else (_FULL_MONTH_ALONE, _SHORT_MONTH_ALONE)
    for pattern in month_patterns:
        for m in scan.take(pattern):
            value = MONTHS[m[1].lower()]
            claims.months.add(value)
            scan.note("month", value, m)
    for m in scan.take(_NUMBER):
        value = _decimal(m.group(0))
        if value is not None:
            claims.numbers.add(value)
            scan.note("number", value, m)
    claims.words = set(_WORDS.findall(text.lower()))
    if trusted:
        _widen(claims, text)
    return claims


def _widen(claims: Claims, text: str) -> None:
    """Let a draft restate trusted facts in other words: 18:00 may be "6", 2026-12-31 "31st"."""
    for value in _NUMBER.findall(text):
        number = _decimal(value)
        if number is not None:
            claims.numbers.add(number)
    for minutes in claims.times:
        hour = minutes // 60
        claims.numbers.update({Decimal(hour), Decimal(hour % 12 or 12)})
    for month, day in claims.dates:
        claims.months.add(month)
        claims.days_of_month.add(day)
    # "25%" may be spelled "twenty-five per cent": the tens and the units are backed too.
    parts = {n % 10 for n in claims.numbers if 20 < n < 100} | {
        n - n % 10 for n in claims.numbers if 20 < n < 100}
    claims.words.update(word for word, n in SPELLED.items()
                        if Decimal(n) in claims.numbers or n in parts)
    for part in list(claims.words):
        claims.words.update(re.split(r"[_-]", part))
