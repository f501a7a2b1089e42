"""The digest with real processes on one database (a SQLite file, or PostgreSQL): restarted
in the digest minute, or killed with SIGKILL between claiming and confirming the post, Nudge
never posts it twice."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.config import database_target
from bot.daily.digest_job import DailyDigest
from bot.scheduling.triggers import spec_text
from bot.store import close, open_db, routines
from handlers.digest import build_digest
from tests.conftest import ROOT
from tests.fakes import read_log
from tests.test_scheduler_processes import clean_env, column, stop_child, wait_for


def digest_due_this_minute(config, tmp_path: Path) -> Path:
    """A config whose digest time is the current minute, and the digest's row as the previous
    run of Nudge left it: due at the start of this minute. Returns the config file."""
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    config.digest.time = f"{minute.astimezone(config.zone):%H:%M}"
    path = tmp_path / "digest.yaml"
    path.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    db = open_db(database_target(config))
    spec = spec_text(DailyDigest(db, config, build_digest).spec())
    routines.follow(db, "digest", spec, config.timezone, minute, minute)
    close(db)
    return path


def start(config_file: Path, posts: Path, *options: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.crash_child", str(config_file), str(posts), *options]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=ROOT)


def digests(posts: Path) -> list[str]:
    return [entry["text"] for entry in read_log(posts) if entry["kind"] == "post"]


def statuses(config) -> list[str]:
    return column(config, "select status from deliveries where kind = 'digest'")


def test_a_process_restarted_in_the_digest_minute_does_not_post_the_digest_again(
        config, tmp_path):
    config_file = digest_due_this_minute(config, tmp_path)
    posts = tmp_path / "posts.jsonl"
    for run in range(2):
        ready = tmp_path / f"ready-{run}"
        child = start(config_file, posts, "--ready", str(ready))
        try:
            wait_for(ready.exists, what=f"process {run + 1} to start")
        finally:
            errors = stop_child(child)
        assert "Traceback" not in errors
        assert len(digests(posts)) == 1
    assert digests(posts)[0].startswith("Good morning! Nudge digest for")
    assert statuses(config) == ["sent"]


@pytest.mark.parametrize(("killed_after", "outcome"), [
    ("posted", "unconfirmed"),  # the digest went out; the ledger never heard back
    ("claimed", "sent"),  # claimed, nothing sent yet: safe to send after the restart
])
def test_a_process_killed_while_posting_the_digest_never_makes_it_post_twice(
        config, tmp_path, killed_after, outcome):
    config_file = digest_due_this_minute(config, tmp_path)
    posts, marker = tmp_path / "posts.jsonl", tmp_path / "frozen"
    child = start(config_file, posts, "--freeze-at", killed_after, "--marker", str(marker))
    try:
        wait_for(marker.exists, what=f"the first process to reach {killed_after!r}")
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    ready = tmp_path / "ready"
    again = start(config_file, posts, "--ready", str(ready))
    try:
        wait_for(ready.exists, what="the second process to start")
        wait_for(lambda: statuses(config) == [outcome], what=f"status {outcome}")
    finally:
        stop_child(again)
    assert len(digests(posts)) == 1
    notices = [entry["text"] for entry in read_log(posts) if entry["kind"] == "notice"]
    if outcome == "unconfirmed":
        assert len(notices) == 1 and notices[0].startswith("Please check console #team")
    else:
        assert notices == []
