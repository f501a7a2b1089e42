"""Which day a customer asks about: "sunday", "sat", "tmrw", "this weekend", "on the 24th".

Customers ask "are you open on sunday?" far more often than "are you open today?", so the
reply must give the hours of the day they name, not today's. Reading the day is plain,
deterministic word matching (no model): weekday names with their usual abbreviations and
typos, today / tonight / tomorrow, the weekend, and dates such as "the 24th" or "24 Dec".
Every day is the next one on or after `today`, the team's local date.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from bot.engine.words import Words, english

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MAX_DAYS = 7

_FULL = {name.lower(): index for index, name in enumerate(WEEKDAY_NAMES)}
# The same days in Spanish, French and German (accents folded away).
_FOREIGN = {
    name: index
    for names in ("lunes martes miercoles jueves viernes sabado domingo",
                  "lundi mardi mercredi jeudi vendredi samedi dimanche",
                  "montag dienstag mittwoch donnerstag freitag samstag sonntag")
    for index, name in enumerate(names.split())
}
_FOREIGN_TODAY = {"hoy", "aujourdhui", "aujourd'hui", "heute", "heut"}
_FOREIGN_TOMORROW = {"manana", "demain", "morgen"}
# "guten morgen" is good morning, "por la mañana" in the morning: not tomorrow.
_NOT_TOMORROW_AFTER = {"guten", "la", "de", "cada", "jeden"}
# Days with a name of their own, every year: (month, day).
_NAMED_DAYS = [
    (r"christmas eve|xmas eve|x-mas eve|nochebuena|veille de noel|heiligabend|heilig abend"
     r"|heiligen abend", (12, 24)),
    (r"boxing day|(st )?stephen'?s? day|san esteban|zweiter weihnachtstag|2 weihnachtstag"
     r"|stephanstag", (12, 26)),
    (r"new year'?s? eve|\bnye\b|nochevieja|saint sylvestre|st sylvestre"
     r"|reveillon du nouvel an|silvester", (12, 31)),
    (r"new year'?s day|new years day|new year\b|ano nuevo|jour de l'?an|nouvel an|neujahr",
     (1, 1)),
    (r"christmas day|xmas day|christmas|xmas|navidad|jour de noel|\bnoel\b|weihnachten"
     r"|erster weihnachtstag|1 weihnachtstag", (12, 25)),
]
_NAMED_DAY_PATTERNS = [(re.compile(rf"(?<![a-z])(?:{words})(?![a-z])"), when)
                       for words, when in _NAMED_DAYS]
_SHORT = {
    "mon": 0, "mo": 0, "tue": 1, "tues": 1, "tu": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3,
    "thurs": 3, "thrs": 3, "fri": 4, "sat": 5, "sun": 6,
}
# Short forms that are also everyday words: "the sun", "I sat outside", "wed like to come".
_NOT_A_DAY_AFTER = {"the", "a", "in", "i", "we", "he", "she", "they", "you", "was", "were",
                    "just", "have", "had", "ive", "weve"}
_NOT_A_DAY_BEFORE = {"like", "love", "be", "have", "need", "want", "go", "come", "prefer",
                     "rather", "nav", "cream", "shine", "down", "been"}
_TODAY = {"today", "todays", "2day", "tday", "tonight", "tonite", "2nite", "tonights"}
_TOMORROW = {"tomorrow", "tomorrows", "tmrw", "tmr", "tmrow", "tmoro", "tmorrow", "tomoz",
             "2moro", "2morow", "2morrow", "2mrw", "tomo"}
_WEEKEND = {"weekend", "weekends", "wknd", "wkend", "wkd", "wkends"}
# Real words a typo-tolerant match would otherwise take for a day.
_LOOKALIKES = {"sundae", "sundaes", "sundry", "frida", "mondo", "tomato", "tomatoes"}
# The words a typo is measured against; long words tolerate two slips, short ones one.
_TYPO_TARGETS = {**_FULL, **{f"{name}s": index for name, index in _FULL.items()},
                 "tomorrow": "tomorrow", "tonight": "today", "weekend": "weekend"}
_MONTHS = {name.lower()[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTH = (r"(january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug"
          r"|september|sept|sep|october|oct|november|nov|december|dec)")
_SUFFIX = r"(st|nd|rd|th)?"
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_SUFFIX}(?: of)? {_MONTH}\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH} (?:the )?(\d{{1,2}}){_SUFFIX}\b")
_ORDINAL_ONLY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class AskedDay:
    day: date
    dated: bool = False  # named by its date ("the 24th"), so the reply states the date too

    def label(self, today: date, words: Words | None = None) -> str:
        """How the reply names it: "today (Monday)", "tomorrow (Tuesday)", "on Sunday"."""
        words = words or english()
        if self.day == today:
            return words.fill("today", self.day)
        if self.day == today + timedelta(days=1):
            return words.fill("tomorrow", self.day)
        return words.fill("on_date" if self.dated else "on_day", self.day)

    def short(self, today: date, words: Words | None = None) -> str:
        """The name alone, for a list of days: "today", "tomorrow", "Sunday"."""
        words = words or english()
        if self.day == today:
            return words.get("today_short")
        if self.day == today + timedelta(days=1):
            return words.get("tomorrow_short")
        return words.weekday(self.day)


@dataclass(frozen=True)
class DaysAsked:
    """The days a message asks about, earliest first; only today when it names none."""

    today: date
    days: tuple[AskedDay, ...]
    named: bool
    weekend: bool = False  # asked about "the weekend" and nothing else

    @property
    def phrase(self) -> str:
        """The days in a sentence: "today", "on Sunday", "this weekend", "today and Sunday"."""
        return self.phrase_in(english())

    def phrase_in(self, words: Words) -> str:
        """`phrase` in another language's words."""
        if self.weekend:
            return words.get("weekend")
        if len(self.days) == 1:
            return self.days[0].label(self.today, words).split(" (")[0]
        names = [day.short(self.today, words) for day in self.days]
        listed = ", ".join(names[:-1]) + f" {words.get('and')} " + names[-1]
        relative = any(day.day <= self.today + timedelta(days=1) for day in self.days)
        if relative:
            return listed
        return words.get("on_day").replace("{weekday}", listed)


def _fold(text: str) -> str:
    """Lower case without accents: "Sábado" and "sabado", "Noël" and "noel" are one word."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return [word.removesuffix("'s") for word in _WORD.findall(_fold(text))]


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of neighbours as one slip ("thrusday"), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
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


def _typo(word: str) -> int | str | None:
    """The day word `word` is a misspelling of, when exactly one fits closest."""
    if len(word) < 5 or not word.isalpha() or word in _LOOKALIKES:
        return None
    best, found = 3, set()
    for target, meaning in _TYPO_TARGETS.items():
        limit = 2 if len(target) >= 8 and len(word) >= 6 else 1
        slips = _distance(word, target, limit)
        if slips <= limit and slips < best:
            best, found = slips, {meaning}
        elif slips <= limit and slips == best:
            found.add(meaning)
    return found.pop() if len(found) == 1 else None


def _meaning(words: list[str], at: int) -> int | str | None:
    """What the word at `at` names: a weekday index, "today", "tomorrow", "weekend" or None."""
    word = words[at]
    before = words[at - 1] if at else ""
    if word in _TODAY or word in _FOREIGN_TODAY:
        return "today"
    if word in _TOMORROW or (word in _FOREIGN_TOMORROW and before not in _NOT_TOMORROW_AFTER):
        return "tomorrow"
    if word in _FOREIGN or (word.endswith("s") and word[:-1] in _FOREIGN):
        return _FOREIGN.get(word, _FOREIGN.get(word[:-1]))
    if word in _WEEKEND or (word == "week" and words[at + 1: at + 2] == ["end"]):
        return "weekend"
    if word in _FULL or (word.endswith("s") and word[:-1] in _FULL):
        return _FULL[word.removesuffix("s")] if word not in _FULL else _FULL[word]
    if word in _SHORT:
        before = words[at - 1] if at else ""
        after = words[at + 1] if at + 1 < len(words) else ""
        if before in _NOT_A_DAY_AFTER or after in _NOT_A_DAY_BEFORE:
            return None
        return _SHORT[word]
    return _typo(word)


def _next_weekday(today: date, weekday: int, skip_today: bool = False) -> date:
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=7 if skip_today and ahead == 0 else ahead)


def _on_or_after(today: date, month: int, day: int) -> date | None:
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


def _dated(text: str, today: date) -> list[date]:
    """Days named by their date: "24 dec", "december 24th", "the 24th" (the next such day).

    A bare "the 24th" takes the month of a full date written next to it ("the 24th or 26th of
    December"), else it is the next 24th to come.
    """
    found: list[date] = []
    for pattern, (month, day) in _NAMED_DAY_PATTERNS:
        if pattern.search(text):
            named = _on_or_after(today, month, day)
            if named and named not in found:
                found.append(named)
            text = pattern.sub(" ", text)  # "christmas eve" is not also "christmas"
    months: list[tuple[int, int, int]] = []  # (start, end, month) of every full date
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 3), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(text):
            if match.group(month_group) == "may" and not match.group(day_group + 1):
                continue  # "may 2 of us come", "we 2 may": not a date without "2nd"
            month = _MONTHS[match.group(month_group)[:3]]
            months.append((*match.span(), month))
            day = _on_or_after(today, month, int(match.group(day_group)))
            if day:
                found.append(day)
    for match in _ORDINAL_ONLY.finditer(text):
        if any(start <= match.start() < end for start, end, _ in months):
            continue
        after = [month for start, _, month in sorted(months) if start > match.start()]
        before = [month for _, end, month in sorted(months) if end <= match.start()]
        month = (after or before[-1:] or [None])[0]
        number = int(match.group(1))
        day = _on_or_after(today, month, number) if month else _next_day_of_month(today, number)
        if day:
            found.append(day)
    return found


def days_asked(text: str, today: date) -> DaysAsked:
    """The days `text` asks about, in the order they come; today when it names none."""
    words = _words(text)
    asked: dict[date, AskedDay] = {}
    weekend_only = True
    for at in range(len(words)):
        meaning = _meaning(words, at)
        if meaning is None:
            continue
        if meaning == "weekend":
            saturday = _next_weekday(today, 5)
            days = [saturday, saturday + timedelta(days=1)]
            if today.weekday() == 6:  # on a Sunday, "this weekend" is what is left of it
                days = [today]
            for day in days:
                asked.setdefault(day, AskedDay(day))
            continue
        weekend_only = False
        if meaning == "today":
            day = today
        elif meaning == "tomorrow":
            day = today + timedelta(days=1)
        else:
            day = _next_weekday(today, meaning, skip_today=at > 0 and words[at - 1] == "next")
        asked.setdefault(day, AskedDay(day))
    for day in _dated(" ".join(words), today):
        weekend_only = False
        asked[day] = AskedDay(day, dated=True)
    if not asked:
        return DaysAsked(today, (AskedDay(today),), named=False)
    days = tuple(sorted(asked.values(), key=lambda item: item.day)[:MAX_DAYS])
    return DaysAsked(today, days, named=True, weekend=weekend_only)
