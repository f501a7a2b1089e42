"""The calendar: coming posts day by day in chat, the next 14 days on the home screen, and an
iCalendar file that calendar apps import (read back here with the icalendar library)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from handlers import home
from tests.promo_helpers import add, say


async def test_the_week_ahead_day_by_day(app):
    add(app, '/nudge promo add "Fresh sourdough" in #customers every mon,thu at 10:00')
    add(app, '/nudge promo add "Mince pies are back!" in #customers, #news at tomorrow 9am')
    reply = say(app, "/nudge promo calendar")
    assert reply.ok, reply.text
    assert reply.text.splitlines()[:8] == [
        "*Coming posts, next 7 days* (times in Europe/London)",
        "",
        "*Tomorrow, Tue 24 Nov*",
        '• 09:00 #2 "Mince pies are back!" → console #customers, console #news',
        "",
        "*Thu 26 Nov*",
        '• 10:00 #1 "Fresh sourdough" → console #customers',
        "",
    ]
    # Today and the six days after it: Monday 30 November is the eighth day.
    assert reply.meta["days"] == {"2026-11-24": [2], "2026-11-26": [1]}
    assert "2 post(s)" in reply.text


async def test_a_month_shows_every_post_and_stops_at_until_and_times(app):
    add(app, '/nudge promo add "Advent" in #customers every day at 8:00 until dec 5')
    add(app, '/nudge promo add "Loaves" in #customers every friday at 16:00 times 2')
    days = say(app, "/nudge promo calendar month").meta["days"]
    advent = [day for day, ids in days.items() if 1 in ids]
    assert advent[0] == "2026-11-24" and advent[-1] == "2026-12-05" and len(advent) == 12
    assert [day for day, ids in days.items() if 2 in ids] == ["2026-11-27", "2026-12-04"]


async def test_paused_and_cancelled_promotions_are_not_on_the_calendar(app):
    paused = add(app, '/nudge promo add "A" in #customers at tomorrow 9am')
    cancelled = add(app, '/nudge promo add "B" in #customers at tomorrow 10am')
    say(app, f"/nudge promo pause {paused}")
    say(app, f"/nudge promo cancel {cancelled}")
    reply = say(app, "/nudge promo calendar")
    assert "Nothing is scheduled" in reply.text


async def test_a_bad_span_is_explained(app):
    reply = say(app, "/nudge promo calendar year")
    assert not reply.ok and "`/nudge promo calendar month`" in reply.text


async def test_the_home_screen_groups_the_next_14_days_by_day(app):
    add(app, '/nudge promo add "Fresh sourdough" in #customers every mon,thu at 10:00')
    summary = home.summary(app.ctx)
    assert [title for title, _ in summary.calendar] == [
        "Thu 26 Nov", "Mon 30 Nov", "Thu 03 Dec"]  # to Sun 06 Dec: today and 13 more days
    assert summary.calendar[0][1] == ['10:00 #1 "Fresh sourdough" → console #customers']
    text = home.summary_reply(summary, app.config.zone)
    listed = {field.label: field.value for field in text.fields}["Next 14 days"]
    assert listed.startswith("Thu 26 Nov\n• 10:00 #1")


def test_the_ics_export_is_a_calendar_file_calendar_apps_can_read(promo_cli):
    start = datetime.now(UTC) + timedelta(days=2)
    when = start.strftime("%Y-%m-%d")
    assert promo_cli("add", "Fresh sourdough", "in", "customers", "at", when, "09:00", "every",
                 "day", "at", "9:00", "times", "3").exit_code == 0
    assert promo_cli("add", "Mince pies", "in", "customers", "at", when, "12:00").exit_code == 0
    result = promo_cli("calendar", "--ics")
    assert result.exit_code == 0, result.output
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    assert calendar["VERSION"] == "2.0" and "Nudge" in str(calendar["PRODID"])
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    assert len(events) == 4  # three daily posts and one one-off
    assert [str(event["summary"]) for event in events] == [
        "Promotion #1: Fresh sourdough", "Promotion #2: Mince pies",
        "Promotion #1: Fresh sourdough", "Promotion #1: Fresh sourdough"]
    first = events[0].decoded("dtstart")
    assert first.tzinfo is not None and first.astimezone(UTC).date() == start.date()
    assert events[0].decoded("dtend") - first == timedelta(minutes=15)
    assert len({str(event["uid"]) for event in events}) == 4  # stable, distinct ids
    assert "Posted in: console #customers" in str(events[0]["description"])


def test_the_ics_export_of_nothing_is_still_a_valid_calendar(promo_cli):
    result = promo_cli("calendar", "--ics", "--days", "7")
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    assert list(calendar.walk("VEVENT")) == []


def test_the_text_calendar_from_the_terminal(promo_cli):
    when = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")
    added = promo_cli("add", "Fresh sourdough", "in", "customers", "at", when, "09:00")
    assert added.exit_code == 0
    result = promo_cli("calendar", "month")
    assert result.exit_code == 0 and '#1 "Fresh sourdough"' in result.output
