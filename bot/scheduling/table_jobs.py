"""Job sources whose schedule lives in rows with trigger, timezone and next_run_at columns.

Promotions and reminders are both rows that are 'active' with a next run; what is wanted from
the scheduler is read the same way for both (bot/store/scheduled.py), so it is written once
here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.scheduling.service import Wanted
from bot.scheduling.timeparse import describe_time
from bot.scheduling.triggers import cached_trigger
from bot.store import Database, scheduled


class TableJobs:
    """Base for a JobSource backed by the rows of `table` (promotions, reminders); subclasses
    add claiming and firing."""

    kind: str
    table: str  # one of bot.store.scheduled.TABLES
    noun: str  # how a person names one row: "promotion", "reminder"

    def __init__(self, db: Database, config: Config):
        self.db = db
        self.config = config

    def wanted(self) -> dict[str, Wanted]:
        return {str(row_id): Wanted(spec, tz, datetime.fromisoformat(next_run))
                for row_id, spec, tz, next_run in scheduled.scheduled(self.db, self.table)}

    def wanted_one(self, key: str) -> Wanted | None:
        row = scheduled.scheduled_one(self.db, self.table, int(key))
        return Wanted(row[0], row[1], datetime.fromisoformat(row[2])) if row else None

    def describe(self, ref_id: str) -> str:
        return f"{self.noun} #{ref_id}"


class ScheduledRow:
    """What a scheduled row (a promotion, a reminder) says about its own schedule.

    Mixed into dataclasses that have `spec`, `schedule`, `timezone`, `ends_at` and `max_runs`.
    """

    spec: dict
    schedule: str
    timezone: str
    ends_at: datetime | None
    max_runs: int | None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def recurring(self) -> bool:
        return self.spec["type"] != "date"

    @property
    def summary(self) -> str:
        parts = [self.spec.get("summary", self.schedule)]
        if self.ends_at:
            parts.append(f"until {describe_time(self.ends_at, self.zone)}")
        if self.max_runs:
            parts.append(f"{self.max_runs} times")
        return ", ".join(parts)

    def trigger(self):
        return cached_trigger(json.dumps(self.spec, sort_keys=True), self.timezone)


def numbered_row(fetch: Callable[[int], dict | None], ref: int | str, noun: str, hint: str,
                 error: type[Exception]) -> dict:
    """The row a person means by "3" or "#3" (read by `fetch(number)`), or `error` saying how
    to find the right number."""
    text = str(ref).strip().removeprefix("#")
    if text.isascii() and text.isdigit() and len(text) > 19:
        # Beyond SQLite's integers (and maybe Python's int parsing limit): no such row.
        raise error(f"There is no {noun} #{text[:20]}…. {hint}")
    try:
        number = int(text)
    except ValueError:
        raise error(f'"{text[:40]}" is not a {noun} number: write it like `3`. {hint}') from None
    found = fetch(number) if 0 < number < 2 ** 63 else None
    if found is None:
        raise error(f"There is no {noun} #{number}. {hint}")
    return found
