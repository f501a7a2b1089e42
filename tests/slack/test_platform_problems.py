"""Slack refusals only a person can fix are kept for the morning digest, as Discord's are.

A wrong channel id, an app that was never invited, a missing scope: the post fails (and says
so), and the next digest lists the problem until someone fixes it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Post
from bot.store.problems import platform_errors_since
from handlers.digest import build_digest
from tests.slack.conftest import CUSTOMERS, REVIEW, slack_config, start_nudge, stop_nudge


def recorded(nudge) -> list[tuple[str, str, str]]:
    since = datetime(2000, 1, 1, tzinfo=UTC)
    return [(p.platform, p.channel, p.problem) for p in platform_errors_since(nudge.db, since)]


async def test_a_post_to_a_missing_channel_is_recorded_and_listed_in_the_digest(nudge_http,
                                                                                  clock):
    nudge_http.fake.fail_next("chat.postMessage", "channel_not_found", times=2)
    for _ in range(2):
        with pytest.raises(DeliveryError) as refused:
            await nudge_http.app.publish(Post("slack", "C0GONE", "Fresh bread at 8!"))
        assert not refused.value.transient

    assert recorded(nudge_http) == [("slack", "C0GONE", "unknown_channel")]
    digest = build_digest(nudge_http.app.ctx, clock()).text
    assert "*Chat platform problems to fix (1)*" in digest
    assert "• slack: Slack has no channel C0GONE that Nudge can see" in digest
    assert "(2 times)" in digest


async def test_a_missing_scope_says_which_scope_to_add(nudge_http):
    nudge_http.fake.fail_next("chat.postMessage", "missing_scope", needed="chat:write")
    with pytest.raises(DeliveryError):
        await nudge_http.app.publish(Post("slack", CUSTOMERS, "Hello"))

    [problem] = platform_errors_since(nudge_http.db, datetime(2000, 1, 1, tzinfo=UTC))
    assert (problem.channel, problem.problem) == (CUSTOMERS, "missing_permissions")
    assert "chat:write" in problem.detail and "reinstall" in problem.detail


async def test_a_direct_message_slack_will_not_deliver_is_recorded_for_the_person(nudge_http):
    nudge_http.fake.fail_next("chat.postMessage", "user_not_found")
    with pytest.raises(DeliveryError):
        await nudge_http.app.publish(Post.direct("slack", "U0GONE", "Your reminder"))
    assert recorded(nudge_http) == [("slack", "@U0GONE", "direct_message_refused")]


async def test_passing_errors_and_bad_messages_are_not_problems_for_the_team(nudge_http):
    nudge_http.fake.fail_next("chat.postMessage", "internal_error")
    nudge_http.fake.fail_next("chat.postMessage", "msg_too_long")
    for _ in range(2):
        with pytest.raises(DeliveryError):
            await nudge_http.app.publish(Post("slack", CUSTOMERS, "Hello"))
    assert recorded(nudge_http) == []


async def test_a_refused_review_button_send_is_recorded_too(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    send = [b for b in review["blocks"] if b["type"] == "actions"][0]["elements"][0]
    nudge_http.fake.fail_next("chat.postMessage", "not_in_channel")
    await nudge_http.press("send", send["value"], review["ts"])
    await nudge_http.fake.wait_for("chat.update")
    assert recorded(nudge_http) == [("slack", CUSTOMERS, "not_in_channel")]


async def test_channels_nudge_cannot_use_are_recorded_at_start_up(tmp_path, fake_slack, clock):
    fake_slack.fail_next("conversations.info", "channel_not_found")  # C0CUSTOMERS, read first
    fake_slack.not_member.add(REVIEW)
    nudge = await start_nudge("http", slack_config(tmp_path, fake_slack), fake_slack, clock)
    try:
        assert recorded(nudge) == [("slack", CUSTOMERS, "unknown_channel"),
                                   ("slack", REVIEW, "not_in_channel")]
        digest = build_digest(nudge.app.ctx, clock()).text
        assert f"Nudge is not a member of channel {REVIEW}; invite it" in digest
    finally:
        await stop_nudge(nudge)


async def test_an_archived_channel_is_recorded_at_start_up(tmp_path, fake_slack, clock):
    fake_slack.archived.add(CUSTOMERS)
    nudge = await start_nudge("http", slack_config(tmp_path, fake_slack), fake_slack, clock)
    try:
        assert recorded(nudge) == [("slack", CUSTOMERS, "archived_channel")]
    finally:
        await stop_nudge(nudge)
