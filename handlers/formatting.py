"""Small text helpers every handler uses, so times and snippets read the same everywhere."""

from __future__ import annotations

from datetime import datetime

from handlers.context import Context


def local_time(ctx: Context, moment: datetime | None) -> str:
    """"Tue 24 Nov 09:00" in the team's time zone, or "none"."""
    if moment is None:
        return "none"
    return f"{moment.astimezone(ctx.config.zone):%a %d %b %H:%M}"


def short(text: str, limit: int = 60) -> str:
    """The text on one line, cut with an ellipsis so lists stay readable."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
