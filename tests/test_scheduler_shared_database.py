"""Several Nudge processes on one PostgreSQL database (issue 21, item 6), as real processes.

Every due promotion is posted once, whichever process gets to it first; a process killed in
the middle of delivering leaves its claims to the processes still running, which send what had
not been started and report, never resend, what may have gone out. These tests always run on
PostgreSQL: on SQLite a second process on the same file is refused at start
(tests/test_database_failures.py).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import database_target
from bot.core.context import Context
from bot.promotions.store import Actor
from bot.store import close, open_db
from handlers.promotions import perform
from tests.conftest import ROOT
from tests.fakes import read_log
from tests.test_scheduler_processes import LONDON, clean_env, column, stop_child, wait_for


@pytest.fixture
def shared(postgres_url, monkeypatch) -> str:
    """One PostgreSQL database for the test and every process it starts."""
    monkeypatch.setenv("NUDGE_DATABASE_URL", postgres_url)
    return postgres_url


def add_due_promotions(config, count: int) -> list[str]:
    """`count` one-off promotions whose time came a minute ago (within the grace period), as
    a team member added them earlier; returns the first line each posts."""
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=1)).astimezone(LONDON)
    db = open_db(database_target(config))
    try:
        for number in range(count):
            reply = perform("add", [f"Deal number {number}", "in", "customers", "at",
                                    f"{due:%Y-%m-%dT%H:%M:%S}"],
                            Context(config=config, db=db, clock=lambda: now - timedelta(
                                minutes=2)), Actor("cli", "test"), "console")
            assert reply.ok, reply.text
    finally:
        close(db)
    return [f"📣 Deal number {number}" for number in range(count)]


def start(config_file: Path, posts: Path, *options: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.crash_child", str(config_file), str(posts), *options]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=ROOT)


def started(config_file: Path, folder: Path, name: str, *options: str) -> subprocess.Popen:
    """A process that has finished starting (its jobs built, whatever was due then sent)."""
    ready = folder / f"ready-{name}"
    child = start(config_file, folder / f"posts-{name}.jsonl", "--ready", str(ready), *options)
    try:
        wait_for(ready.exists, what=f"process {name} to start")
    except AssertionError:
        child.kill()
        raise
    return child


def entries(folder: Path, kind: str) -> list[str]:
    """What every process posted (kind "post") or told the team ("notice"), first lines."""
    return [entry["text"].splitlines()[0] for log in sorted(folder.glob("posts-*.jsonl"))
            for entry in read_log(log) if entry["kind"] == kind]


def sent(config) -> int:
    return column(config, "select count(*) from deliveries where status = 'sent'")[0]


def test_two_processes_on_one_postgresql_database_post_each_due_promotion_once(
        config, config_file, shared, tmp_path):
    # Both look for changes every 0.3 s, so both find the new promotions at the same moment
    # and race for each one.
    children = [started(config_file, tmp_path, name, "--reconcile", "0.3")
                for name in ("a", "b")]
    try:
        expected = add_due_promotions(config, 30)
        wait_for(lambda: sent(config) == 30, timeout=60, what="30 sent deliveries")
    finally:
        errors = [stop_child(child) for child in children]
    assert not any("Traceback" in text for text in errors), errors
    posted = Counter(entries(tmp_path, "post"))
    assert sorted(posted) == sorted(expected)
    assert set(posted.values()) == {1}, "a promotion was posted twice"
    assert column(config, "select count(*) from deliveries") == [30]
    assert column(config, "select distinct status from promotions") == ["finished"]


@pytest.mark.parametrize(("killed_after", "outcome"), [
    ("claimed", "sent"),  # claimed, nothing sent yet: the others send it
    ("posted", "unconfirmed"),  # sending had started: the others report it, never resend it
])
def test_what_a_killed_process_held_is_settled_once_by_the_processes_still_running(
        config, config_file, shared, tmp_path, killed_after, outcome):
    # The two that keep running are started first and look for changes made elsewhere only
    # every ten minutes; the third, started once the promotions are due, sends them as it
    # starts, then freezes and is killed.
    survivors = [started(config_file, tmp_path, name, "--reconcile", "600")
                 for name in ("a", "b")]
    expected = add_due_promotions(config, 6)
    marker = tmp_path / "frozen"
    victim = start(config_file, tmp_path / "posts-victim.jsonl", "--freeze-at", killed_after,
                   "--marker", str(marker))
    try:
        wait_for(marker.exists, what=f"the third process to reach {killed_after!r}")
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)
        wait_for(lambda: column(config, "select status from deliveries") == [outcome] * 6,
                 what=f"six deliveries {outcome}")
        if outcome == "unconfirmed":
            wait_for(lambda: len(entries(tmp_path, "notice")) == 6, what="six notices")
    finally:
        if victim.poll() is None:
            victim.kill()
        errors = [stop_child(child) for child in survivors]
    assert victim.returncode == -signal.SIGKILL
    assert not any("Traceback" in text for text in errors), errors
    posted = Counter(entries(tmp_path, "post"))
    assert set(posted.values()) == {1}, "a promotion was posted twice"
    if outcome == "sent":
        assert sorted(posted) == sorted(expected)
        assert entries(tmp_path, "notice") == []
    else:  # the one post that went out before the kill, and nothing resent
        assert len(posted) == 1 and set(posted) <= set(expected)
        notices = entries(tmp_path, "notice")
        assert len(notices) == 6 and all(n.startswith("Please check console #customers")
                                         for n in notices)
    assert column(config, "select count(*) from deliveries") == [6]
