"""Real processes on one database (a SQLite file, or PostgreSQL with NUDGE_TEST_BACKEND): a
promotion survives a restart, and a process killed with SIGKILL between claiming and confirming
a post never makes it post twice. Several processes on one PostgreSQL database deliver each due
promotion once, and the ones left running settle what a killed one held."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import database_target
from bot.core.context import Context
from bot.promotions.store import Actor
from bot.store import close, open_db
from handlers.promotions import perform
from tests.conftest import ROOT
from tests.fakes import read_log

LONDON = ZoneInfo("Europe/London")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))
            and k != "NUDGE_CONFIG"}


def column(config, sql: str) -> list:
    """The first column of a query on the test's database, whichever backend it is on."""
    db = open_db(database_target(config))
    try:
        return [row[0] for row in db.execute(sql).fetchall()]
    finally:
        close(db)


def wait_for(condition, timeout: float = 90.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_promotion_scheduled_before_a_restart_is_posted_by_the_next_process(config,
                                                                              config_file):
    # Far enough ahead for the first process to start, schedule it and stop before it is due.
    due = datetime.now(LONDON).replace(microsecond=0) + timedelta(seconds=6)
    command = [sys.executable, "-m", "bot", "--config", str(config_file), "run", "--console"]
    first = subprocess.run(
        command, input=f'/nudge promo add "Doors open at 9!" in #customers at '
                       f"{due:%Y-%m-%dT%H:%M:%S}\n",
        capture_output=True, text=True, timeout=60, env=clean_env(), cwd=ROOT)
    assert first.returncode == 0, first.stderr
    assert "Promotion #1 scheduled" in first.stdout
    assert "[Nudge →" not in first.stdout  # it stopped before the promotion was due

    second = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=ROOT)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = second.stdout.readline()
            lines.append(line)
            if line.startswith("[Nudge → #customers]"):
                break
        rest, errors = second.communicate(input="", timeout=30)  # end of input: Nudge stops
    finally:
        if second.poll() is None:
            second.kill()
    output = "".join(lines) + rest
    assert second.returncode == 0, errors
    assert output.count("[Nudge → #customers] 📣 Doors open at 9!") == 1
    assert "Traceback" not in errors
    assert column(config, "select status from deliveries") == ["sent"]
    assert column(config, "select status from promotions") == ["finished"]


def schedule_one_due_a_minute_ago(config) -> None:
    """A promotion whose time came a minute ago (within the grace period), as if added
    earlier: the next Nudge to start sends it at once."""
    now = datetime.now(UTC)
    earlier = now - timedelta(minutes=2)
    db = open_db(database_target(config))
    due = (now - timedelta(minutes=1)).astimezone(LONDON)
    reply = perform("add", ["Mince pies are back!", "in", "customers", "at",
                            f"{due:%Y-%m-%dT%H:%M:%S}"],
                    Context(config=config, db=db, clock=lambda: earlier),
                    Actor("cli", "test"), "console")
    assert reply.ok, reply.text
    close(db)


def start_child(config_file: Path, posts: Path, freeze_at: str = "",
                marker: Path | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.crash_child", str(config_file), str(posts)]
    if freeze_at:
        command += ["--freeze-at", freeze_at, "--marker", str(marker)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=ROOT)


def stop_child(child: subprocess.Popen) -> str:
    _, errors = child.communicate(input="", timeout=30)  # stdin closes: the child stops
    assert child.returncode == 0, errors
    return errors


@pytest.mark.parametrize(("killed_after", "outcome"), [
    ("posted", "unconfirmed"),  # the post went out; the ledger never heard back
    ("claimed", "sent"),  # claimed, nothing sent yet: safe to send after the restart
])
def test_a_process_killed_between_claim_and_confirmation_never_posts_twice(
        config, config_file, tmp_path, killed_after, outcome):
    schedule_one_due_a_minute_ago(config)
    posts, marker = tmp_path / "posts.jsonl", tmp_path / "frozen"
    child = start_child(config_file, posts, killed_after, marker)
    try:
        wait_for(marker.exists, what=f"the first process to reach {killed_after!r}")
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    posted_before = len([entry for entry in read_log(posts) if entry["kind"] == "post"])
    assert posted_before == (1 if killed_after == "posted" else 0)

    again = start_child(config_file, posts)
    wait_for(lambda: column(config, "select status from deliveries") == [outcome],
             what=f"status {outcome}")
    if outcome == "unconfirmed":
        wait_for(lambda: any(e["kind"] == "notice" for e in read_log(posts)), what="a notice")
    stop_child(again)

    log = read_log(posts)
    assert [entry["text"].splitlines()[0] for entry in log if entry["kind"] == "post"] == [
        "📣 Mince pies are back!"]
    notices = [entry["text"] for entry in log if entry["kind"] == "notice"]
    if outcome == "unconfirmed":
        assert len(notices) == 1 and notices[0].startswith("Please check console #customers")
    else:
        assert notices == []
    assert column(config, "select status from promotions") == ["finished"]
