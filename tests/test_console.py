"""The offline console, driven through a pipe exactly as a newcomer would script it."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import database_target
from bot.store import open_db
from tests.conftest import ROOT


def run_console(config_file, stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in (
        "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_file), *args, "run"],
        input=stdin, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
    )


def stored(config, sql: str) -> list[tuple]:
    """What the console's process stored, read from whichever database the run uses."""
    db = open_db(database_target(config))
    try:
        return [tuple(row) for row in db.execute(sql).fetchall()]
    finally:
        db.conn.close()


def test_a_piped_session_answers_help_stores_the_customer_and_ends_at_eof(config_file, config):
    result = run_console(config_file, "hello, are you open on sunday?\n/nudge help\n")
    assert result.returncode == 0, result.stderr
    assert "offline console" in result.stdout
    assert "`/nudge help`" in result.stdout
    assert result.stdout.rstrip().endswith("Bye.")
    assert "Traceback" not in result.stderr
    rows = stored(config, "select m.text, m.author_role, c.channel from messages m "
                          "join conversations c on c.id = m.conversation_id")
    assert rows == [("hello, are you open on sunday?", "customer", "customers")]


def test_an_empty_pipe_exits_cleanly(config_file):
    result = run_console(config_file, "")
    assert result.returncode == 0
    assert "Bye." in result.stdout


def test_an_unknown_command_in_the_console_is_explained_and_the_session_goes_on(config_file):
    result = run_console(config_file, "/nudge frobnicate\n/send\n/nudge help\n")
    assert result.returncode == 0
    assert "I don't know the command `frobnicate`" in result.stdout
    assert "no suggestion to act on yet" in result.stdout
    assert "`/nudge help`" in result.stdout


def test_a_broken_config_exits_2_with_one_line_per_problem(tmp_path):
    bad = tmp_path / "config.yaml"
    bad.write_text("brand: {name: X}\nctas: [{id: a, label: A, url: shop, kind: buy}]\n")
    result = run_console(bad, "")
    assert result.returncode == 2
    assert result.stderr.strip() == 'config.yaml: ctas[0].url: expected an http(s) URL, got "shop"'


def test_check_says_which_platforms_start_and_why(config_file):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_file), "check"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 0
    assert "console: starts (offline default: no platform token is set)" in result.stdout
    assert "slack: off (SLACK_BOT_TOKEN is not set)" in result.stdout


def test_init_writes_the_example_and_refuses_to_overwrite(tmp_path):
    command = [sys.executable, "-m", "bot", "init"]
    first = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0
    assert (tmp_path / "config.yaml").read_text() == (ROOT / "config.example.yaml").read_text()
    (tmp_path / "config.yaml").write_text("brand: {name: Mine}\n")
    second = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert second.returncode == 1 and "--force" in second.stderr
    assert (tmp_path / "config.yaml").read_text() == "brand: {name: Mine}\n"
    forced = subprocess.run([*command, "--force"], cwd=tmp_path, capture_output=True, text=True)
    assert forced.returncode == 0


def test_the_console_plays_many_customers_each_in_their_own_thread(config_file, config):
    script = ("hi, do you deliver?\n/as anna\nhow much is a baguette?\n/as bob\n"
              "are you open on sunday?\n/as anna\nand a sourdough loaf?\n/new\nhello again\n")
    result = run_console(config_file, script)
    assert result.returncode == 0, result.stderr
    assert "Now speaking as anna in #customers." in result.stdout
    assert "New conversation: anna starts a new thread in #customers." in result.stdout
    rows = stored(config, "select c.thread, c.customer_id, m.text from messages m "
                          "join conversations c on c.id = m.conversation_id order by m.id")
    threads = {text: (thread, customer) for thread, customer, text in rows}
    assert threads["hi, do you deliver?"] == ("customer", "console:customer")
    assert threads["how much is a baguette?"] == threads["and a sourdough loaf?"] \
        == ("anna", "console:anna")
    assert threads["are you open on sunday?"] == ("bob", "console:bob")
    new_thread, who = threads["hello again"]
    assert who == "console:anna" and new_thread.startswith("anna:")


def test_a_bad_customer_name_is_explained(config_file):
    result = run_console(config_file, "/as\n/as two words\n")
    assert result.returncode == 0
    assert result.stdout.count("Usage: /as <name>") == 2


def test_the_prompt_shows_who_is_speaking(config):
    from bot.platforms.console import ConsoleAdapter

    adapter = ConsoleAdapter(config)
    assert adapter.prompt() == "customer> "
    adapter._play("/as anna")
    assert adapter.prompt() == "anna> " and adapter.thread == "anna"
