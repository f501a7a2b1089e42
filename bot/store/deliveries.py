"""The delivery ledger: one row per (kind, ref_id, scheduled_for, platform, target).

Every scheduled post (a promotion, a reminder, the digest, a waiting-customer ping) is claimed
here before it is sent, so the unique key on those five columns is what makes delivery happen
at most once, across restarts, crashes and several processes sharing one PostgreSQL database:
a claim is `insert ... on conflict do nothing`, and only the process whose insert made the row
sends. Reviews shown to the team and replies sent to customers go through it too (the outbox,
bot/outbox.py), so they get the same retries. The life of a row:

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

`claimed_by` names the process that holds a claimed or retrying row (see bot/store/workers.py):
only rows whose process is gone are settled by another (`orphans`, then `adopt`).

The functions take the database and do their writes without committing themselves, so callers
group them (see BatchWriter) or wrap them in `transaction()`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.store.connection import Database, backend
from bot.store.times import iso

KINDS = ("promotion", "reminder", "digest", "ping", "review", "reply")
MAX_ERROR = 500
# The rows a process holds while it works on them; anything else is settled.
HELD = ("claimed", "retrying")


class RowBusy(Exception):
    """Another process is working on this scheduled row right now (PostgreSQL): try later."""


@dataclass(frozen=True)
class DeliveryKey:
    kind: str  # promotion, reminder, digest, ping, review, reply
    ref_id: str  # the promotion's id, the reminder's id, "daily" ...
    scheduled_for: datetime  # the run this delivery belongs to (UTC in the table)
    platform: str
    target: str  # a channel id, or a user id for direct messages

    def values(self) -> list[str]:
        return [self.kind, str(self.ref_id), iso(self.scheduled_for), self.platform,
                self.target]


def key_of(row: dict) -> DeliveryKey:
    """The key of a ledger row, as a DeliveryKey."""
    return DeliveryKey(row["kind"], row["ref_id"], datetime.fromisoformat(row["scheduled_for"]),
                       row["platform"], row["target"])


def claim(db: Database, key: DeliveryKey, now: datetime, *, test: bool = False,
          status: str = "claimed", payload: str | None = None,
          owner: str | None = None) -> int | None:
    """Claim this delivery; its row id, or None when it was claimed (or recorded) before,
    by this process or any other.

    `test` marks a test send (kept apart from the figures); status "queued" leaves it for the
    running Nudge to claim and send (see `take_queued`); `payload` is what the outbox needs to
    rebuild the post after a restart; `owner` is the claiming process (bot/store/workers.py)."""
    cursor = db.execute(
        "insert into deliveries (kind, ref_id, scheduled_for, platform, target, status, "
        "attempts, claimed_at, test, payload, claimed_by) "
        "values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) "
        "on conflict (kind, ref_id, scheduled_for, platform, target) do nothing",
        [*key.values(), status, iso(now), int(test), payload, owner],
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


def record(db: Database, key: DeliveryKey, status: str, now: datetime,
           error: str = "") -> int | None:
    """Record an outcome without a send (a missed run); None when the row already exists."""
    cursor = db.execute(
        "insert into deliveries (kind, ref_id, scheduled_for, platform, target, status, "
        "attempts, claimed_at, finished_at, error) values (?, ?, ?, ?, ?, ?, 0, ?, ?, ?) "
        "on conflict (kind, ref_id, scheduled_for, platform, target) do nothing",
        [*key.values(), status, iso(now), iso(now), error[:MAX_ERROR] or None],
    )
    return cursor.lastrowid if cursor.rowcount == 1 else None


def exists(db: Database, key: DeliveryKey) -> bool:
    """Whether this delivery was claimed or recorded already, whatever became of it."""
    return db.execute(
        "select 1 from deliveries where kind = ? and ref_id = ? and scheduled_for = ? "
        "and platform = ? and target = ?", key.values()).fetchone() is not None


def any_for(db: Database, kind: str, ref_id: str, platform: str, target: str) -> bool:
    """Whether this platform's target had (or missed) a delivery of this thing, at any run:
    the digest of a day goes to a review channel once, whatever its time became."""
    return db.execute("select 1 from deliveries where kind = ? and ref_id = ? and platform = ? "
                      "and target = ? limit 1", [kind, ref_id, platform, target]
                      ).fetchone() is not None


def any_queued(db: Database) -> bool:
    """Whether a delivery waits for the running Nudge (one cheap indexed look)."""
    return db.execute("select 1 from deliveries where status = 'queued' limit 1").fetchone() \
        is not None


def take_queued(db: Database, owner: str | None = None) -> list[dict]:
    """Claim every queued delivery at once: one statement, so with several processes each
    row is taken by exactly one of them (the others find it no longer queued)."""
    rows = db.execute(
        "update deliveries set status = 'claimed', claimed_by = ? where status = 'queued' "
        "returning id", [owner]).fetchall()
    return _rows_by_id(db, [row[0] for row in rows])


def _rows_by_id(db: Database, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return list(db.query(f"select * from deliveries where id in ({marks}) order by id", ids))


def start_attempt(db: Database, delivery_id: int) -> int:
    """Count an attempt before it is made; returns the attempt number."""
    return db.execute("update deliveries set attempts = attempts + 1, status = 'claimed', "
                      "retry_at = null where id = ? returning attempts",
                      [delivery_id]).fetchone()[0]


def finish(db: Database, delivery_id: int, status: str, now: datetime,
           error: str = "") -> None:
    """Close a claimed delivery as sent, failed, missed or unconfirmed."""
    db.execute(
        "update deliveries set status = ?, finished_at = ?, error = ? where id = ?",
        [status, iso(now), error[:MAX_ERROR] or None, delivery_id],
    )


def partly_sent(db: Database, delivery_id: int, parts_sent: int) -> None:
    """A long text whose first `parts_sent` messages went out before a refusal: neither sent
    nor failed; the count goes into the payload, for a retry that goes on after them."""
    row = db.execute("select payload from deliveries where id = ?", [delivery_id]).fetchone()
    try:
        payload = json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        payload = {}
    db.execute("update deliveries set status = 'partial', payload = ? where id = ?",
               [json.dumps({**payload, "parts_sent": parts_sent}), delivery_id])


def defer(db: Database, delivery_id: int, retry_at: datetime, error: str) -> None:
    """The last attempt failed for a passing reason: wait until `retry_at`, even across a
    restart (see `orphans`)."""
    db.execute(
        "update deliveries set status = 'retrying', retry_at = ?, error = ? where id = ?",
        [iso(retry_at), error[:MAX_ERROR] or None, delivery_id],
    )


def set_variant(db: Database, delivery_id: int, variant: str) -> None:
    """Record which wording (A/B test) a claimed delivery posts."""
    db.execute("update deliveries set variant = ? where id = ?", [variant, delivery_id])


def variant_of(db: Database, delivery_id: int) -> str:
    """The wording a delivery posts ("a", "b" ...), or "" when there is no A/B test."""
    row = db.execute("select variant from deliveries where id = ?", [delivery_id]).fetchone()
    return (row[0] if row else "") or ""


def get(db: Database, delivery_id: int) -> dict:
    """One ledger row by id."""
    return db["deliveries"].get(delivery_id)


def find(db: Database, kind: str, ref_id: str | int, status: str | None = None) -> list[dict]:
    """The deliveries of one scheduled thing, oldest run first."""
    where, params = "kind = ? and ref_id = ?", [kind, str(ref_id)]
    if status:
        where, params = where + " and status = ?", [*params, status]
    return list(db.query(f"select * from deliveries where {where} order by scheduled_for, id",
                         params))


def holders(db: Database, me: str | None) -> list[str | None]:
    """Every process (None: one from before owners were recorded) holding claimed or retrying
    rows, other than `me`: the candidates to check for having stopped."""
    rows = db.execute("select distinct claimed_by from deliveries where status in (?, ?) "
                      "and (claimed_by is null or claimed_by <> ?)", [*HELD, me or ""])
    return [row[0] for row in rows.fetchall()]


def orphans(db: Database, owners: list[str | None]) -> list[dict]:
    """The claimed and retrying rows held by these (stopped) processes, oldest first."""
    named = [owner for owner in owners if owner is not None]
    where = " or ".join(([f"claimed_by in ({', '.join('?' for _ in named)})"] if named else [])
                        + (["claimed_by is null"] if None in owners else []))
    if not where:
        return []
    return list(db.query(f"select * from deliveries where status in (?, ?) and ({where}) "
                         "order by id", [*HELD, *named]))


def adopt(db: Database, row: dict, me: str | None) -> bool:
    """Take over a row a stopped process held; False when another process took it first (so
    each orphan is settled once, whoever finds it)."""
    if row["claimed_by"] is None:
        cursor = db.execute("update deliveries set claimed_by = ? where id = ? and status = ? "
                            "and claimed_by is null", [me, row["id"], row["status"]])
    else:
        cursor = db.execute("update deliveries set claimed_by = ? where id = ? and status = ? "
                            "and claimed_by = ?", [me, row["id"], row["status"],
                                                   row["claimed_by"]])
    return cursor.rowcount == 1


def outcomes(db: Database, kind: str, ref_id: str | int) -> dict[str, int]:
    """How the deliveries of one scheduled thing went: status -> count, test sends that went
    out counted apart as "test sends"."""
    rows = db.execute(
        "select case when test <> 0 and status = 'sent' then 'test sends' else status end, "
        "count(*) from deliveries where kind = ? and ref_id = ? group by 1",
        [kind, str(ref_id)]).fetchall()
    return {status: count for status, count in rows}


def count(db: Database, status: str | None = None) -> int:
    """How many deliveries there are (with this status)."""
    if status is None:
        return db.execute("select count(*) from deliveries").fetchone()[0]
    return db.execute("select count(*) from deliveries where status = ?",
                      [status]).fetchone()[0]


def locked_row(db: Database, table: str, where: str, params: list) -> dict | None:
    """The one scheduled row (a promotion, a reminder, a routine) a claim is about to move
    on, read inside the caller's transaction; None when there is no such row.

    On PostgreSQL the row is locked until the transaction ends, and RowBusy is raised when
    another process holds it: that process is delivering this very run. SQLite's writer lock
    already serializes whole transactions, so a plain read is enough there."""
    sql = f"select * from {table} where {where}"
    if backend(db) != "postgresql":
        return next(db.query(sql, params), None)
    row = next(db.query(sql + " for update skip locked", params), None)
    if row is None and db.execute(f"select 1 from {table} where {where}",
                                  params).fetchone() is not None:
        raise RowBusy(f"{table}: {params}")
    return row
