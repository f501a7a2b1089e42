"""Small pieces of the team's review that every adapter needs around `conversation.on_choice`.

Where a review message lives (to update it later), the text to put in an Edit box, putting a
suggestion back when its reply could not be delivered, and following a customer's edits.
"""

from __future__ import annotations

from bot.storage import iso, transaction
from handlers.context import Context


def suggestion_text(ctx: Context, suggestion_id: int | str) -> str | None:
    """The suggested reply, to prefill an Edit box; None for an unknown id."""
    try:
        row = ctx.db.execute(
            "select text from suggestions where id = ?", [int(suggestion_id)]
        ).fetchone()
    except (TypeError, ValueError):
        return None
    return row[0] if row else None


def is_pending(ctx: Context, suggestion_id: int | str | None) -> bool:
    """Whether nobody has sent or dismissed this suggestion yet."""
    try:
        row = ctx.db.execute(
            "select status from suggestions where id = ?", [int(suggestion_id)]
        ).fetchone()
    except (TypeError, ValueError):
        return False
    return bool(row) and row[0] == "pending"


def remember_review_message(ctx: Context, suggestion_id: int | str, ref: str) -> None:
    """Record where the review of this customer message was shown (for all its alternatives)."""
    ctx.db.execute(
        "update suggestions set review_ref = ? where message_id = "
        "(select message_id from suggestions where id = ?)",
        [ref, int(suggestion_id)],
    )


def reopen_after_failed_send(ctx: Context, suggestion_id: int | str, platform: str, user: str,
                             reason: str) -> None:
    """The reply never reached the customer: make the suggestions pending and the thread
    waiting again, so the team can retry, and keep a record of why it failed."""
    suggestion_id = int(suggestion_id)
    row = ctx.db.execute(
        "select message_id, conversation_id from suggestions where id = ?", [suggestion_id]
    ).fetchone()
    if row is None:
        return
    message_id, conversation_id = row
    with transaction(ctx.db):
        ctx.db.execute(
            "update suggestions set status = 'pending' where message_id = ?", [message_id]
        )
        ctx.db.execute(
            "update conversations set status = 'waiting', answered_at = null where id = ?",
            [conversation_id],
        )
        ctx.db.execute(
            "insert into feedback (suggestion_id, action, platform, user_id, text, created_at) "
            "values (?, 'send_failed', ?, ?, ?, ?)",
            [suggestion_id, platform, user, reason[:500], iso(ctx.now())],
        )


def record_edit(ctx: Context, platform: str, message_id: str, text: str) -> bool:
    """A customer edited a message Nudge stored: keep the new wording. True if it was known."""
    cursor = ctx.db.execute(
        "update messages set text = ? where platform = ? and event_key = ?",
        [text[:20_000], platform, message_id],
    )
    return cursor.rowcount > 0
