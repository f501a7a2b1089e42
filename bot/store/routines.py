"""Routines (the daily digest's schedule) and how the scheduler notices changes made elsewhere.

A routine is one named row with a trigger, a zone and its next run, like a promotion without
a text. `changes_seen` answers "has another process changed what is scheduled?" cheaply, on
either backend, so the scheduler rebuilds its jobs only when something changed.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.connection import Database, backend
from bot.store.deliveries import locked_row
from bot.store.times import iso


def get(db: Database, name: str) -> dict | None:
    """The routine's row (name, trigger, timezone, next_run_at, last_run_at), or None."""
    return next(db.query("select * from routines where name = ?", [name]), None)


def follow(db: Database, name: str, trigger: str, timezone: str, next_run_at: datetime,
           now: datetime) -> None:
    """Create the routine, or move it to a new trigger, zone and next run."""
    db.execute(
        "insert into routines (name, trigger, timezone, next_run_at, updated_at) "
        "values (?, ?, ?, ?, ?) on conflict (name) do update set trigger = excluded.trigger,"
        " timezone = excluded.timezone, next_run_at = excluded.next_run_at, "
        "updated_at = excluded.updated_at",
        [name, trigger, timezone, iso(next_run_at), iso(now)],
    )


def for_claim(db: Database, name: str) -> dict | None:
    """The routine's row, inside the caller's transaction, about to be moved past its run
    (locked on PostgreSQL; RowBusy when another process is running it now)."""
    return locked_row(db, "routines", "name = ?", [name])


def advance(db: Database, name: str, next_run_at: datetime | None,
            last_run_at: datetime | None, now: datetime) -> None:
    """Move the routine to its next run (None: no more runs); `last_run_at` when it ran."""
    db.execute(
        "update routines set next_run_at = ?, last_run_at = coalesce(?, last_run_at), "
        "updated_at = ? where name = ?",
        [iso(next_run_at) if next_run_at else None,
         iso(last_run_at) if last_run_at else None, iso(now), name],
    )


def changes_seen(db: Database) -> int:
    """A number that moves when another process changes a schedule (a promotion, a reminder,
    a routine) or queues a delivery: compare it with the last one read.

    SQLite: `PRAGMA data_version`, which moves when another connection commits anything.
    PostgreSQL: the `schedule_changes` sequence, moved by triggers on those tables (migration
    0002); it also counts this process's own writes, which costs a needless reconcile at most.
    """
    if backend(db) == "postgresql":
        value, called = db.execute(
            "select last_value, is_called from schedule_changes").fetchone()
        return int(value) if called else 0
    return db.execute("pragma data_version").fetchone()[0]
