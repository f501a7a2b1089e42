"""Single moments as people type them: "2026-12-01 09:00", "tomorrow 9am", "in 2 hours".

dateparser reads the words; what is left to Nudge is refusing what it must not guess: a time
in the past, a date that does not exist, a phrase that reads two ways ("03/04", "at 9"), a wall
clock time that a daylight-saving change skips or repeats. Each refusal is a ScheduleError whose
message shows how to write it.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WHEN_EXAMPLES = ("`2026-12-01 09:00`, `tomorrow 9am`, `next friday 17:00`, `in 2 hours` "
                 "or `dec 24 8:30`")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_HAS_TIME = re.compile(
    r"\d{1,2}:\d{2}|\b\d{1,2}\s*(am|pm)\b|\bnoon\b|\bmidnight\b", re.IGNORECASE
)
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ t]\d{1,2}:\d{2}(:\d{2})?)?(z|[+-]\d{2}:?\d{2})?$",
                  re.IGNORECASE)
_RELATIVE = re.compile(r"^in\s+(\d+|an?|one)\s+(minute|min|hour|hr)s?$", re.IGNORECASE)
_SLASH_DATE = re.compile(
    r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b|\b(\d{1,2})\.(\d{1,2})\.(\d{2,4})\b"
)
_NAMED_DAY = (re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.IGNORECASE),
              re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH, re.IGNORECASE))
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)$")


class ScheduleError(ValueError):
    """A schedule that cannot be used as typed; the message says why and how to write it."""


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f'"{name}" is not a time zone I know: write an IANA name such as `tz Europe/Paris` '
            "or `tz America/New_York`."
        ) from None


def describe_time(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """"Fri 27 Nov 2026 09:00" in `zone` (default: the moment's own)."""
    local = moment.astimezone(zone) if zone else moment
    return f"{local:%a %d %b %Y %H:%M}"


def localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """Attach `zone` to a wall-clock time, refusing times that a DST change skips or repeats."""
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise ScheduleError(
            f"{naive:%H:%M} on {naive:%a %d %b %Y} does not exist in {zone.key}: the clocks go "
            f"forward then. Pick another time, such as `{naive + timedelta(hours=1):%H:%M}`."
        )
    if naive.replace(tzinfo=zone, fold=1).utcoffset() != aware.utcoffset():
        raise ScheduleError(
            f"{naive:%H:%M} on {naive:%a %d %b %Y} happens twice in {zone.key}: the clocks go "
            "back then. Pick a time outside 01:00-02:00, or write it with an offset such as "
            f"`{naive:%Y-%m-%dT%H:%M}+01:00`."
        )
    return aware


def _unreadable(text: str) -> ScheduleError:
    return ScheduleError(f'I can\'t read "{text}" as a date and time. Write it like '
                         f"{WHEN_EXAMPLES}.")


def _check_named_day(text: str) -> None:
    """"feb 30" would otherwise only get a generic "can't read"; say what is wrong with it."""
    for pattern in _NAMED_DAY:
        for match in pattern.finditer(text):
            groups = match.groups()
            month_name, day = (groups[0], groups[1]) if pattern is _NAMED_DAY[0] else groups[::-1]
            month = _MONTHS.index(month_name[:3].lower()) + 1
            longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
            if not 1 <= int(day) <= longest:
                raise ScheduleError(
                    f"{calendar.month_name[month]} has no day {int(day)}: that date does not "
                    f"exist. Write a real date, such as `{calendar.month_abbr[month].lower()} "
                    f"{min(int(day), longest)} 9:00`."
                )


def _date_order(text: str) -> str:
    """Pick day-first or month-first for "24/12", refusing "03/04", which reads both ways."""
    match = _SLASH_DATE.search(text)
    if not match:
        return "DMY"
    first, second = (int(n) for n in (match.group(1) or match.group(4),
                                       match.group(2) or match.group(5)))
    if first <= 12 and second <= 12 and first != second:
        year = match.group(3) or match.group(6) or "2026"
        year = f"20{year}" if len(year) == 2 else year
        raise ScheduleError(
            f'"{match.group(0)}" could be {first} {calendar.month_name[second]} or '
            f"{second} {calendar.month_name[first]}. Write the month as a word or use ISO: "
            f"`{first} {calendar.month_abbr[second].lower()}` or "
            f"`{year}-{second:02d}-{first:02d}`."
        )
    return "DMY" if first > 12 else "MDY"


def _from_iso(text: str, zone: ZoneInfo) -> tuple[datetime, bool]:
    try:
        parsed = datetime.fromisoformat(text.upper().replace(" ", "T", 1))
    except ValueError:
        raise ScheduleError(
            f'"{text}" is not a real date and time. ISO dates are written `2026-12-01 09:00` '
            "(year-month-day, 24-hour clock)."
        ) from None
    has_time = len(text) > 10
    if parsed.tzinfo is not None:
        return parsed.astimezone(zone), True
    return localize(parsed, zone), has_time


def _from_words(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    import dateparser  # imported on first use: it takes a moment to load its language data

    relative = _RELATIVE.match(text)
    # Hours and minutes are elapsed time, so count them in UTC and stay right across DST.
    base = now.astimezone(UTC if relative else zone).replace(tzinfo=None)
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "TIMEZONE": "UTC" if relative else zone.key,
        "TO_TIMEZONE": "UTC" if relative else zone.key,
        "DATE_ORDER": _date_order(text),
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        _check_named_day(text)
        raise _unreadable(text)
    if relative:
        return parsed.replace(tzinfo=UTC).astimezone(zone)
    return localize(parsed, zone)


def parse_when(text: str, now: datetime, zone: ZoneInfo, *,
               date_only: bool = False) -> tuple[datetime, bool]:
    """One moment in `zone`, and whether it named a time of day.

    Without `date_only` a phrase with no time ("friday", "dec 24") is refused: guessing
    midnight or "now" would post at a time nobody chose.
    """
    text = " ".join(text.split()).strip()
    if not text:
        raise ScheduleError(f"Say when: {WHEN_EXAMPLES}.")
    lowered = text.lower()
    if lowered.startswith("at "):
        lowered = lowered[3:]
    if re.fullmatch(r"\d{1,2}", lowered):
        parse_time_of_day(lowered)  # explains that a bare hour reads two ways
    if _ISO.match(lowered):
        moment, has_time = _from_iso(lowered, zone)
    else:
        has_time = bool(_HAS_TIME.search(lowered) or _RELATIVE.match(lowered))
        moment = _from_words(lowered, now, zone)
    if not has_time and not date_only:
        raise ScheduleError(
            f'"{text}" has no time of day. Add one, such as `{text} 9:00` or `{text} 5pm`.'
        )
    return moment.replace(microsecond=0), has_time


def parse_time_of_day(text: str) -> time:
    """"9:00", "17:30", "9am", "5:30 pm", "noon", "midnight"."""
    value = " ".join(text.lower().split())
    if value == "noon":
        return time(12, 0)
    if value == "midnight":
        return time(0, 0)
    if match := _CLOCK.match(value):
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    elif match := _TWELVE_HOUR.match(value):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if 1 <= hour <= 12 and minute <= 59:
            return time(hour % 12 + (12 if match.group(3) == "pm" else 0), minute)
    elif re.fullmatch(r"\d{1,2}", value):
        raise ScheduleError(
            f'"at {value}" could be morning or evening: write `{value}:00` (24-hour clock) '
            f"or `{value}am` / `{value}pm`."
        )
    raise ScheduleError(f'"{text}" is not a time of day: write it like `9:00`, `17:30` or `9am`.')
