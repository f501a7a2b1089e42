"""Which day a customer asks about: "sunday", "sat", "tmrw", "this weekend", "on the 24th".

Customers ask "are you open on sunday?" far more often than "are you open today?", so the
reply must give the hours of the day they name, not today's. Reading the day is plain,
deterministic word matching (no model), in English, German, Spanish and French: weekday names
with their usual abbreviations and typos ("am Samstag", "el sábado", "ce samedi", "samedi
prochain", "nächsten Montag"), today / tonight / tomorrow / the day after (übermorgen, pasado
mañana, après-demain), the weekend (dieses Wochenende, este finde, ce week-end), and dates and
holidays, read by bot.engine.dates. Every day is the next one on or after `today`, the team's
local date.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from bot.engine.dates import dated
from bot.engine.text import edit_distance as _distance
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
# "guten morgen" is good morning, "por la mañana" in the morning, "heute morgen" and "esta
# mañana" this morning: not tomorrow.
_NOT_TOMORROW_AFTER = {"guten", "la", "de", "cada", "jeden", "esta", "heute", "am", "por"}
_AFTER_TOMORROW = {"ubermorgen", "uebermorgen", "overmorrow"}
# "pasado mañana", "après-demain", "the day after tomorrow": the word before "tomorrow".
_AFTER_TOMORROW_BEFORE = {"pasado", "apres", "after"}
# "ce soir", "esta noche", "esta tarde": today.
_TONIGHT = {("ce", "soir"), ("cet", "apres"), ("esta", "noche"), ("esta", "tarde")}
# "next monday", "nächsten Montag", "el próximo lunes"; "samedi prochain", "el lunes que viene".
_NEXT_BEFORE = {"next", "nachsten", "naechsten", "nachster", "kommenden", "kommender",
                "proximo", "proxima"}
_NEXT_AFTER = {"prochain", "prochaine", "proximo", "proxima"}
_FOREIGN_WEEKEND = {"wochenende", "wochenenden", "wochenendes"}
# "este finde" is this weekend, "ich finde" is "I find".
_FINDE_AFTER = {"este", "ese", "el", "al", "del", "proximo", "en", "this", "the"}
_SHORT = {
    "mon": 0, "mo": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3,
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
# "and now?" after a question about another day: today, but only when no day is named ("are
# you open on the 25th now that ..." is about the 25th).
_NOW = {"now", "rn", "currently", "jetzt", "gerade", "ahora", "ahorita", "maintenant",
        "actuellement"}
_WEEKEND = {"weekend", "weekends", "wknd", "wkend", "wkd", "wkends"}
# French "mon" is "my" ("mon colis"): Monday only next to another day or a time of day.
_MON_NEXT_TO = {"or", "and", "to", "thru", "through", "till", "until", "morning",
                "afternoon", "evening", "night", "open", "next", "this", "on", "from", "til"}
# Real words a typo-tolerant match would otherwise take for a day.
_LOOKALIKES = {"sundae", "sundaes", "sundry", "frida", "mondo", "tomato", "tomatoes"}
# The words a typo is measured against; long words tolerate two slips, short ones one.
_TYPO_TARGETS = {**_FULL, **{f"{name}s": index for name, index in _FULL.items()},
                 **{name: index for name, index in _FOREIGN.items() if len(name) >= 7},
                 "tomorrow": "tomorrow", "tonight": "today", "weekend": "weekend",
                 "wochenende": "weekend", "ubermorgen": "after_tomorrow"}
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


@lru_cache(maxsize=8192)
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
    """What the word at `at` names: a weekday index, "today", "tomorrow", "after_tomorrow",
    "weekend" or None."""
    word = words[at]
    before = words[at - 1] if at else ""
    after = words[at + 1] if at + 1 < len(words) else ""
    if word in _TODAY or word in _FOREIGN_TODAY or (before, word) in _TONIGHT:
        return "today"
    if word in _AFTER_TOMORROW:
        return "after_tomorrow"
    if word in _TOMORROW or word in _FOREIGN_TOMORROW:
        if before in _AFTER_TOMORROW_BEFORE and (before != "after" or words[at - 2: at - 1]
                                                 == ["day"]):
            return "after_tomorrow"
        return "tomorrow" if word in _TOMORROW or before not in _NOT_TOMORROW_AFTER else None
    if word in _FOREIGN or (word.endswith("s") and word[:-1] in _FOREIGN):
        return _FOREIGN.get(word, _FOREIGN.get(word[:-1]))
    if word in _WEEKEND or word in _FOREIGN_WEEKEND or (word == "week" and after == "end") \
            or (word == "finde" and before in _FINDE_AFTER) \
            or (word == "semana" and words[at - 2: at] == ["fin", "de"]):
        return "weekend"
    if word in _FULL or (word.endswith("s") and word[:-1] in _FULL):
        return _FULL[word.removesuffix("s")] if word not in _FULL else _FULL[word]
    if word in _SHORT:
        if before in _NOT_A_DAY_AFTER or after in _NOT_A_DAY_BEFORE:
            return None
        if word == "mon" and after and not (
                {before, after} & (_MON_NEXT_TO | set(_SHORT) | set(_FULL))):
            return None
        return _SHORT[word]
    return _typo(word)


def _next(words: list[str], at: int) -> bool:
    """Whether the weekday at `at` is "next" ("next monday", "samedi prochain")."""
    after = words[at + 1: at + 3]
    return (at > 0 and words[at - 1] in _NEXT_BEFORE) or (bool(after) and after[0] in _NEXT_AFTER) \
        or after == ["que", "viene"]


def _next_weekday(today: date, weekday: int, skip_today: bool = False) -> date:
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=7 if skip_today and ahead == 0 else ahead)


def days_asked(text: str, today: date) -> DaysAsked:
    """The days `text` asks about, in the order they come; today when it names none."""
    words = _words(text)
    asked: dict[date, AskedDay] = {}
    weekdays: dict[date, int] = {}  # days found by their weekday's name alone
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
        elif meaning == "after_tomorrow":
            day = today + timedelta(days=2)
        else:
            day = _next_weekday(today, meaning, skip_today=_next(words, at))
            weekdays[day] = meaning
        asked.setdefault(day, AskedDay(day))
    found = dated(_fold(text), today)
    for day in found:
        weekend_only = False
        asked[day] = AskedDay(day, dated=True)
    # "Thursday 24 December": the weekday names the date's day, not also the next Thursday.
    for day, weekday in weekdays.items():
        if day not in found and any(other.weekday() == weekday for other in found):
            asked.pop(day, None)
    if not asked:
        return DaysAsked(today, (AskedDay(today),), named=bool(_NOW & set(words)))
    days = tuple(sorted(asked.values(), key=lambda item: item.day)[:MAX_DAYS])
    return DaysAsked(today, days, named=True, weekend=weekend_only)
