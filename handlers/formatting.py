"""Small text helpers every handler uses, so times and snippets read the same everywhere."""

from __future__ import annotations

from datetime import datetime

from bot.core.context import Context


def local_time(ctx: Context, moment: datetime | None) -> str:
    """"Tue 24 Nov 09:00" in the team's time zone, or "none"; with the year ("Fri 01 Jan 2027
    09:00") whenever it is not the current one, so a date a year out never looks like next week.
    """
    if moment is None:
        return "none"
    local = moment.astimezone(ctx.config.zone)
    if local.year != ctx.local_now().year:
        return f"{local:%a %d %b %Y %H:%M}"
    return f"{local:%a %d %b %H:%M}"


def short(text: str, limit: int = 60) -> str:
    """The text on one line, cut with an ellipsis so lists stay readable."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
