"""The durable inbox: a customer message is on disk before Slack is told it was received.

A message acknowledged and then lost to a crash is handled at the next start; a message the
database refuses (disk full, locked) is not acknowledged, so Slack delivers it again, and the
team is told once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg

from bot.config import database_target
from bot.store import inbox as inbox_store
from bot.store import is_postgres, open_db
from tests import fake_slack as fake
from tests.slack.conftest import CUSTOMER, CUSTOMERS, REVIEW, slack_config, start_nudge, stop_nudge


def inbox_rows(nudge) -> list[tuple[str, str]]:
    return inbox_store.statuses(nudge.db)


@contextmanager
def another_process_holding_the_database(target: str) -> Iterator[None]:
    """Writes to the inbox wait for a lock another program holds (SQLite: the whole file;
    PostgreSQL: the table), past the inbox's short wait."""
    if is_postgres(target):
        with psycopg.connect(target) as locker:
            locker.execute("lock table inbox in exclusive mode")  # reads still go through
            yield
            locker.rollback()
        return
    locker = sqlite3.connect(target, isolation_level=None)
    locker.execute("begin exclusive")
    try:
        yield
    finally:
        locker.execute("rollback")
        locker.close()


async def test_a_customer_message_is_in_the_inbox_before_it_is_acknowledged(nudge):
    await nudge.review_of("can I order a cake for saturday?", ts="1790000000.000001")
    await nudge.settle()
    assert inbox_rows(nudge) == [(f"{CUSTOMERS}:1790000000.000001", "done")]


async def test_a_message_acknowledged_before_a_crash_is_handled_at_the_next_start(
        tmp_path, fake_slack, clock):
    config = slack_config(tmp_path, fake_slack)
    db = open_db(database_target(config))
    body = fake.message_event("do you deliver to the harbour?", user=CUSTOMER,
                              channel=CUSTOMERS, ts="1790000000.000042")
    inbox_store.keep(db, "slack", f"{CUSTOMERS}:1790000000.000042", body,
                     datetime(2026, 11, 23, 9, 59, tzinfo=UTC))
    db.conn.close()
    nudge = await start_nudge("http", config, fake_slack, clock)
    try:
        review = (await fake_slack.wait_for("chat.postMessage"))[0].args
        assert review["channel"] == REVIEW
        await nudge.settle()
        stored = nudge.db.execute("select text from messages").fetchall()
        assert stored == [("do you deliver to the harbour?",)]
        assert inbox_rows(nudge) == [(f"{CUSTOMERS}:1790000000.000042", "done")]
    finally:
        await stop_nudge(nudge)


async def test_messages_the_database_refuses_are_not_acknowledged_and_kept_on_retry(
        nudge_http):
    """Nothing is held in memory only: a message the disk refuses gets an error, and Slack's
    retry of it (same event id) is kept once the database accepts it."""
    bodies = [json.dumps(fake.message_event(f"question number {n}", user=CUSTOMER,
                                            channel=CUSTOMERS, ts=f"1790000000.00010{n}",
                                            event_id=f"EvRefused{n}")) for n in range(3)]
    with another_process_holding_the_database(database_target(nudge_http.app.config)):
        for body in bodies:
            status, _ = await nudge_http.post_signed(body, "application/json")
            assert status >= 500  # not acknowledged: Slack delivers it again
        told = (await nudge_http.fake.wait_for("chat.postMessage"))[0].args
        assert told["channel"] == REVIEW
        assert "cannot store customer messages" in str(told)
    assert inbox_rows(nudge_http) == []  # nothing was stored, so nothing was acknowledged
    for body in bodies:  # Slack's first retry
        status, _ = await nudge_http.post_signed(body, "application/json", retry_num=1)
        assert status == 200
    await nudge_http.fake.wait_for("chat.postMessage", 4)
    await nudge_http.settle()
    texts = sorted(t for (t,) in nudge_http.db.execute("select text from messages"))
    assert texts == ["question number 0", "question number 1", "question number 2"]
    assert {status for _, status in inbox_rows(nudge_http)} == {"done"}
    assert nudge_http.adapter.inbox.outages == 1
    warnings = [c for c in nudge_http.fake.calls_to("chat.postMessage")
                if "cannot store" in str(c.args)]
    assert len(warnings) == 1
