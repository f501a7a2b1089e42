"""The team's intent corrections: "this customer message was really <intent>".

Made with the review's "wrong intent?" menu or imported from another install; each is stored
once (its fingerprint is unique), and they are this install's training data.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.connection import Database

MAX_TEXT = 20_000


@dataclass(frozen=True)
class NewCorrection:
    fingerprint: str  # who said what about which words, when: the same one twice is one row
    text: str
    to_intent: str
    from_intent: str | None
    platform: str
    user_id: str
    created_at: str
    message_id: int | None = None
    suggestion_id: int | None = None
    conversation_id: int | None = None
    source: str = "review"  # or "import"


def record(db: Database, c: NewCorrection) -> int | None:
    """Store one correction; its id, or None when the very same one is already stored."""
    cursor = db.execute(
        "insert or ignore into corrections (fingerprint, text, from_intent, to_intent, platform, "
        "user_id, created_at, message_id, suggestion_id, conversation_id, source) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [c.fingerprint, c.text[:MAX_TEXT], c.from_intent, c.to_intent, c.platform, c.user_id,
         c.created_at, c.message_id, c.suggestion_id, c.conversation_id, c.source],
    )
    return cursor.lastrowid if cursor.rowcount else None


def stored(db: Database, up_to: int | None = None) -> list[dict]:
    """Every stored correction, oldest first (only ids up to `up_to` when given)."""
    where, params = ("id <= ?", [up_to]) if up_to is not None else (None, [])
    return list(db["corrections"].rows_where(where, params, order_by="id"))


def newest(db: Database, limit: int) -> list[dict]:
    """The `limit` newest corrections, newest first."""
    return list(db["corrections"].rows_where(order_by="id desc", limit=limit))


def count(db: Database) -> int:
    return db["corrections"].count


def latest_id(db: Database) -> int:
    """The newest correction's id; 0 when there is none."""
    return db.execute("select coalesce(max(id), 0) from corrections").fetchone()[0]


def count_between(db: Database, after: int, up_to: int) -> int:
    """How many corrections have ids in (after, up_to]: those a refit has not seen."""
    return db.execute("select count(*) from corrections where id > ? and id <= ?",
                      [after, up_to]).fetchone()[0]


def fingerprints(db: Database) -> set[str]:
    """The fingerprints of every stored correction (to tell which of an import are new)."""
    return {row[0] for row in db.execute("select fingerprint from corrections").fetchall()}


def of_message(db: Database, message_id: int) -> tuple[str | None, str, str] | None:
    """How the team corrected a message: (the intent it was first read as, the intent of the
    latest correction, who made that one); None when it was never corrected."""
    row = db.execute(
        "select to_intent, user_id from corrections where message_id = ? "
        "order by id desc limit 1", [message_id],
    ).fetchone()
    if row is None:
        return None
    first = db.execute(
        "select from_intent from corrections where message_id = ? order by id limit 1",
        [message_id],
    ).fetchone()[0]
    return first, row[0], row[1]
