"""The inbox table: customer messages kept before the platform is told "received".

A row per platform event (`event_key` unique per platform), with the raw body the platform
sent, as JSON. It is `new` until handled, then `done` (or `failed` after too many attempts,
for a person to look at). See bot/platforms/inbox.py for how the adapters use it.

The inbox writes through a connection of its own (`open_inbox`), used from one worker thread:
- on SQLite it waits for the disk on every commit (synchronous FULL), since the platform's
  acknowledgement stands on that write, and gives up on a lock after `write_timeout_ms`
  instead of the usual busy timeout, since the acknowledgement is waiting;
- on PostgreSQL a commit is durable already; a lock is waited for `write_timeout_ms` at most
  (lock_timeout), for the same reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from bot.store.connection import Database, backend, is_postgres, open_db, transaction
from bot.store.times import iso

NEW, DONE, FAILED = "new", "done", "failed"

_KEEP = ("insert into inbox (platform, event_key, body, received_at, status, attempts) "
         "values (?, ?, ?, ?, 'new', 0) on conflict (platform, event_key) do nothing")


@dataclass(frozen=True)
class Waiting:
    """A kept message not handled yet: its key and the body the platform sent."""

    key: str
    body: dict[str, Any]
    id: int = 0  # the order it was kept in


def open_inbox(target: str, write_timeout_ms: int) -> Database:
    """The inbox's own connection to the database at `target` (a path or a URL)."""
    if is_postgres(target):
        return open_db(_with_lock_timeout(target, write_timeout_ms), pool_size=1)
    db = open_db(target)
    db.execute(f"PRAGMA busy_timeout = {int(write_timeout_ms)}")
    # On disk, not only in the operating system's cache, before the acknowledgement (the main
    # connection commits without syncing: see bot/store/sqlite.py).
    db.execute("PRAGMA synchronous = FULL")
    return db


def _with_lock_timeout(url: str, milliseconds: int) -> str:
    """The URL with `-c lock_timeout=…` added to its connection options."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"{query.get('options', '')} -c lock_timeout={int(milliseconds)}".strip()
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def keep(db: Database, platform: str, key: str, body: dict[str, Any], at: datetime) -> bool:
    """Keep one message as `new`; False when it was kept already (a redelivery)."""
    return db.execute(_KEEP, [platform, key, json.dumps(body), iso(at)]).rowcount > 0


def keep_many(db: Database, platform: str, messages: list[tuple[str, dict[str, Any]]],
              at: datetime) -> None:
    """Keep (key, body) messages in one transaction: all of them, or none."""
    with transaction(db):
        db.conn.executemany(_KEEP, [(platform, key, json.dumps(body), iso(at))
                                    for key, body in messages])


def mark(db: Database, platform: str, key: str, status: str) -> None:
    """Set a kept message's status (`done` once handled, `failed` when given up on)."""
    sql = "update inbox set status = ? where platform = ? and event_key = ?"
    if backend(db) != "sqlite":
        db.execute(sql, [status, platform, key])
        return
    # Without waiting for the disk: a mark lost with the power only means the message is
    # handled again, which is harmless (messages are unique); the keep before the
    # acknowledgement is the write that must be on disk.
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        db.execute(sql, [status, platform, key])
    finally:
        db.execute("PRAGMA synchronous = FULL")


def count_attempt(db: Database, platform: str, key: str) -> int:
    """Count one more failed attempt at handling a message; how many there have been."""
    db.execute("update inbox set attempts = attempts + 1 where platform = ? and event_key = ?",
               [platform, key])
    row = db.execute("select attempts from inbox where platform = ? and event_key = ?",
                     [platform, key]).fetchone()
    return row[0] if row else 0


def waiting(db: Database, platform: str, received_before: datetime,
            limit: int | None = None) -> list[Waiting]:
    """The platform's messages still `new` that were kept at or before the given moment,
    in the order they were kept; the first `limit` of them when given (a backlog is read a
    slice at a time, not all at once)."""
    sql = ("select event_key, body from inbox where platform = ? and status = 'new' and "
           "received_at <= ? order by id")
    params: list[Any] = [platform, iso(received_before)]
    if limit is not None:
        sql += " limit ?"
        params.append(limit)
    rows = db.execute(sql, params).fetchall()
    return [Waiting(key, json.loads(body)) for key, body in rows]


def waiting_after(db: Database, platform: str, after_id: int, limit: int) -> list[Waiting]:
    """The first `limit` of the platform's messages still `new` kept after the one numbered
    `after_id`, in the order they were kept: a backlog is worked off a slice at a time, each
    read starting where the last one stopped."""
    rows = db.execute(
        "select id, event_key, body from inbox where platform = ? and status = 'new' and "
        "id > ? order by id limit ?", [platform, after_id, limit]).fetchall()
    return [Waiting(key, json.loads(body), id) for id, key, body in rows]


def prune(db: Database, platform: str, handled_before: datetime) -> int:
    """Delete the platform's messages handled (`done`) that were kept before the given
    moment; how many. Those not handled yet, or failed, stay."""
    return db.execute(
        "delete from inbox where status = 'done' and received_at < ? and platform = ?",
        [iso(handled_before), platform]).rowcount


def statuses(db: Database, platform: str | None = None) -> list[tuple[str, str]]:
    """(key, status) of every kept message (of one platform, or all), in the order kept."""
    if platform is None:
        return db.execute("select event_key, status from inbox order by id").fetchall()
    return db.execute("select event_key, status from inbox where platform = ? order by id",
                      [platform]).fetchall()
