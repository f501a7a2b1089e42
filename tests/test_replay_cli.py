"""Replaying: `nudge suggest --at`, `nudge suggest --thread FILE`, `nudge run --at` and the
console's /at, on the real engine and real SQLite files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli
from bot.store import deliveries as ledger
from bot.store import open_db
from tests.conftest import EXAMPLE, ROOT

WEEK = {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


@pytest.fixture
def shop(tmp_path):
    """The example brand with one shop: 09:00-17:00 Monday to Saturday, 09:00-13:00 on
    Christmas Eve; the database in tmp_path."""
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["storage"] = {"path": str(tmp_path / "nudge.db")}
    raw["stores"] = [{"name": "Mill Road", "address": "1 Mill Road, Cambridge",
                      "hours": {**WEEK, "sun": "closed"},
                      "special_hours": [{"date": "2026-12-24", "hours": "09:00-13:00",
                                         "note": "Christmas Eve"}]}]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.fixture
def nudge(shop, monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, stdin: str | None = None):
        return CliRunner().invoke(cli, ["--config", str(shop), *args], input=stdin)

    return invoke


def first_reply(result) -> str:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["suggestions"][0]["text"]


def thread_file(tmp_path, *rows: dict):
    path = tmp_path / "thread.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return str(path)


def test_at_changes_the_answer_about_opening_hours(nudge):
    asked = ("suggest", "are you open now?", "--json", "--at")
    assert "Open now until 17:00" in first_reply(nudge(*asked, "2026-12-23 10:00"))
    assert "closed now" in first_reply(nudge(*asked, "2026-12-23 18:00"))
    # An offset wins over the brand's zone: 16:30 at UTC-2 is 18:30 in London, after closing.
    assert "closed now" in first_reply(nudge(*asked, "2026-12-23T16:30-02:00"))
    christmas_eve = first_reply(nudge(*asked, "2026-12-24 15:00"))
    assert "closed now" in christmas_eve and "09:00-13:00" in christmas_eve


def test_a_bad_at_is_one_line_and_exit_2(nudge):
    result = nudge("suggest", "are you open?", "--at", "next tuesday-ish")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Error: --at: cannot read 'next tuesday-ish' as a date and time; write "
        '"2026-12-23 17:30", "2026-12-23T17:30+01:00" or "2026-12-23"']
    result = nudge("run", "--at", "2026-02-30 10:00", stdin="hello\n")
    assert result.exit_code == 2 and "Error: --at: cannot read '2026-02-30 10:00'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_follow_up_is_answered_with_the_thread_before_it(nudge, tmp_path, shop):
    follow_up = {"text": "and how much is it?"}
    thread = thread_file(tmp_path, {"text": "do you have the pastry box?",
                                    "at": "2026-11-23 10:00"}, follow_up)
    result = nudge("suggest", "--thread", thread, "--json")
    assert result.exit_code == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert (first["line"], first["text"], first["intent"]) == (
        1, "do you have the pastry box?", "product_question")
    assert second["at"] == "2026-11-23T10:00:00+00:00" and second["intent"] == "pricing"
    assert {"confidence", "urgent", "lang", "suggestions"} <= set(second)
    assert "Pastry box: £12" in second["suggestions"][0]["text"]
    # The same words with nothing before them: the engine cannot know which product.
    alone = nudge("suggest", "--thread", "-", "--json", stdin=json.dumps(follow_up) + "\n")
    assert alone.exit_code == 0, alone.stderr
    assert "Pastry box" not in json.loads(alone.stdout)["suggestions"][0]["text"]
    # By default the replay ran in a temporary database: the configured one was not made.
    assert not (tmp_path / "nudge.db").exists()


def test_as_and_new_switch_customer_and_thread_as_the_console_does(nudge, tmp_path, shop):
    thread = thread_file(
        tmp_path,
        {"text": "do you have the pastry box?", "at": "2026-11-23 10:00"},
        {"text": "/as anna"}, {"text": "hello there"},
        {"text": "/as customer"}, {"text": "and how much is it?"},
        {"text": "/new"}, {"text": "and how much is it?", "at": "2026-11-24 11:00"},
    )
    result = nudge("suggest", "--thread", thread, "--json", "--use-database")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["line"], row["customer"]) for row in rows] == [
        (1, "customer"), (3, "anna"), (5, "customer"), (7, "customer")]
    assert rows[0]["thread"] == rows[2]["thread"] == "customer" and rows[1]["thread"] == "anna"
    assert rows[3]["thread"].startswith("customer:")
    # Back in the first thread, after anna spoke: it still remembers the pastry box;
    # the new thread does not.
    assert "Pastry box: £12" in rows[2]["suggestions"][0]["text"]
    assert "Pastry box" not in rows[3]["suggestions"][0]["text"]
    # --use-database: played in the configured database, as the console would have stored it,
    # each message's first suggestion sent but the last one's.
    database = os.environ.get("NUDGE_DATABASE_URL") or str(tmp_path / "nudge.db")
    stored = _read(database,
                   "select c.thread, m.text, m.created_at, (select min(s.status) from "
                   "suggestions s where s.message_id = m.id and s.rank = 0) from messages m "
                   "join conversations c on c.id = m.conversation_id order by m.id")
    assert [(thread.split(":")[0], text, status) for thread, text, _, status in stored] == [
        ("customer", "do you have the pastry box?", "sent"), ("anna", "hello there", "sent"),
        ("customer", "and how much is it?", "sent"), ("customer", "and how much is it?",
                                                       "pending")]
    assert stored[0][2].startswith("2026-11-23T10:00") and stored[3][2].startswith("2026-11-24")


def test_a_thread_reads_as_text_without_json(nudge):
    script = "\n".join(json.dumps(row) for row in (
        {"text": "are you open now?", "at": "2026-12-23 10:00"}, {"text": "/as anna"},
        {"text": "are you open now?", "at": "2026-12-23 18:00"})) + "\n"
    # Written by an editor that starts files with a byte-order mark.
    result = nudge("suggest", "--thread", "-", stdin="\ufeff" + script)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "--- line 1, Wed 23 Dec 2026 10:00 (Europe/London)\ncustomer: are you open now?" in out
    assert "Now speaking as anna in #customers." in out and "anna: are you open now?" in out
    assert out.index("Open now until 17:00") < out.index("closed now")


@pytest.mark.parametrize(("lines", "problem"), [
    ('{"text": "hi"}\n{"text": "and then", "at": "tomorrow"}\n',
     "line 2: \"at\": cannot read 'tomorrow' as a date and time"),
    ('{"text": "hi"}\n\n{"text": "hi"}\nnot json\n', "line 4: not valid JSON"),
    ('{"text": "hi", "time": "2026-12-23"}\n', "line 1: unknown key 'time'"),
    ('{"text": "/send"}\n', "line 1: '/send' cannot be played"),
    ('{"text": "/as two words"}\n', "line 1: Usage: /as <name>"),
    ('{"text": "/new"}\n', "the thread has no customer message to play"),
])
def test_a_bad_line_is_refused_with_its_number_and_exit_2(nudge, lines, problem):
    result = nudge("suggest", "--thread", "-", "--json", stdin=lines)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"Error: standard input: {problem}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def console(config_file, stdin: str, *options: str) -> subprocess.CompletedProcess:
    """`nudge run [options]` as a person would start it, reading `stdin` as typed lines."""
    env = {k: v for k, v in os.environ.items() if k not in (
        "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_file), "run", *options],
        input=stdin, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def _left_claimed(config_path: str) -> int:
    """A promotion delivery a stopped process left claimed: settled by the next real start."""
    db = open_db(config_path)
    now = datetime.now(UTC)
    key = ledger.DeliveryKey("promotion", "999", now - timedelta(minutes=1), "console",
                             "customers")
    delivery_id = ledger.claim(db, key, now)
    db.conn.close()
    return delivery_id


def _read(target: str, sql: str, params: list | None = None) -> list[tuple]:
    db = open_db(target)
    try:
        return [tuple(row) for row in db.execute(sql, params or []).fetchall()]
    finally:
        db.conn.close()


def _status(target: str, delivery_id: int) -> str:
    return _read(target, "select status from deliveries where id = ?", [delivery_id])[0][0]


def test_the_console_on_a_fixed_clock_and_its_at_command(shop, tmp_path):
    # The run's database: the SQLite file the config names, or PostgreSQL's when tests run there.
    database = os.environ.get("NUDGE_DATABASE_URL") or str(tmp_path / "nudge.db")
    left = _left_claimed(database)
    script = ("are you open now?\n/at 2026-12-24 15:00\nare you open now?\n/at soon\n/at\n"
              "/at now\n")
    result = console(shop, script, "--at", "2026-12-23 10:00")
    out = result.stdout
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "/at <when> to stop the clock at another moment" in out  # the console's help
    assert "The clock stays at Wed 23 Dec 2026 10:00 (Europe/London)" in out
    assert "Scheduled promotions, reminders and the digest do not run in this session" in out
    assert out.index("Open now until 17:00") < out.index("today (Christmas Eve) it was")
    assert "The clock did not move: cannot read 'soon' as a date and time" in out
    assert "The clock stays at Thu 24 Dec 2026 15:00 (Europe/London). Usage: /at" in out
    assert "Back to the real clock" in out and "Scheduled work stays off in this session" in out
    stored = _read(database, "select created_at from messages order by id")
    assert [row[0][:16] for row in stored] == ["2026-12-23T10:00", "2026-12-24T15:00"]
    # Nothing scheduled was touched on the fixed clock; the next real start settles it.
    assert _status(database, left) == "claimed"
    result = console(shop, "/at 2026-12-24 15:00\nare you open now?\n")
    assert result.returncode == 0, result.stderr
    assert "Scheduled work keeps to the real clock." in result.stdout
    assert "today (Christmas Eve) it was" in result.stdout
    assert _status(database, left) != "claimed"


def test_a_fixed_clock_moves_conversations_not_scheduled_work(config, db, clock):
    from bot.app import Application
    from bot.config import Secrets
    from bot.platforms.console import ConsoleAdapter

    app = Application(config, Secrets.from_env({}), db=db, clock=clock)
    adapter = ConsoleAdapter(config)
    adapter.app = app
    christmas_eve = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)
    app.fix_clock(christmas_eve)
    assert app.ctx.now() == christmas_eve and app.ctx.local_now().hour == 15
    assert app.scheduler.clock() == clock.moment  # promotions and the digest keep real time
    assert adapter.prompt() == "customer @ 24 Dec 15:00> "
    app.fix_clock(None)
    clock.advance(minutes=5)
    assert app.ctx.now() == clock.moment and adapter.prompt() == "customer> "
