"""The daily routines' rows: the morning digest's schedule, and the conversations a
waiting-customer ping is for.

The digest's schedule is a row of `routines` (its trigger, time zone and next run), the source
of truth at every start. A ping is for a conversation's latest customer message, and a
conversation is marked once pinged (a new customer message clears the mark: see
handlers/conversation.py), so each message is pinged once at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.connection import Database
from bot.store.times import iso


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Routine:
    name: str
    trigger: str  # the trigger's spec, as JSON text
    timezone: str
    next_run_at: datetime | None  # None: it will not run again
    last_run_at: datetime | None


def routine(db: Database, name: str) -> Routine | None:
    """The routine called `name`, or None before it was first scheduled."""
    row = db.execute("select name, trigger, timezone, next_run_at, last_run_at from routines "
                     "where name = ?", [name]).fetchone()
    if row is None:
        return None
    return Routine(row[0], row[1], row[2], _at(row[3]), _at(row[4]))


def schedule_routine(db: Database, name: str, trigger: str, timezone: str,
                     next_run_at: datetime, now: datetime) -> Routine:
    """Create the routine, or move it to a new trigger, zone and next run."""
    db.execute(
        "insert into routines (name, trigger, timezone, next_run_at, updated_at) "
        "values (?, ?, ?, ?, ?) on conflict (name) do update set trigger = excluded.trigger, "
        "timezone = excluded.timezone, next_run_at = excluded.next_run_at, "
        "updated_at = excluded.updated_at",
        [name, trigger, timezone, iso(next_run_at), iso(now)])
    found = routine(db, name)
    assert found is not None
    return found


def advance_routine(db: Database, name: str, next_run_at: datetime | None,
                    ran_at: datetime | None, now: datetime) -> None:
    """Move the routine past a run: its next run (None: no more), and when it ran (None: it
    did not, it was missed; the last run stays as it was)."""
    db.execute(
        "update routines set next_run_at = ?, last_run_at = coalesce(?, last_run_at), "
        "updated_at = ? where name = ?",
        [iso(next_run_at) if next_run_at else None, iso(ran_at) if ran_at else None, iso(now),
         name])


def has_delivery(db: Database, kind: str, ref_id: str, platform: str, target: str) -> bool:
    """Whether `kind` `ref_id` was ever claimed (or recorded missed or failed) for this place:
    the digest of a day is claimed once per channel, whatever time it was scheduled for."""
    return db.execute("select 1 from deliveries where kind = ? and ref_id = ? and platform = ? "
                      "and target = ?", [kind, ref_id, platform, target]).fetchone() is not None


@dataclass(frozen=True)
class WaitingMessage:
    """A waiting conversation's latest customer message: what a ping quotes."""

    conversation_id: int
    platform: str
    workspace: str
    channel: str
    thread: str
    urgent: bool
    last_customer_message_at: datetime
    message_id: int
    text: str
    name: str | None  # the customer's name, when known


_WAITING = (
    "select c.id, c.platform, c.workspace, c.channel, c.thread, c.urgent, "
    "c.last_customer_message_at, m.id, m.text, cu.name "
    "from conversations c "
    "join messages m on m.id = (select id from messages where conversation_id = c.id "
    "and author_role = 'customer' order by id desc limit 1) "
    "left join customers cu on cu.id = c.customer_id "
)


def _waiting(rows: list[tuple]) -> list[WaitingMessage]:
    return [WaitingMessage(cid, platform, workspace or "", channel, thread, bool(urgent),
                           datetime.fromisoformat(since), mid, text or "", name)
            for cid, platform, workspace, channel, thread, urgent, since, mid, text, name
            in rows]


def unpinged_waiting(db: Database, since_before: datetime, platforms: list[str]
                     ) -> list[WaitingMessage]:
    """Conversations on `platforms` whose customer has waited since `since_before` or
    longer and that were not pinged yet, longest wait first."""
    if not platforms:
        return []
    marks = ", ".join("?" for _ in platforms)
    return _waiting(db.execute(_WAITING + (
        "where c.status = 'waiting' and c.customer_id is not null "
        "and c.waiting_pinged_at is null and c.last_customer_message_at <= ? "
        f"and c.platform in ({marks}) order by c.last_customer_message_at"),
        [iso(since_before), *platforms]).fetchall())


def mark_pinged(db: Database, conversation_id: int, now: datetime) -> None:
    """The conversation's wait has been pinged (or passed over for good): not again."""
    db.execute("update conversations set waiting_pinged_at = ? where id = ?",
               [iso(now), conversation_id])


def still_waiting(db: Database, message_id: int) -> WaitingMessage | None:
    """The message, if it is still its waiting conversation's latest customer message."""
    found = _waiting(db.execute(_WAITING + "where m.id = ? and c.status = 'waiting'",
                                [message_id]).fetchall())
    return found[0] if found else None
