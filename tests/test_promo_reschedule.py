"""`promo edit`: change what a promotion says or when it runs; test sends stay out of the counts."""

from __future__ import annotations

import json

import pytest

from bot.results.report import report, span_ending
from tests.promo_helpers import add, posts, promotion, say, utc

DAILY = '/nudge promo add "Fresh sourdough" in #customers every day at 9:00'


def audit_rows(app, action: str) -> list[dict]:
    return [json.loads(row["details"]) for row in
            app.db["audit_log"].rows_where("action = ?", [action], order_by="id")]


async def test_a_new_time_keeps_the_text_and_moves_the_job(app, clock):
    pid = add(app, DAILY)
    reply = say(app, f"/nudge promo edit {pid} at nov 25 8:00 every day at 8:00")
    assert reply.ok, reply.text
    assert "now runs every day at 08:00, next post Wed 25 Nov 08:00" in reply.text
    fields = {field.label: field.value for field in reply.fields}
    assert fields["Next posts"] == "Wed 25 Nov 08:00, Thu 26 Nov 08:00, Fri 27 Nov 08:00"
    row = promotion(app, pid)
    assert row["text"] == "Fresh sourdough"
    assert row["next_run_at"] == "2026-11-25T08:00:00+00:00"
    assert app.scheduler.job("promotion", pid).next_run_time == utc(2026, 11, 25, 8, 0)
    clock.moment = utc(2026, 11, 24, 9, 0)  # the old time: nothing goes out
    assert await app.scheduler.run_due() == 0
    clock.moment = utc(2026, 11, 25, 8, 0)
    await app.scheduler.run_due()
    assert [post.text.splitlines()[0] for post in posts(app)] == ["📣 Fresh sourdough"]


async def test_the_text_in_quotes_then_a_time_changes_both(app):
    pid = add(app, DAILY)
    reply = say(app, f'/nudge promo edit {pid} "Last sourdough of the year" at tomorrow 9am')
    assert reply.ok, reply.text
    row = promotion(app, pid)
    assert row["text"] == "Last sourdough of the year"  # not "... at tomorrow 9am"
    assert json.loads(row["trigger"])["type"] == "date"
    assert [d["after"] for d in audit_rows(app, "promotion.edit")] == [
        "Last sourdough of the year"]
    assert audit_rows(app, "promotion.reschedule")[0]["before"] == "every day at 9:00"


async def test_until_alone_only_changes_when_it_stops(app):
    pid = add(app, DAILY)
    reply = say(app, f"/nudge promo edit {pid} until nov 26")
    assert reply.ok, reply.text
    fields = {field.label: field.value for field in reply.fields}
    assert fields["Next posts"] == "Tue 24 Nov 09:00, Wed 25 Nov 09:00, Thu 26 Nov 09:00"
    assert "until Thu 26 Nov 2026 23:59" in fields["Schedule"]
    assert promotion(app, pid)["ends_at"] == "2026-11-26T23:59:59+00:00"


async def test_times_counts_from_now(app, clock):
    pid = add(app, DAILY)
    clock.moment = utc(2026, 11, 24, 9, 0)
    await app.scheduler.run_due()
    reply = say(app, f"/nudge promo edit {pid} times 2")
    assert reply.ok, reply.text
    fields = {field.label: field.value for field in reply.fields}
    assert fields["Next posts"] == "Wed 25 Nov 09:00, Thu 26 Nov 09:00"
    assert promotion(app, pid)["max_runs"] == 3


@pytest.mark.parametrize(("typed", "says"), [
    ("edit 1 until nov 20", "is in the past"),
    ("edit 1 at yesterday 9am", "is in the past"),
    ("edit 1 tz Europe/Paris", "give the whole new schedule"),
    ("edit 1 every 5 minutes", "repeats too often"),
])
async def test_a_bad_new_schedule_changes_nothing(app, typed, says):
    pid = add(app, DAILY)
    before = promotion(app, pid)
    reply = say(app, f"/nudge promo {typed}")
    assert not reply.ok and says in reply.text
    assert promotion(app, pid) == before


async def test_until_on_a_one_off_promotion_says_to_make_it_repeat(app):
    pid = add(app, '/nudge promo add "Hi" in #customers at tomorrow 9am')
    reply = say(app, f"/nudge promo edit {pid} until dec 31")
    assert not reply.ok and "runs once" in reply.text


async def test_a_cancelled_promotion_cannot_be_rescheduled(app):
    pid = add(app, DAILY)
    say(app, f"/nudge promo cancel {pid}")
    reply = say(app, f"/nudge promo edit {pid} at tomorrow 9am")
    assert not reply.ok and "is cancelled" in reply.text


async def test_a_test_send_is_recorded_as_a_test_and_not_counted_as_a_promotion_sent(app, clock):
    pid = add(app, DAILY)
    source = app.scheduler.sources["promotion"]
    await source.send_now(pid, clock(), app.scheduler)  # what `/nudge promo send-now` runs
    clock.moment = utc(2026, 11, 24, 9, 0)
    await app.scheduler.run_due()
    assert len(posts(app)) == 2
    tests = [row["test"] for row in app.db["deliveries"].rows_where(order_by="id")]
    assert tests == [1, 0]
    figures = report(app.db, span_ending(utc(2026, 11, 24).date(), 7, app.config.zone)).total
    assert figures.promotions_sent == 1
    show = say(app, f"/nudge promo show {pid}")
    fields = {field.label: field.value for field in show.fields}
    assert fields["Deliveries"] == "sent 1, test sends 1"
