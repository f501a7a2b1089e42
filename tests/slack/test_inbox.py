"""The durable inbox: a customer message is on disk before Slack is told it was received.

A message acknowledged and then lost to a crash is handled at the next start; a message the
database refuses (disk full, locked) is not acknowledged, so Slack delivers it again, and the
team is told once.
"""

from __future__ import annotations

import json
import sqlite3

from bot.store import open_db
from tests import fake_slack as fake
from tests.slack.conftest import CUSTOMER, CUSTOMERS, REVIEW, slack_config, start_nudge, stop_nudge


def inbox_rows(nudge) -> list[tuple[str, str]]:
    return nudge.db.execute("select event_key, status from inbox order by id").fetchall()


async def test_a_customer_message_is_in_the_inbox_before_it_is_acknowledged(nudge):
    await nudge.review_of("can I order a cake for saturday?", ts="1790000000.000001")
    await nudge.settle()
    assert inbox_rows(nudge) == [(f"{CUSTOMERS}:1790000000.000001", "done")]


async def test_a_message_acknowledged_before_a_crash_is_handled_at_the_next_start(
        tmp_path, fake_slack, clock):
    config = slack_config(tmp_path, fake_slack)
    db = open_db(config.storage.path)
    body = fake.message_event("do you deliver to the harbour?", user=CUSTOMER,
                              channel=CUSTOMERS, ts="1790000000.000042")
    db.execute("insert into inbox (platform, event_key, body, received_at, status, attempts) "
               "values ('slack', ?, ?, '2026-11-23T09:59:00+00:00', 'new', 0)",
               [f"{CUSTOMERS}:1790000000.000042", json.dumps(body)])
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
    locker = sqlite3.connect(nudge_http.app.config.storage.path, isolation_level=None)
    locker.execute("begin exclusive")  # another process holding the database
    try:
        for body in bodies:
            status, _ = await nudge_http.post_signed(body, "application/json")
            assert status >= 500  # not acknowledged: Slack delivers it again
        told = (await nudge_http.fake.wait_for("chat.postMessage"))[0].args
        assert told["channel"] == REVIEW
        assert "cannot store customer messages" in str(told)
    finally:
        locker.execute("rollback")
        locker.close()
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
