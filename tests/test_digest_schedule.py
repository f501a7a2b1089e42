"""The morning digest on the scheduler: at the configured local time, in each connected
platform's review channel, once a day whatever happens (restarts, missed runs, a new time)."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from handlers.digest import delivery_problems
from tests.daily_helpers import ledger_rows, posts, start_app, utc


async def test_the_digest_is_posted_at_the_configured_local_time_in_the_team_time_zone(
        config, db, clock):
    config.timezone = "America/New_York"  # 08:30 there is 13:30 UTC in November
    app = await start_app(config, db, clock, digest=True)
    job = app.scheduler.job("digest", "daily")
    assert isinstance(job.trigger, CronTrigger)
    assert job.next_run_time == utc(2026, 11, 23, 13, 30)
    clock.moment = utc(2026, 11, 23, 13, 29, 59)
    assert await app.scheduler.run_due() == 0
    clock.moment = utc(2026, 11, 23, 13, 30)
    assert await app.scheduler.run_due() == 1
    [post] = posts(app)
    assert (post.platform, post.channel) == ("console", "team")
    assert post.text.startswith("Good morning! Nudge digest for Monday 23 November")
    assert ledger_rows(app, "digest") == [("2026-11-23", "console", "team", "sent")]
    assert app.scheduler.job("digest", "daily").next_run_time == utc(2026, 11, 24, 13, 30)
    await app.scheduler.stop()


async def test_the_digest_keeps_its_local_time_when_the_clocks_go_forward(config, db, clock):
    clock.moment = utc(2027, 3, 27, 6, 0)  # London: GMT today, BST from tomorrow
    app = await start_app(config, db, clock, digest=True)
    fired = []
    for _ in range(2):
        clock.moment = app.scheduler.job("digest", "daily").next_run_time
        assert await app.scheduler.run_due() == 1
        fired.append(clock.moment)
    assert fired == [utc(2027, 3, 27, 8, 30), utc(2027, 3, 28, 7, 30)]
    assert len(posts(app)) == 2
    await app.scheduler.stop()


async def test_the_digest_is_sent_once_when_nudge_restarts_in_the_digest_minute(
        config, db, clock, restart):
    app = await start_app(config, db, clock, digest=True)
    clock.moment = utc(2026, 11, 24, 8, 30)
    assert await app.scheduler.run_due() == 1
    assert len(posts(app)) == 1
    clock.moment = utc(2026, 11, 24, 8, 30, 40)
    later = await restart(app)
    assert await later.scheduler.run_due() == 0
    assert posts(later) == []
    assert later.scheduler.job("digest", "daily").next_run_time == utc(2026, 11, 25, 8, 30)
    assert ledger_rows(later, "digest") == [("2026-11-24", "console", "team", "sent")]


async def test_a_digest_missed_while_down_is_sent_late_once_within_the_grace_period(
        config, db, clock, restart):
    app = await start_app(config, db, clock, digest=True)
    clock.moment = utc(2026, 11, 24, 9, 15)  # Nudge was down at 08:30; grace is 60 min
    later = await restart(app)
    assert await later.scheduler.run_due() == 1
    [post] = posts(later)
    assert post.text.startswith("Good morning! Nudge digest for Tuesday 24 November")
    again = await restart(later)
    assert await again.scheduler.run_due() == 0
    assert posts(again) == []
    assert ledger_rows(again, "digest") == [("2026-11-24", "console", "team", "sent")]


async def test_a_digest_missed_beyond_the_grace_period_is_recorded_and_listed_the_next_day(
        config, db, clock, restart):
    app = await start_app(config, db, clock, digest=True)
    clock.moment = utc(2026, 11, 24, 11, 0)
    later = await restart(app)
    await later.scheduler.run_due()
    assert posts(later) == []
    assert ledger_rows(later, "digest") == [("2026-11-24", "console", "team", "missed")]
    clock.moment = utc(2026, 11, 25, 8, 30)
    assert await later.scheduler.run_due() == 1
    [post] = posts(later)
    assert "missed: digest #2026-11-24 to console team due Tue 08:30" in post.text
    assert ledger_rows(later, "digest")[-1] == ("2026-11-25", "console", "team", "sent")


async def test_a_new_digest_time_moves_the_job_but_never_sends_a_second_digest_that_day(
        config, db, clock, restart):
    app = await start_app(config, db, clock, digest=True)
    clock.moment = utc(2026, 11, 24, 8, 30)
    await app.scheduler.run_due()
    config.digest.time = "09:00"
    clock.moment = utc(2026, 11, 24, 8, 45)
    later = await restart(app)
    assert later.scheduler.job("digest", "daily").next_run_time == utc(2026, 11, 24, 9, 0)
    clock.moment = utc(2026, 11, 24, 9, 0)
    assert await later.scheduler.run_due() == 1
    assert posts(later) == []  # the team had today's digest at 08:30
    clock.moment = utc(2026, 11, 25, 9, 0)
    await later.scheduler.run_due()
    assert len(posts(later)) == 1
    assert [row[0] for row in ledger_rows(later, "digest")] == ["2026-11-24", "2026-11-25"]


async def test_each_connected_platform_gets_the_digest_in_its_own_review_channel(
        config, db, clock):
    config.platforms.slack.review_channel = "C0REVIEW"
    config.platforms.discord.review_channel = None
    app = await start_app(config, db, clock, digest=True,
                          platforms=("console", "slack", "discord"))
    clock.moment = utc(2026, 11, 24, 8, 30)
    await app.scheduler.run_due()
    assert [post.channel for post in posts(app, "console")] == ["team"]
    assert [post.channel for post in posts(app, "slack")] == ["C0REVIEW"]
    assert posts(app, "discord") == []
    assert sorted(ledger_rows(app, "digest")) == [
        ("2026-11-24", "console", "team", "sent"),
        ("2026-11-24", "discord", "", "failed"),
        ("2026-11-24", "slack", "C0REVIEW", "sent"),
    ]
    problems = delivery_problems(app.ctx, utc(2026, 11, 24, 0, 0))
    assert problems == ["failed: digest #2026-11-24 to discord due Tue 08:30 (no review "
                        "channel is set: add platforms.discord.review_channel to the config)"]
    await app.scheduler.stop()


async def test_no_digest_job_when_the_digest_is_turned_off(config, db, clock):
    app = await start_app(config, db, clock, digest=False)
    assert app.scheduler.job("digest", "daily") is None
    clock.moment = datetime(2026, 11, 24, 8, 30, tzinfo=clock.moment.tzinfo)
    await app.scheduler.run_due()
    assert posts(app) == []
    await app.scheduler.stop()
