"""Days named by their date or a holiday's name, in English, German, Spanish and French.

"24 Dec", "dec 24th", "the 1st", "le 25 décembre", "31 de diciembre", "am 6. Januar", "am 24.",
"24.12.", "24/12", "31/12/2026", "Silvester", "Nochevieja", "le réveillon"... Customers write
without accents, in lower case and with typos, so the text arrives folded (no accents, lower
case) and a month or holiday name may carry one slip. A date without a year is the next one
to come: asked on 28 December, "2.1." is 2 January of the next year.

Numbers are also prices, weights, times, ratings, fractions and order numbers ("24.90",
"2.5 kg", "17.30", "10/10", "3/4 cup", "order 24/12"): a number is read as a date only in a
date's own shape (a month name, a year, the German trailing dot "24.12.") or next to a word that
asks about a day ("open 24/12?", "el 24", "le 31", "am 24.").
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from bot.engine.text import edit_distance

_MONTH_WORDS = (
    "january jan januar janner jaenner enero ene janvier janv",
    "february feb februar febrero febr fevrier fevr fev",
    "march mar marz maerz mrz marzo mars",
    "april apr abril abr avril avr",
    "may mai mayo",
    "june jun juni junio juin",
    "july jul juli julio juillet juil",
    "august aug agosto ago aout",
    "september sept sep septiembre setiembre septembre",
    "october oct oktober okt octubre octobre",
    "november nov noviembre novembre",
    "december dec dezember dez diciembre dic decembre",
)
_MONTHS = {word: number for number, words in enumerate(_MONTH_WORDS, start=1)
           for word in words.split()}
# Month names long enough to forgive a typo in ("dicembre", "dezmber", "janaury").
_TYPO_MONTHS = {word: number for word, number in _MONTHS.items() if len(word) >= 5}
# Everyday words too ("we 2 may come", "2 days ago"): a month only as "2nd may", "2 de ago".
_AMBIGUOUS_MONTHS = {"may", "ago", "ene"}
# Real words one slip away from a month name.
_NOT_MONTHS = {"marche", "junior", "julia", "julie", "mayor", "maris", "juice", "octet"}
_ONE = {"premier": 1, "primero": 1, "first": 1, "erste": 1, "ersten": 1, "erster": 1}

# Holiday names, eves first so "christmas eve" is not also Christmas Day. Wishes ("merry
# christmas", "feliz año nuevo") are taken out before: they name no day the customer asks about.
_WISHES = re.compile(
    r"(?<![a-z])(?:merry|happy|frohe|frohes|schone|schoene|gesegnete|feliz|felices|joyeux"
    r"|joyeuses|bonne|bonnes|prospero) (?:chri?s?t?mas+|x ?mas|weihnachten|navidad|navidades"
    r"|noel|fetes|holidays|new year|neues jahr|neues|ano nuevo|annee)(?![a-z])")
# Things named after Christmas ("christmas trees", "sapin de noël", "cesta de navidad"):
# products and events, not the day.
_HOLIDAY_THINGS = re.compile(
    r"(?<![a-z])(?:(?:chri?s?t?mas+|x ?mas) (?:trees?|cakes?|puddings?|dinners?|lunch|menus?"
    r"|gifts?|presents?|cards?|jumpers?|sweaters?|decorations?|decor|lights|markets?|hampers?"
    r"|box(?:es)?|stockings?|orders?|part(?:y|ies)|specials?|treats?|range|collection|toys?"
    r"|food|cookies|biscuits|stollen|sale|offers?|deals?|bundles?|wreaths?|crackers?)"
    r"|(?:sapins?|buches?|marches?|cadeaux?|menus?|paniers?|repas|decorations?|cartes?|pulls?"
    r"|colis|biscuits|vacances|arbol(?:es)?|cestas?|regalos?|loteria|decoracion(?:es)?"
    r"|adornos?|tarjetas?|galletas|vacaciones|menu) de (?:noel|navidad))(?![a-z])")
_HOLIDAYS = [
    (r"chri?s?t?mas+ eve|x ?mas eve|nochebuena|noche buena|veille de noel|reveillon de noel"
     r"|reveillon du 24|heilig ?abend|heilige[nr]? abend|vispera de navidad", (12, 24)),
    (r"boxing day|(?:(?:st|saint)\.? )?stephen'?s? day|san esteban|stephanstag|lendemain de noel"
     r"|(?:2|zweite[nr]?)\.? weihnachts(?:feier)?tag", (12, 26)),
    (r"new year(?:'?s)? eve|nye|noche ?vieja|(?:saint|st|san) s[iy]lvest(?:re|er)|s[iy]lvester"
     r"|reveillon (?:du|de) (?:la )?(?:nouvel an|jour de l'?an|31|fin d'annee"
     r"|(?:saint|st) s[iy]lvestre)"
     r"|veille du jour de l'?an|vispera de ano nuevo|hogmanay", (12, 31)),
    (r"new year(?:'?s)?(?: day)?|ano nuevo|jour de l'?an|premier de l'?an|nouvel an"
     r"|neujahr(?:stag)?", (1, 1)),
    (r"noche de reyes|vispera de reyes", (1, 5)),
    (r"epiphan(?:y|ie|ias)|(?:dia|los|de|en|el|por) reyes|reyes magos"
     r"|heilige[n]? drei ko(?:e)?nige|drei ?ko(?:e)?nig(?:s ?tag|e)?|reyes(?! catolicos)",
     (1, 6)),
    (r"chri?s?t?mas+(?: day)?|x ?mas(?: day)?|navidad|jour de noel|noel|weihnachten"
     r"|(?:1|erste[nr]?)\.? weihnachts(?:feier)?tag", (12, 25)),
]
_HOLIDAY_PATTERNS = [(re.compile(rf"(?<![a-z])(?:{words})(?![a-z])"), when)
                     for words, when in _HOLIDAYS]
# "Le réveillon" alone: Christmas Eve's until it is past, then New Year's Eve's.
_REVEILLON = re.compile(r"(?<![a-z])reveillon(?![a-z])")
# One-word holiday names a typo of which is still that holiday ("silvestre", "nochevija").
_HOLIDAY_WORDS = ("heiligabend", "nochebuena", "nochevieja", "silvester", "weihnachten",
                  "reveillon", "epiphanie", "epiphany", "christmas", "neujahr", "dreikonigstag")

_DAY = (r"(?P<day>\d{1,2}(?!\d)|premier|primero|first|erste[nr]?)"
        r"(?P<suffix>st|nd|rd|th|er|re|eme|o|ro|do|to|vo|ten|te)?")
_YEAR = r"(?:,?\s+(?:de\s+)?(?P<year>\d{4}))?"
# "24 dec", "24th of december", "31 de diciembre", "6. januar", "1er janvier", "24-dic".
_DAY_MONTH = re.compile(rf"(?<![\w.,/:€$£#]){_DAY}(?P<dot>\.)?\s*(?:(?P<of>of|de|del)\s+"
                        rf"(?:the\s+)?)?(?P<month>[a-z]+)\.?{_YEAR}(?![\w])")
_EXACT_MONTHS = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "dec 24th", "december 24", "enero 2".
_MONTH_DAY = re.compile(rf"(?<![a-z])(?P<month>{_EXACT_MONTHS})\.?\s+(?:the\s+)?(?P<day>\d{{1,2}})"
                        rf"(?P<suffix>st|nd|rd|th)?(?![\d]|[.,:/]\d|[a-z%]){_YEAR}")
# "24.12.", "2.1.2027", "24/12", "31/12/26", "12/24".
_NUMERIC = re.compile(r"(?<![\w.,/:€$£#-])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})"
                      r"(?:(?P<trail>(?P=sep))(?P<year>\d{4}|\d{2})?)?(?!\d|[.,/]\d|[a-z])")
# A day of the month alone: "the 24th", "le 25", "el 24", "el día 2", "am 24.".
_BARE = re.compile(r"(?<![\w.,/:€$£#])(?P<day>\d{1,2})(?P<suffix>st|nd|rd|th|er|o|ro)?"
                   r"(?P<dot>\.)?(?![\w]|[.,/:]\d)")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that ask about a day before a bare number ("open 24/12?", "hasta el 24/12"), and
# after it ("24/12 open?").
_OPEN_WORDS = _set(
    "open opened closed hours offen geoffnet geschlossen offnungszeiten abierto abiertos "
    "abierta abren abris cerrado horario horarios ouvert ouverts ouverte ouvrez ferme fermes "
    "horaires")
_CUES = _OPEN_WORDS | _set(
    "on until till til from before after am an den zum vom bis ab dem el del al hasta desde "
    "le du au jusqu'au apres avant")
_ARTICLE_DAY = {"le", "el", "du", "au", "del", "al", "jusqu'au", "dia", "jour"}  # "le 25"
_GERMAN_DAY = {"am", "den", "zum", "vom", "dem", "ab", "bis"}  # "am 24."
# After a number: it counts something, costs something or is a time, not a day.
_UNITS = _set(
    "kg g gr gramm grams gram l ml cl cm mm m km lb lbs oz cup cups tsp tbsp eur euro euros "
    "uhr h hrs hr min mins minutes x stars star sterne estrellas etoiles points punkte pts "
    "would people personas personnes personen pers percent prozent pm am horas "
    "heures heure stunden tage dias jours days weeks semanas semaines wochen years anos ans "
    "jahre pack packs bags sacs bolsas packungen")
_ORDER_WORDS = {"order", "orders", "nr", "no", "ref", "number", "numero", "bestellung",
                "bestellnummer", "pedido", "commande", "invoice", "rechnung", "factura",
                "facture", "tracking", "code", "version"}
# "my 1st visit": an ordinal before these counts something, it is not a date.
_ORDINAL_NOUNS = {"time", "times", "visit", "order", "floor", "birthday", "anniversary",
                  "place", "try", "attempt", "edition", "grade", "week", "month", "year",
                  "class", "round", "prize", "choice", "one", "child", "kid", "baby"}
_STREETS = _set("rue avenue av bd boulevard place allee impasse quai chemin calle avenida "
                "plaza paseo street st road rd lane strasse str weg platz gasse")
_FOR = {"for", "pour", "por", "fur", "x"}
_OF = {"of", "de", "del", "du", "des", "von", "der"}
# "open 24/7", "ouvert 7/7": always, not a day.
_ALWAYS = {(24, 7), (7, 7)}


def on_or_after(today: date, month: int, day: int) -> date | None:
    """The first `day` of `month` on or after today (this year or next), if it exists."""
    for year in (today.year, today.year + 1):
        if 1 <= day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
    return None


def _next_day_of_month(today: date, day: int) -> date | None:
    """The next date with this day of the month: "the 31st" in a 30-day month is next month's."""
    year, month = today.year, today.month
    for _ in range(3):
        if 1 <= day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _exact(year: int, month: int, day: int, today: date) -> date | None:
    """A date written with its year, if it is a real day; one already past is taken for the
    next such day (in early January many still write last year's number)."""
    if year < 100:  # "24.12.26"; "24.12.33" is more likely a phone number than a date
        year += 2000
        if abs(year - today.year) > 1:
            return None
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    written = date(year, month, day)
    return written if written >= today else on_or_after(today, month, day)


def _month(word: str) -> int | None:
    """The month a word names, forgiving one slip in a long name (two in a very long one)."""
    if word in _MONTHS:
        return _MONTHS[word]
    if len(word) < 5 or not word.isalpha() or word in _NOT_MONTHS:
        return None
    found = set()
    for name, number in _TYPO_MONTHS.items():
        limit = 2 if len(name) >= 8 and len(word) >= 7 else 1
        if edit_distance(word, name, limit) <= limit:
            found.add(number)
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=8192)
def _holiday_word(word: str) -> str:
    """The holiday name `word` is a one-slip misspelling of ("silvestre"), else `word`."""
    if len(word) < 7 or word in _HOLIDAY_WORDS:
        return word
    close = [name for name in _HOLIDAY_WORDS if edit_distance(word, name, 1) <= 1]
    return close[0] if len(close) == 1 else word


def _holiday_typos(text: str) -> str:
    """The text with misspelt one-word holiday names written right."""
    return re.sub(r"[a-z]+", lambda match: _holiday_word(match.group(0)), text)


def _context(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """The two words before a span and the two after it."""
    return _TOKEN.findall(text[:start])[-2:], _TOKEN.findall(text[end:])[:2]


def _day_number(match: re.Match) -> int:
    day = match.group("day")
    return _ONE[day] if day in _ONE else int(day)


class _Reader:
    """One message read for dates: what was found, and where the full dates stand."""

    def __init__(self, text: str, today: date):
        self.text = text
        self.today = today
        self.found: list[date] = []
        self.spans: list[tuple[int, int, int]] = []  # (start, end, month) of every full date

    def add(self, day: date | None, span: tuple[int, int] | None = None) -> None:
        if day is None:
            return
        if span:
            self.spans.append((*span, day.month))
        if day not in self.found:
            self.found.append(day)

    def blank(self, start: int, end: int) -> None:
        """Take a span out of the text so no later pattern reads it again."""
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]

    def taken(self, start: int) -> bool:
        return any(begin <= start < end for begin, end, _ in self.spans)

    def holidays(self) -> None:
        self.text = _holiday_typos(self.text)
        for pattern in (_WISHES, _HOLIDAY_THINGS):
            self.text = pattern.sub(lambda m: " " * len(m.group(0)), self.text)
        for pattern, (month, day) in _HOLIDAY_PATTERNS:
            for match in pattern.finditer(self.text):
                self.add(on_or_after(self.today, month, day))
                self.blank(*match.span())
        for match in _REVEILLON.finditer(self.text):
            past_christmas = self.today.month == 12 and self.today.day > 24
            self.add(on_or_after(self.today, 12, 31 if past_christmas else 24))
            self.blank(*match.span())

    def numeric(self) -> None:
        for match in _NUMERIC.finditer(self.text):
            a, b, sep = int(match.group("a")), int(match.group("b")), match.group("sep")
            before, after = _context(self.text, *match.span())
            following = self.text[match.end():].lstrip()[:1]
            if (a, b) in _ALWAYS or _ORDER_WORDS & set(before) or after[:1] and after[0] in _UNITS:
                continue
            if sep == "/" and not match.group("year") and after[:1] and after[0] in _OF:
                continue  # "3/4 of the cake", "1/2 de taza": a fraction
            year = match.group("year")
            shaped = bool(year) or (sep == "." and bool(match.group("trail")))
            if not shaped and not (_CUES & set(before) or _OPEN_WORDS & set(after)
                                   or following == "?" or self._alone(match)
                                   or self._about_opening(a, b)):
                continue
            day, month = a, b
            if sep == "/" and not 1 <= b <= 12 and 1 <= a <= 12:
                day, month = b, a  # "12/24": month first, the only way it is a date
            if not 1 <= month <= 12:
                continue
            if year:
                self.add(_exact(int(year), month, day, self.today), match.span())
            else:
                self.add(on_or_after(self.today, month, day), match.span())
            self.blank(*match.span())

    def _alone(self, match: re.Match) -> bool:
        """The date is all the message says ("24/12", "2/1!")."""
        return not _TOKEN.search(self.text[:match.start()] + self.text[match.end():])

    def _about_opening(self, a: int, b: int) -> bool:
        """The message asks about opening ("what are your hours ... 24/12"); "9/10" and
        "10/10" stay ratings."""
        return bool(_OPEN_WORDS & set(_TOKEN.findall(self.text))) and not (b == 10 and a <= 10)

    def named_months(self) -> None:
        for pattern in (_DAY_MONTH, _MONTH_DAY):
            for match in pattern.finditer(self.text):
                word = match.group("month")
                month = _month(word)
                marked = match.group("suffix") or match.groupdict().get("of") \
                    or match.groupdict().get("dot")
                if month is None or (word in _AMBIGUOUS_MONTHS and not marked):
                    continue  # "may 2 of us come", "we 2 may", "2 days ago"
                if set(_TOKEN.findall(self.text[match.end():])[:1]) & _UNITS:
                    continue  # "sept 2 kg": French seven, two kilos
                day, year = _day_number(match), match.group("year")
                if year:
                    written = _exact(int(year), month, day, self.today)
                else:
                    written = on_or_after(self.today, month, day)
                self.add(written, match.span())

    def bare_days(self) -> None:
        """Days of the month alone; the month is that of a full date written next to them
        ("the 24th or 26th of december"), else the next such day to come."""
        for match in _BARE.finditer(self.text):
            if self.taken(match.start()) or not self._is_day(match):
                continue
            after = [month for start, _, month in sorted(self.spans) if start > match.start()]
            before = [month for _, end, month in sorted(self.spans) if end <= match.start()]
            month = (after or before[-1:] or [None])[0]
            number = int(match.group("day"))
            self.add(on_or_after(self.today, month, number) if month
                     else _next_day_of_month(self.today, number))

    def _is_day(self, match: re.Match) -> bool:
        before, after = _context(self.text, *match.span())
        suffix, previous = match.group("suffix"), (before[-1:] or [""])[0]
        if after[:1] and (after[0] in _UNITS | _ORDINAL_NOUNS | _STREETS or after[0].isdigit()):
            return False  # "le 12 kg", "au 12 rue ...", "le 06 12 34 56 78"
        if len(after) == 2 and after[0] in _FOR and after[1].isdigit():
            return False  # "le 3 pour 2", "el 2 por 1": a deal
        if self.text[match.end():].lstrip()[:1] in ("%", "€", "$", "£"):
            return False
        if suffix in ("st", "nd", "rd", "th"):
            return True  # "the 24th", "open 1st?"
        if match.group("dot"):
            return previous in _GERMAN_DAY  # "am 24.", "bis zum 2."
        if previous in _ARTICLE_DAY:
            return True  # "le 25", "el 24", "el día 2", "le 1er"
        return before == ["on", "the"]  # "on the 24?"


def dated(text: str, today: date) -> list[date]:
    """The days `text` (folded: lower case, no accents) names by a date or a holiday's name,
    in the order found; every one on or after `today`."""
    reader = _Reader(text.replace("-", " "), today)
    reader.holidays()
    reader.numeric()
    reader.named_months()
    reader.bare_days()
    return reader.found


_DOT_AFTER_DAY_MONTH = re.compile(r"(?<![\d.])(\d{1,2}\.\d{1,2})\.(?!\d)")
_DOT_AFTER_GERMAN_DAY = re.compile(r"(?<![a-z])((?:am|den|zum|vom|dem|ab|bis) \d{1,2})\.(?!\d)")
_DOT_BEFORE_WORD = re.compile(r"(?<![\w.])(\d{1,2})\.(\s*)([a-z]+)")


def date_dots(text: str) -> str:
    """`text` (folded) with the dots of German dates ("am 2.1. offen", "am 24. geöffnet",
    "6. januar") taken out, so that splitting it into sentences does not cut a date off the
    question it belongs to."""
    text = _DOT_AFTER_DAY_MONTH.sub(r"\1 ", text)
    text = _DOT_AFTER_GERMAN_DAY.sub(r"\1 ", text)
    return _DOT_BEFORE_WORD.sub(
        lambda m: f"{m.group(1)} {m.group(2)}{m.group(3)}" if _month(m.group(3)) else m.group(0),
        text)
