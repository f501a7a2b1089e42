"""Recurrences stored as small JSON specs and turned into APScheduler's own triggers.

The database keeps a plain description ({"type": "cron", "fields": {...}}) rather than a pickled
trigger, so a row stays readable in Datasette and survives an upgrade of APScheduler; the date
maths (months of different lengths, daylight-saving changes) is always done by the triggers.

Spec shapes ("end" is optional everywhere, an ISO time in UTC):
  {"type": "date", "at": ISO}                                  one run
  {"type": "cron", "fields": {"day_of_week": "mon,thu", ...}}  CronTrigger fields
  {"type": "calendar", "weeks": 2, "hour": 16, "minute": 0, "start": "2026-11-27"}
  {"type": "interval", "seconds": 7200, "start": ISO}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.calendarinterval import CalendarIntervalTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

# A recurring job that was down for years could otherwise loop for a very long time.
MAX_STEPS = 100_000


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def build_trigger(spec: dict[str, Any], zone: ZoneInfo) -> BaseTrigger:
    """The APScheduler trigger a spec describes, computing wall-clock times in `zone`."""
    kind = spec["type"]
    end = _when(spec.get("end"))
    if kind == "date":
        return DateTrigger(run_date=_when(spec["at"]), timezone=zone)
    if kind == "cron":
        return CronTrigger(**spec["fields"], end_date=end, timezone=zone)
    if kind == "calendar":
        return CalendarIntervalTrigger(
            months=spec.get("months", 0), weeks=spec.get("weeks", 0), days=spec.get("days", 0),
            hour=spec["hour"], minute=spec["minute"],
            start_date=date.fromisoformat(spec["start"]),
            end_date=end.astimezone(zone).date() if end else None, timezone=zone,
        )
    if kind == "interval":
        return IntervalTrigger(seconds=spec["seconds"], start_date=_when(spec["start"]),
                               end_date=end, timezone=zone)
    raise ValueError(f"unknown trigger type {kind!r}")


@lru_cache(maxsize=8192)
def cached_trigger(spec_json: str, timezone: str) -> BaseTrigger:
    """The trigger of a stored spec (its JSON text) in a zone, built once and shared.

    APScheduler 3 triggers only compute from their settings, so jobs and rows with the same
    schedule can share one: 10,000 daily promotions cost one trigger, and a burst of due
    rows does not rebuild one per row.
    """
    return build_trigger(json.loads(spec_json), ZoneInfo(timezone))


def spec_text(spec: dict[str, Any]) -> str:
    """The spec as stored: stable key order, so equal schedules compare equal as text."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"))


def is_recurring(spec: dict[str, Any]) -> bool:
    return spec["type"] != "date"


def next_fire(trigger: BaseTrigger, after: datetime) -> datetime | None:
    """The first fire time strictly after `after`, which is itself a fire time.

    Passing `after` as both the previous fire and "now" makes every trigger type count from
    that run, even when it lies in the past (which is how missed runs are enumerated).
    """
    fire = trigger.get_next_fire_time(after, after)
    if fire is not None and isinstance(trigger, CronTrigger) and _same_wall_clock(fire, after):
        # When the clocks go back, a cron time such as 01:30 comes round twice in one night;
        # a daily promotion is still posted once.
        fire = trigger.get_next_fire_time(fire, fire)
    return fire


def _same_wall_clock(fire: datetime, previous: datetime) -> bool:
    local = previous.astimezone(fire.tzinfo)
    return fire.replace(tzinfo=None) == local.replace(tzinfo=None)


def first_fire(trigger: BaseTrigger, start: datetime) -> datetime | None:
    """The first fire time at or after `start`."""
    fire = trigger.get_next_fire_time(None, start)
    steps = 0
    # A calendar trigger answers with its start date whatever `now` is; step past it.
    while fire is not None and fire < start and steps < MAX_STEPS:
        fire, steps = next_fire(trigger, fire), steps + 1
    return fire


def next_after(trigger: BaseTrigger, known: datetime, now: datetime) -> datetime | None:
    """The first fire time after `now`, stepping on from `known`, a fire time of the trigger."""
    fire, steps = known, 0
    while fire is not None and fire <= now:
        if steps >= MAX_STEPS:
            return first_fire(trigger, now + timedelta(seconds=1))
        fire, steps = next_fire(trigger, fire), steps + 1
    return fire


@dataclass(frozen=True)
class DueRun:
    """What to do about a run that has come due, possibly after Nudge was down for a while.

    Several runs that passed unseen are coalesced into the latest one: the team wants one late
    post, not a burst of them. `on_time` says whether that one is still within the grace period.
    """

    scheduled_for: datetime
    coalesced: int  # how many scheduled runs this one stands for (1 when none was skipped)
    lateness: timedelta
    on_time: bool
    following: datetime | None  # the next run after this one, None when the schedule is over


def plan_due(trigger: BaseTrigger, due: datetime, now: datetime, grace: timedelta,
             ends_at: datetime | None = None) -> DueRun:
    """Coalesce every run from `due` (a fire time not after `now`) up to `now` into one."""
    latest, count = due, 1
    following = next_fire(trigger, latest)
    while following is not None and following <= now and (ends_at is None
                                                           or following <= ends_at):
        if count >= MAX_STEPS:
            following = next_after(trigger, following, now)
            break
        latest, count = following, count + 1
        following = next_fire(trigger, latest)
    if following is not None and ends_at is not None and following > ends_at:
        following = None
    lateness = now - latest
    return DueRun(latest, count, lateness, lateness <= grace, following)


def shortest_gap(trigger: BaseTrigger, first: datetime, *, runs: int = 2000,
                 horizon: timedelta = timedelta(days=400),
                 below: timedelta | None = None) -> timedelta | None:
    """The shortest time between two consecutive runs among the next `runs` from `first`.

    A cron expression's gaps repeat within every day it matches, so a year of runs (bounded by
    `runs`) shows its shortest one; the scan stops early once a gap under `below` is seen.
    None when the trigger runs fewer than twice.
    """
    shortest: timedelta | None = None
    previous, fire, count = first, next_fire(trigger, first), 1
    while fire is not None and count < runs and fire - first <= horizon:
        gap = fire - previous
        if shortest is None or gap < shortest:
            shortest = gap
            if below is not None and gap < below:
                break
        previous, fire, count = fire, next_fire(trigger, fire), count + 1
    return shortest


def upcoming(trigger: BaseTrigger, first: datetime | None, count: int,
             ends_at: datetime | None = None) -> list[datetime]:
    """The next `count` fire times from `first` (inclusive), for previews."""
    times: list[datetime] = []
    fire = first
    while fire is not None and len(times) < count and (ends_at is None or fire <= ends_at):
        times.append(fire)
        fire = next_fire(trigger, fire)
    return times
