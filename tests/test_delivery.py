"""Exactly-once delivery: the ledger, retries for passing errors, failures the team sees, and
what a restart does with deliveries a stopped process left half done."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.config import database_target
from bot.core.errors import DeliveryError
from bot.promotions.jobs import PromotionJobs
from bot.scheduling.writer import BatchWriter
from bot.store import deliveries as ledger
from bot.store import open_db, transaction
from tests.promo_helpers import add, deliveries, notices, posts, promotion, utc


def delivery_rows(app) -> list[dict]:
    return list(app.db["deliveries"].rows_where(order_by="id"))


async def due_tomorrow_9am(app, clock, where: str = "#customers") -> int:
    pid = add(app, f'/nudge promo add "Mince pies are back!" in {where} at tomorrow 9am')
    clock.moment = utc(2026, 11, 24, 9, 0)
    return pid


async def test_a_passing_platform_error_is_retried_with_backoff_then_sent(app, clock):
    await due_tomorrow_9am(app, clock)
    app.adapters["console"].fail_next(DeliveryError("rate limited", transient=True),
                                      DeliveryError("timed out", transient=True))
    await app.scheduler.run_due()
    assert len(posts(app)) == 1
    [row] = delivery_rows(app)
    assert (row["status"], row["attempts"]) == ("sent", 3)
    assert app.scheduler.sender.sleep.delays == [1.0, 2.0]
    assert notices(app) == []


async def test_a_passing_error_that_never_clears_fails_after_max_attempts_and_tells_the_team(
        app, clock):
    await due_tomorrow_9am(app, clock)
    app.adapters["console"].fail_next(*[DeliveryError("rate limited", transient=True)] * 4)
    await app.scheduler.run_due()
    assert posts(app) == []
    [row] = delivery_rows(app)
    assert (row["status"], row["attempts"]) == ("failed", 4)
    assert row["error"] == "rate limited (gave up after 4 attempts)"
    assert app.scheduler.sender.sleep.delays == [1.0, 2.0, 4.0]
    [notice] = notices(app)
    assert notice.text == "Could not post promotion #1 to console #customers."


async def test_a_permanent_error_fails_at_once_and_tells_the_team_how_to_retry(app, clock):
    await due_tomorrow_9am(app, clock)
    app.adapters["console"].fail_next(DeliveryError("channel_not_found", transient=False))
    await app.scheduler.run_due()
    [row] = delivery_rows(app)
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 1, "channel_not_found")
    assert app.scheduler.sender.sleep.delays == []
    [notice] = notices(app)
    assert {field.label: field.value for field in notice.fields} == {
        "Why": "channel_not_found",
        "What to do": "Fix the cause, then `/nudge promo send-now 1` posts it again.",
    }


async def test_an_adapter_crash_is_a_failure_the_team_sees_not_a_lost_post(app, clock):
    await due_tomorrow_9am(app, clock)
    app.adapters["console"].fail_next(RuntimeError("bug in the adapter"))
    await app.scheduler.run_due()
    [row] = delivery_rows(app)
    assert (row["status"], row["error"]) == ("failed", "unexpected error (RuntimeError)")
    assert len(notices(app)) == 1


async def test_a_platform_that_is_not_connected_fails_and_the_connected_team_is_told(app, clock):
    await due_tomorrow_9am(app, clock, "slack:#C0123ABCD")
    await app.scheduler.run_due()
    [row] = delivery_rows(app)
    assert (row["platform"], row["status"], row["error"]) == (
        "slack", "failed", "slack is not connected")
    assert notices(app)[0].text == "Could not post promotion #1 to slack #C0123ABCD."


async def test_one_channel_failing_does_not_hold_back_the_others(app, clock):
    await due_tomorrow_9am(app, clock, "#customers, #news")
    app.adapters["console"].fail_next(DeliveryError("missing_scope", transient=False))
    await app.scheduler.run_due()
    assert sorted(row["status"] for row in delivery_rows(app)) == ["failed", "sent"]
    assert len(posts(app)) == 1


async def test_a_delivery_is_claimed_once_whichever_connection_asks(app, clock):
    key = ledger.DeliveryKey("promotion", "1", utc(2026, 11, 24, 9), "console", "customers")
    assert ledger.claim(app.db, key, clock()) is not None
    other = open_db(database_target(app.config))
    assert ledger.claim(other, key, clock()) is None
    assert ledger.record(other, key, "missed", clock()) is None
    other.conn.close()
    assert app.db["deliveries"].count == 1


def crash_after_claiming(app, clock, pid: int) -> list[int]:
    """Leave the database as a process killed right after claiming would: row advanced,
    deliveries claimed, nothing sent."""
    jobs = PromotionJobs(app.db, app.config)
    with transaction(app.db):
        _, claims = jobs.claim_due(app.db, pid, clock(), timedelta(minutes=60))
    return [delivery_id for delivery_id, _ in claims]


async def test_after_a_crash_an_unstarted_delivery_is_sent_and_one_under_way_is_not_resent(
        app, clock, restart):
    pid = await due_tomorrow_9am(app, clock, "#customers, #news")
    customers, news = crash_after_claiming(app, clock, pid)
    app.db.execute("update deliveries set attempts = 1 where id = ?", [news])  # mid-send
    clock.advance(minutes=5)
    later = await restart(app)
    assert [post.channel for post in posts(later)] == ["customers"]
    assert later.db["deliveries"].get(customers)["status"] == "sent"
    assert later.db["deliveries"].get(news)["status"] == "unconfirmed"
    [notice] = notices(later)
    assert notice.text.startswith("Please check console #news: promotion #1 (due Tue 24 Nov "
                                  "09:00) may or may not have been posted.")
    assert "will not be sent again automatically" in notice.text
    assert await later.scheduler.run_due() == 0
    assert len(posts(later)) == 1
    assert promotion(later, pid)["status"] == "finished"


async def test_after_a_long_crash_an_unstarted_delivery_past_the_grace_period_is_missed(
        app, clock, restart):
    pid = await due_tomorrow_9am(app, clock)
    crash_after_claiming(app, clock, pid)
    clock.advance(hours=2)
    later = await restart(app)
    assert posts(later) == []
    assert deliveries(later) == [("2026-11-24T09:00:00+00:00", "missed")]


async def test_grouped_writes_commit_together_and_one_failing_does_not_undo_the_others(db):
    writer = BatchWriter(db)

    def note(action: str, fail: bool = False):
        def work(database):
            database.execute("insert into audit_log (at, action) values ('now', ?)", [action])
            if fail:
                raise ValueError("this one is refused")
            return action
        return work

    results = await asyncio.gather(writer.write(note("first")),
                                   writer.write(note("broken", fail=True)),
                                   writer.write(note("third")), return_exceptions=True)
    assert results[0] == "first" and results[2] == "third"
    assert isinstance(results[1], ValueError)
    assert [row["action"] for row in db["audit_log"].rows] == ["first", "third"]
    assert writer.commits == 1
