"""Reminders in the database: plain rows, written with who did it in the audit log.

The rules (who may cancel what, how many one person may have) live in bot/reminders/; this
module only reads and writes rows, as dicts of the table's columns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.store.audit import audit
from bot.store.connection import Database, transaction
from bot.store.times import iso


def row(db: Database, reminder_id: int) -> dict | None:
    """One reminder's row, or None."""
    return next(db.query("select * from reminders where id = ?", [reminder_id]), None)


def active(db: Database, owner: tuple[str, str] | None = None) -> list[dict]:
    """Active reminders, the next first; only `owner`'s (platform, user) when given."""
    where, params = "status = 'active'", []
    if owner is not None:
        where, params = where + " and platform = ? and user_id = ?", list(owner)
    return list(db.query(
        f"select * from reminders where {where} "
        "order by case when next_run_at is null then 1 else 0 end, next_run_at, id", params))


def active_count(db: Database, platform: str, user: str) -> int:
    """How many active reminders this person has."""
    return db.execute("select count(*) from reminders where status = 'active' and "
                      "platform = ? and user_id = ?", [platform, user]).fetchone()[0]


def add(db: Database, values: dict[str, Any], now: datetime, details: dict[str, Any]) -> int:
    """Insert a reminder and its "reminder.add" audit entry, together; returns its id."""
    columns, marks = ", ".join(values), ", ".join("?" for _ in values)
    with transaction(db):
        reminder_id = db.execute(f"insert into reminders ({columns}) values ({marks})",
                                 list(values.values())).lastrowid
        audit(db, values["platform"], values["user_id"], "reminder.add",
              f"reminder #{reminder_id}", details, now)
    return reminder_id


def cancel(db: Database, reminder_id: int, who: tuple[str, str], now: datetime,
           details: dict[str, Any]) -> None:
    """Cancel a reminder (no next run) and audit who did it, together."""
    with transaction(db):
        db.execute("update reminders set status = 'cancelled', next_run_at = null, "
                   "updated_at = ? where id = ?", [iso(now), reminder_id])
        audit(db, *who, "reminder.cancel", f"reminder #{reminder_id}", details, now)


