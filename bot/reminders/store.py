"""Reminders in the database: who set them, where they go, when, and what they say.

`target` is "me" (a direct message to the person who set it, on the platform they set it on)
or "<platform>:<channel>". Every change is written to the audit log; people may cancel their
own reminders, the managers (`team.managers`) anyone's. The rows themselves are read and
written by bot/store/reminders.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.types import Place
from bot.promotions.store import Target
from bot.scheduling.table_jobs import ScheduledRow, numbered_row
from bot.scheduling.timeparse import Schedule
from bot.store import Database, iso
from bot.store import reminders as rows

ME = "me"
MAX_TEXT = 1000
MAX_ACTIVE_PER_PERSON = 50  # a typo in a loop should not schedule a thousand messages


class ReminderError(Exception):
    """A request about reminders that cannot be done; the message is shown as is."""


@dataclass(frozen=True)
class Reminder(ScheduledRow):
    id: int
    platform: str  # where it was set; a direct message goes out there
    user_id: str  # who set it
    target: str  # "me" or "<platform>:<channel>"
    text: str
    schedule: str  # what the person typed
    spec: dict[str, Any]
    timezone: str
    status: str  # active, cancelled, finished
    created_at: datetime
    next_run_at: datetime | None
    runs: int
    max_runs: int | None
    ends_at: datetime | None

    @classmethod
    def from_row(cls, row: dict) -> Reminder:
        def when(name: str) -> datetime | None:
            return datetime.fromisoformat(row[name]) if row.get(name) else None

        return cls(id=row["id"], platform=row["platform"], user_id=row["user_id"],
                   target=row["target"], text=row["text"], schedule=row["schedule"] or "",
                   spec=json.loads(row["trigger"]), timezone=row["timezone"],
                   status=row["status"], created_at=when("created_at"),
                   next_run_at=when("next_run_at"), runs=row["runs"] or 0,
                   max_runs=row["max_runs"] or None, ends_at=when("ends_at"))

    @property
    def is_direct(self) -> bool:
        return self.target == ME

    @property
    def destination(self) -> Place:
        """Where the reminder is posted: a channel, or its owner's direct messages."""
        if self.is_direct:
            return Place.direct(self.platform, self.user_id)
        platform, _, channel = self.target.partition(":")
        return Place(platform, channel)

    def where(self, reader: tuple[str, str] | None = None) -> str:
        """Where it goes, as `reader` (platform, user) would say it."""
        if self.is_direct:
            mine = reader is not None and self.owned_by(*reader)
            return "you, as a direct message" if mine else "its owner, as a direct message"
        place = self.destination
        return f"{place.platform} #{place.channel}"


    def owned_by(self, platform: str, user: str) -> bool:
        return (self.platform, self.user_id) == (platform, user)


def get(db: Database, reminder_id: int | str) -> Reminder:
    return Reminder.from_row(
        numbered_row(lambda number: rows.row(db, number), reminder_id, "reminder",
                     "`/nudge remind list` shows yours.", ReminderError)
    )


def listed(db: Database, owner: tuple[str, str] | None = None) -> list[Reminder]:
    """Active reminders, the next first; only `owner`'s (platform, user) when given."""
    return [Reminder.from_row(row) for row in rows.active(db, owner)]


def _check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise ReminderError('The reminder has no text: put it in quotes, such as '
                            '`/nudge remind me "Call the flour supplier" at tomorrow 9am`.')
    if len(text) > MAX_TEXT:
        raise ReminderError(f"The text is {len(text)} characters; keep it under {MAX_TEXT}.")
    return text


def add(db: Database, *, platform: str, user: str, target: Target | None,
        text: str, schedule: Schedule, schedule_text: str, now: datetime) -> Reminder:
    """Store a reminder for `user` on `platform`; `target` None means a direct message."""
    text = _check_text(text)
    active = rows.active_count(db, platform, user)
    if active >= MAX_ACTIVE_PER_PERSON:
        raise ReminderError(f"You have {active} active reminders, the most one person can "
                            "have. Cancel some first: `/nudge remind list` shows them.")
    row = {
        "platform": platform,
        "user_id": user,
        "target": ME if target is None else f"{target.platform}:{target.channel}",
        "text": text,
        "schedule": schedule_text,
        "trigger": json.dumps(schedule.spec, sort_keys=True),
        "timezone": schedule.timezone,
        "status": "active",
        "created_by": f"{platform}:{user}",
        "created_at": iso(now),
        "updated_at": iso(now),
        "next_run_at": iso(schedule.first_run),
        "runs": 0,
        "max_runs": schedule.max_runs,
        "ends_at": iso(schedule.ends_at) if schedule.ends_at else None,
    }
    reminder_id = rows.add(db, row, now, {"target": row["target"], "schedule": schedule_text,
                                          "first_run": row["next_run_at"]})
    return get(db, reminder_id)


def cancel(db: Database, reminder_id: int | str, *, platform: str, user: str,
           may_manage: bool, now: datetime) -> Reminder:
    reminder = get(db, reminder_id)
    if not reminder.owned_by(platform, user) and not may_manage:
        raise ReminderError(f"Reminder #{reminder.id} is someone else's: you can cancel only "
                            "your own (the managers in `team.managers` can cancel any).")
    if reminder.status != "active":
        raise ReminderError(f"Reminder #{reminder.id} is already {reminder.status}.")
    rows.cancel(db, reminder.id, (platform, user), now,
                {"owner": f"{reminder.platform}:{reminder.user_id}"})
    return get(db, reminder.id)
