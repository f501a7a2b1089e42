"""Problems a chat platform reported that only a person can fix, kept for the daily digest.

A missing permission or an unknown channel would otherwise show up only in a log nobody reads.
Each adapter reports them here: they are logged, and kept (bot/store/problems.py) for the
morning digest, which lists the ones seen since the day before.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.store.problems import record_platform_error

if TYPE_CHECKING:
    from bot.core.context import Context

log = logging.getLogger(__name__)


def report_platform_error(ctx: Context | None, platform: str, channel: str, problem: str,
                          detail: str, kind: str = "channel") -> None:
    """What an adapter calls on a problem a person must fix: log it and keep it for the next
    digest. Never raises: a failed report must not hide the failure being reported."""
    logging.getLogger(f"bot.platforms.{platform}").error(
        "%s %s %s: %s", platform.capitalize(), kind, channel, detail)
    if ctx is None:
        return
    try:
        record_platform_error(ctx.db, platform, channel, problem, detail, at=ctx.now())
    except Exception:
        log.exception("could not record the %s problem", platform)
