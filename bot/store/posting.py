"""What the application looks up around a post: may this person be written to, and where the
review of a suggestion is shown (to redraw it in place)."""

from __future__ import annotations

from bot.store.connection import Database


def opted_out(db: Database, platform: str, user_id: str) -> bool:
    """Whether this person asked Nudge never to message them on this platform."""
    return db.execute("select 1 from opt_outs where platform = ? and user_id = ?",
                      [platform, user_id]).fetchone() is not None


def review_ref(db: Database, suggestion_id: int) -> str | None:
    """Where the platform shows this suggestion's review (its message reference), if known."""
    row = db.execute("select review_ref from suggestions where id = ?",
                     [suggestion_id]).fetchone()
    return row[0] if row and row[0] else None
