"""The SQLite file: created and migrated at start, idempotently, readable by plain tools."""

from __future__ import annotations

import sqlite3

import pytest

from bot.store import MIGRATIONS, audit, open_db, schema_version

TABLES = {
    "customers", "conversations", "messages", "suggestions", "feedback", "promotions",
    "deliveries", "reminders", "opt_outs", "audit_log",
}


def test_a_new_file_gets_every_table_in_wal_mode(tmp_path):
    db = open_db(tmp_path / "sub" / "nudge.db")
    assert set(db.table_names()) >= TABLES
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma busy_timeout").fetchone()[0] >= 1000
    assert schema_version(db) == len(MIGRATIONS)


def test_opening_twice_changes_nothing(tmp_path):
    path = tmp_path / "nudge.db"
    first = open_db(path)
    first["audit_log"].insert({"at": "2026-01-01T00:00:00+00:00", "action": "kept"})
    schema = first.execute("select sql from sqlite_master order by name").fetchall()
    first.conn.close()
    second = open_db(path)
    assert second.execute("select sql from sqlite_master order by name").fetchall() == schema
    assert [row["action"] for row in second["audit_log"].rows] == ["kept"]


def test_the_file_is_plain_sqlite_with_readable_columns(tmp_path, clock):
    path = tmp_path / "nudge.db"
    db = open_db(path)
    audit(db, "slack", "U1", "promo.add", "promotion 1", {"text": "10% off"}, at=clock())
    db.conn.close()
    raw = sqlite3.connect(path)
    assert raw.execute("select platform, user_id, action, details from audit_log").fetchall() == [
        ("slack", "U1", "promo.add", '{"text": "10% off"}')
    ]


def test_redelivered_messages_are_kept_once(tmp_path):
    db = open_db(tmp_path / "nudge.db")
    db["messages"].insert({"platform": "slack", "event_key": "Ev1", "text": "hi"})
    with pytest.raises(sqlite3.IntegrityError):
        db["messages"].insert({"platform": "slack", "event_key": "Ev1", "text": "hi"})
    assert db["messages"].count == 1


def test_the_loop_commits_without_waiting_for_the_disk_but_the_inbox_does(tmp_path):
    """Issue 26: a disk sync per write on the event loop; the inbox's write, which the
    platform's acknowledgement stands on, still waits for the disk (and flushes the rest)."""
    from bot.platforms.inbox import Inbox

    async def ignore(*args):
        return None

    path = tmp_path / "nudge.db"
    db = open_db(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    inbox = Inbox(str(path), "slack", handler=ignore, notify=ignore)
    assert inbox._db().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    inbox._close()
    db.conn.close()
