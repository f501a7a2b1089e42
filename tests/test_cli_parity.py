"""The command line does what the chat does: `nudge promo send-now`, `nudge remind ...`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import database_target
from bot.store import open_db
from tests.promo_helpers import posts


@pytest.fixture
def nudge(config_file, monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str):
        return CliRunner().invoke(cli, ["--config", str(config_file), *args])

    return run


def rows(config, sql: str) -> list[tuple]:
    """What the database the run uses holds (the SQLite file, or PostgreSQL)."""
    db = open_db(database_target(config))
    try:
        return [tuple(row) for row in db.execute(sql).fetchall()]
    finally:
        db.conn.close()


async def test_send_now_from_the_terminal_is_queued_then_sent_once_by_the_running_nudge(
        app, clock, nudge, config):
    clock.moment = datetime.now(UTC)
    assert nudge("promo", "add", "Fresh sourdough", "in", "customers", "at", "2030-12-01",
                 "09:00", "every", "day").exit_code == 0
    queued = nudge("promo", "send-now", "1")
    assert queued.exit_code == 0, queued.output
    assert "queued: the running Nudge (`nudge run`) posts it" in queued.output
    assert rows(config, "select status, test from deliveries") == [("queued", 1)]
    await app.scheduler._reconcile_if_changed()  # what the running Nudge does every 30 s
    assert [post.channel for post in posts(app)] == ["customers"]
    assert rows(config, "select status, test from deliveries") == [("sent", 1)]
    await app.scheduler._reconcile_if_changed()
    assert len(posts(app)) == 1  # sent once
    assert rows(config, "select runs, status from promotions") == [(0, "active")]
    assert rows(config, "select platform, action from audit_log order by id")[-1] == (
        "cli", "promotion.send-now")


async def test_a_test_send_asked_for_long_before_nudge_starts_is_not_sent_late(
        app, clock, nudge, config):
    assert nudge("promo", "add", "Hi", "in", "customers", "at", "2030-12-01", "09:00"
                 ).exit_code == 0
    assert nudge("promo", "send-now", "1").exit_code == 0
    clock.moment = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
    assert await app.scheduler.send_queued() == 0
    assert posts(app) == []
    assert rows(config, "select status from deliveries") == [("missed",)]


def test_reminders_from_the_terminal(nudge, config):
    added = nudge("remind", "#team", "Stock take", "at", "2030-12-01", "16:00")
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Reminder #1 set for Sun 01 Dec 2030 16:00")
    assert rows(config, "select platform, target, status from reminders") == [
        ("console", "console:team", "active")]
    mine = nudge("remind", "--user", "slack:U0123ABCD", "me", "Call the flour supplier", "at",
                 "2030-12-02", "9:00")
    assert mine.exit_code == 0, mine.output
    assert rows(config, "select platform, user_id, target from reminders where id = 2") == [
        ("slack", "U0123ABCD", "me")]
    listed = nudge("remind", "list")
    assert "#1 next Sun 01 Dec 2030 16:00" in listed.output and "#2 next" in listed.output
    assert nudge("remind", "cancel", "2").exit_code == 0
    assert rows(config, "select status from reminders where id = 2") == [("cancelled",)]


@pytest.mark.parametrize(("args", "says", "code"), [
    (("remind", "me", "Call", "at", "2030-12-01", "9:00"), "does not know who \"me\" is", 2),
    (("remind", "#team", "Stock take", "at", "yesterday", "9am"), "is in the past", 2),
    (("remind", "--user", "nobody", "me", "x", "at", "2030-12-01", "9:00"), "--user takes", 2),
])
def test_terminal_reminders_refuse_clearly(nudge, config, args, says, code):
    result = nudge(*args)
    assert result.exit_code == code
    assert says in result.stderr
    assert "Traceback" not in result.output
