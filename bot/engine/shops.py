"""Shops: which one a customer means, and when it is open, in the team's time zone."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from pathlib import Path

from bot.config import CTA, Shop
from bot.engine.days import AskedDay, DaysAsked
from bot.engine.text import normalise
from bot.engine.words import Words, english
from bot.translations import variants

# Words too common in shop names and addresses to tell two shops apart on their own.
_GENERIC = {
    "road", "street", "square", "hill", "lane", "avenue", "place", "park", "the", "and",
    "shop", "store", "branch", "high", "north", "south", "east", "west", "centre",
    "center", "city", "town", "new", "old", "way", "close", "court", "row", "st", "rd", "ave",
}


_WORD = re.compile(r"[^\W_]+")
CITY_NAMES = Path(__file__).resolve().parent.parent / "data" / "city_names.txt"


def long_date(day: date, words: Words | None = None) -> str:
    """"31 December 2026" (or the same in the reply's language)."""
    return (words or english()).long_date(day)


def spans(hours: str) -> list[tuple[str, str]]:
    """ "08:00-12:00, 13:00-17:00" as [("08:00", "12:00"), ("13:00", "17:00")]; none if closed."""
    if hours.strip().lower() == "closed":
        return []
    found = []
    for part in hours.split(","):
        start, _, end = part.strip().partition("-")
        found.append((f"{int(start.split(':')[0]):02d}:{start.split(':')[1]}",
                      f"{int(end.split(':')[0]):02d}:{end.split(':')[1]}"))
    return found


@dataclass(frozen=True)
class DayHours:
    """One shop on one day the customer asked about."""

    label: str  # "today (Monday)", "tomorrow (Tuesday)", "on Sunday", "on Friday 25 December"
    hours: str  # "08:00-18:00", "08:00-12:00, 13:00-17:00" or "closed"
    next_open: str  # "Tuesday 09:00-16:00" when closed that day (within a week), else ""
    note: str = ""  # why the day is special ("Christmas Day"), from the store's special_hours
    # For today only, where the shop stands at the current local time:
    # "open" (until `until`), "later" (opens at `opens_at`), "after" (closed for the rest of
    # the day; `next_open` says when it opens again), or "" (another day, or closed all day).
    now: str = ""
    until: str = ""
    opens_at: str = ""

    @property
    def open(self) -> bool:
        return self.hours.lower() != "closed"

    @property
    def open_now(self) -> bool:
        return self.now == "open"

    @property
    def closed_when_asked(self) -> bool:
        """Closed all that day, or (today) closed for the rest of it."""
        return not self.open or self.now == "after"


@dataclass(frozen=True)
class ShopHours:
    """What a customer needs to visit one shop on the day(s) they asked about."""

    store: Shop
    days: tuple[DayHours, ...]

    def facts(self) -> list[str]:
        name = self.store.name
        facts = [f"{name} is at {self.store.address}"]
        for day in self.days:
            note = f" ({day.note})" if day.note else ""
            if day.now == "open":
                facts.append(f"{name} is open now, until {day.until} {day.label}")
            elif day.now == "later":
                facts.append(f"{name} opens at {day.opens_at} {day.label}, hours {day.hours}")
            elif day.now == "after":
                facts.append(f"{name} is closed now; {day.label} it was open {day.hours}")
            elif day.open:
                facts.append(f"{name} is open {day.label}{note} {day.hours}")
            else:
                facts.append(f"{name} is closed {day.label}{note}")
            if day.next_open and day.closed_when_asked:
                facts.append(f"{name} opens again on {day.next_open}")
        if self.store.phone:
            facts.append(f"{name}'s phone number is {self.store.phone}")
        return facts

    @property
    def closed_when_asked(self) -> bool:
        return all(day.closed_when_asked for day in self.days)


def _next_open(store: Shop, day: date, asked: set[date], today: date, words: Words) -> str:
    """When a shop closed on `day` opens next, unless that day was asked about too."""
    for ahead in range(1, 8):
        later = day + timedelta(days=ahead)
        span = store.hours_on(later)
        if span.lower() != "closed":
            if later in asked:
                return ""
            name = words.fill("tomorrow", later) \
                if later == today + timedelta(days=1) else words.weekday(later)
            if ahead >= 7 or (store.special_on(later) and later - today > timedelta(days=6)):
                name = words.fill("on_date", later)
            return f"{name} {span}"
    return ""


def _now_status(hours: str, at: time) -> tuple[str, str, str]:
    """(now, until, opens_at) for a shop with these hours today at local time `at`."""
    clock = f"{at.hour:02d}:{at.minute:02d}"
    for start, end in spans(hours):
        if start <= clock < end:
            return "open", end, ""
    later = [start for start, _ in spans(hours) if start > clock]
    if later:
        return "later", "", later[0]
    return ("after", "", "") if spans(hours) else ("", "", "")


def _day_hours(store: Shop, asked: AskedDay, today: date, all_asked: set[date],
               at: time | None, words: Words) -> DayHours:
    hours = store.hours_on(asked.day)
    special = store.special_on(asked.day)
    now, until, opens_at = ("", "", "")
    if at is not None and asked.day == today:
        now, until, opens_at = _now_status(hours, at)
    closed = hours.lower() == "closed" or now == "after"
    next_open = _next_open(store, asked.day, all_asked, today, words) if closed else ""
    return DayHours(asked.label(today, words), hours, next_open,
                    note=special.note if special else "", now=now, until=until,
                    opens_at=opens_at)


def shop_hours(store: Shop, asked: DaysAsked, at: time | None = None,
                words: Words | None = None) -> ShopHours:
    """The shop's hours on each day asked about, in the team's time zone (`asked.today`);
    with `at` (the local time now), today's entry also says whether it is open right now."""
    words = words or english()
    days = {item.day for item in asked.days}
    return ShopHours(store, tuple(_day_hours(store, item, asked.today, days, at, words)
                                   for item in asked.days))


def _words(text: str) -> str:
    """The text's words, lower case and without accents ("Múnich" is "munich")."""
    folded = unicodedata.normalize("NFKD", normalise(text))
    return " ".join(_WORD.findall("".join(c for c in folded if not unicodedata.combining(c))))


@cache
def _cities() -> tuple[tuple[str, ...], ...]:
    """Each city's names in several languages, as compared (bot/data/city_names.txt)."""
    lines = CITY_NAMES.read_text(encoding="utf-8").splitlines()
    return tuple(tuple(_words(name) for name in line.split("|") if _words(name))
                 for line in lines if line.strip() and not line.startswith("#"))


def _city_names(address: str) -> set[str]:
    """The other languages' names of the cities an address names."""
    words = f" {_words(address)} "
    return {name for names in _cities() if any(f" {n} " in words for n in names)
            for name in names}


def _aliases(store: Shop, others: list[Shop]) -> set[str]:
    """Ways a customer may name this shop: its name, its street, a word only it has."""
    street = re.sub(r"^\s*\d+[a-z]?\s+", "", store.address.split(",")[0], flags=re.IGNORECASE)
    aliases = {_words(name) for name in (*variants(store.name), *store.aliases)}
    aliases.add(_words(street))
    other_words = {word for other in others for name in variants(other.name)
                   for word in _words(name).split()}
    # The town or district ("Kilkenny", "Howth"), when no other shop's address has it.
    other_places = {word for other in others for word in _words(other.address).split()}
    for part in store.address.split(",")[1:]:
        aliases |= {word for word in _words(part).split()
                    if len(word) >= 4 and word.isalpha() and word not in _GENERIC
                    and word not in other_places}
    aliases |= {
        word for name in variants(store.name) for word in _words(name).split()
        if len(word) >= 4 and word not in _GENERIC and word not in other_words
    }
    # "Munich" for the shop in München, unless another shop is in the same city.
    town = ", ".join(store.address.split(",")[1:])
    aliases |= _city_names(town) - {name for other in others
                                    for name in _city_names(", ".join(
                                        other.address.split(",")[1:]))}
    return {alias for alias in aliases if alias}


class ShopDirectory:
    """The team's shops, with the names customers may use for each, worked out once."""

    def __init__(self, stores: list[Shop]):
        self.stores = list(stores)
        self._patterns = [
            (store, [f" {alias} " for alias in sorted(_aliases(store, self._others(store)))])
            for store in self.stores
        ]

    def _others(self, store: Shop) -> list[Shop]:
        return [other for other in self.stores if other is not store]

    def named(self, text: str) -> list[Shop]:
        """The shops the text names, in config order (none when it names none)."""
        words = f" {_words(text)} "
        return [store for store, patterns in self._patterns
                if any(pattern in words for pattern in patterns)]

    def meant(self, text: str, earlier: Iterable[str] = ()) -> list[Shop]:
        """The shop(s) to talk about: named now, else named earlier in the thread, else all."""
        if len(self.stores) <= 1:
            return list(self.stores)
        for candidate in (text, *reversed(list(earlier))):
            named = self.named(candidate)
            if named:
                return named
        return list(self.stores)

    def owners(self, cta: CTA) -> frozenset[str]:
        """The shops a CTA belongs to (none: it suits any shop).

        Its `store` key says so outright; otherwise a link to a shop's own map, or a label
        that names a shop ("Get directions to Mill Road"), ties it to that shop.
        """
        if cta.store:
            return frozenset({cta.store})
        by_map = {store.name for store in self.stores if store.map_url == cta.url}
        return frozenset(by_map or (store.name for store in self.named(cta.label)))

    def fits(self, cta: CTA, stores: Iterable[Shop]) -> bool:
        """Whether a CTA suits every one of these shops: a general one, or one of their own."""
        owners = self.owners(cta)
        return not owners or {store.name for store in stores} <= owners
