"""Problems a chat platform reported that only a person can fix, kept for the daily digest.

One row per (platform, channel, problem): a problem that repeats on every message is counted,
not duplicated, with the latest detail and when it was first and last seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.connection import Database
from bot.store.times import iso, utc_now


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


def record_platform_error(db: Database, platform: str, channel: str, problem: str,
                          detail: str, at: datetime | None = None) -> None:
    """Remember that `problem` happened in `channel` (again), with what the team must fix."""
    now = iso(at or utc_now())
    db.execute(
        "insert into platform_errors (platform, channel, problem, detail, first_at, last_at, "
        "count) values (?, ?, ?, ?, ?, ?, 1) on conflict(platform, channel, problem) do update "
        "set detail = excluded.detail, last_at = excluded.last_at, "
        "count = platform_errors.count + 1",
        [platform, channel, problem, detail, now, now],
    )


def platform_errors_since(db: Database, since: datetime) -> list[PlatformError]:
    """The problems seen at or after `since`, oldest first."""
    rows = db.execute(
        "select id, platform, channel, problem, detail, first_at, last_at, count "
        "from platform_errors where last_at >= ? order by first_at, id",
        [iso(since)],
    ).fetchall()
    return [PlatformError(*row) for row in rows]
