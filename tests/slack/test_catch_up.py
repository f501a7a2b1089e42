"""Slack drops an event it could not deliver for about five minutes: what customers wrote
while Nudge was stopped longer is read back from the channels' history at the next start."""

from __future__ import annotations

import asyncio

from tests.slack.conftest import CUSTOMER, CUSTOMERS, slack_config, start_nudge, stop_nudge

FIRST = "1790000000.000001"


def stored(nudge) -> list[tuple[str, str]]:
    return nudge.db.execute(
        "select m.text, c.thread from messages m join conversations c "
        "on c.id = m.conversation_id order by m.event_key").fetchall()


async def started_again(tmp_path, fake_slack, clock):
    nudge = await start_nudge("http", slack_config(tmp_path, fake_slack), fake_slack, clock)
    await asyncio.wait_for(asyncio.shield(nudge.adapter.catching_up), 30)
    await nudge.settle()
    return nudge


async def test_messages_written_while_nudge_was_stopped_are_handled_at_the_next_start(
        tmp_path, fake_slack, clock):
    nudge = await started_again(tmp_path, fake_slack, clock)
    await nudge.review_of("Hi, do you sell gift cards?", ts=FIRST)
    await stop_nudge(nudge)

    # Nudge is stopped: Slack keeps these in the channel, and no event reaches anyone.
    fake_slack.written(CUSTOMERS, "And can I pay by card?", user=CUSTOMER,
                       ts="1790000500.000100", thread_ts=FIRST)
    fake_slack.written(CUSTOMERS, "Are you open on Sunday?", user="U0OTHER",
                       ts="1790000600.000100")
    fake_slack.written(CUSTOMERS, "Sunday morning, I mean", user="U0OTHER",
                       ts="1790000700.000100", thread_ts="1790000600.000100")
    reviews_before = len(fake_slack.calls_to("chat.postMessage"))

    nudge = await started_again(tmp_path, fake_slack, clock)
    try:
        assert stored(nudge) == [
            ("Hi, do you sell gift cards?", FIRST),
            ("And can I pay by card?", FIRST),
            ("Are you open on Sunday?", "1790000600.000100"),
            ("Sunday morning, I mean", "1790000600.000100"),
        ]
        reviews = fake_slack.calls_to("chat.postMessage")[reviews_before:]
        assert len(reviews) == 3 and all(c.args["channel"] == "C0REVIEW" for c in reviews)
        reads = fake_slack.calls_to("conversations.history") + \
            fake_slack.calls_to("conversations.replies")
        assert reads and all(int(c.args["limit"]) <= 999 for c in reads)
    finally:
        await stop_nudge(nudge)

    # A third start finds nothing new: nothing is handled twice.
    nudge = await started_again(tmp_path, fake_slack, clock)
    try:
        assert len(stored(nudge)) == 4
        assert len(fake_slack.calls_to("chat.postMessage")) == reviews_before + 3
    finally:
        await stop_nudge(nudge)


async def test_a_first_start_does_not_review_the_past(tmp_path, fake_slack, clock):
    fake_slack.written(CUSTOMERS, "An old question", user=CUSTOMER, ts="1780000000.000100")
    nudge = await started_again(tmp_path, fake_slack, clock)
    try:
        assert stored(nudge) == []
        assert fake_slack.calls_to("conversations.history") == []
    finally:
        await stop_nudge(nudge)


async def test_a_channel_nudge_was_removed_from_is_reported_not_fatal(
        tmp_path, fake_slack, clock):
    nudge = await started_again(tmp_path, fake_slack, clock)
    await nudge.review_of("Hi, do you sell gift cards?", ts=FIRST)
    await stop_nudge(nudge)
    fake_slack.leave(CUSTOMERS)

    nudge = await started_again(tmp_path, fake_slack, clock)
    try:
        [refused] = [c for c in fake_slack.calls if c.method == "conversations.history"]
        assert refused.response == {"ok": False, "error": "not_in_channel"}
        problems = nudge.db.execute("select problem from platform_errors").fetchall()
        assert ("not_in_channel",) in problems
    finally:
        await stop_nudge(nudge)


async def test_three_hundred_missed_messages_are_all_handled_oldest_first(
        tmp_path, fake_slack, clock):
    nudge = await started_again(tmp_path, fake_slack, clock)
    await nudge.review_of("Hi, do you sell gift cards?", ts=FIRST)
    await stop_nudge(nudge)
    missed = [f"{1790001000 + n}.000100" for n in range(300)]
    for n, ts in enumerate(missed):
        fake_slack.written(CUSTOMERS, f"question number {n}: do you have oat milk?",
                           user=CUSTOMER, ts=ts)
    reviews_before = len(fake_slack.calls_to("chat.postMessage"))

    nudge = await start_nudge("http", slack_config(tmp_path, fake_slack), fake_slack, clock)
    try:
        # 300 suggestions, one after the other, take a while on a busy machine.
        await asyncio.wait_for(asyncio.shield(nudge.adapter.catching_up), 600)
        await nudge.settle()
        handled = [key.partition(":")[2] for (key,) in nudge.db.execute(
            "select event_key from messages order by id")]
        assert handled == [FIRST, *missed]  # every one, the oldest first
        reviews = fake_slack.calls_to("chat.postMessage")[reviews_before:]
        assert len(reviews) == 300
        assert nudge.db.execute("select count(*) from inbox where status != 'done'"
                                ).fetchone()[0] == 0
    finally:
        await stop_nudge(nudge)


async def test_a_stop_during_the_catch_up_goes_on_from_there_at_the_next_start(
        tmp_path, fake_slack, clock):
    """A live message stored during the catch-up is newer than every missed one: the next
    start must still handle the missed ones left, not read only after the live one."""
    nudge = await started_again(tmp_path, fake_slack, clock)
    await nudge.review_of("Hi, do you sell gift cards?", ts=FIRST)
    await stop_nudge(nudge)
    missed = [f"{1790001000 + n}.000100" for n in range(120)]
    for n, ts in enumerate(missed):
        fake_slack.written(CUSTOMERS, f"question number {n}: do you have oat milk?",
                           user=CUSTOMER, ts=ts)

    config = slack_config(tmp_path, fake_slack)
    nudge = await start_nudge("http", config, fake_slack, clock)
    while nudge.db.execute("select count(*) from messages").fetchone()[0] < 20:
        await asyncio.sleep(0.05)
    await nudge.say("a live question, written now", ts="1790009000.000100")
    await stop_nudge(nudge)  # the catch-up is cut short

    nudge = await start_nudge("http", config, fake_slack, clock)
    try:
        await asyncio.wait_for(asyncio.shield(nudge.adapter.catching_up), 600)
        for _ in range(600):
            done = nudge.db.execute("select count(*) from inbox where status = 'new'"
                                    ).fetchone()[0] == 0
            if done:
                break
            await nudge.settle()
        nudge_count = nudge.db.execute(
            "select count(*) from messages m where exists (select 1 from suggestions s "
            "where s.message_id = m.id and s.review_ref is not null)").fetchone()[0]
        assert nudge_count == 1 + 120 + 1  # every one reviewed, none twice stored
        assert nudge.db.execute("select count(*) from messages").fetchone()[0] == 122
    finally:
        await stop_nudge(nudge)
