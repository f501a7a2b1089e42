"""What the outbox (bot/outbox.py) reads back to rebuild a review or a reply after a restart:
where the suggestion stands now, and the words a team member wrote for an edited reply."""

from __future__ import annotations

from bot.store.connection import Database


def suggestion_status(db: Database, suggestion_id: int) -> str | None:
    """The suggestion's status (pending, sending, sent ...), or None when there is none."""
    row = db.execute("select status from suggestions where id = ?", [suggestion_id]).fetchone()
    return row[0] if row else None


def edited_text(db: Database, feedback_id: int | None) -> str | None:
    """The words of an edited reply (its feedback row), or None."""
    row = db.execute("select text from feedback where id = ?", [feedback_id]).fetchone()
    return row[0] if row else None
