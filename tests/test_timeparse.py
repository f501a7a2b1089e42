"""Times and recurrences as people type them; every unclear one is refused with an example."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling.timeparse import ScheduleError, parse_schedule
from bot.scheduling.triggers import build_trigger, upcoming

LONDON = ZoneInfo("Europe/London")
# Monday 23 November 2026, 10:00 in London (GMT, so also 10:00 UTC).
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def runs(text: str, count: int = 3, zone: str = "Europe/London") -> list[str]:
    """The first `count` local run times of a schedule, as "Tue 24 Nov 09:00"."""
    schedule = parse_schedule(text, NOW, zone)
    trigger = build_trigger(schedule.spec, schedule.zone)
    return [f"{t.astimezone(schedule.zone):%a %d %b %H:%M}"
            for t in upcoming(trigger, schedule.first_run, count, schedule.ends_at)]


@pytest.mark.parametrize(("typed", "expected"), [
    ("at 2026-12-01T09:00", "Tue 01 Dec 09:00"),
    ("at 2026-12-01 09:00", "Tue 01 Dec 09:00"),
    ("at tomorrow 9am", "Tue 24 Nov 09:00"),
    ("at next friday 17:00", "Fri 27 Nov 17:00"),
    ("in 2 hours", "Mon 23 Nov 12:00"),
    ("at in 90 minutes", "Mon 23 Nov 11:30"),
    ("at dec 24 8:30", "Thu 24 Dec 08:30"),
    ("at 24/12/2026 8:30", "Thu 24 Dec 08:30"),
    ("at 9am", "Tue 24 Nov 09:00"),
])
def test_one_off_times_people_type(typed, expected):
    assert runs(typed) == [expected]


@pytest.mark.parametrize(("typed", "expected"), [
    ("every day at 9:00", ["Tue 24 Nov 09:00", "Wed 25 Nov 09:00", "Thu 26 Nov 09:00"]),
    ("every mon,thu at 10:00", ["Thu 26 Nov 10:00", "Mon 30 Nov 10:00", "Thu 03 Dec 10:00"]),
    ("every monday and thursday at 10am",
     ["Thu 26 Nov 10:00", "Mon 30 Nov 10:00", "Thu 03 Dec 10:00"]),
    ("every 2 weeks on friday at 16:00",
     ["Fri 27 Nov 16:00", "Fri 11 Dec 16:00", "Fri 25 Dec 16:00"]),
    ("every other week on monday at 9:00",
     ["Mon 30 Nov 09:00", "Mon 14 Dec 09:00", "Mon 28 Dec 09:00"]),
    ("on the 1st of every month at 9:00",
     ["Tue 01 Dec 09:00", "Fri 01 Jan 09:00", "Mon 01 Feb 09:00"]),
    ("on the last day of every month at 18:00",
     ["Mon 30 Nov 18:00", "Thu 31 Dec 18:00", "Sun 31 Jan 18:00"]),
    ("every weekday at 8:30", ["Tue 24 Nov 08:30", "Wed 25 Nov 08:30", "Thu 26 Nov 08:30"]),
    ("every 3 days at 9:00", ["Tue 24 Nov 09:00", "Fri 27 Nov 09:00", "Mon 30 Nov 09:00"]),
    ("every 2 hours", ["Mon 23 Nov 12:00", "Mon 23 Nov 14:00", "Mon 23 Nov 16:00"]),
    ("at 2026-12-01T09:00 every day at 09:00",
     ["Tue 01 Dec 09:00", "Wed 02 Dec 09:00", "Thu 03 Dec 09:00"]),
    ("at tomorrow 9am every day", ["Tue 24 Nov 09:00", "Wed 25 Nov 09:00", "Thu 26 Nov 09:00"]),
])
def test_recurrences_people_type(typed, expected):
    assert runs(typed) == expected


def test_raw_cron_uses_crontab_weekdays_monday_to_friday_not_apschedulers_numbering():
    # APScheduler 3 numbers weekdays from Monday = 0; crontab's 1-5 must still mean Mon-Fri.
    assert runs('cron "0 9 * * 1-5"', 6) == [
        "Tue 24 Nov 09:00", "Wed 25 Nov 09:00", "Thu 26 Nov 09:00", "Fri 27 Nov 09:00",
        "Mon 30 Nov 09:00", "Tue 01 Dec 09:00",
    ]
    assert runs('cron "30 8 * * 0"', 1) == ["Sun 29 Nov 08:30"]


def test_an_end_date_includes_that_whole_day_and_stops_the_runs():
    schedule = parse_schedule("every day at 9:00 until nov 26", NOW, "Europe/London")
    assert schedule.ends_at == datetime(2026, 11, 26, 23, 59, 59, tzinfo=LONDON)
    assert runs("every day at 9:00 until nov 26", 10) == [
        "Tue 24 Nov 09:00", "Wed 25 Nov 09:00", "Thu 26 Nov 09:00"]


def test_a_number_of_times_is_kept_for_the_scheduler_to_count():
    assert parse_schedule("every friday at 16:00 times 4", NOW, "Europe/London").max_runs == 4
    assert parse_schedule("every friday at 16:00 4 times", NOW, "Europe/London").max_runs == 4


def test_the_team_zone_is_the_default_and_a_promotion_may_name_its_own():
    team = parse_schedule("at tomorrow 9am", NOW, "Europe/London")
    paris = parse_schedule("at tomorrow 9am tz Europe/Paris", NOW, "Europe/London")
    assert team.timezone == "Europe/London" and paris.timezone == "Europe/Paris"
    assert paris.first_run - team.first_run == timedelta(hours=-1)


def test_a_daily_run_keeps_its_wall_clock_time_across_both_dst_changes():
    spring = parse_schedule("at 2027-03-27T09:00 every day at 9:00", NOW, "Europe/London")
    trigger = build_trigger(spring.spec, spring.zone)
    in_utc = [t.astimezone(UTC).hour for t in upcoming(trigger, spring.first_run, 3)]
    assert in_utc == [9, 8, 8]  # 09:00 GMT, then 09:00 BST
    autumn = parse_schedule("at 2026-10-24T09:00 every day at 9:00", datetime(
        2026, 10, 1, tzinfo=UTC), "Europe/London")
    trigger = build_trigger(autumn.spec, autumn.zone)
    in_utc = [t.astimezone(UTC).hour for t in upcoming(trigger, autumn.first_run, 3)]
    assert in_utc == [8, 9, 9]  # 09:00 BST, then 09:00 GMT


def test_a_daily_time_the_autumn_clock_change_repeats_runs_once_that_night():
    autumn = parse_schedule("every day at 1:30", datetime(2026, 10, 23, tzinfo=UTC),
                            "Europe/London")
    trigger = build_trigger(autumn.spec, autumn.zone)
    local = [f"{t.astimezone(LONDON):%a %d %H:%M}" for t in upcoming(trigger, autumn.first_run, 4)]
    assert local == ["Fri 23 01:30", "Sat 24 01:30", "Sun 25 01:30", "Mon 26 01:30"]


def test_every_two_hours_counts_elapsed_time_across_the_dst_change():
    start = datetime(2027, 3, 27, 23, 0, tzinfo=UTC)
    schedule = parse_schedule("every 2 hours", start, "Europe/London")
    trigger = build_trigger(schedule.spec, schedule.zone)
    times = upcoming(trigger, schedule.first_run, 4)
    gaps = {later - earlier for earlier, later in zip(times, times[1:], strict=False)}
    assert gaps == {timedelta(hours=2)}


@pytest.mark.parametrize(("typed", "says"), [
    ("at yesterday 9am", "is in the past"),
    ("at 2026-11-23 09:00", "is in the past"),
    ("at today 9am", "is in the past"),
    ("at 2027-02-30 09:00", "is not a real date"),
    ("at feb 30 9am", "February has no day 30"),
    ("at 31 april 9:00", "April has no day 31"),
    ("at 03/04/2027 9:00", "could be 3 April or 4 March"),
    ("at 9", "could be morning or evening"),
    ("every day at 9", "could be morning or evening"),
    ("at 2027-03-28 01:30", "does not exist in Europe/London"),
    ("at 2026-10-25 01:30", "happens twice in Europe/London"),
    ("at soonish", "can't read \"soonish\""),
    ("at tomorrow", "has no time of day"),
    ("at next friday", "has no time of day"),
    ("every day", "Say at what time"),
    ("every fortnight", "can't read \"every fortnight\""),
    ("every day at 25:00", "is not a time of day"),
    ("on the 31st of every month at 9:00", "Not every month has a 31st"),
    ("at dec 31 every month at 9:00", "would skip short months"),
    ("every 2 weeks on mon,thu at 9:00", "works with one day"),
    ('cron "0 9 * *"', "is not a cron expression"),
    ('cron "0 25 * * *"', "is not a valid cron expression"),
    ("at tomorrow 9am until dec 31", "`until` goes with a repeating schedule"),
    ("at tomorrow 9am times 3", "`times N` goes with a repeating schedule"),
    ("every day at 9:00 times 0", "from 1 to 10000"),
    ("every day at 9:00 until yesterday", "is in the past"),
    ("at dec 1 9:00 every day at 9:00 until nov 30", "before it ever runs"),
    ("every day at 9:00 tz Mars/Olympus", "is not a time zone I know"),
    ("", "Say when"),
])
def test_unclear_or_impossible_times_are_refused_with_how_to_write_them(typed, says):
    with pytest.raises(ScheduleError) as refused:
        parse_schedule(typed, NOW, "Europe/London")
    assert says in str(refused.value)
    assert "`" in str(refused.value)  # every message shows a way to write it


def test_a_minimum_gap_can_be_required():
    with pytest.raises(ScheduleError, match="repeats too often"):
        parse_schedule("every 30 minutes", NOW, "Europe/London", min_interval=timedelta(hours=1))
    assert parse_schedule("every 30 minutes", NOW, "Europe/London").recurring


def test_the_stored_spec_is_plain_json_with_a_readable_summary():
    schedule = parse_schedule("every mon,thu at 10:00", NOW, "Europe/London")
    assert schedule.spec == {"type": "cron", "summary": "every mon, thu at 10:00",
                             "fields": {"day_of_week": "mon,thu", "hour": "10",
                                        "minute": "0", "second": "0"}}


# --- dates that mean what people mean ------------------------------------------------------

def suggested(message: str) -> list[str]:
    """The ways to write it that a refusal suggests (its `backticked` parts)."""
    return re.findall(r"`([^`]+)`", message)


def refusal(typed: str, now: datetime = NOW) -> str:
    with pytest.raises(ScheduleError) as refused:
        parse_schedule(typed, now, "Europe/London")
    return str(refused.value)


def test_a_day_two_days_ago_is_refused_not_moved_to_next_year():
    message = refusal("at nov 21 9am")
    assert "Sat 21 Nov 2026 09:00 (Europe/London) is in the past" in message
    assert suggested(message) == ["nov 24 09:00", "2027-11-21 09:00"]


def test_a_day_named_without_a_year_is_its_nearest_occurrence():
    # "jan 5" typed in late November is the coming January, shown with its year.
    assert parse_schedule("at jan 5 9am", NOW, "Europe/London").first_run == datetime(
        2027, 1, 5, 9, 0, tzinfo=LONDON)
    assert parse_schedule("at nov 24 9am", NOW, "Europe/London").first_run.year == 2026


def test_an_end_that_has_passed_is_refused_too():
    assert "is in the past" in refusal("every day at 9:00 until nov 20")


@pytest.mark.parametrize("typed", [
    "at nov 21 9am", "at yesterday 9am", "at today 9am", "at 2026-11-23 09:00",
    "at feb 30 9am", "at 31 april 9:00", "at soonish", "every day at 9:00 until yesterday",
    "at dec 1 9:00 every day at 9:00 until nov 30", "at 03/04/2027 9:00", "",
])
def test_every_date_a_refusal_suggests_is_itself_accepted_and_in_the_future(typed):
    for now in (NOW, datetime(2026, 12, 30, 12, 0, tzinfo=UTC), datetime(2027, 2, 27, tzinfo=UTC)):
        try:
            parse_schedule(typed, now, "Europe/London")
            continue  # not refused at this moment ("today 9am" before 9:00)
        except ScheduleError as refused:
            message = str(refused)
        for example in suggested(message):
            if not re.search(r"\d", example) or "every" in example or example.startswith(
                    ("until", "cron", "tz", "times", "on ")):
                continue
            words = example.removesuffix(" for next year")
            schedule = parse_schedule(f"at {words}", now, "Europe/London")
            assert schedule.first_run > now, (typed, example)


def test_feb_30_suggests_the_last_day_of_the_coming_february():
    message = refusal("at feb 30 9am")
    assert suggested(message) == ["feb 28 09:00"]
    assert parse_schedule("at feb 28 09:00", NOW, "Europe/London").first_run == datetime(
        2027, 2, 28, 9, 0, tzinfo=LONDON)


def test_until_suggestions_read_back_as_days_ahead():
    message = refusal("every day at 9:00 until yesterday")
    until = next(part for part in suggested(message) if part.startswith("until "))
    schedule = parse_schedule(f"every day at 9:00 {until}", NOW, "Europe/London")
    assert schedule.ends_at > NOW
