"""The delivery ledger: one row per (kind, ref_id, scheduled_for, platform, target).

Every scheduled post (a promotion, a reminder, the digest, a waiting-customer ping) is claimed
here before it is sent, so the unique key on those five columns is what makes delivery happen
at most once, across restarts and crashes. Reviews shown to the team and replies sent to
customers go through it too (the outbox, bot/outbox.py), so they get the same retries. The life
of a row:

    claimed (attempts = 0)  -> the attempt counter goes up, durably, before each send
    claimed (attempts >= 1) -> sent | failed | retrying
    retrying                -> the platform failed for a passing reason; tried again at
                               `retry_at` (by this process, or by the next one after a restart)
    missed                  -> the run passed while Nudge was down, beyond the grace period
    unconfirmed             -> Nudge stopped in the middle of a send: a person should check
    partial                 -> a long reply's first messages went out, then the platform
                               refused the rest (the payload says how many went out)

A claimed row left behind by a crash is therefore never blindly resent: with attempts = 0 no
send was started and it is safe to send; otherwise the post may or may not have gone out. A
retrying row is safe to send again: the platform answered that attempt with a refusal.

The functions take the database and do their writes without committing themselves, so callers
group them (see BatchWriter) or wrap them in `transaction()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.store import iso

KINDS = ("promotion", "reminder", "digest", "ping", "review", "reply")
MAX_ERROR = 500


@dataclass(frozen=True)
class DeliveryKey:
    kind: str  # promotion, reminder, digest, ping
    ref_id: str  # the promotion's id, the reminder's id, "daily" ...
    scheduled_for: datetime  # the run this delivery belongs to (UTC in the table)
    platform: str
    target: str  # a channel id, or a user id for direct messages

    def values(self) -> list[str]:
        return [self.kind, str(self.ref_id), iso(self.scheduled_for), self.platform,
                self.target]


def claim(db: sqlite_utils.Database, key: DeliveryKey, now: datetime, *, test: bool = False,
          status: str = "claimed", payload: str | None = None) -> int | None:
    """Claim this delivery; its row id, or None when it was claimed (or recorded) before.

    `test` marks a test send (kept apart from the figures); status "queued" leaves it for the
    running Nudge to claim and send (see `take_queued`); `payload` is what the outbox needs to
    rebuild the post after a restart."""
    cursor = db.execute(
        "insert into deliveries (kind, ref_id, scheduled_for, platform, target, status, "
        "attempts, claimed_at, test, payload) values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) "
        "on conflict (kind, ref_id, scheduled_for, platform, target) do nothing",
        [*key.values(), status, iso(now), int(test), payload],
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


def any_queued(db: sqlite_utils.Database) -> bool:
    return db.execute("select 1 from deliveries where status = 'queued' limit 1").fetchone() \
        is not None


def take_queued(db: sqlite_utils.Database) -> list[dict]:
    """Claim every queued delivery at once (one statement, so one process takes each)."""
    rows = db.execute(
        "update deliveries set status = 'claimed' where status = 'queued' returning id"
    ).fetchall()
    ids = [row[0] for row in rows]
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return list(db["deliveries"].rows_where(f"id in ({marks})", ids, order_by="id"))


def record(db: sqlite_utils.Database, key: DeliveryKey, status: str, now: datetime,
           error: str = "") -> int | None:
    """Record an outcome without a send (a missed run); None when the row already exists."""
    cursor = db.execute(
        "insert into deliveries (kind, ref_id, scheduled_for, platform, target, status, "
        "attempts, claimed_at, finished_at, error) values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) "
        "on conflict (kind, ref_id, scheduled_for, platform, target) do nothing",
        [*key.values(), status, iso(now), iso(now), error[:MAX_ERROR] or None],
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


def start_attempt(db: sqlite_utils.Database, delivery_id: int) -> int:
    """Count an attempt before it is made; returns the attempt number."""
    db.execute("update deliveries set attempts = attempts + 1, status = 'claimed', "
               "retry_at = null where id = ?", [delivery_id])
    return db.execute("select attempts from deliveries where id = ?",
                      [delivery_id]).fetchone()[0]


def finish(db: sqlite_utils.Database, delivery_id: int, status: str, now: datetime,
           error: str = "") -> None:
    """Close a claimed delivery as sent, failed or unconfirmed."""
    db.execute(
        "update deliveries set status = ?, finished_at = ?, error = ? where id = ?",
        [status, iso(now), error[:MAX_ERROR] or None, delivery_id],
    )


def partly_sent(db: sqlite_utils.Database, delivery_id: int, parts_sent: int) -> None:
    """A long text whose first `parts_sent` messages went out before a refusal: neither sent
    nor failed; the count goes into the payload, for a retry that goes on after them."""
    row = db.execute("select payload from deliveries where id = ?", [delivery_id]).fetchone()
    try:
        payload = json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        payload = {}
    db.execute("update deliveries set status = 'partial', payload = ? where id = ?",
               [json.dumps({**payload, "parts_sent": parts_sent}), delivery_id])


def defer(db: sqlite_utils.Database, delivery_id: int, retry_at: datetime, error: str) -> None:
    """The last attempt failed for a passing reason: wait until `retry_at`, even across a
    restart (see `waiting_retries`)."""
    db.execute(
        "update deliveries set status = 'retrying', retry_at = ?, error = ? where id = ?",
        [iso(retry_at), error[:MAX_ERROR] or None, delivery_id],
    )


def waiting_retries(db: sqlite_utils.Database) -> list[dict]:
    """Retrying rows; called at start, to resume the retries a stopped process was waiting on."""
    return list(db["deliveries"].rows_where("status = 'retrying'", order_by="id"))


def get(db: sqlite_utils.Database, delivery_id: int) -> dict:
    return db["deliveries"].get(delivery_id)


def stale_claims(db: sqlite_utils.Database) -> list[dict]:
    """Claimed rows; called at start, when every one of them was left by a stopped process."""
    return list(db["deliveries"].rows_where("status = 'claimed'", order_by="id"))


def find(db: sqlite_utils.Database, kind: str, ref_id: str | int,
         status: str | None = None) -> list[dict]:
    """The deliveries of one scheduled thing, oldest run first."""
    where, params = "kind = ? and ref_id = ?", [kind, str(ref_id)]
    if status:
        where, params = where + " and status = ?", [*params, status]
    return list(db["deliveries"].rows_where(where, params, order_by="scheduled_for, id"))


def key_of(row: dict) -> DeliveryKey:
    return DeliveryKey(row["kind"], row["ref_id"], datetime.fromisoformat(row["scheduled_for"]),
                       row["platform"], row["target"])
