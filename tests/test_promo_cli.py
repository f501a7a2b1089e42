"""`nudge promo ...` against the local database: same words as chat, clear exits on bad input."""

from __future__ import annotations

import json

import pytest

from bot.config import database_target
from bot.store import close, open_db


def rows(config, sql: str) -> list[tuple]:
    """What the command left in the database (a file, or PostgreSQL), read as another
    process would."""
    db = open_db(database_target(config))
    try:
        return [tuple(row) for row in db.execute(sql).fetchall()]
    finally:
        close(db)


def test_add_list_show_pause_resume_cancel_from_the_terminal(promo_cli, config):
    added = promo_cli("add", "Mince pies are back!", "in", "customers", "at", "2030-12-01",
                  "09:00", "every", "day")
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Promotion #1 scheduled: first post Sun 01 Dec 2030 09:00")
    assert json.loads(rows(config, "select targets from promotions")[0][0]) == [
        {"platform": "console", "channel": "customers"}]
    listed = promo_cli("list")
    assert ("#1 next Sun 01 Dec 2030 09:00 · every day at 09:00 · console #customers"
            in listed.output)
    assert "📣 Mince pies are back!" in promo_cli("show", "1").output
    assert promo_cli("pause", "1").exit_code == 0
    assert rows(config, "select status from promotions") == [("paused",)]
    assert promo_cli("resume", "1").exit_code == 0
    assert promo_cli("cancel", "1").exit_code == 0
    assert rows(config, "select status from promotions") == [("cancelled",)]
    assert "#1 cancelled" in promo_cli("list", "--all").output
    actions = rows(config, "select platform, action from audit_log order by id")
    assert actions == [("cli", "promotion.add"), ("cli", "promotion.pause"),
                       ("cli", "promotion.resume"), ("cli", "promotion.cancel")]


def test_a_platform_can_be_chosen_for_channels_without_a_prefix(promo_cli, config):
    result = promo_cli("add", "Hi", "in", "C0123ABCD", "at", "2030-12-01T09:00", "--platform",
                   "slack")
    assert result.exit_code == 0, result.output
    assert json.loads(rows(config, "select targets from promotions")[0][0]) == [
        {"platform": "slack", "channel": "C0123ABCD"}]


@pytest.mark.parametrize(("args", "says"), [
    (("add", "Sale", "in", "customers", "at", "yesterday", "9am"), "is in the past"),
    (("add", "Sale", "in", "customers", "at", "03/04/2030", "9:00"), "could be 3 April"),
    (("add", "Sale", "at", "tomorrow", "9am"), "say where with `in #channel`"),
    (("show", "7"), "There is no promotion #7"),
    (("cancel", "seven"), '"seven" is not a promotion number'),
])
def test_a_request_that_cannot_be_done_exits_2_with_the_reason(promo_cli, config, args, says):
    result = promo_cli(*args)
    assert result.exit_code == 2
    assert says in result.stderr
    assert "Traceback" not in result.output
    assert rows(config, "select count(*) from promotions") == [(0,)]


def test_a_misused_command_exits_2(promo_cli):
    assert promo_cli("add").exit_code == 2
    assert promo_cli("pause").exit_code == 2
    assert promo_cli("add", "Sale", "in", "customers", "--platform", "teams").exit_code == 2
