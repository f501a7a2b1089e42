"""`/nudge remind`: reminders read, stored, scheduled and delivered like promotions, once each.

The team member "team" is a manager in the example config; "bob" and "cara" are not.
Monday 23 Nov 2026, 10:00 in London (GMT, so local time equals UTC).
"""

from __future__ import annotations

import io

import pytest

from bot.config import Secrets
from bot.core.errors import DeliveryError
from bot.core.types import Post, Request
from bot.platforms.console import ConsoleAdapter
from tests.daily_helpers import ledger_rows, posts, start_app, utc


def say(app, text: str, user: str = "team"):
    request = Request(platform="console", text=text, user=user, channel="team", role="team")
    return app.ctx.router.dispatch(request, app.ctx)


def set_reminder(app, text: str, user: str = "team") -> int:
    reply = say(app, text, user)
    assert reply.ok, reply.text
    return reply.meta["reminder_id"]


async def at(app, clock, moment) -> list[Post]:
    clock.moment = moment
    await app.scheduler.run_due()
    return posts(app)


@pytest.fixture
async def app(config, db, clock):
    application = await start_app(config, db, clock)
    yield application
    await application.scheduler.stop()


async def test_a_one_off_reminder_to_me_is_a_direct_message_sent_once(app, clock):
    rid = set_reminder(app, '/nudge remind me "Call the flour supplier" at 11:00')
    assert app.scheduler.job("reminder", rid).next_run_time == utc(2026, 11, 23, 11, 0)
    assert await at(app, clock, utc(2026, 11, 23, 10, 59)) == []
    [post] = await at(app, clock, utc(2026, 11, 23, 11, 0))
    assert post == Post("console", "@team", "⏰ Reminder: Call the flour supplier")
    assert post.direct_user == "team"
    assert len(await at(app, clock, utc(2026, 11, 23, 12, 0))) == 1
    assert app.db["reminders"].get(rid)["status"] == "finished"
    assert app.scheduler.job("reminder", rid) is None
    assert ledger_rows(app, "reminder") == [(str(rid), "console", "@team", "sent")]


async def test_a_recurring_channel_reminder_repeats_at_its_local_time_then_stops(app, clock):
    reply = say(app, '/nudge remind #news "Stock take" every day at 16:00 times 2')
    assert reply.ok, reply.text
    assert dict((f.label, f.value) for f in reply.fields)["Next"] == (
        "Mon 23 Nov 16:00, Tue 24 Nov 16:00")
    rid = reply.meta["reminder_id"]
    await at(app, clock, utc(2026, 11, 23, 16, 0))
    sent = await at(app, clock, utc(2026, 11, 24, 16, 0))
    assert [(p.channel, p.text.splitlines()[0]) for p in sent] == [
        ("news", "⏰ Reminder: Stock take")] * 2
    assert f"`/nudge remind cancel {rid}` stops it" in sent[0].text
    assert len(await at(app, clock, utc(2026, 11, 25, 16, 0))) == 2
    assert app.db["reminders"].get(rid)["status"] == "finished"


async def test_a_reminder_due_is_sent_once_across_a_restart_in_its_minute(
        app, clock, restart):
    set_reminder(app, '/nudge remind me "Bake the test batch" at 11:00')
    assert len(await at(app, clock, utc(2026, 11, 23, 11, 0))) == 1
    clock.moment = utc(2026, 11, 23, 11, 0, 30)
    later = await restart(app)
    assert await later.scheduler.run_due() == 0
    assert posts(later) == []


async def test_list_shows_your_own_reminders_and_managers_can_see_everyones(app, clock):
    mine = set_reminder(app, '/nudge remind me "Order boxes" at tomorrow 9am', user="bob")
    set_reminder(app, '/nudge remind #news "Post the menu" every friday at 8:00', user="cara")
    listing = say(app, "/nudge remind list", user="bob")
    assert listing.meta["ids"] == [mine]
    assert '#1 next Tue 24 Nov 09:00 · to you, as a direct message · "Order boxes"' in (
        listing.text)
    everyone = say(app, "/nudge remind list all", user="team")
    assert everyone.meta["ids"] == [1, 2]
    assert "to its owner, as a direct message · by console:bob" in everyone.text
    refused = say(app, "/nudge remind list all", user="bob")
    assert not refused.ok and "managers" in refused.text
    assert say(app, "/nudge remind list", user="dave").text.startswith(
        "No reminders of yours are scheduled.")


async def test_cancel_stops_your_reminder_before_it_is_sent(app, clock):
    rid = set_reminder(app, '/nudge remind me "Call the bank" at 11:00', user="bob")
    reply = say(app, f"/nudge remind cancel {rid}", user="bob")
    assert reply.ok and reply.text == f"Reminder #{rid} is cancelled; it will not be sent again."
    assert app.scheduler.job("reminder", rid) is None
    assert await at(app, clock, utc(2026, 11, 23, 11, 0)) == []
    assert app.db["reminders"].get(rid)["status"] == "cancelled"
    audit = [row["action"] for row in app.db["audit_log"].rows_where(order_by="id")]
    assert audit == ["reminder.add", "reminder.cancel"]


async def test_someone_elses_reminder_cannot_be_cancelled_except_by_a_manager(app, clock):
    rid = set_reminder(app, '/nudge remind me "Call the bank" at 11:00', user="bob")
    refused = say(app, f"/nudge remind cancel {rid}", user="cara")
    assert not refused.ok
    assert refused.text.startswith(f"Reminder #{rid} is someone else's")
    assert app.db["reminders"].get(rid)["status"] == "active"
    assert app.scheduler.job("reminder", rid) is not None
    assert say(app, f"/nudge remind cancel {rid}", user="team").ok  # a manager
    assert app.db["reminders"].get(rid)["status"] == "cancelled"


@pytest.mark.parametrize(("command", "says"), [
    ('/nudge remind me "Call the bank" at yesterday 9am', "is in the past"),
    ('/nudge remind me "Call the bank" at feb 30 9am', "February has no day 30"),
    ('/nudge remind me "Call the bank" at 9', "at 9"),
    ('/nudge remind me "Call the bank" every 5 minutes', "repeats too often"),
    ("/nudge remind me call the bank at 9am", "Put the reminder's text in quotes"),
    ('/nudge remind me "Call the bank"', "Say when"),
    ('/nudge remind me "" at 11:00', "has no text"),
    ('/nudge remind slack:#C0X "Stock take" at 11:00 tz Mars/Olympus', "Mars/Olympus"),
    ('/nudge remind nowhere:#x "Stock take" at 11:00', "is not a platform"),
])
async def test_a_reminder_that_cannot_be_read_is_refused_clearly_and_nothing_is_stored(
        app, command, says):
    reply = say(app, command)
    assert not reply.ok
    assert says.lower() in reply.text.lower()
    assert "Traceback" not in reply.text
    assert app.db["reminders"].count == 0
    assert [job for job in app.scheduler.scheduler.get_jobs()
            if job.id.startswith("reminder:")] == []


async def test_remind_without_words_explains_how(app):
    reply = say(app, "/nudge remind")
    assert not reply.ok and "Usage: `/nudge remind me|#channel" in reply.text


async def test_the_console_prints_a_direct_message_to_the_person(config):
    out = io.StringIO()
    adapter = ConsoleAdapter(config, Secrets.from_env({}), stdin=io.StringIO(), stdout=out)
    await adapter.post(Post.direct("console", "team", "⏰ Reminder: Call the bank"))
    await adapter.post(Post("console", "customers", "Hello"))
    assert out.getvalue().splitlines() == ["[Nudge → @team] ⏰ Reminder: Call the bank",
                                           "[Nudge → #customers] Hello"]


async def test_a_direct_message_that_fails_is_recorded_and_the_team_told(app, clock):
    rid = set_reminder(app, '/nudge remind me "Call the bank" at 11:00')
    app.adapters["console"].fail_next(DeliveryError("cannot_dm", transient=False))
    assert await at(app, clock, utc(2026, 11, 23, 11, 0)) == []
    [notice] = app.adapters["console"].notices
    assert notice.text == f"Could not post reminder #{rid} to console @team (direct message)."
    assert ledger_rows(app, "reminder") == [(str(rid), "console", "@team", "failed")]
