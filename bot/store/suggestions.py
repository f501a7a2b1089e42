"""The replies Nudge suggests for a customer message, and what the team did with each.

A customer message gets a few suggestions, ranked. Each has a status:
  pending    shown to the team (or about to be), nobody has acted on it
  sending    a person pressed Send (or Edit); the platform has not confirmed the post yet
  sent       the platform confirmed the post: the customer has it
  dismissed  a person dismissed it, or sent one of its alternatives
  replaced   the team corrected the message's intent; suggestions for the new one took over

Nothing is "sent" before the platform confirmed it. Every press of a button is kept as a
feedback row (send, edit with the edited words, another, dismiss; send_failed or send_partial
with the reason when the platform refused): what people picked teaches what to suggest.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from bot.store import conversations, gaps
from bot.store.connection import Database, transaction

# A message's suggestions still in play: those made for an intent the team corrected are
# kept (status "replaced") but no longer shown or counted.
LIVE = "message_id = ? and status != 'replaced'"
COLUMNS = ("message_id", "conversation_id", "rank", "intent", "stage", "confidence", "text",
           "cta_id", "cta_url", "cta_kind", "cta_label", "facts", "offer_id", "rationale",
           "urgent", "source", "variant", "status", "created_at")
MAX_PROBLEM = 500


def _marks(values: tuple | list) -> str:
    return ", ".join("?" * len(values))


def _possible(suggestion_id: int) -> bool:
    """Whether the id could be a row's: a button's value is the sender's to choose, and an id
    past 64 bits is an error on either database, not a miss."""
    return 0 < suggestion_id < 2 ** 63


def add(db: Database, rows: list[dict[str, Any]]) -> list[int]:
    """Store suggestions (dicts keyed by COLUMNS; a missing key is stored as null); their ids
    in the same order. Call inside a transaction to store a message's set at once."""
    insert = f"insert into suggestions ({', '.join(COLUMNS)}) values ({_marks(COLUMNS)})"
    return [db.execute(insert, [row.get(column) for column in COLUMNS]).lastrowid
            for row in rows]


def add_for_message(db: Database, message_id: int, conversation_id: int, *, intent: str,
                    stage: str, confidence: float, alternatives: str | None,
                    rows: list[dict[str, Any]], gap: gaps.NewGap | None = None) -> list[int]:
    """What the engine read in a customer message and the replies it suggests, in one
    transaction (one commit per customer message, not one per row: each waits for the disk);
    the suggestions' ids. A suggestion marked urgent marks the thread urgent; a question
    nothing in the config answered (`gap`) is kept as a knowledge gap.

    Inside a transaction already open (a correction's), it joins that one."""
    with nullcontext() if db.conn.in_transaction else transaction(db):
        conversations.set_classification(db, message_id, intent, stage, confidence,
                                         alternatives)
        ids = add(db, rows)
        if gap is not None:
            gaps.record(db, gap)
        if any(row.get("urgent") for row in rows):
            conversations.mark_urgent(db, conversation_id)
    return ids


def get(db: Database, suggestion_id: int) -> dict | None:
    """The suggestion's row; None for an id that does not exist."""
    if not _possible(suggestion_id):
        return None
    rows = list(db["suggestions"].rows_where("id = ?", [suggestion_id]))
    return rows[0] if rows else None


def live(db: Database, message_id: int) -> list[dict]:
    """The message's suggestions still in play, by rank (the corrected-away ones left out)."""
    return list(db["suggestions"].rows_where(LIVE, [message_id], order_by="rank"))


def count_live(db: Database, message_id: int) -> int:
    """How many suggestions the message has in play: the review's "Another (1/3)"."""
    return db["suggestions"].count_where(LIVE, [message_id])


def text_of(db: Database, suggestion_id: int) -> str | None:
    """The suggested words; None for an unknown id."""
    if not _possible(suggestion_id):
        return None
    row = db.execute("select text from suggestions where id = ?", [suggestion_id]).fetchone()
    return row[0] if row else None


def status_of(db: Database, suggestion_id: int) -> str | None:
    """The suggestion's status (see the module's docstring); None for an unknown id."""
    if not _possible(suggestion_id):
        return None
    row = db.execute("select status from suggestions where id = ?", [suggestion_id]).fetchone()
    return row[0] if row else None


def review_shown(db: Database, suggestion_ids: list[int]) -> bool:
    """Whether the review of these suggestions was handed to the outbox to be shown."""
    if not suggestion_ids:
        return False
    ids = [str(suggestion_id) for suggestion_id in suggestion_ids]
    return db.execute(
        f"select 1 from deliveries where kind = 'review' and ref_id in ({_marks(ids)}) "
        "limit 1", ids).fetchone() is not None


def remember_review(db: Database, suggestion_id: int, ref: str) -> None:
    """Where the review of this suggestion's message was shown (for all its alternatives), so
    it can be updated in place later."""
    db.execute(
        "update suggestions set review_ref = ? where message_id = "
        "(select message_id from suggestions where id = ?)", [ref, suggestion_id],
    )


def review_ref(db: Database, suggestion_id: int) -> str | None:
    """Where the review of this suggestion was shown; None when not known."""
    row = db.execute("select review_ref from suggestions where id = ?",
                     [suggestion_id]).fetchone()
    return row[0] if row else None


def keep_review_ref(db: Database, message_id: int, ref: str | None) -> None:
    """New suggestions for a message are shown where its review already is."""
    db.execute("update suggestions set review_ref = ? where message_id = ? and "
               "review_ref is null", [ref, message_id])


def improve_text(db: Database, suggestion_id: int, was: str, now_is: str) -> bool:
    """Put an LLM's wording in place of the template's, only if the suggestion is still a
    pending template with the words `was` (what someone acted on is never changed)."""
    cursor = db.execute(
        "update suggestions set text = ?, source = 'llm' where id = ? and status = 'pending' "
        "and source = 'template' and text = ?", [now_is, suggestion_id, was],
    )
    return cursor.rowcount == 1


# ---- what the team does with them --------------------------------------------------------


def record_feedback(db: Database, suggestion_id: int, action: str, platform: str, user: str,
                    at: str, text: str | None = None) -> int:
    """Keep a button press (send, edit with its words, another, dismiss); its id. A plain
    statement, so it stands in one transaction with what a Send changes."""
    return db.execute(
        "insert into feedback (suggestion_id, action, platform, user_id, text, created_at) "
        "values (?, ?, ?, ?, ?, ?)", [suggestion_id, action, platform, user, text, at],
    ).lastrowid


def feedback_text(db: Database, feedback_id: int | None) -> str | None:
    """The words kept with a press (an Edit's); None when none or no such press."""
    row = db.execute("select text from feedback where id = ?", [feedback_id]).fetchone()
    return row[0] if row else None


def mark_feedback(db: Database, feedback_id: int, action: str, problem: str) -> None:
    """A press the platform refused: its action becomes e.g. send_failed, with why."""
    db.execute("update feedback set action = ?, problem = ? where id = ?",
               [action, problem[:MAX_PROBLEM], feedback_id])


def dismiss_pending(db: Database, message_id: int) -> None:
    """Dismiss every pending suggestion for the message."""
    db.execute("update suggestions set status = 'dismissed' where message_id = ? and "
               "status = 'pending'", [message_id])


def dismiss_alternatives(db: Database, suggestion: dict) -> tuple[int, ...]:
    """Dismiss the pending alternatives of a suggestion being sent; their ids."""
    dismissed = tuple(row[0] for row in db.execute(
        "select id from suggestions where message_id = ? and id != ? and status = 'pending' "
        "order by id", [suggestion["message_id"], suggestion["id"]]).fetchall())
    if dismissed:  # (an empty `in ()` reads the whole table)
        db.execute(f"update suggestions set status = 'dismissed' where id in "
                   f"({_marks(dismissed)})", list(dismissed))
    return dismissed


def mark_sending(db: Database, suggestion_id: int) -> None:
    """A person pressed Send: "sending" until the platform confirms, never "sent" before."""
    db.execute("update suggestions set status = 'sending' where id = ?", [suggestion_id])


def mark_sent(db: Database, suggestion_id: int) -> None:
    """The platform confirmed the post of a suggestion being sent."""
    db.execute("update suggestions set status = 'sent' where id = ? and status = 'sending'",
               [suggestion_id])


def back_to_pending(db: Database, suggestion_ids: tuple[int, ...],
                    from_statuses: tuple[str, ...] = ("sending", "sent", "dismissed")) -> None:
    """A refused post: the suggestions go back to pending (from the given statuses only)."""
    if not suggestion_ids:
        return
    db.execute(
        f"update suggestions set status = 'pending' where id in ({_marks(suggestion_ids)}) "
        f"and status in ({_marks(from_statuses)})", [*suggestion_ids, *from_statuses],
    )


def replace_pending(db: Database, message_id: int) -> None:
    """The team corrected the message's intent: its pending suggestions are replaced."""
    db.execute("update suggestions set status = 'replaced' where message_id = ? and "
               "status = 'pending'", [message_id])
