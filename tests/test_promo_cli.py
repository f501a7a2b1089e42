"""`nudge promo ...` against the local database: same words as chat, clear exits on bad input."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from bot.cli import cli


@pytest.fixture
def nudge(config_file, monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str):
        return CliRunner().invoke(cli, ["--config", str(config_file), "promo", *args])

    return run


def rows(config, sql: str) -> list[tuple]:
    with sqlite3.connect(config.storage.path) as connection:
        return connection.execute(sql).fetchall()


def test_add_list_show_pause_resume_cancel_from_the_terminal(nudge, config):
    added = nudge("add", "Mince pies are back!", "in", "customers", "at", "2030-12-01",
                  "09:00", "every", "day")
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Promotion #1 scheduled: first post Sun 01 Dec 2030 09:00")
    assert json.loads(rows(config, "select targets from promotions")[0][0]) == [
        {"platform": "console", "channel": "customers"}]
    listed = nudge("list")
    assert ("#1 next Sun 01 Dec 2030 09:00 · every day at 09:00 · console #customers"
            in listed.output)
    assert "📣 Mince pies are back!" in nudge("show", "1").output
    assert nudge("pause", "1").exit_code == 0
    assert rows(config, "select status from promotions") == [("paused",)]
    assert nudge("resume", "1").exit_code == 0
    assert nudge("cancel", "1").exit_code == 0
    assert rows(config, "select status from promotions") == [("cancelled",)]
    assert "#1 cancelled" in nudge("list", "--all").output
    actions = rows(config, "select platform, action from audit_log order by id")
    assert actions == [("cli", "promotion.add"), ("cli", "promotion.pause"),
                       ("cli", "promotion.resume"), ("cli", "promotion.cancel")]


def test_a_platform_can_be_chosen_for_channels_without_a_prefix(nudge, config):
    result = nudge("add", "Hi", "in", "C0123ABCD", "at", "2030-12-01T09:00", "--platform",
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
def test_a_request_that_cannot_be_done_exits_1_with_the_reason(nudge, config, args, says):
    result = nudge(*args)
    assert result.exit_code == 1
    assert says in result.stderr
    assert "Traceback" not in result.output
    assert rows(config, "select count(*) from promotions") == [(0,)]


def test_a_misused_command_exits_2(nudge):
    assert nudge("add").exit_code == 2
    assert nudge("pause").exit_code == 2
    assert nudge("add", "Sale", "in", "customers", "--platform", "teams").exit_code == 2
