"""A database file Nudge cannot use is one line naming the file and the fix, exit 2, no traceback.

Garbage, truncated, damaged, read-only, from a newer Nudge, missing a column, a folder in its
place: every command (and `nudge run`) stops the same way. A second `nudge run` on one file is
refused with the first one's process id; the lock goes with the process. Those are facts of a
SQLite file: on PostgreSQL (NUDGE_TEST_BACKEND=postgresql) the config's file is not used, and
several processes share one database. A PostgreSQL database from a newer Nudge is refused the
same way, on either run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.store import DatabaseProblem, open_db
from tests.conftest import BACKEND, ROOT

SQLITE_FILE_ONLY = pytest.mark.skipif(
    BACKEND == "postgresql", reason="a fact of the SQLite file, which NUDGE_DATABASE_URL replaces")

COMMANDS = (("stats",), ("export", "messages"), ("promo", "list"), ("run", "--console"))


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DISCORD_")) and k != "NUDGE_CONFIG"}


@pytest.fixture
def nudge(config_file, monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str):
        return CliRunner().invoke(cli, ["--config", str(config_file), *args], input="")

    return run


def a_real_database(path: Path) -> None:
    db = open_db(path)
    db["audit_log"].insert_all({"at": "2026-11-23T10:00:00+00:00", "platform": "cli",
                                "user_id": "x", "action": "test", "subject": f"row {n}",
                                "details": "{}" * 200} for n in range(400))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def garbage(path: Path) -> None:
    path.write_bytes(b"this is a shopping list, not a database\n" * 100)


def truncated(path: Path) -> None:
    a_real_database(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def damaged(path: Path) -> None:
    a_real_database(path)
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):  # scribble over every page but the first
        data[offset + 8: offset + 40] = b"\xff" * 32
    path.write_bytes(bytes(data))


def newer(path: Path) -> None:
    a_real_database(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")


def renamed_column(path: Path) -> None:
    a_real_database(path)
    with sqlite3.connect(path) as db:
        db.execute("alter table promotions rename column text to body")


def a_folder(path: Path) -> None:
    path.mkdir()


def under_a_file(path: Path) -> Path:
    path.parent.joinpath("data").write_text("a file where a folder should be")
    return path.parent / "data" / "nudge.db"


BROKEN = {
    "garbage": (garbage, "is not a Nudge database or is damaged (file is not a database)"),
    "truncated": (truncated, "damaged"),
    "damaged": (damaged, "damaged"),
    "newer": (newer, "was written by a newer version of Nudge (schema 99"),
    "renamed-column": (renamed_column, "table promotions has no column text"),
    "folder": (a_folder, "is a folder, not a database file"),
}


@SQLITE_FILE_ONLY
@pytest.mark.parametrize("kind", list(BROKEN))
def test_a_broken_database_is_one_line_and_exit_2_from_every_command(nudge, config, kind):
    make, says = BROKEN[kind]
    path = Path(config.storage.path)
    make(path)
    for command in COMMANDS:
        result = nudge(*command)
        assert result.exit_code == 2, (command, result.output)
        [line] = result.output.splitlines()
        assert line.startswith(f"{path}: ") and says in line, (command, line)
        assert "backup" in line or "Upgrade" in line or "storage.path" in line


def test_a_folder_that_cannot_be_made_is_one_line(tmp_path):
    path = under_a_file(tmp_path / "nudge.db")
    with pytest.raises(DatabaseProblem, match=r"its folder .* cannot be created"):
        open_db(path)


@pytest.fixture
def read_only(config):
    """The database file made read-only: chmod for a normal user, the immutable flag for root
    (whom permissions do not stop)."""
    path = Path(config.storage.path)
    a_real_database(path)
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    if os.geteuid() != 0:
        path.chmod(0o444)
        path.parent.chmod(0o555)
        yield path
        path.parent.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a file read-only for root")
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=True)


@SQLITE_FILE_ONLY
def test_a_read_only_database_is_one_line_and_exit_2(nudge, read_only):
    for command in COMMANDS:
        result = nudge(*command)
        assert result.exit_code == 2, (command, result.output)
        [line] = result.output.splitlines()
        assert line.startswith(f"{read_only}: ") and "writable" in line, line


@SQLITE_FILE_ONLY
def test_a_broken_database_stops_a_real_process_without_a_traceback(config, config_file):
    garbage(Path(config.storage.path))
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config_file), "run",
                             "--console"], input="", capture_output=True, text=True,
                            timeout=120, env=clean_env(), cwd=ROOT)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"{config.storage.path}: is not a Nudge database")


@SQLITE_FILE_ONLY
def test_a_second_nudge_run_on_the_same_file_is_refused_naming_the_first(config, config_file):
    command = [sys.executable, "-m", "bot", "--config", str(config_file), "run", "--console"]
    lock = Path(f"{config.storage.path}.lock")
    first = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
                lock.exists() and lock.read_text().strip() == str(first.pid)):
            time.sleep(0.05)
        second = subprocess.run(command, input="", capture_output=True, text=True, timeout=120,
                                env=clean_env(), cwd=ROOT)
        assert second.returncode == 2
        assert second.stderr.strip() == (
            f"{config.storage.path}: another Nudge is already running on this file (process "
            f"{first.pid}). Stop it first, or give this one its own storage.path.")
    finally:
        first.communicate(input="", timeout=60)
    assert first.returncode == 0
    third = subprocess.run(command, input="", capture_output=True, text=True, timeout=120,
                           env=clean_env(), cwd=ROOT)
    assert third.returncode == 0, third.stderr


def test_a_postgresql_database_from_a_newer_nudge_is_one_line_and_exit_2(nudge, postgres_url,
                                                                          monkeypatch):
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("insert into schema_migrations (version, name) values (99, 'future')")
    monkeypatch.setenv("NUDGE_DATABASE_URL", postgres_url)
    for command in COMMANDS:
        result = nudge(*command)
        assert result.exit_code == 2, (command, result.output)
        [line] = result.output.splitlines()
        assert "written by a newer version of Nudge (schema 99" in line, (command, line)
        assert "Upgrade Nudge" in line
