"""Timestamps as the store keeps them: time-zone aware, UTC, ISO 8601."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Timestamps are stored as ISO 8601 text in UTC so they sort and read the same everywhere."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be time-zone aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")
