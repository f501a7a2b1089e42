"""Offer codes redeemed at the till or the web shop, as recorded, and what they add up to.

A redemption's day is a local date (the till's), kept as YYYY-MM-DD text on SQLite and as a
date on PostgreSQL; it comes back as a `date` from either. An imported till file is
remembered in the audit log by its fingerprint, so the same export is never counted twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from bot.store.audit import audit
from bot.store.connection import Database, transaction
from bot.store.times import iso

IMPORTED = "redemptions_import"  # the audit_log action that remembers an imported file


@dataclass(frozen=True)
class Redemption:
    """`count` uses of one offer's code on one day, with the takings when the till gave them."""

    day: date
    code: str
    offer_id: str
    count: int = 1
    amount: float | None = None


@dataclass(frozen=True)
class OfferRedemptions:
    offer_id: str
    code: str
    count: int
    amount: float | None
    promotions: tuple[int, ...]  # the promotions that carried the offer (and so its code)


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def record(db: Database, items: list[Redemption], *, source: str, by: str, now: datetime,
           fingerprint: str | None = None) -> None:
    """Store the redemptions, all or none; with `fingerprint`, remember the file `source` was
    imported (see imported_before)."""
    with transaction(db):
        for item in items:
            db.execute(
                "insert into redemptions (code, offer_id, day, count, amount, source, "
                "recorded_by, recorded_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [item.code, item.offer_id, item.day.isoformat(), item.count, item.amount,
                 source, by, iso(now)])
        if fingerprint is not None:
            audit(db, "cli", by, IMPORTED, fingerprint, {"file": source, "rows": len(items)},
                  at=now)


def imported_before(db: Database, fingerprint: str) -> tuple[str, datetime] | None:
    """(file name, when) of the first import with this fingerprint, or None."""
    row = db.execute("select details, at from audit_log where action = ? and subject = ? "
                     "order by id limit 1", [IMPORTED, fingerprint]).fetchone()
    if row is None:
        return None
    return json.loads(row[0]).get("file", "?"), datetime.fromisoformat(row[1])


def by_offer(db: Database, first: date, last: date) -> list[OfferRedemptions]:
    """Redemptions per offer on the days [first, last], most redeemed first, each with the
    promotions that carried the offer (those that ran at least once)."""
    rows = db.execute(
        "select offer_id, code, sum(count), sum(amount) from redemptions where day >= ? and "
        "day <= ? group by offer_id, code order by sum(count) desc, offer_id",
        [first.isoformat(), last.isoformat()]).fetchall()
    found = []
    for offer_id, code, count, amount in rows:
        carried = tuple(pid for (pid,) in db.execute(
            "select id from promotions where offer_id = ? and runs > 0 order by id",
            [offer_id]).fetchall())
        found.append(OfferRedemptions(offer_id, code, count, amount, carried))
    return found


def per_day(db: Database, first: date, last: date) -> dict[date, int]:
    """Redemptions counted on each day of [first, last] that has any."""
    return {_day(day): count for day, count in db.execute(
        "select day, sum(count) from redemptions where day >= ? and day <= ? group by day",
        [first.isoformat(), last.isoformat()]).fetchall()}
