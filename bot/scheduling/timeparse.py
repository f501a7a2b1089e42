"""Times and recurrences as people type them, turned into a trigger spec and a first run.

`parse_schedule` reads the schedule part of a command (promotions, reminders):

    at <when> [every <recurrence>] [until <date>] [times N] [tz <Area/City>]
    every <recurrence> ... | on the 1st of every month at 9:00 ... | cron "0 9 * * 1-5" ...

Dates come from dateparser (ISO, "tomorrow 9am", "next friday 17:00", "in 2 hours",
"dec 24 8:30"); recurrences become APScheduler triggers, which do all the calendar maths. Anything
unclear (a time in the past, an impossible date, a phrase with two readings) raises ScheduleError
whose message shows how to write it: nothing is scheduled on a guess.
"""

from __future__ import annotations

import calendar
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.scheduling.triggers import build_trigger, first_fire

WHEN_EXAMPLES = ("`2026-12-01 09:00`, `tomorrow 9am`, `next friday 17:00`, `in 2 hours` "
                 "or `dec 24 8:30`")
EVERY_EXAMPLES = ("`every day at 9:00`, `every mon,thu at 10:00`, "
                  "`every 2 weeks on friday at 16:00`, `on the 1st of every month at 9:00` "
                  "or `cron \"0 9 * * 1-5\"`")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {
    "mon": "mon", "monday": "mon", "tue": "tue", "tues": "tue", "tuesday": "tue",
    "wed": "wed", "weds": "wed", "wednesday": "wed", "thu": "thu", "thur": "thu",
    "thurs": "thu", "thursday": "thu", "fri": "fri", "friday": "fri", "sat": "sat",
    "saturday": "sat", "sun": "sun", "sunday": "sun",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_HAS_TIME = re.compile(
    r"\d{1,2}:\d{2}|\b\d{1,2}\s*(am|pm)\b|\bnoon\b|\bmidnight\b", re.IGNORECASE
)
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ t]\d{1,2}:\d{2}(:\d{2})?)?(z|[+-]\d{2}:?\d{2})?$",
                  re.IGNORECASE)
_RELATIVE = re.compile(r"^in\s+(\d+|an?|one)\s+(minute|min|hour|hr)s?$", re.IGNORECASE)
_SLASH_DATE = re.compile(
    r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b|\b(\d{1,2})\.(\d{1,2})\.(\d{2,4})\b"
)
_NAMED_DAY = (re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.IGNORECASE),
              re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH, re.IGNORECASE))
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)$")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")


class ScheduleError(ValueError):
    """A schedule that cannot be used as typed; the message says why and how to write it."""


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: what to store, and the first run it leads to."""

    spec: dict[str, Any]  # see bot.scheduling.triggers
    timezone: str
    first_run: datetime
    ends_at: datetime | None = None
    max_runs: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def recurring(self) -> bool:
        return self.spec["type"] != "date"

    @property
    def summary(self) -> str:
        return self.spec["summary"]


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f'"{name}" is not a time zone I know: write an IANA name such as `tz Europe/Paris` '
            "or `tz America/New_York`."
        ) from None


def describe_time(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """"Fri 27 Nov 2026 09:00" in `zone` (default: the moment's own)."""
    local = moment.astimezone(zone) if zone else moment
    return f"{local:%a %d %b %Y %H:%M}"


# --- single moments -----------------------------------------------------------------------


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """Attach `zone` to a wall-clock time, refusing times that a DST change skips or repeats."""
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ScheduleError(
            f"{naive:%H:%M} on {naive:%a %d %b %Y} does not exist in {zone.key}: the clocks go "
            f"forward then. Pick another time, such as `{naive + timedelta(hours=1):%H:%M}`."
        )
    if naive.replace(tzinfo=zone, fold=1).utcoffset() != aware.utcoffset():
        raise ScheduleError(
            f"{naive:%H:%M} on {naive:%a %d %b %Y} happens twice in {zone.key}: the clocks go "
            "back then. Pick a time outside 01:00-02:00, or write it with an offset such as "
            f"`{naive:%Y-%m-%dT%H:%M}+01:00`."
        )
    return aware


def _unreadable(text: str) -> ScheduleError:
    return ScheduleError(f'I can\'t read "{text}" as a date and time. Write it like '
                         f"{WHEN_EXAMPLES}.")


def _check_named_day(text: str) -> None:
    """"feb 30" would otherwise only get a generic "can't read"; say what is wrong with it."""
    for pattern in _NAMED_DAY:
        for match in pattern.finditer(text):
            groups = match.groups()
            month_name, day = (groups[0], groups[1]) if pattern is _NAMED_DAY[0] else groups[::-1]
            month = _MONTHS.index(month_name[:3].lower()) + 1
            longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
            if not 1 <= int(day) <= longest:
                raise ScheduleError(
                    f"{calendar.month_name[month]} has no day {int(day)}: that date does not "
                    f"exist. Write a real date, such as `{calendar.month_abbr[month].lower()} "
                    f"{min(int(day), longest)} 9:00`."
                )


def _date_order(text: str) -> str:
    """Pick day-first or month-first for "24/12", refusing "03/04", which reads both ways."""
    match = _SLASH_DATE.search(text)
    if not match:
        return "DMY"
    first, second = (int(n) for n in (match.group(1) or match.group(4),
                                       match.group(2) or match.group(5)))
    if first <= 12 and second <= 12 and first != second:
        year = match.group(3) or match.group(6) or "2026"
        year = f"20{year}" if len(year) == 2 else year
        raise ScheduleError(
            f'"{match.group(0)}" could be {first} {calendar.month_name[second]} or '
            f"{second} {calendar.month_name[first]}. Write the month as a word or use ISO: "
            f"`{first} {calendar.month_abbr[second].lower()}` or "
            f"`{year}-{second:02d}-{first:02d}`."
        )
    return "DMY" if first > 12 else "MDY"


def _from_iso(text: str, zone: ZoneInfo) -> tuple[datetime, bool]:
    try:
        parsed = datetime.fromisoformat(text.upper().replace(" ", "T", 1))
    except ValueError:
        raise ScheduleError(
            f'"{text}" is not a real date and time. ISO dates are written `2026-12-01 09:00` '
            "(year-month-day, 24-hour clock)."
        ) from None
    has_time = len(text) > 10
    if parsed.tzinfo is not None:
        return parsed.astimezone(zone), True
    return localize(parsed, zone), has_time


def _from_words(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    import dateparser  # imported on first use: it takes a moment to load its language data

    relative = _RELATIVE.match(text)
    # Hours and minutes are elapsed time, so count them in UTC and stay right across DST.
    base = now.astimezone(UTC if relative else zone).replace(tzinfo=None)
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "TIMEZONE": "UTC" if relative else zone.key,
        "TO_TIMEZONE": "UTC" if relative else zone.key,
        "DATE_ORDER": _date_order(text),
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        _check_named_day(text)
        raise _unreadable(text)
    if relative:
        return parsed.replace(tzinfo=UTC).astimezone(zone)
    return localize(parsed, zone)


def parse_when(text: str, now: datetime, zone: ZoneInfo, *,
               date_only: bool = False) -> tuple[datetime, bool]:
    """One moment in `zone`, and whether it named a time of day.

    Without `date_only` a phrase with no time ("friday", "dec 24") is refused: guessing
    midnight or "now" would post at a time nobody chose.
    """
    text = " ".join(text.split()).strip()
    if not text:
        raise ScheduleError(f"Say when: {WHEN_EXAMPLES}.")
    lowered = text.lower()
    if lowered.startswith("at "):
        lowered = lowered[3:]
    if re.fullmatch(r"\d{1,2}", lowered):
        parse_time_of_day(lowered)  # explains that a bare hour reads two ways
    if _ISO.match(lowered):
        moment, has_time = _from_iso(lowered, zone)
    else:
        has_time = bool(_HAS_TIME.search(lowered) or _RELATIVE.match(lowered))
        moment = _from_words(lowered, now, zone)
    if not has_time and not date_only:
        raise ScheduleError(
            f'"{text}" has no time of day. Add one, such as `{text} 9:00` or `{text} 5pm`.'
        )
    return moment.replace(microsecond=0), has_time


def parse_time_of_day(text: str) -> time:
    """"9:00", "17:30", "9am", "5:30 pm", "noon", "midnight"."""
    value = " ".join(text.lower().split())
    if value == "noon":
        return time(12, 0)
    if value == "midnight":
        return time(0, 0)
    if match := _CLOCK.match(value):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    elif match := _TWELVE_HOUR.match(value):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if 1 <= hour <= 12 and minute <= 59:
            return time(hour % 12 + (12 if match.group(3) == "pm" else 0), minute)
    elif re.fullmatch(r"\d{1,2}", value):
        raise ScheduleError(
            f'"at {value}" could be morning or evening: write `{value}:00` (24-hour clock) '
            f"or `{value}am` / `{value}pm`."
        )
    raise ScheduleError(f'"{text}" is not a time of day: write it like `9:00`, `17:30` or `9am`.')


# --- recurrences --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Recurrence:
    spec: dict[str, Any]
    summary: str
    needs_time: bool = True
    at: time | None = None


def _day_name(word: str) -> str | None:
    return _DAY_NAMES.get(word, _DAY_NAMES.get(word.removesuffix("s")))


def _days(words: list[str]) -> list[str]:
    """["mon", ",", "thursday"] or ["mon-fri"] as APScheduler day names, in week order."""
    found: set[str] = set()
    for word in words:
        if word in (",", "and", "&"):
            continue
        first, dash, last = word.partition("-")
        names = [_day_name(part) for part in ((first, last) if dash else (word,))]
        if None in names:
            raise ScheduleError(
                f'"{word}" is not a day of the week: write days like `mon,thu` or `friday`.'
            )
        if dash:
            start, end = DAYS.index(names[0]), DAYS.index(names[1])
            found.update(DAYS[start:end + 1] if start <= end else DAYS[start:] + DAYS[:end + 1])
        else:
            found.update(names)
    return [day for day in DAYS if day in found]


def _day_of_month(words: list[str]) -> int | str:
    words = [w for w in words if w not in ("the", "day")]
    if words == ["last"]:
        return "last"
    match = _ORDINAL.match(words[0]) if len(words) == 1 else None
    if not match or not 1 <= int(match.group(1)) <= 31:
        raise ScheduleError(
            f'"{" ".join(words)}" is not a day of the month: write `on the 1st`, `on the 15th` '
            "or `on the last day`."
        )
    day = int(match.group(1))
    if day > 28:
        raise ScheduleError(
            f"Not every month has a {day}{_suffix(day)}: write `on the last day of every month` "
            "or pick a day from the 1st to the 28th."
        )
    return day


def _suffix(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _count(word: str) -> int | None:
    if word in ("other",):
        return 2
    if word.isdigit() and int(word) >= 1:
        return int(word)
    return None


def _hm(at: time) -> str:
    return f"{at:%H:%M}"


def _crontab_weekdays(field: str) -> str:
    """Standard crontab weekday numbers (0 or 7 = Sunday) as APScheduler 3 day names.

    APScheduler 3 numbers weekdays from Monday = 0, so "1-5" would silently mean Tuesday to
    Saturday; names are the same in both.
    """
    if not re.search(r"\d", field):
        return field
    days: set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (int(n) for n in span.split("-"))
        else:
            first = last = int(span)
            if step:
                last = 6
        if not (0 <= first <= 7 and 0 <= last <= 7 and first <= last):
            raise ValueError("weekday out of range")
        days.update(n % 7 for n in range(first, last + 1, int(step or 1)))
    names = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
    return ",".join(names[n] for n in sorted(days, key=lambda n: (n - 1) % 7))


def _cron(words: list[str]) -> _Recurrence:
    expr = " ".join(words).strip().strip("\"'")
    fields = expr.split()
    hint = ('Write a standard 5-field cron expression in quotes, such as `cron "0 9 * * 1-5"` '
            "(minute, hour, day of month, month, day of week).")
    if len(fields) != 5:
        raise ScheduleError(f'"{expr}" is not a cron expression. {hint}')
    try:
        spec_fields = {"minute": fields[0], "hour": fields[1], "day": fields[2],
                       "month": fields[3], "day_of_week": _crontab_weekdays(fields[4])}
        CronTrigger(**spec_fields, timezone=UTC)
    except ValueError:
        raise ScheduleError(f'"{expr}" is not a valid cron expression. {hint}') from None
    return _Recurrence({"type": "cron", "fields": spec_fields}, f'cron "{expr}"',
                       needs_time=False)


def _split_at(words: list[str]) -> tuple[list[str], time | None]:
    if "at" not in words:
        return words, None
    index = len(words) - 1 - words[::-1].index("at")
    return words[:index], parse_time_of_day(" ".join(words[index + 1:]))


def _monthly(count: int, day: int | str) -> _Recurrence:
    where = "the last day" if day == "last" else f"the {day}{_suffix(day)}"
    every = "every month" if count == 1 else f"every {count} months"
    if count == 1:
        return _Recurrence({"type": "cron", "fields": {"day": str(day)}}, f"on {where} of {every}")
    if day == "last":
        raise ScheduleError("`the last day` works with `every month`; for longer gaps pick a day "
                            "from the 1st to the 28th.")
    return _Recurrence({"type": "calendar", "months": count, "day": day}, f"on {where} of {every}")


def _every(words: list[str]) -> _Recurrence:
    """The words after "every": "day", "2 weeks on friday", "mon,thu", "month on the 1st"."""
    words, at = _split_at(words)
    on: list[str] = []
    if "on" in words:
        index = words.index("on")
        words, on = words[:index], words[index + 1:]
    count = _count(words[0]) if words else None
    unit_words = words[1:] if count else words
    count = count or 1
    unit = unit_words[0].removesuffix("s") if len(unit_words) == 1 else ""
    every = "every" if count == 1 else f"every {count}"
    if unit == "day" and not on:
        if count == 1:
            return _Recurrence({"type": "cron", "fields": {}}, "every day", at=at)
        return _Recurrence({"type": "calendar", "days": count}, f"{every} days", at=at)
    if unit in ("weekday", "weekend") and not on and count == 1:
        days = "mon-fri" if unit == "weekday" else "sat,sun"
        return _Recurrence({"type": "cron", "fields": {"day_of_week": days}}, f"every {unit}",
                           at=at)
    if unit == "week":
        days = _days(on) if on else []
        if count == 1:
            if not days:
                return _Recurrence({"type": "calendar", "weeks": 1}, "every week", at=at)
            return _Recurrence({"type": "cron", "fields": {"day_of_week": ",".join(days)}},
                               f"every {', '.join(days)}", at=at)
        if len(days) > 1:
            raise ScheduleError(f"`{every} weeks` works with one day: add one schedule per day, "
                                f"such as `{every} weeks on {days[0]} at 16:00`.")
        return _Recurrence({"type": "calendar", "weeks": count, "weekday": days[0] if days
                            else None}, f"{every} weeks" + (f" on {days[0]}" if days else ""),
                           at=at)
    if unit == "month":
        if not on:
            return _Recurrence({"type": "calendar", "months": count, "day": None},
                               "every month" if count == 1 else f"{every} months", at=at)
        return replace(_monthly(count, _day_of_month(on)), at=at)
    if unit in ("hour", "minute", "hr", "min") and not on:
        if at is not None:
            raise ScheduleError(f"`{every} {unit}s` runs around the clock; drop `at ...`, or use "
                                "`every day at 9:00`.")
        seconds = count * (3600 if unit in ("hour", "hr") else 60)
        plural = "" if count == 1 else "s"
        name = "hour" if unit in ("hour", "hr") else "minute"
        return _Recurrence({"type": "interval", "seconds": seconds},
                           f"every {count if count > 1 else ''}{' ' if count > 1 else ''}"
                           f"{name}{plural}", needs_time=False)
    if count == 1 and not on and words and (len(words) > 1 or _day_name(words[0])):
        days = _days(words)
        return _Recurrence({"type": "cron", "fields": {"day_of_week": ",".join(days)}},
                           f"every {', '.join(days)}", at=at)
    raise ScheduleError(f'I can\'t read "every {" ".join(words + on)}". Write it like '
                        f"{EVERY_EXAMPLES}.")


def _on_every(words: list[str]) -> _Recurrence:
    """"on the 1st of every month at 9:00", "on the last day of every 2 months at 9:00"."""
    words, at = _split_at(words)
    if "of" not in words or "every" not in words:
        raise ScheduleError(f"Write a monthly schedule like `on the 1st of every month at 9:00`; "
                            f"other forms: {EVERY_EXAMPLES}.")
    day_words = words[1:words.index("of")] if words[0] == "on" else words[:words.index("of")]
    rest = words[words.index("every") + 1:]
    count = _count(rest[0]) if len(rest) == 2 else 1
    if not rest or rest[-1].removesuffix("s") != "month" or count is None:
        raise ScheduleError(f'I can\'t read "{" ".join(words)}". Write it like '
                            "`on the 1st of every month at 9:00`.")
    return replace(_monthly(count, _day_of_month(day_words)), at=at)


def _first_weekday_on_or_after(day: date, weekday: str) -> date:
    return day + timedelta(days=(DAYS.index(weekday) - day.weekday()) % 7)


def _first_day_of_month_on_or_after(day: date, wanted: int) -> date:
    candidate = day.replace(day=wanted)
    if candidate < day:
        month = day.month % 12 + 1
        candidate = candidate.replace(year=day.year + (day.month == 12), month=month)
    return candidate


def _complete(recurrence: _Recurrence, start: datetime, at: time | None) -> dict[str, Any]:
    """Fill in the time of day and the calendar anchor the recurrence needs."""
    spec = dict(recurrence.spec)
    if recurrence.needs_time:
        at = recurrence.at or at
        if at is None:
            raise ScheduleError(
                f"Say at what time: `{recurrence.summary} at 9:00`, or give a start with its "
                f"time: `at tomorrow 9am {recurrence.summary}`."
            )
        spec["summary"] = f"{recurrence.summary} at {_hm(at)}"
        if spec["type"] == "cron":
            spec["fields"] = {**spec["fields"], "hour": str(at.hour), "minute": str(at.minute),
                              "second": "0"}
        else:
            spec["hour"], spec["minute"] = at.hour, at.minute
    else:
        spec["summary"] = recurrence.summary
    if spec["type"] == "calendar":
        # Anchor on the first day whose run is not before the start, so "every 2 weeks on
        # monday at 9:00" typed on a Monday at 10:00 begins next Monday, not in two weeks.
        day = start.date()
        if datetime.combine(day, time(spec["hour"], spec["minute"]), start.tzinfo) < start:
            day += timedelta(days=1)
        if spec.pop("weekday", None):
            day = _first_weekday_on_or_after(day, recurrence.spec["weekday"])
        wanted = spec.pop("day", None)
        if wanted:
            day = _first_day_of_month_on_or_after(day, wanted)
        spec["start"] = day.isoformat()
    elif spec["type"] == "interval":
        spec["start"] = start.astimezone(UTC).isoformat()
    return spec


def parse_recurrence(words: Sequence[str]) -> _Recurrence:
    words = _normalise(words)
    if not words:
        raise ScheduleError(f"Say how often: {EVERY_EXAMPLES}.")
    if words[0] == "cron":
        return _cron(words[1:])
    if words[0] == "on":
        return _on_every(words)
    if words[0] == "every" and len(words) > 1:
        return _every(words[1:])
    raise ScheduleError(f'I can\'t read "{" ".join(words)}". Write it like {EVERY_EXAMPLES}.')


def _normalise(words: Sequence[str]) -> list[str]:
    """Lower-case words with commas as separate words; a cron expression is kept whole."""
    out: list[str] = []
    for index, word in enumerate(words):
        if index and out and out[0] == "cron":
            out.append(word)
            continue
        for piece in word.lower().replace(",", " , ").split():
            out.append("," if piece == "and" else piece)
    return out


# --- the whole schedule -------------------------------------------------------------------


def _words(words: Sequence[str] | str) -> list[str]:
    if isinstance(words, str):
        try:
            return shlex.split(words)
        except ValueError:
            return words.split()
    return list(words)


def _pull_options(words: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Take `until ...`, `times N` and `tz Zone` out of the words, wherever they are."""
    main: list[str] = []
    options: dict[str, list[str]] = {}
    current: list[str] | None = None
    index = 0
    while index < len(words):
        word, lowered = words[index], words[index].lower()
        if lowered == "until":
            current = options.setdefault("until", [])
        elif lowered == "times":
            if index + 1 < len(words) and words[index + 1].isdigit():
                options["times"] = [words[index + 1]]
                index += 1
            elif main and main[-1].isdigit():
                options["times"] = [main.pop()]
            else:
                raise ScheduleError("Say how many times: `times 4`.")
            current = None
        elif lowered == "tz":
            if index + 1 >= len(words):
                raise ScheduleError("Say which time zone: `tz Europe/Paris`.")
            options["tz"] = [words[index + 1]]
            index += 1
            current = None
        elif current is not None and lowered in ("every", "cron"):
            current = None
            main.append(word)
        elif current is not None:
            current.append(word)
        else:
            main.append(word)
        index += 1
    return main, options


def _recurrence_start(main: list[str]) -> int:
    lowered = [word.lower() for word in main]
    for index, word in enumerate(lowered):
        if word in ("every", "cron"):
            return index
        if word == "on" and "every" in lowered[index:]:
            return index
    return len(main)


def parse_schedule(words: Sequence[str] | str, now: datetime, zone: ZoneInfo | str, *,
                   min_interval: timedelta = timedelta(minutes=1)) -> Schedule:
    """Read a schedule; raise ScheduleError (with how to write it) for anything unclear."""
    main, options = _pull_options(_words(words))
    if options.get("tz"):
        zone = parse_zone(options["tz"][0])
    elif isinstance(zone, str):
        zone = parse_zone(zone)
    split = _recurrence_start(main)
    when_words, recurrence_words = main[:split], main[split:]
    if when_words and when_words[0].lower() == "at":
        when_words = when_words[1:]
    if not when_words and not recurrence_words:
        raise ScheduleError(f"Say when: `at` followed by {WHEN_EXAMPLES}, and optionally "
                            f"`every ...`: {EVERY_EXAMPLES}.")
    recurrence = parse_recurrence(recurrence_words) if recurrence_words else None
    start, at = now, None
    if when_words:
        start, has_time = parse_when(" ".join(when_words), now, zone,
                                     date_only=recurrence is not None)
        at = start.timetz().replace(tzinfo=None) if has_time else None
        if start <= now:
            raise ScheduleError(
                f"{describe_time(start, zone)} ({zone.key}) is in the past. Give a future time, "
                f"such as {WHEN_EXAMPLES}."
            )
    ends_at = _parse_until(options, now, zone)
    max_runs = _parse_times(options, recurrence is not None)
    if recurrence is None:
        if ends_at is not None:
            raise ScheduleError("`until` goes with a repeating schedule: add `every ...`, such as "
                                "`every day at 9:00`.")
        spec = {"type": "date", "at": start.astimezone(UTC).isoformat(),
                "summary": f"once, {describe_time(start, zone)}"}
    else:
        if recurrence.spec["type"] == "interval":
            interval = timedelta(seconds=recurrence.spec["seconds"])
            if interval < min_interval:
                raise ScheduleError(f"That repeats too often: the shortest gap here is "
                                    f"{_gap(min_interval)}.")
            if not when_words:
                start = now + interval
        spec = _complete(recurrence, start, at)
    if ends_at is not None:
        spec["end"] = ends_at.astimezone(UTC).isoformat()
    first = first_fire(build_trigger(spec, zone), start if when_words else now)
    if first is not None and first <= now:
        first = first_fire(build_trigger(spec, zone), now + timedelta(seconds=1))
    if first is None or (ends_at is not None and first > ends_at):
        end = describe_time(ends_at, zone) if ends_at else "its end"
        raise ScheduleError(f"This schedule ends ({end}) before it ever runs. Put the end after "
                            "the first run, such as `until dec 31`, or drop `until`.")
    return Schedule(spec, zone.key, first.astimezone(zone), ends_at, max_runs)


def _gap(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} hour(s)" if minutes % 60 == 0 else f"{minutes} minutes"


def _parse_until(options: dict[str, list[str]], now: datetime, zone: ZoneInfo) -> datetime | None:
    if "until" not in options:
        return None
    if not options["until"]:
        raise ScheduleError("Say until when: `until dec 31` or `until 2026-12-31 18:00`.")
    end, has_time = parse_when(" ".join(options["until"]), now, zone, date_only=True)
    if not has_time:
        # "until friday" includes Friday.
        end = localize(datetime.combine(end.date(), time(23, 59, 59)), zone)
    if end <= now:
        raise ScheduleError(f"The end, {describe_time(end, zone)}, is in the past. Give a future "
                            "date, such as `until dec 31`.")
    return end


def _parse_times(options: dict[str, list[str]], recurring: bool) -> int | None:
    if "times" not in options:
        return None
    if not recurring:
        raise ScheduleError("`times N` goes with a repeating schedule: add `every ...`, such as "
                            "`every friday at 16:00 times 4`.")
    count = int(options["times"][0])
    if not 1 <= count <= 10_000:
        raise ScheduleError("`times` takes a number from 1 to 10000, such as `times 4`.")
    return count
