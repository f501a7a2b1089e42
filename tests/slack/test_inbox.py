"""The durable inbox: a customer message is on disk before Slack is told it was received.

A message acknowledged and then lost to a crash is handled at the next start; a message the
database refuses (disk full, locked) is still acknowledged, held in memory, written and handled
once the database accepts it, and the team is told once.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3

from bot.storage import open_db
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


async def test_messages_the_database_refuses_are_acknowledged_kept_and_written_later(
        nudge_http):
    locker = sqlite3.connect(nudge_http.app.config.storage.path, isolation_level=None)
    locker.execute("begin exclusive")  # another process holding the database
    try:
        for n in range(3):
            ack = await nudge_http.say(f"question number {n}", ts=f"1790000000.00010{n}")
            assert ack in ("", {})  # acknowledged all the same
        told = (await nudge_http.fake.wait_for("chat.postMessage"))[0].args
        assert told["channel"] == REVIEW
        assert "cannot store customer messages" in str(told)
        assert len(nudge_http.adapter.inbox.unsaved) == 3
    finally:
        locker.execute("rollback")
        locker.close()
    # Written by the retry loop, then handled: three reviews after the one warning.
    await nudge_http.fake.wait_for("chat.postMessage", 4)
    await nudge_http.settle()
    for _ in range(50):
        if len(inbox_rows(nudge_http)) == 3 and {s for _, s in inbox_rows(nudge_http)} == {"done"}:
            break
        await asyncio.sleep(0.05)
    texts = sorted(t for (t,) in nudge_http.db.execute("select text from messages"))
    assert texts == ["question number 0", "question number 1", "question number 2"]
    assert nudge_http.adapter.inbox.outages == 1
    assert not nudge_http.adapter.inbox.unsaved
    warnings = [c for c in nudge_http.fake.calls_to("chat.postMessage")
                if "cannot store" in str(c.args)]
    assert len(warnings) == 1
