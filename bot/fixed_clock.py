"""A moment to pretend it is: `nudge run --at`, `nudge suggest --at`, the console's `/at`.

A marketer checks what customers would be told on a given day (Christmas Eve at 17:30, the
first day of a sale) by stopping Nudge's clock there. One reader for every place that takes
such a moment, so the formats and the error line are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

EXAMPLES = '"2026-12-23 17:30", "2026-12-23T17:30+01:00" or "2026-12-23"'


def parse_moment(text: str, zone: ZoneInfo) -> datetime:
    """The moment `text` names, in UTC; ValueError with a one-line explanation otherwise.

    Local times are read in `zone` (the brand's), an explicit offset ("+01:00", "Z") wins.
    """
    written = text.strip()
    if not written:
        raise ValueError(f"no moment given; write {EXAMPLES}")
    try:
        moment = datetime.fromisoformat(written)
    except ValueError:
        raise ValueError(f"cannot read {written[:40]!r} as a date and time; write "
                         f"{EXAMPLES}") from None
    if not 1970 <= moment.year <= 9000:  # far dates overflow the calendar sums that follow
        raise ValueError(f"{written[:40]!r} is too far away; pick a year from 1970 to 9000")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{written[:40]!r} is outside the calendar Nudge can use") from None


def frozen(moment: datetime) -> Callable[[], datetime]:
    """A clock that stays at `moment`."""
    return lambda: moment


def describe(moment: datetime, zone: ZoneInfo) -> str:
    """"Wed 23 Dec 2026 17:30 (Europe/London)": how the console names a moved clock."""
    local = moment.astimezone(zone)
    return f"{local:%a %d %b %Y %H:%M} ({zone.key})"
