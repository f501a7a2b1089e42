"""Rows that carry their own schedule (promotions, reminders): trigger, timezone, next run.

Both tables are read and moved past a run the same way, so it is written once here, for the
scheduler's TableJobs and for each kind's claim.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.connection import Database
from bot.store.deliveries import locked_row
from bot.store.times import iso

TABLES = ("promotions", "reminders")


def _table(table: str) -> str:
    if table not in TABLES:  # a table name goes into the SQL text: only ours may
        raise ValueError(f"not a scheduled table: {table!r}")
    return table


def scheduled(db: Database, table: str) -> list[tuple[int, str, str, str]]:
    """(id, trigger, timezone, next_run_at) of every active row with a next run."""
    return [tuple(r) for r in db.execute(
        f"select id, trigger, timezone, next_run_at from {_table(table)} "
        "where status = 'active' and next_run_at is not null").fetchall()]


def scheduled_one(db: Database, table: str, row_id: int) -> tuple[str, str, str] | None:
    """(trigger, timezone, next_run_at) of one row, when it is active and scheduled."""
    found = db.execute(f"select trigger, timezone, next_run_at from {_table(table)} "
                       "where id = ? and status = 'active' and next_run_at is not null",
                       [row_id]).fetchone()
    return tuple(found) if found else None


def for_claim(db: Database, table: str, row_id: int) -> dict | None:
    """The row inside the caller's transaction, about to be moved past its due run (locked
    on PostgreSQL; RowBusy when another process is delivering it now)."""
    return locked_row(db, _table(table), "id = ?", [row_id])


def advance(db: Database, table: str, row_id: int, next_run_at: datetime | None, runs: int,
            status: str, ran_at: datetime | None) -> None:
    """Move a row past a run: its next run (None: no more), runs, status, last run."""
    db.execute(f"update {_table(table)} set next_run_at = ?, runs = ?, status = ?, "
               "last_run_at = coalesce(?, last_run_at) where id = ?",
               [iso(next_run_at) if next_run_at else None, runs, status,
                iso(ran_at) if ran_at else None, row_id])
