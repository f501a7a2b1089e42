"""Recurrences as people type them, as APScheduler trigger specs (see triggers.py).

    every day at 9:00            every mon,thu at 10:00        every weekday at 8:30
    every 2 weeks on friday at 16:00                           every 3 days at 9:00
    on the 1st of every month at 9:00                          every 6 hours
    on the last day of every month at 18:00                    cron "0 9 * * 1-5"

Only the words are read here; every date calculation is left to the triggers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from bot.scheduling.moments import ScheduleError, parse_time_of_day

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
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")


@dataclass(frozen=True)
class Recurrence:
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


def _cron(words: list[str]) -> Recurrence:
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
    return Recurrence({"type": "cron", "fields": spec_fields}, f'cron "{expr}"',
                       needs_time=False)


def _split_at(words: list[str]) -> tuple[list[str], time | None]:
    if "at" not in words:
        return words, None
    index = len(words) - 1 - words[::-1].index("at")
    return words[:index], parse_time_of_day(" ".join(words[index + 1:]))


def _monthly(count: int, day: int | str) -> Recurrence:
    where = "the last day" if day == "last" else f"the {day}{_suffix(day)}"
    every = "every month" if count == 1 else f"every {count} months"
    if count == 1:
        return Recurrence({"type": "cron", "fields": {"day": str(day)}}, f"on {where} of {every}")
    if day == "last":
        raise ScheduleError("`the last day` works with `every month`; for longer gaps pick a day "
                            "from the 1st to the 28th.")
    return Recurrence({"type": "calendar", "months": count, "day": day}, f"on {where} of {every}")


def _every(words: list[str]) -> Recurrence:
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
            return Recurrence({"type": "cron", "fields": {}}, "every day", at=at)
        return Recurrence({"type": "calendar", "days": count}, f"{every} days", at=at)
    if unit in ("weekday", "weekend") and not on and count == 1:
        days = "mon-fri" if unit == "weekday" else "sat,sun"
        return Recurrence({"type": "cron", "fields": {"day_of_week": days}}, f"every {unit}",
                           at=at)
    if unit == "week":
        days = _days(on) if on else []
        if count == 1:
            if not days:
                return Recurrence({"type": "calendar", "weeks": 1}, "every week", at=at)
            return Recurrence({"type": "cron", "fields": {"day_of_week": ",".join(days)}},
                               f"every {', '.join(days)}", at=at)
        if len(days) > 1:
            raise ScheduleError(f"`{every} weeks` works with one day: add one schedule per day, "
                                f"such as `{every} weeks on {days[0]} at 16:00`.")
        return Recurrence({"type": "calendar", "weeks": count, "weekday": days[0] if days
                            else None}, f"{every} weeks" + (f" on {days[0]}" if days else ""),
                           at=at)
    if unit == "month":
        if not on:
            return Recurrence({"type": "calendar", "months": count, "day": None},
                               "every month" if count == 1 else f"{every} months", at=at)
        return replace(_monthly(count, _day_of_month(on)), at=at)
    if unit in ("hour", "minute", "hr", "min") and not on:
        if at is not None:
            raise ScheduleError(f"`{every} {unit}s` runs around the clock; drop `at ...`, or use "
                                "`every day at 9:00`.")
        seconds = count * (3600 if unit in ("hour", "hr") else 60)
        plural = "" if count == 1 else "s"
        name = "hour" if unit in ("hour", "hr") else "minute"
        return Recurrence({"type": "interval", "seconds": seconds},
                           f"every {count if count > 1 else ''}{' ' if count > 1 else ''}"
                           f"{name}{plural}", needs_time=False)
    if count == 1 and not on and words and (len(words) > 1 or _day_name(words[0])):
        days = _days(words)
        return Recurrence({"type": "cron", "fields": {"day_of_week": ",".join(days)}},
                           f"every {', '.join(days)}", at=at)
    raise ScheduleError(f'I can\'t read "every {" ".join(words + on)}". Write it like '
                        f"{EVERY_EXAMPLES}.")


def _on_every(words: list[str]) -> Recurrence:
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


def complete(recurrence: Recurrence, start: datetime, at: time | None) -> dict[str, Any]:
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
        elif spec.get("months") and day.day > 28:
            raise ScheduleError(f"Starting on the {day.day}{_suffix(day.day)}, `every month` "
                                "would skip short months: say which day, such as "
                                "`every month on the 1st at 9:00` or `on the last day of every "
                                "month at 9:00`.")
        spec["start"] = day.isoformat()
    elif spec["type"] == "interval":
        spec["start"] = start.astimezone(UTC).isoformat()
    return spec


def parse_recurrence(words: Sequence[str]) -> Recurrence:
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
