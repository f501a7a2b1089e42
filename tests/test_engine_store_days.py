"""Opening hours answer the day the customer asks about: a weekday, tomorrow, the weekend, a
date; today's hours only when no day is named. Days are the team's, in its time zone.

The example config's shops: Mill Road is closed on Sundays, Market Square on Mondays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.engine import Engine
from bot.engine.days import days_asked
from bot.engine.types import SuggestionSet, ThreadState

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # London is on UTC in November
TODAY = MONDAY.date()


def suggest(engine: Engine, text: str, now: datetime = MONDAY, **state) -> SuggestionSet:
    result = engine.suggest(text, platform="slack", state=ThreadState(**state), now=now)
    assert result.intent == "store_visit", text
    return result


def test_a_weekday_named_gets_that_days_hours_not_todays(engine):
    first = suggest(engine, "are you open on sunday at market square").suggestions[0]
    assert "Open on Sunday 10:00-14:00" in first.text
    assert "today" not in first.text.lower()
    assert "Market Square is open on Sunday 10:00-14:00" in first.facts
    assert "on Sunday" in first.rationale


@pytest.mark.parametrize(
    "text",
    [
        "open sun at market square?",
        "is market square open on sundy",
        "market square sundays?",
        "what time does market square open Sunday's",
        "are u open sunday at the market square shop",
    ],
)
def test_weekday_abbreviations_plurals_and_typos_are_understood(engine, text):
    assert "Open on Sunday 10:00-14:00" in suggest(engine, text).suggestions[0].text


def test_a_closed_day_named_says_when_the_shop_opens_next(engine):
    text = suggest(engine, "is mill road open on sunday?").suggestions[0].text
    assert "Closed on Sunday; open again Monday 08:00-18:00" in text


def test_tomorrow_gets_tomorrows_hours(engine):
    first = suggest(engine, "is market square open tmrw?").suggestions[0]
    assert "Open tomorrow (Tuesday) 09:00-16:00" in first.text
    assert "Closed today" not in first.text


def test_the_weekend_gets_saturdays_and_sundays_hours(engine):
    text = suggest(engine, "are you open this weekend at mill road?").suggestions[0].text
    assert "Open on Saturday 09:00-17:00" in text
    assert "Closed on Sunday" in text and "today" not in text.lower()


def test_with_no_day_named_the_reply_gives_todays_hours(engine):
    text = suggest(engine, "what are the opening hours at market square?").suggestions[0].text
    assert "Closed today (Monday); open again tomorrow (Tuesday) 09:00-16:00" in text


def test_a_day_named_for_every_shop_heads_the_list(engine):
    text = suggest(engine, "where are your shops, are they open on saturday?").suggestions[0].text
    assert "hours on Saturday:" in text
    assert "Open on Saturday 09:00-17:00" in text  # Mill Road
    assert "Open on Saturday 08:00-16:00" in text  # Market Square


def test_a_date_gets_the_hours_of_its_weekday_and_says_the_date(engine):
    text = suggest(engine, "is market square open on dec 24th?").suggestions[0].text
    assert "Open on Thursday 24 December 09:00-16:00" in text


def test_tomorrow_is_the_teams_tomorrow_not_utcs(engine):
    # 23:30 on Sunday in UTC is already 00:30 on Monday in London (summer time).
    late_sunday_utc = datetime(2026, 7, 5, 23, 30, tzinfo=UTC)
    text = suggest(engine, "is market square open tomorrow?", now=late_sunday_utc) \
        .suggestions[0].text
    assert "Open tomorrow (Tuesday) 09:00-16:00" in text


def test_a_day_asked_in_the_previous_message_still_counts(engine):
    text = suggest(engine, "is market square open then",
                   earlier_texts=("are you open on sunday?",)).suggestions[0].text
    assert "Open on Sunday 10:00-14:00" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("open sat?", [date(2026, 11, 28)]),
        ("thrusday or fri", [date(2026, 11, 26), date(2026, 11, 27)]),
        ("wensday", [date(2026, 11, 25)]),
        ("today or tomorrow", [TODAY, date(2026, 11, 24)]),
        ("open tonight?", [TODAY]),
        ("are you open monday", [TODAY]),
        ("next monday", [date(2026, 11, 30)]),
        ("open at the week end?", [date(2026, 11, 28), date(2026, 11, 29)]),
        ("the 24th or 26th of december", [date(2026, 12, 24), date(2026, 12, 26)]),
        ("open on the 2nd?", [date(2026, 12, 2)]),
    ],
)
def test_days_are_read_from_the_words_customers_use(text, expected):
    asked = days_asked(text, TODAY)
    assert asked.named and [item.day for item in asked.days] == expected


@pytest.mark.parametrize(
    "text",
    [
        "I sat outside your shop, when do you open",
        "sitting in the sun",
        "wed like to pop in",
        "do you sell sundaes",
        "may 2 of us come in",
        "3 Market Hill, is that right",
        "what time do you close",
    ],
)
def test_words_that_only_look_like_days_mean_today(text):
    asked = days_asked(text, TODAY)
    assert not asked.named and [item.day for item in asked.days] == [TODAY]


def test_on_a_sunday_this_weekend_is_what_is_left_of_it():
    sunday = date(2026, 11, 29)
    assert [item.day for item in days_asked("open this weekend?", sunday).days] == [sunday]
