"""The outbox: reviews and replies get the retries promotions get, survive a restart, and a
final failure is reported, never dropped and never recorded as sent."""

from __future__ import annotations

import asyncio
import itertools

from bot.core.errors import DeliveryError
from bot.core.types import Request
from bot.store import deliveries as ledger
from bot.store import transaction
from handlers import conversation
from tests.promo_helpers import add, posts, utc

_ids = itertools.count(1)
BUSY = DeliveryError("rate limited", transient=True, code="ratelimited", status=429)


def customer_says(app, text: str):
    """A customer message on the console; returns its review (not shown yet)."""
    request = Request(platform="console", text=text, user="ana",
                      channel=app.config.platforms.console.channel, thread="ana",
                      message_id=f"m{next(_ids)}", user_name="ana")
    return conversation.on_message(request, app.ctx)


def show(app, review):
    console = app.adapters["console"]
    return app.show_review(review, "console", lambda: console.notify_team(review))


def rows(app, kind: str) -> list[dict]:
    return list(app.db["deliveries"].rows_where("kind = ?", [kind], order_by="id"))


def suggestion_status(app, review) -> str:
    return app.db["suggestions"].get(review.meta["suggestion_id"])["status"]


def texts(replies) -> list[str]:
    return [reply.text for reply in replies]


class Stuck:
    """A backoff that never ends: the process is "killed" while it waits (the task is
    cancelled), as a stopped Nudge leaves a retry behind."""

    def __init__(self):
        self.waiting = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.waiting.set()
        await asyncio.Event().wait()


async def killed_while_waiting_to_retry(app, work) -> None:
    stuck = Stuck()
    app.scheduler.sender.sleep = stuck
    task = asyncio.create_task(work)
    await asyncio.wait_for(stuck.waiting.wait(), 5)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


# --- reviews ---------------------------------------------------------------------------------

async def test_a_review_refused_for_a_passing_reason_is_retried_then_shown(app):
    review = customer_says(app, "how much is a sourdough loaf?")
    app.adapters["console"].fail_notices_next(BUSY, BUSY)
    await show(app, review)
    assert texts(app.adapters["console"].notices) == [review.text]
    [row] = rows(app, "review")
    assert (row["status"], row["attempts"]) == ("sent", 3)
    assert app.scheduler.sender.sleep.delays == [1.0, 2.0]


async def test_a_review_that_never_gets_through_is_reported_and_the_customer_still_waits(app):
    review = customer_says(app, "do you deliver on saturdays?")
    app.adapters["console"].fail_notices_next(*[BUSY] * 4)
    assert await show(app, review) is None
    [row] = rows(app, "review")
    assert (row["status"], row["error"]) == ("failed", "rate limited (gave up after 4 attempts)")
    [report] = app.adapters["console"].notices
    assert report.text.startswith("Could not post the review of suggestion #")
    assert "digest" in dict((f.label, f.value) for f in report.fields)["What to do"]
    assert suggestion_status(app, review) == "pending"  # listed in the digest as waiting


async def test_a_review_refused_for_good_is_not_retried(app):
    review = customer_says(app, "are you open on sunday?")
    app.adapters["console"].fail_notices_next(
        DeliveryError("channel_not_found", transient=False, code="channel_not_found"))
    assert await show(app, review) is None
    [row] = rows(app, "review")
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert app.scheduler.sender.sleep.delays == []


async def test_a_review_left_waiting_by_a_stopped_process_is_shown_after_the_restart(
        app, restart):
    review = customer_says(app, "is the cinnamon roll vegan?")
    app.adapters["console"].fail_notices_next(BUSY)
    await killed_while_waiting_to_retry(app, show(app, review))
    assert rows(app, "review")[0]["status"] == "retrying"

    new = await restart(app)
    await new.scheduler.resumed_retries()
    shown = new.adapters["console"].notices
    assert [reply.meta.get("suggestion_id") for reply in shown] == \
        [review.meta["suggestion_id"]]
    assert [(r["status"], r["attempts"]) for r in rows(new, "review")] == [("sent", 2)]


async def review_cut_off_mid_send(app, review) -> None:
    """The review's post had started when Nudge was killed: claimed, one attempt counted."""
    key = ledger.DeliveryKey("review", str(review.meta["suggestion_id"]), app.ctx.now(),
                             "console", app.config.review_channel("console"))
    with transaction(app.db):
        ledger.start_attempt(app.db, ledger.claim(app.db, key, app.ctx.now()))


async def test_a_review_cut_off_mid_send_is_shown_again_after_the_restart(app, restart):
    review = customer_says(app, "do you have oat milk?")
    await review_cut_off_mid_send(app, review)
    new = await restart(app)
    assert [r.meta.get("suggestion_id") for r in new.adapters["console"].notices] == \
        [review.meta["suggestion_id"]]
    assert [(r["status"], r["attempts"]) for r in rows(new, "review")] == [("sent", 2)]


async def test_a_review_cut_off_mid_send_for_a_customer_answered_since_is_not_shown(
        app, restart):
    review = customer_says(app, "do you have oat milk?")
    await review_cut_off_mid_send(app, review)
    app.db.execute("update suggestions set status = 'dismissed'")
    app.db.conn.commit()
    new = await restart(app)
    assert new.adapters["console"].notices == []
    [row] = rows(new, "review")
    assert (row["status"], row["error"]) == (
        "missed", "Nudge stopped before sending it; there is nothing to send any more")


# --- replies ---------------------------------------------------------------------------------

async def test_a_reply_refused_for_a_passing_reason_is_retried_and_only_then_sent(app):
    review = customer_says(app, "how much is a sourdough loaf?")
    result = conversation.on_choice(app.ctx, "send", review.meta["suggestion_id"], "console",
                                    "team")
    app.adapters["console"].fail_next(BUSY, BUSY)
    shown, refused = await app.deliver_choice(result)
    assert not refused
    assert [post.text for post in posts(app)] == [result.post.text]
    assert suggestion_status(app, review) == "sent"
    [row] = rows(app, "reply")
    assert (row["status"], row["attempts"]) == ("sent", 3)


async def test_a_reply_that_keeps_failing_goes_back_to_pending_with_the_reason(app):
    review = customer_says(app, "how much is a sourdough loaf?")
    result = conversation.on_choice(app.ctx, "send", review.meta["suggestion_id"], "console",
                                    "team")
    app.adapters["console"].fail_next(*[BUSY] * 4)
    shown, refused = await app.deliver_choice(result)
    assert refused and posts(app) == []
    assert suggestion_status(app, review) == "pending"
    not_sent = dict((f.label, f.value) for f in shown.fields)["Not sent"]
    assert not_sent.startswith("rate limited (gave up after 4 attempts); press Send again")
    assert [choice.action for choice in shown.choices] == ["send", "another", "edit", "dismiss"]
    assert rows(app, "reply")[0]["status"] == "failed"


async def test_a_reply_left_waiting_by_a_stopped_process_is_sent_once_after_the_restart(
        app, restart):
    review = customer_says(app, "how much is a sourdough loaf?")
    result = conversation.on_choice(app.ctx, "edit", review.meta["suggestion_id"], "console",
                                    "team", edited_text="A loaf is 4.50, fresh at 8am.")
    app.adapters["console"].fail_next(BUSY)
    await killed_while_waiting_to_retry(app, app.deliver_choice(result))
    assert suggestion_status(app, review) == "sending"  # neither sent nor forgotten

    new = await restart(app)
    await new.scheduler.resumed_retries()
    assert [post.text for post in posts(new)] == ["A loaf is 4.50, fresh at 8am."]
    assert suggestion_status(new, review) == "sent"
    [redrawn] = new.adapters["console"].notices
    assert dict((f.label, f.value) for f in redrawn.fields)["Handled"] == \
        "edited and sent by team"


async def test_a_reply_handled_by_hand_meanwhile_is_not_sent_after_the_restart(app, restart):
    review = customer_says(app, "how much is a sourdough loaf?")
    result = conversation.on_choice(app.ctx, "send", review.meta["suggestion_id"], "console",
                                    "team")
    app.adapters["console"].fail_next(BUSY)
    await killed_while_waiting_to_retry(app, app.deliver_choice(result))
    app.db.execute("update suggestions set status = 'dismissed' where id = ?",
                   [review.meta["suggestion_id"]])
    app.db.conn.commit()

    new = await restart(app)
    await new.scheduler.resumed_retries()
    assert posts(new) == []
    [row] = rows(new, "reply")
    assert row["status"] == "failed" and "nothing to send any more" in row["error"]


# --- scheduled posts -------------------------------------------------------------------------

async def restarted_with_a_promotion_left_retrying(app, clock, restart, *, back_at):
    """A promotion due at 9:00 meets a rate limit; Nudge stops while waiting to retry and
    starts again at `back_at`, once its leftover retries have run."""
    add(app, '/nudge promo add "Mince pies are back!" in #customers at tomorrow 9am')
    clock.moment = utc(2026, 11, 24, 9, 0)
    app.adapters["console"].fail_next(BUSY)
    await killed_while_waiting_to_retry(app, app.scheduler.run_due())
    clock.moment = back_at
    new = await restart(app)
    await new.scheduler.resumed_retries()
    return new


async def test_a_promotion_waiting_to_retry_when_nudge_stopped_is_sent_after_the_restart(
        app, clock, restart):
    new = await restarted_with_a_promotion_left_retrying(app, clock, restart,
                                                         back_at=utc(2026, 11, 24, 9, 5))
    [post] = posts(new)
    assert "Mince pies are back!" in post.text
    assert [(r["status"], r["attempts"]) for r in rows(new, "promotion")] == [("sent", 2)]


async def test_a_promotion_waiting_to_retry_past_the_grace_period_fails_and_is_reported(
        app, clock, restart):
    # Six hours later; the grace period is one.
    new = await restarted_with_a_promotion_left_retrying(app, clock, restart,
                                                         back_at=utc(2026, 11, 24, 15, 0))
    assert posts(new) == []
    [row] = rows(new, "promotion")
    assert row["status"] == "failed" and "too late to send now" in row["error"]
    [report] = new.adapters["console"].notices
    assert report.text == "Could not post promotion #1 to console #customers."
