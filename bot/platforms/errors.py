"""Problems a chat platform reported that only a person can fix, kept for the daily digest.

A missing permission or an unknown channel would otherwise show up only in a log nobody reads.
Each adapter records them here; the digest lists the unreported ones and marks them reported.
One row per (platform, channel, problem): a problem that repeats on every message is counted,
not duplicated, and one that comes back after being reported is reported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.storage import iso, utc_now


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
        "set detail = excluded.detail, last_at = excluded.last_at, count = count + 1, "
        "reported_at = null",
        [platform, channel, problem, detail, now, now],
    )


def unreported_platform_errors(db: sqlite_utils.Database) -> list[PlatformError]:
    """The problems no digest has shown yet, oldest first."""
    rows = db.execute(
        "select id, platform, channel, problem, detail, first_at, last_at, count "
        "from platform_errors where reported_at is null order by first_at, id"
    ).fetchall()
    return [PlatformError(*row) for row in rows]


def mark_platform_errors_reported(db: sqlite_utils.Database, ids: list[int],
                                  at: datetime | None = None) -> None:
    if ids:
        marks = ", ".join("?" for _ in ids)
        db.execute(
            f"update platform_errors set reported_at = ? where id in ({marks})",
            [iso(at or utc_now()), *ids],
        )
