"""Waiting-customer pings: once per customer message left unanswered past the limit, in the
review channel of its platform, during working hours only (after hours: at opening).

The example config: 30 minutes, 09:00-18:00 Monday to Saturday, Europe/London (GMT in
November, so local time equals UTC here). 23 Nov 2026 is a Monday.
"""

from __future__ import annotations

from bot.daily.hours import WorkingHours
from tests.conftest import example_config
from tests.daily_helpers import (
    customer_writes,
    ledger_rows,
    posts,
    start_app,
    team_replies,
    utc,
)


async def at(app, clock, moment) -> list:
    """Move the clock to `moment`, run what is due, return the pings posted so far."""
    clock.moment = moment
    await app.scheduler.run_due()
    return posts(app)


async def test_a_customer_left_waiting_past_the_limit_pings_the_team_once(config, db, clock):
    app = await start_app(config, db, clock, pings=True)
    message = customer_writes(app, "Can I order a birthday cake for Saturday?")
    assert await at(app, clock, utc(2026, 11, 23, 10, 29)) == []
    [ping] = await at(app, clock, utc(2026, 11, 23, 10, 30))
    assert (ping.platform, ping.channel) == ("console", "team")
    assert ping.text == ('⏰ Ann has waited 30 min for a reply in console #customers: '
                         '"Can I order a birthday cake for Saturday?"')
    for minute in (31, 45, 59):
        assert len(await at(app, clock, utc(2026, 11, 23, 10, minute))) == 1
    assert ledger_rows(app, "ping") == [(str(message), "console", "team", "sent")]
    assert app.db["conversations"].get(1)["waiting_pinged_at"] == "2026-11-23T10:30:00+00:00"
    await app.scheduler.stop()


async def test_a_team_reply_in_time_means_no_ping(config, db, clock):
    app = await start_app(config, db, clock, pings=True)
    customer_writes(app, "Are you open on Sunday?")
    clock.moment = utc(2026, 11, 23, 10, 10)
    team_replies(app, "Yes, 10 to 2!")
    assert await at(app, clock, utc(2026, 11, 23, 11, 0)) == []
    assert ledger_rows(app, "ping") == []
    await app.scheduler.stop()


async def test_a_new_message_after_a_ping_is_pinged_on_its_own(config, db, clock):
    app = await start_app(config, db, clock, pings=True)
    first = customer_writes(app, "Hello?")
    await at(app, clock, utc(2026, 11, 23, 10, 30))
    clock.moment = utc(2026, 11, 23, 10, 40)
    second = customer_writes(app, "Anyone there?")
    assert len(await at(app, clock, utc(2026, 11, 23, 11, 9))) == 1
    pings = await at(app, clock, utc(2026, 11, 23, 11, 10))
    assert len(pings) == 2 and '"Anyone there?"' in pings[1].text
    assert [row[0] for row in ledger_rows(app, "ping")] == [str(first), str(second)]
    await app.scheduler.stop()


async def test_no_ping_outside_working_hours_and_one_at_opening_if_still_unanswered(
        config, db, clock):
    clock.moment = utc(2026, 11, 23, 20, 0)  # Monday evening, after hours
    app = await start_app(config, db, clock, pings=True)
    customer_writes(app, "Do you deliver to Histon?")
    for moment in (utc(2026, 11, 23, 20, 30), utc(2026, 11, 23, 23, 0),
                   utc(2026, 11, 24, 8, 59)):
        assert await at(app, clock, moment) == []
    [ping] = await at(app, clock, utc(2026, 11, 24, 9, 0))
    assert ping.text.startswith("⏰ Ann has waited 13 h for a reply")
    assert len(await at(app, clock, utc(2026, 11, 24, 9, 30))) == 1
    await app.scheduler.stop()


async def test_a_ping_that_fell_due_while_nudge_was_down_waits_for_working_hours(
        config, db, clock, restart):
    clock.moment = utc(2026, 11, 23, 17, 0)
    app = await start_app(config, db, clock, pings=True)
    customer_writes(app, "Can I still collect today?")  # due 17:30, but Nudge stops
    clock.moment = utc(2026, 11, 23, 18, 30)
    later = await restart(app)
    assert await at(later, clock, utc(2026, 11, 23, 18, 31)) == []
    [ping] = await at(later, clock, utc(2026, 11, 24, 9, 0))
    assert ping.text.startswith("⏰ Ann has waited 16 h for a reply")


async def test_a_message_answered_before_opening_is_never_pinged(config, db, clock):
    clock.moment = utc(2026, 11, 28, 17, 50)  # Saturday: due 18:20, after hours; Sunday off
    app = await start_app(config, db, clock, pings=True)
    customer_writes(app, "Is the shop open tomorrow?")
    assert await at(app, clock, utc(2026, 11, 29, 12, 0)) == []  # Sunday is not a working day
    clock.moment = utc(2026, 11, 30, 8, 45)
    team_replies(app, "Sorry, closed on Sundays!")
    assert await at(app, clock, utc(2026, 11, 30, 9, 0)) == []
    assert ledger_rows(app, "ping") == []
    await app.scheduler.stop()


async def test_a_ping_is_not_sent_again_after_a_restart(config, db, clock, restart):
    app = await start_app(config, db, clock, pings=True)
    customer_writes(app, "Hello?")
    assert len(await at(app, clock, utc(2026, 11, 23, 10, 30))) == 1
    clock.moment = utc(2026, 11, 23, 10, 30, 30)
    later = await restart(app)
    assert await at(later, clock, utc(2026, 11, 23, 10, 31)) == []
    assert await at(later, clock, utc(2026, 11, 23, 12, 0)) == []
    assert len(ledger_rows(later, "ping")) == 1


async def test_pings_go_to_the_review_channel_of_the_customers_platform_only_when_connected(
        config, db, clock):
    config.platforms.slack.review_channel = "C0REVIEW"
    app = await start_app(config, db, clock, pings=True, platforms=("console", "slack"))
    customer_writes(app, "How much is the sourdough?", platform="slack", channel="C0SHOP",
                    thread="1700000000.000100", user="U1", name="")
    customer_writes(app, "Hi from Discord", platform="discord", channel="42", thread="43",
                    user="D1")
    await at(app, clock, utc(2026, 11, 23, 10, 30))
    assert posts(app, "console") == []
    [ping] = posts(app, "slack")
    assert ping.channel == "C0REVIEW"
    assert ping.text == ('⏰ A customer has waited 30 min for a reply in slack #C0SHOP: '
                         '"How much is the sourdough?"\n'
                         "https://slack.com/archives/C0SHOP/p1700000000000100")
    assert [row[1] for row in ledger_rows(app, "ping")] == ["slack"]  # discord: not connected
    await app.scheduler.stop()


async def test_no_ping_job_when_pings_are_turned_off(config, db, clock):
    app = await start_app(config, db, clock, pings=False)
    customer_writes(app, "Hello?")
    assert app.scheduler.job("ping", "sweep") is None
    assert await at(app, clock, utc(2026, 11, 23, 11, 0)) == []
    await app.scheduler.stop()


def hours(tmp_path, span: str, days: list[str], zone: str = "Europe/London") -> WorkingHours:
    config = example_config(tmp_path, timezone=zone,
                            waiting={"working_hours": span, "working_days": days})
    return WorkingHours.from_config(config)


def test_working_hours_are_read_in_the_team_time_zone(tmp_path):
    tokyo = hours(tmp_path, "09:00-18:00", ["mon"], "Asia/Tokyo")
    assert tokyo.is_open(utc(2026, 11, 23, 0, 0))  # 09:00 Monday in Tokyo
    assert not tokyo.is_open(utc(2026, 11, 23, 9, 0))  # 18:00 there: closed
    assert tokyo.next_opening(utc(2026, 11, 23, 9, 0)) == utc(2026, 11, 30, 0, 0)


def test_an_overnight_span_belongs_to_the_day_it_starts_on(tmp_path):
    night = hours(tmp_path, "22:00-06:00", ["fri"])
    assert night.is_open(utc(2026, 11, 27, 23, 0))  # Friday night
    assert night.is_open(utc(2026, 11, 28, 5, 59))  # early Saturday, same shift
    assert not night.is_open(utc(2026, 11, 28, 23, 0))  # Saturday night: not a working day
    assert night.next_opening(utc(2026, 11, 28, 6, 0)) == utc(2026, 12, 4, 22, 0)


def test_no_working_days_means_never_open(tmp_path):
    assert hours(tmp_path, "09:00-18:00", []).next_opening(utc(2026, 11, 23, 10, 0)) is None
