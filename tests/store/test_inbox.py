"""The inbox table, as bot/store/inbox.py keeps it, on SQLite and on PostgreSQL alike.

A platform's message is kept (`new`) before the platform is told "received", handled, then
marked `done`, or `failed` after too many attempts. What is `new` is handed out again, oldest
first; what is `done` is forgotten after a while.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import backend, close
from bot.store import inbox as store

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BODY = {"type": "event_callback", "event": {"text": "do you deliver?", "ts": "1.000001"}}


def test_a_kept_message_waits_with_its_body_until_it_is_done(any_db):
    assert store.keep(any_db, "slack", "C1:1.000001", BODY, AT) is True

    [waiting] = store.waiting(any_db, "slack", AT)
    assert waiting == store.Waiting("C1:1.000001", BODY)  # the body reads back as it was sent

    store.mark(any_db, "slack", "C1:1.000001", store.DONE)
    assert store.waiting(any_db, "slack", AT) == []
    assert store.statuses(any_db) == [("C1:1.000001", "done")]


def test_a_redelivery_is_kept_once_and_does_not_reopen_a_handled_message(any_db):
    assert store.keep(any_db, "slack", "C1:1.000001", BODY, AT)
    store.mark(any_db, "slack", "C1:1.000001", store.DONE)

    assert store.keep(any_db, "slack", "C1:1.000001", {"other": "body"}, AT) is False
    assert store.statuses(any_db) == [("C1:1.000001", "done")]


def test_the_same_key_on_two_platforms_is_two_messages(any_db):
    store.keep(any_db, "slack", "42", {"from": "slack"}, AT)
    store.keep(any_db, "discord", "42", {"from": "discord"}, AT)

    assert [w.body for w in store.waiting(any_db, "discord", AT)] == [{"from": "discord"}]
    assert store.statuses(any_db, "slack") == [("42", "new")]


def test_waiting_messages_come_oldest_first_and_only_once_kept_long_enough(any_db):
    """The retry loop leaves alone what was kept a moment ago: its first handling is still
    under way."""
    store.keep(any_db, "slack", "b", {"n": 1}, AT)
    store.keep(any_db, "slack", "a", {"n": 2}, AT + timedelta(seconds=1))
    store.keep(any_db, "slack", "c", {"n": 3}, AT + timedelta(seconds=5))

    assert [w.key for w in store.waiting(any_db, "slack", AT + timedelta(seconds=1))] == [
        "b", "a"]


def test_messages_read_back_from_history_are_kept_all_together_in_order(any_db):
    store.keep(any_db, "slack", "C1:1.000002", {"live": True}, AT)  # kept live meanwhile
    store.keep_many(any_db, "slack", [("C1:1.000001", {"n": 1}), ("C1:1.000002", {"n": 2}),
                                      ("C1:1.000003", {"n": 3})], AT)

    assert [(w.key, w.body) for w in store.waiting(any_db, "slack", AT)] == [
        ("C1:1.000002", {"live": True}), ("C1:1.000001", {"n": 1}), ("C1:1.000003", {"n": 3})]


def test_each_failed_attempt_is_counted(any_db):
    store.keep(any_db, "slack", "k", BODY, AT)

    assert [store.count_attempt(any_db, "slack", "k") for _ in range(3)] == [1, 2, 3]
    assert store.count_attempt(any_db, "slack", "never kept") == 0
    store.mark(any_db, "slack", "k", store.FAILED)
    assert store.waiting(any_db, "slack", AT) == []  # failed: for a person to look at


def test_pruning_forgets_only_handled_messages_older_than_the_moment_given(any_db):
    for key, status in (("old-done", store.DONE), ("old-failed", store.FAILED),
                        ("old-new", None)):
        store.keep(any_db, "slack", key, BODY, AT)
        if status:
            store.mark(any_db, "slack", key, status)
    store.keep(any_db, "slack", "recent-done", BODY, AT + timedelta(days=3))
    store.mark(any_db, "slack", "recent-done", store.DONE)
    store.keep(any_db, "discord", "other-platform", BODY, AT)
    store.mark(any_db, "discord", "other-platform", store.DONE)

    assert store.prune(any_db, "slack", AT + timedelta(days=1)) == 1
    assert [key for key, _ in store.statuses(any_db)] == [
        "old-failed", "old-new", "recent-done", "other-platform"]


def test_the_inbox_connection_waits_for_the_disk_on_sqlite(tmp_path, any_db):
    """On SQLite the acknowledgement stands on this write: it is synced (FULL), and a lock is
    waited for briefly. On PostgreSQL a commit is durable already; locks are waited for as
    briefly (lock_timeout)."""
    if backend(any_db) == "sqlite":
        own = store.open_inbox(str(tmp_path / "nudge.db"), write_timeout_ms=150)
        assert own.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert own.execute("PRAGMA busy_timeout").fetchone()[0] == 150
        store.mark(own, "slack", "k", store.DONE)  # a mark does not wait for the disk...
        assert own.execute("PRAGMA synchronous").fetchone()[0] == 2  # ...and puts FULL back
    else:
        own = store.open_inbox(any_db.url, write_timeout_ms=150)
        assert own.execute("show lock_timeout").fetchone()[0] == "150ms"
    close(own)


@pytest.mark.parametrize("options", ["", "options=-c%20statement_timeout%3D5000"])
def test_a_postgresql_url_keeps_its_own_options(postgres_url, options):
    url = f"{postgres_url}{'&' if '?' in postgres_url else '?'}{options}" if options else (
        postgres_url)
    own = store.open_inbox(url, write_timeout_ms=150)
    try:
        assert own.execute("show lock_timeout").fetchone()[0] == "150ms"
        if options:
            assert own.execute("show statement_timeout").fetchone()[0] == "5s"
    finally:
        close(own)
