"""A customer message is done only once its review is shown (or it was deliberately skipped).

A process killed between storing a message and showing its review leaves the inbox row `new`
and the message stored; the next start must finish the work (suggest, show), not find the
message stored and skip it. The states below are made by the real functions the killed
process had run.
"""

from __future__ import annotations

import asyncio
import json

from bot.app import Application
from bot.core.types import Request
from bot.platforms.slack.listeners import events
from handlers import conversation
from tests import fake_slack as fake
from tests.slack.conftest import (
    CUSTOMER,
    CUSTOMERS,
    REVIEW,
    TEAM_MEMBER,
    slack_config,
    slack_secrets,
    start_nudge,
    stop_nudge,
)

TS = "1790000000.000042"
KEY = f"{CUSTOMERS}:{TS}"


def killed_after(config, clock, step: str, text: str, user: str = CUSTOMER,
                 role: str = "customer") -> None:
    """Leave the database as a process killed right after `step` leaves it: the inbox row is
    `new`; "stored": the message is stored; "suggested": its suggestions are stored too."""
    app = Application(config, slack_secrets("http"), clock=clock)
    body = fake.message_event(text, user=user, channel=CUSTOMERS, ts=TS)
    app.db.execute("insert into inbox (platform, event_key, body, received_at, status, "
                   "attempts) values ('slack', ?, ?, '2026-11-23T09:59:00+00:00', 'new', 0)",
                   [KEY, json.dumps(body)])
    request = Request(platform="slack", text=text, user=user, channel=CUSTOMERS,
                      workspace=fake.TEAM_ID, thread=TS, message_id=KEY, role=role)
    recorded = conversation.record_message(request, app.ctx)
    if step == "suggested":
        result = app.ctx.engine.suggest(text, platform="slack", now=app.ctx.now(),
                                        state=conversation.thread_state(app.ctx, recorded))
        conversation.store_suggestions(app.ctx, recorded, result)
    app.db.conn.close()


def reviews(fake_slack) -> list[dict]:
    return [c.args for c in fake_slack.calls_to("chat.postMessage")
            if c.args.get("channel") == REVIEW and "blocks" in c.args]


async def restarted(tmp_path, fake_slack, clock, step: str, **said):
    config = slack_config(tmp_path, fake_slack)
    fake_slack.written(CUSTOMERS, "do you deliver to the harbour?",
                       user=said.get("user", CUSTOMER), ts=TS)
    killed_after(config, clock, step, "do you deliver to the harbour?", **said)
    nudge = await start_nudge("http", config, fake_slack, clock)
    # Until the inbox is empty (at most about 30 s: the retry loop's rounds come every 0.1 s,
    # and on a busy machine the first may start only after many quick polls).
    for _ in range(300):
        if nudge.db.execute("select count(*) from inbox where status = 'new'").fetchone()[0] \
                == 0:
            break
        await nudge.adapter.inbox.finish(1)
        await nudge.settle()
        await asyncio.sleep(0.1)
    return nudge


async def test_a_message_stored_but_not_suggested_is_reviewed_at_the_next_start(
        tmp_path, fake_slack, clock):
    nudge = await restarted(tmp_path, fake_slack, clock, "stored")
    try:
        assert len(reviews(fake_slack)) == 1
        assert nudge.db.execute("select count(*) from messages").fetchone()[0] == 1
        assert nudge.db.execute("select status from inbox").fetchall() == [("done",)]
        assert nudge.db.execute("select count(*) from suggestions where review_ref is not null"
                                ).fetchone()[0] > 0
    finally:
        await stop_nudge(nudge)


async def test_a_message_suggested_but_not_shown_is_reviewed_once_at_the_next_start(
        tmp_path, fake_slack, clock):
    nudge = await restarted(tmp_path, fake_slack, clock, "suggested")
    try:
        assert len(reviews(fake_slack)) == 1
        # The stored suggestions are shown, not drawn a second time.
        ranks = nudge.db.execute("select rank from suggestions order by id").fetchall()
        assert len(ranks) == len(set(ranks))
        assert nudge.db.execute("select status from inbox").fetchall() == [("done",)]
    finally:
        await stop_nudge(nudge)
    # A further start shows nothing again.
    nudge = await start_nudge("http", slack_config(tmp_path, fake_slack), fake_slack, clock)
    try:
        await nudge.adapter.inbox.retry_once()
        await nudge.adapter.inbox.finish(5)
        await nudge.settle()
        assert len(reviews(fake_slack)) == 1
    finally:
        await stop_nudge(nudge)


async def test_a_team_members_message_stays_deliberately_unreviewed(
        tmp_path, fake_slack, clock):
    nudge = await restarted(tmp_path, fake_slack, clock, "stored", user=TEAM_MEMBER,
                            role="team")
    try:
        assert reviews(fake_slack) == []
        assert nudge.db.execute("select status from inbox").fetchall() == [("done",)]
    finally:
        await stop_nudge(nudge)


async def test_a_message_brought_twice_at_once_is_reviewed_once(nudge_http):
    """The inbox's replay and the catch-up can bring the same message at the same moment:
    the second must not find it stored without suggestions and draw a second review."""
    event = fake.message_event("can I order a cake for saturday?", user=CUSTOMER,
                               channel=CUSTOMERS, ts=TS)["event"]
    await asyncio.gather(*(events.handle_message(nudge_http.adapter, event, fake.TEAM_ID)
                           for _ in range(2)))
    await nudge_http.settle()
    assert len(reviews(nudge_http.fake)) == 1
    assert nudge_http.db.execute("select count(distinct rank) = count(*) from suggestions"
                                 ).fetchone()[0] == 1
