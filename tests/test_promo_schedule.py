"""Promotions on a schedule: real APScheduler jobs built from the promotions table, real SQLite.

The scheduler's jobs are in place but not fired by the wall clock; each test moves the clock and
calls `run_due()`, which fires exactly the jobs APScheduler would fire at that moment.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.app import Application
from bot.config import Secrets, database_target
from bot.core.context import Context
from bot.promotions import active_promotion_offers
from bot.promotions.store import Actor
from bot.store import open_db
from handlers.digest import delivery_problems
from handlers.promotions import perform
from tests.fakes import CountingAdapter
from tests.promo_helpers import add, deliveries, posts, promotion, say, utc

LONDON = ZoneInfo("Europe/London")


async def test_a_one_off_promotion_is_posted_once_at_its_time_in_every_channel(app, clock):
    pid = add(app, '/nudge promo add "Mince pies are back!" in #customers, #news '
                   "at tomorrow 9am")
    clock.moment = utc(2026, 11, 24, 8, 59)
    assert await app.scheduler.run_due() == 0
    clock.moment = utc(2026, 11, 24, 9, 0)
    assert await app.scheduler.run_due() == 1
    assert sorted(post.channel for post in posts(app)) == ["customers", "news"]
    assert all("Mince pies are back!" in post.text for post in posts(app))
    clock.advance(minutes=5)
    assert await app.scheduler.run_due() == 0
    assert len(posts(app)) == 2
    assert promotion(app, pid)["status"] == "finished"
    assert app.scheduler.job("promotion", pid) is None
    assert deliveries(app) == [("2026-11-24T09:00:00+00:00", "sent")] * 2


async def test_each_active_promotion_is_an_apscheduler_job_at_its_next_run(app, clock):
    pid = add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    job = app.scheduler.job("promotion", pid)
    assert isinstance(job.trigger, CronTrigger)
    assert job.next_run_time == utc(2026, 11, 24, 9, 0)
    assert promotion(app, pid)["next_run_at"] == "2026-11-24T09:00:00+00:00"
    clock.moment = utc(2026, 11, 24, 9, 0)
    await app.scheduler.run_due()
    assert app.scheduler.job("promotion", pid).next_run_time == utc(2026, 11, 25, 9, 0)
    assert promotion(app, pid)["next_run_at"] == "2026-11-25T09:00:00+00:00"


async def test_the_running_scheduler_fires_a_due_promotion_by_the_wall_clock(config, db):
    app = Application(config, Secrets.from_env({}), db=db)
    platform = CountingAdapter("console")
    app.add_adapter(platform)
    await app.scheduler.start()
    try:
        # Typed to the second, two seconds ahead: the real AsyncIOScheduler wakes for it.
        due = datetime.now(LONDON).replace(microsecond=0) + timedelta(seconds=2)
        add(app, f'/nudge promo add "Doors open!" in #customers at {due:%Y-%m-%dT%H:%M:%S}')
        for _ in range(500):
            if platform.posts:
                break
            await asyncio.sleep(0.01)
        assert [post.text.splitlines()[0] for post in platform.posts] == ["📣 Doors open!"]
    finally:
        await app.scheduler.stop()
    assert not app.scheduler.running


async def test_a_run_missed_while_down_is_sent_once_late_within_the_grace_period(
        app, clock, restart):
    pid = add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    clock.moment = utc(2026, 11, 24, 9, 40)  # Nudge was down at 09:00; grace is 60 min
    later = await restart(app)
    assert await later.scheduler.run_due() == 1
    assert len(posts(later)) == 1
    assert deliveries(later) == [("2026-11-24T09:00:00+00:00", "sent")]
    assert promotion(later, pid)["next_run_at"] == "2026-11-25T09:00:00+00:00"
    assert await later.scheduler.run_due() == 0


async def test_a_run_missed_beyond_the_grace_period_is_recorded_and_shown_in_the_digest(
        app, clock, restart):
    add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    clock.moment = utc(2026, 11, 24, 10, 30)
    later = await restart(app)
    await later.scheduler.run_due()
    assert posts(later) == []
    assert deliveries(later) == [("2026-11-24T09:00:00+00:00", "missed")]
    error = later.db["deliveries"].get(1)["error"]
    assert "past the 60 min grace period" in error
    problems = delivery_problems(later.ctx, utc(2026, 11, 24, 0, 0))
    assert problems == [f"missed: promotion #1 to console customers due Tue 09:00 ({error})"]


async def test_several_missed_runs_coalesce_into_one_late_post(app, clock, restart):
    pid = add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    clock.moment = utc(2026, 11, 27, 9, 20)  # 24th, 25th, 26th and 27th were all missed
    later = await restart(app)
    await later.scheduler.run_due()
    assert len(posts(later)) == 1
    assert deliveries(later) == [("2026-11-27T09:00:00+00:00", "sent")]
    assert promotion(later, pid)["runs"] == 1
    assert promotion(later, pid)["next_run_at"] == "2026-11-28T09:00:00+00:00"


async def test_missed_runs_beyond_the_grace_period_coalesce_into_one_missed_record(
        app, clock, restart):
    add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    clock.moment = utc(2026, 11, 27, 12, 0)
    later = await restart(app)
    await later.scheduler.run_due()
    assert posts(later) == []
    assert deliveries(later) == [("2026-11-27T09:00:00+00:00", "missed")]
    assert "4 runs missed, counted as one" in later.db["deliveries"].get(1)["error"]


async def test_pause_holds_posts_resume_skips_what_passed_and_cancel_ends_it(app, clock):
    pid = add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    assert say(app, f"/nudge promo pause {pid}").ok
    assert app.scheduler.job("promotion", pid) is None
    clock.moment = utc(2026, 11, 24, 9, 0)
    await app.scheduler.run_due()
    assert posts(app) == []
    clock.moment = utc(2026, 11, 24, 9, 30)
    reply = say(app, f"/nudge promo resume {pid}")
    assert "next post Wed 25 Nov 09:00" in reply.text
    assert app.scheduler.job("promotion", pid).next_run_time == utc(2026, 11, 25, 9, 0)
    await app.scheduler.run_due()
    assert posts(app) == []  # the paused 24th is skipped, not caught up
    clock.moment = utc(2026, 11, 25, 9, 0)
    await app.scheduler.run_due()
    assert len(posts(app)) == 1
    assert say(app, f"/nudge promo cancel {pid}").ok
    assert app.scheduler.job("promotion", pid) is None
    clock.moment = utc(2026, 11, 26, 9, 0)
    await app.scheduler.run_due()
    assert len(posts(app)) == 1
    assert promotion(app, pid)["status"] == "cancelled"


async def run_next(app: Application, clock, pid: int) -> None:
    """Move the clock to the job's next run, as APScheduler would see it, and fire."""
    clock.moment = app.scheduler.job("promotion", pid).next_run_time
    assert await app.scheduler.run_due() == 1


async def test_a_daily_promotion_keeps_its_local_time_across_the_spring_clock_change(
        app, clock):
    clock.moment = utc(2027, 3, 26, 10, 0)
    pid = add(app, '/nudge promo add "Hot cross buns" in #customers every day at 9:00')
    for _ in range(3):
        await run_next(app, clock, pid)
    assert [when for when, _ in deliveries(app)] == [
        "2027-03-27T09:00:00+00:00", "2027-03-28T08:00:00+00:00", "2027-03-29T08:00:00+00:00"]
    assert len(posts(app)) == 3


async def test_a_daily_promotion_keeps_its_local_time_across_the_autumn_clock_change(
        app, clock):
    clock.moment = utc(2026, 10, 23, 10, 0)
    pid = add(app, '/nudge promo add "Pumpkin loaf" in #customers every day at 9:00')
    for _ in range(3):
        await run_next(app, clock, pid)
    assert [when for when, _ in deliveries(app)] == [
        "2026-10-24T08:00:00+00:00", "2026-10-25T09:00:00+00:00", "2026-10-26T09:00:00+00:00"]


async def test_times_n_stops_after_n_posts(app, clock):
    pid = add(app, '/nudge promo add "Advent box" in #customers every day at 9:00 times 2')
    await run_next(app, clock, pid)
    await run_next(app, clock, pid)
    assert promotion(app, pid)["status"] == "finished"
    assert app.scheduler.job("promotion", pid) is None
    clock.moment = utc(2026, 11, 26, 9, 0)
    await app.scheduler.run_due()
    assert len(posts(app)) == 2


async def test_until_stops_after_the_last_run_before_the_end(app, clock):
    pid = add(app, '/nudge promo add "Advent box" in #customers every day at 9:00 '
                   "until nov 25")
    await run_next(app, clock, pid)
    await run_next(app, clock, pid)
    assert promotion(app, pid)["status"] == "finished"
    assert [when for when, _ in deliveries(app)] == [
        "2026-11-24T09:00:00+00:00", "2026-11-25T09:00:00+00:00"]


async def test_hundreds_of_promotions_due_together_are_each_posted_exactly_once(app, clock):
    for number in range(300):
        add(app, f'/nudge promo add "Deal {number}" in #customers at tomorrow 9am')
    clock.moment = utc(2026, 11, 24, 9, 0)
    commits_before = app.scheduler.writer.commits
    assert await app.scheduler.run_due() == 300
    texts = [post.text.splitlines()[0] for post in posts(app)]
    assert sorted(texts) == sorted(f"📣 Deal {n}" for n in range(300))
    assert app.db["deliveries"].count_where("status = 'sent'") == 300
    # Claims, attempts and outcomes share transactions instead of 900 separate commits.
    assert app.scheduler.writer.commits - commits_before < 20


async def test_a_change_made_by_another_process_is_picked_up_by_the_running_scheduler(
        app, clock, config):
    other = open_db(database_target(config))  # what `nudge promo add` in a terminal does
    reply = perform("add", ['Late opening', "in", "customers", "at", "tomorrow", "9am"],
                    Context(config=config, db=other, clock=clock), Actor("cli", "sam"), "console")
    other.conn.close()
    pid = reply.meta["promotion_id"]
    assert app.scheduler.job("promotion", pid) is None
    await app.scheduler._reconcile_if_changed()
    assert app.scheduler.job("promotion", pid).next_run_time == utc(2026, 11, 24, 9, 0)


async def test_reconcile_adds_missing_jobs_and_removes_orphans(app, clock):
    pid = add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    app.scheduler.scheduler.remove_job(f"promotion:{pid}")
    app.db.execute("update promotions set status = 'cancelled' where id = ?", [pid])
    keep = add(app, '/nudge promo add "Soup" in #customers every day at 12:00')
    app.scheduler.scheduler.remove_job(f"promotion:{keep}")
    app.scheduler.scheduler.add_job(print, "date", run_date=utc(2027, 1, 1), id="promotion:99")
    summary = app.scheduler.reconcile()
    assert summary["added"] == 1 and summary["removed"] == 1
    assert [job.id for job in app.scheduler.scheduler.get_jobs()
            if job.id.startswith("promotion:")] == [f"promotion:{keep}"]


async def test_a_live_promotion_makes_its_offer_the_one_to_mention_until_it_ends(
        app, clock, config):
    pid = add(app, '/nudge promo add "Autumn boxes" in #customers every day at 9:00 '
                   "until nov 26 offer autumn10")
    assert active_promotion_offers(app.db, clock(), config) == []  # not posted yet
    await run_next(app, clock, pid)
    assert active_promotion_offers(app.db, clock(), config) == ["autumn10"]
    say(app, f"/nudge promo pause {pid}")
    assert active_promotion_offers(app.db, clock(), config) == []
    say(app, f"/nudge promo resume {pid}")
    assert active_promotion_offers(app.db, clock(), config) == ["autumn10"]
    clock.moment = utc(2026, 11, 27, 0, 0)  # past its `until`
    assert active_promotion_offers(app.db, clock(), config) == []


async def test_a_one_off_promotion_offer_stays_live_for_the_rest_of_its_day(app, clock, config):
    pid = add(app, '/nudge promo add "Free coffee today" in #customers at tomorrow 9am '
                   "offer coffee-stamp")
    await run_next(app, clock, pid)
    clock.moment = utc(2026, 11, 24, 17, 0)
    assert active_promotion_offers(app.db, clock(), config) == ["coffee-stamp"]
    clock.moment = utc(2026, 11, 25, 0, 1)
    assert active_promotion_offers(app.db, clock(), config) == []


async def test_the_application_runs_the_scheduler_beside_its_adapters_and_stops_it_cleanly(
        config, db):
    app = Application(config, Secrets.from_env({}), db=db)
    platform = CountingAdapter("console")
    app.add_adapter(platform)
    running = asyncio.create_task(app.run())
    for _ in range(200):
        if app.scheduler.running:
            break
        await asyncio.sleep(0.01)
    assert app.ctx.scheduler is app.scheduler and app.scheduler.running
    assert say(app, "/nudge promo add \"Hi\" in #customers every day at 9:00").ok
    assert app.scheduler.job("promotion", 1) is not None
    await platform.stop()  # the adapter ends, as the console does at end of input
    await asyncio.wait_for(running, timeout=60)
    assert not app.scheduler.running
