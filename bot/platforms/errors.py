"""Problems a chat platform reported that only a person can fix, kept for the daily digest.

A missing permission or an unknown channel would otherwise show up only in a log nobody reads.
Each adapter records them here and the morning digest lists the ones seen since the day before.
One row per (platform, channel, problem): a problem that repeats on every message is counted,
not duplicated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlite_utils

from bot.store import iso, utc_now

if TYPE_CHECKING:
    from bot.core.context import Context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlatformError:
    id: int
    platform: str
    channel: str
    problem: str
    detail: str
    first_at: str
    last_at: str
    count: int


def record_platform_error(db: sqlite_utils.Database, platform: str, channel: str, problem: str,
                          detail: str, at: datetime | None = None) -> None:
    """Remember that `problem` happened in `channel` (again), with what the team must fix."""
    now = iso(at or utc_now())
    db.execute(
        "insert into platform_errors (platform, channel, problem, detail, first_at, last_at, "
        "count) values (?, ?, ?, ?, ?, ?, 1) on conflict(platform, channel, problem) do update "
        "set detail = excluded.detail, last_at = excluded.last_at, count = count + 1",
        [platform, channel, problem, detail, now, now],
    )


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


def platform_errors_since(db: sqlite_utils.Database, since: datetime) -> list[PlatformError]:
    """The problems seen at or after `since`, oldest first."""
    rows = db.execute(
        "select id, platform, channel, problem, detail, first_at, last_at, count "
        "from platform_errors where last_at >= ? order by first_at, id",
        [iso(since)],
    ).fetchall()
    return [PlatformError(*row) for row in rows]
