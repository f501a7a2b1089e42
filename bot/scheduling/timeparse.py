"""The schedule part of a command, read into a trigger spec and a first run.

`parse_schedule` reads (promotions now, reminders next):

    at <when> [every <recurrence>] [until <date>] [times N] [tz <Area/City>]
    every <recurrence> ... | on the 1st of every month at 9:00 ... | cron "0 9 * * 1-5" ...

Moments are read by moments.py (dateparser), recurrences by recurrence.py (APScheduler
triggers). Anything unclear raises ScheduleError, whose message shows how to write it: nothing
is scheduled on a guess.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.scheduling.moments import (
    ScheduleError,
    day_suggestion,
    describe_time,
    localize,
    parse_time_of_day,
    parse_when,
    parse_zone,
    past_moment,
    when_examples,
)
from bot.scheduling.recurrence import EVERY_EXAMPLES, complete, parse_recurrence
from bot.scheduling.triggers import build_trigger, first_fire, shortest_gap

__all__ = ["Schedule", "ScheduleError", "describe_time", "parse_schedule", "parse_time_of_day",
           "parse_when", "parse_zone"]


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
        raise ScheduleError(f"Say when: `at` followed by {when_examples(now, zone)}, and "
                            f"optionally `every ...`: {EVERY_EXAMPLES}.")
    recurrence = parse_recurrence(recurrence_words) if recurrence_words else None
    start, at = now, None
    if when_words:
        start, has_time = parse_when(" ".join(when_words), now, zone,
                                     date_only=recurrence is not None)
        at = start.timetz().replace(tzinfo=None) if has_time else None
        if start <= now:
            raise past_moment(" ".join(when_words), start, now, zone, has_time)
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
        spec = complete(recurrence, start, at)
    if ends_at is not None:
        spec["end"] = ends_at.astimezone(UTC).isoformat()
    first = first_fire(build_trigger(spec, zone), start if when_words else now)
    if first is not None and first <= now:
        first = first_fire(build_trigger(spec, zone), now + timedelta(seconds=1))
    if first is None or (ends_at is not None and first > ends_at):
        end = describe_time(ends_at, zone) if ends_at else "its end"
        after = first or start
        raise ScheduleError(f"This schedule ends ({end}) before it ever runs. Put the end after "
                            f"the first run, such as `until {_later_day(after, now, zone)}`, or "
                            "drop `until`.")
    if spec["type"] == "cron":
        _check_cron_gap(spec, zone, first, min_interval)
    return Schedule(spec, zone.key, first.astimezone(zone), ends_at, max_runs)


def _check_cron_gap(spec: dict[str, Any], zone: ZoneInfo, first: datetime,
                    min_interval: timedelta) -> None:
    """A cron expression obeys the same floor as `every`: its next runs are never closer."""
    gap = shortest_gap(build_trigger(spec, zone), first, below=min_interval)
    if gap is not None and gap < min_interval:
        raise ScheduleError(f"That cron expression has runs only {_gap(gap)} apart; the shortest "
                            f"gap here is {_gap(min_interval)}. Use fewer minutes or hours, such "
                            'as `cron "0 9 * * 1-5"`.')


def parse_limits(words: Sequence[str] | str, now: datetime, zone: ZoneInfo | str, *,
                 recurring: bool) -> tuple[datetime | None, int | None]:
    """Only `until <date>` and/or `times N`, to change when an existing schedule stops; returns
    (ends_at, times), either None when not given. Anything else raises ScheduleError."""
    main, options = _pull_options(_words(words))
    if isinstance(zone, str):
        zone = parse_zone(zone)
    if main or "tz" in options:
        raise ScheduleError("To change the time or the time zone, give the whole new schedule: "
                            "`at tomorrow 9am every day at 9:00`.")
    if not options:
        raise ScheduleError(f"Say what to change: `until {_later_day(now, now, zone)}` or "
                            "`times 4`.")
    return _parse_until(options, now, zone), _parse_times(options, recurring)


def _later_day(after: datetime, now: datetime, zone: ZoneInfo) -> str:
    """An `until` day a month after `after`, written so that it reads back as that day."""
    return day_suggestion((after.astimezone(zone) + timedelta(days=30)).date(), now, zone)


def _gap(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return f"{int(delta.total_seconds())} seconds"
    if minutes % 60 == 0:
        return f"{minutes // 60} hour(s)"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _parse_until(options: dict[str, list[str]], now: datetime, zone: ZoneInfo) -> datetime | None:
    if "until" not in options:
        return None
    if not options["until"]:
        example = _later_day(now, now, zone)
        raise ScheduleError(f"Say until when: `until {example}` or `until {example} 18:00`.")
    end, has_time = parse_when(" ".join(options["until"]), now, zone, date_only=True)
    if not has_time:
        # "until friday" includes Friday.
        end = localize(datetime.combine(end.date(), time(23, 59, 59)), zone)
    if end <= now:
        raise ScheduleError(f"The end, {describe_time(end, zone)}, is in the past. Give a future "
                            f"date, such as `until {_later_day(now, now, zone)}`.")
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
