"""Single moments as people type them: "2026-12-01 09:00", "tomorrow 9am", "in 2 hours".

dateparser reads the words; what is left to Nudge is refusing what it must not guess: a time
in the past, a date that does not exist, a phrase that reads two ways ("03/04", "at 9"), a wall
clock time that a daylight-saving change skips or repeats. Each refusal is a ScheduleError whose
message shows how to write it.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WHEN_EXAMPLES = "`tomorrow 9am`, `next friday 17:00` or `in 2 hours`"
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
_NAMED_DAY = (re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?![:.]\d|\s*[ap]m)",
                         re.IGNORECASE),
              re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH, re.IGNORECASE))
_YEAR = re.compile(r"\b\d{4}\b")
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


def when_examples(now: datetime, zone: ZoneInfo) -> str:
    """Ways to write a moment, with dated ones that are still ahead of `now` (an example in an
    error message must itself work when typed)."""
    ahead = (now.astimezone(zone) + timedelta(days=8)).date()
    return (f"`{ahead.isoformat()} 09:00`, `tomorrow 9am`, `next friday 17:00`, `in 2 hours` or "
            f"`{calendar.month_abbr[ahead.month].lower()} {ahead.day} 8:30`")


def _unreadable(text: str, now: datetime, zone: ZoneInfo) -> ScheduleError:
    return ScheduleError(f'I can\'t read "{text}" as a date and time. Write it like '
                         f"{when_examples(now, zone)}.")


def _named_day(text: str) -> tuple[int, int] | None:
    """(month, day) when the text names a day of a month without a year ("nov 27", "27th of
    november"), else None."""
    if _YEAR.search(text):
        return None
    for pattern in _NAMED_DAY[::-1]:
        match = pattern.search(text)
        if match:
            groups = match.groups()
            month_name, day = (groups[0], groups[1]) if pattern is _NAMED_DAY[0] else groups[::-1]
            return _MONTHS.index(month_name[:3].lower()) + 1, int(day)
    return None


def _clock_of(text: str) -> str:
    """The time of day the text names, as H:MM, for suggestions (9:00 when it names none)."""
    found = _HAS_TIME.search(text)
    if found:
        try:
            return f"{parse_time_of_day(found.group(0)):%H:%M}"
        except ScheduleError:
            pass
    return "9:00"


def _check_named_day(text: str, now: datetime, zone: ZoneInfo) -> None:
    """"feb 30" would otherwise only get a generic "can't read"; say what is wrong with it, and
    suggest the month's last day in the year it would fall, which reads back as a future date."""
    named = _named_day(text)
    if named is None:
        return
    month, day = named
    longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    if 1 <= day <= longest:
        return
    local = now.astimezone(zone)
    year = local.year if month >= local.month else local.year + 1
    last = calendar.monthrange(year, month)[1]
    if month == local.month and last <= local.day:
        year += 1
        last = calendar.monthrange(year, month)[1]
    raise ScheduleError(
        f"{calendar.month_name[month]} has no day {day}: that date does not exist. Write a "
        f"real date, such as `{calendar.month_abbr[month].lower()} {last} {_clock_of(text)}`."
    )


def _nearest_year(parsed: datetime, named: tuple[int, int], now: datetime) -> datetime:
    """A month and day typed without a year mean their nearest occurrence, before or after now:
    "jan 5" typed in December is next January, but "nov 27" typed on 29 November is two days
    ago (and refused as past), never silently 27 November next year."""
    month, day = named
    candidates = []
    for year in (now.year - 1, now.year, now.year + 1):
        if day <= calendar.monthrange(year, month)[1]:
            candidates.append(parsed.replace(year=year, month=month, day=day))
    if not candidates:
        return parsed
    return min(candidates, key=lambda moment: abs(moment - now))


def past_moment(text: str, moment: datetime, now: datetime, zone: ZoneInfo,
                has_time: bool = True) -> ScheduleError:
    """A refusal of a moment that has passed, with the nearest future moment at the same time
    of day (and, for a day named without a year, the same day next year), both written so that
    they read back as the moment they name."""
    local, local_now = moment.astimezone(zone), now.astimezone(zone)
    clock = local.time() if has_time else time(9, 0)
    day = local_now.date()
    while True:
        try:
            nearest = localize(datetime.combine(day, clock), zone)
        except ScheduleError:
            nearest = None
        if nearest is not None and nearest > now:
            break
        day += timedelta(days=1)
    options = [f"`{suggestion(nearest, now, zone)}`"]
    if _named_day(text) is not None:
        next_year = _same_day_next_year(local, local_now.year + 1)
        if next_year is not None:
            options.append(f"`{next_year:%Y-%m-%d %H:%M}` for next year")
    return ScheduleError(
        f"{describe_time(moment, zone)} ({zone.key}) is in the past. Give a future time, such "
        f"as {' or '.join(options)}."
    )


def _same_day_next_year(local: datetime, year: int) -> datetime | None:
    if local.day > calendar.monthrange(year, local.month)[1]:
        return None
    return local.replace(year=year)


def day_suggestion(day: date, now: datetime, zone: ZoneInfo) -> str:
    """How to type a day (for `until`): "dec 31" when that reads back to it, else ISO."""
    words = f"{calendar.month_abbr[day.month].lower()} {day.day}"
    try:
        if parse_when(words, now, zone, date_only=True)[0].date() == day:
            return words
    except ScheduleError:
        pass
    return day.isoformat()


def suggestion(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """How to type `moment`: "nov 30 9:00" when that reads back to it, else ISO."""
    local = moment.astimezone(zone)
    words = f"{calendar.month_abbr[local.month].lower()} {local.day} {local:%H:%M}"
    try:
        if parse_when(words, now, zone)[0] == local.replace(microsecond=0):
            return words
    except ScheduleError:
        pass
    return f"{local:%Y-%m-%d %H:%M}"


def _date_order(text: str, today: date) -> str:
    """Pick day-first or month-first for "24/12", refusing "03/04", which reads both ways."""
    match = _SLASH_DATE.search(text)
    if not match:
        return "DMY"
    first, second = (int(n) for n in (match.group(1) or match.group(4),
                                       match.group(2) or match.group(5)))
    if first <= 12 and second <= 12 and first != second:
        typed_year = match.group(3) or match.group(6)
        if typed_year:
            year = int(f"20{typed_year}" if len(typed_year) == 2 else typed_year)
        else:
            year = today.year + (date(today.year, second, first) <= today)
        as_words = f"{first} {calendar.month_abbr[second].lower()}" + (
            f" {year}" if typed_year else "")
        as_iso = f"{year}-{second:02d}-{first:02d}"
        raise ScheduleError(
            f'"{match.group(0)}" could be {first} {calendar.month_name[second]} or '
            f"{second} {calendar.month_name[first]}. Write the month as a word or use ISO: "
            f"`{text.replace(match.group(0), as_words)}` or "
            f"`{text.replace(match.group(0), as_iso)}`."
        )
    return "DMY" if first > 12 else "MDY"


def _from_iso(text: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    # "2027-4-3 9:00" is as clear as "2027-04-03 09:00": pad before handing it to fromisoformat.
    padded = re.sub(r"(?<![\d:])(\d)(?!\d)", r"0\1", text.upper().replace(" ", "T", 1))
    try:
        parsed = datetime.fromisoformat(padded)
    except ValueError:
        example = (now.astimezone(zone) + timedelta(days=8)).date().isoformat()
        raise ScheduleError(
            f'"{text}" is not a real date and time. ISO dates are written `{example} 09:00` '
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
        "DATE_ORDER": _date_order(text, base.date()),
    }
    _check_named_day(text, now, zone)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        raise _unreadable(text, now, zone)
    named = _named_day(text)
    if named is not None:
        parsed = _nearest_year(parsed, named, base)
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
        raise ScheduleError(f"Say when: {when_examples(now, zone)}.")
    lowered = text.lower()
    if lowered.startswith("at "):
        lowered = lowered[3:]
    if re.fullmatch(r"\d{1,2}", lowered):
        parse_time_of_day(lowered)  # explains that a bare hour reads two ways
    if _ISO.match(lowered):
        moment, has_time = _from_iso(lowered, now, zone)
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
