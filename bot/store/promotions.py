"""Promotions in the database: plain rows, written with who did it in the audit log.

The rules (what may change when, what a row means) live in bot/promotions/; this module only
reads and writes rows. Rows come back as dicts of the table's columns, timestamps as ISO text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.store.audit import audit
from bot.store.connection import Database, transaction
from bot.store.times import iso


def row(db: Database, promotion_id: int) -> dict | None:
    """One promotion's row, or None."""
    return next(db.query("select * from promotions where id = ?", [promotion_id]), None)


def with_statuses(db: Database, statuses: tuple[str, ...]) -> list[dict]:
    """Promotions with these statuses, the next to go out first (unscheduled ones last)."""
    marks = ", ".join("?" for _ in statuses)
    return list(db.query(
        f"select * from promotions where status in ({marks}) "
        "order by case when next_run_at is null then 1 else 0 end, next_run_at, id",
        list(statuses)))


def active_before(db: Database, end: datetime) -> list[dict]:
    """Active promotions whose next run comes before `end` (for the calendar)."""
    return list(db.query("select * from promotions where status = 'active' and next_run_at "
                         "is not null and next_run_at < ? order by id", [iso(end)]))


def posted_with_offers(db: Database) -> list[dict]:
    """Active or finished promotions with an offer that have gone out, the latest first."""
    return list(db.query(
        "select * from promotions where offer_id is not null and offer_id <> '' "
        "and last_run_at is not null and status in ('active', 'finished') "
        "order by last_run_at desc, id desc"))


def is_customer(db: Database, platform: str, user_id: str) -> bool:
    """Whether this id is a customer's own (a post there would be a direct message)."""
    return db.execute("select 1 from customers where platform = ? and user_id = ? limit 1",
                      [platform, user_id]).fetchone() is not None


def add(db: Database, values: dict[str, Any], who: tuple[str, str], now: datetime,
        details: dict[str, Any]) -> int:
    """Insert a promotion and its "promotion.add" audit entry, together; returns its id."""
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    with transaction(db):
        promotion_id = db.execute(f"insert into promotions ({columns}) values ({marks})",
                                  list(values.values())).lastrowid
        audit(db, *who, "promotion.add", f"promotion #{promotion_id}", details, now)
    return promotion_id


def change(db: Database, promotion_id: int, changes: dict[str, Any], who: tuple[str, str],
           action: str, now: datetime, details: dict[str, Any]) -> None:
    """Change these columns (and updated_at) and audit `action`, together."""
    sets = ", ".join(f"{column} = ?" for column in changes)
    with transaction(db):
        db.execute(f"update promotions set {sets}, updated_at = ? where id = ?",
                   [*changes.values(), iso(now), promotion_id])
        audit(db, *who, action, f"promotion #{promotion_id}", details, now)


