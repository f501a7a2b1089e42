"""The fake Discord enforces Discord's rate limits, and Nudge (discord.py) keeps within them.

The buckets are checked on their own with a given clock (no test waits on a window); the 429's
body and headers on the wire; Nudge posting more than a bucket holds to one channel: every
post arrives, and the fake never had to refuse one, because discord.py reads the headers and
waits for the window to reset; and Nudge sending a bucket's requests one at a time, without
which discord.py's count drifts and Discord refuses some (bot/platforms/discord/pacing.py).
"""

from __future__ import annotations

import asyncio

import aiohttp

from bot.core.types import Post
from tests.discord_helpers import TOKEN, discord_config, running_nudge
from tests.fake_discord import API, FakeDiscord
from tests.fake_discord_limits import GLOBAL_LIMIT, RateLimits


def test_five_messages_per_five_seconds_per_channel():
    limits = RateLimits()
    answers = [limits.take("POST", "/channels/1/messages", now=100.0) for _ in range(6)]
    assert [body for body, _ in answers[:5]] == [None] * 5
    assert [h["X-RateLimit-Remaining"] for _, h in answers[:5]] == ["4", "3", "2", "1", "0"]
    body, headers = answers[5]
    assert body == {"message": "You are being rate limited.", "retry_after": 5.0,
                    "global": False}
    assert headers["X-RateLimit-Scope"] == "user" and headers["Retry-After"] == "5"
    assert headers["Via"] and headers["X-RateLimit-Bucket"] == "channel-messages"
    # Another channel has its own bucket; this one is open again once its window has passed.
    assert limits.take("POST", "/channels/2/messages", now=101.0)[0] is None
    assert limits.take("POST", "/channels/1/messages", now=104.0)[0]["retry_after"] == 1.0
    assert limits.take("POST", "/channels/1/messages", now=105.0)[0] is None
    assert limits.refused == {"user": 2}


def test_fifty_requests_per_second_in_all_but_interactions_are_exempt():
    limits = RateLimits()
    for n in range(GLOBAL_LIMIT):
        assert limits.take("POST", f"/channels/{n}/messages", now=10.0)[0] is None
    body, headers = limits.take("GET", "/users/@me", now=10.5)
    assert body["global"] is True and headers["X-RateLimit-Global"] == "true"
    assert headers["X-RateLimit-Scope"] == "global"
    # Interaction callbacks and their webhooks are not bound by the global limit.
    assert limits.take("POST", "/interactions/7/token-7/callback", now=10.5)[0] is None
    assert limits.take("POST", "/webhooks/1/token-7", now=10.5)[0] is None
    assert limits.take("PATCH", "/webhooks/1/token-7/messages/@original", now=10.5)[0] is None
    assert limits.take("GET", "/users/@me", now=11.0)[0] is None


def test_an_interaction_webhook_takes_five_requests_per_two_seconds():
    limits = RateLimits()
    for _ in range(5):
        assert limits.take("POST", "/webhooks/1/token-9", now=0.0)[0] is None
    assert limits.take("POST", "/webhooks/1/token-9", now=1.0)[0]["retry_after"] == 1.0
    assert limits.take("POST", "/webhooks/1/token-10", now=1.0)[0] is None


async def test_the_sixth_message_in_five_seconds_gets_discords_429_on_the_wire():
    async with FakeDiscord() as fake, aiohttp.ClientSession() as session:
        statuses = []
        for _ in range(6):
            async with session.post(f"{fake.url}{API}/channels/{fake.team}/messages",
                                    json={"content": "hi"},
                                    headers={"Authorization": f"Bot {TOKEN}"}) as response:
                statuses.append(response.status)
                body, headers = await response.json(), response.headers
        assert statuses == [200] * 5 + [429]
        assert body["message"] == "You are being rate limited." and body["global"] is False
        assert 0 < body["retry_after"] <= 5
        assert headers["X-RateLimit-Remaining"] == "0" and headers["Via"]
        assert len([m for m in fake.messages.values()
                    if m["channel_id"] == str(fake.team)]) == 5


async def test_nudge_posting_more_than_a_bucket_holds_waits_instead_of_being_refused(
        tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake),
                                                    clock) as nudge:
        mark = len(fake.calls)
        for n in range(7):
            await nudge.app.publish(Post("discord", str(fake.general), f"News {n}"))
        posted = fake.calls_to("POST", rf"/channels/{fake.general}/messages", mark)
    assert [c.body["content"] for c in posted] == [f"News {n}" for n in range(7)]
    assert [c.status for c in posted] == [200] * 7
    assert fake.limits.refused == {}


def test_a_time_scale_shortens_the_windows_but_keeps_the_counts():
    limits = RateLimits(time_scale=0.1)
    for _ in range(5):
        assert limits.take("POST", "/channels/1/messages", now=0.0)[0] is None
    body, headers = limits.take("POST", "/channels/1/messages", now=0.0)
    assert body["retry_after"] == 0.5 and headers["X-RateLimit-Reset-After"] == "0.500"
    assert limits.take("POST", "/channels/1/messages", now=0.5)[0] is None


async def test_nudge_sends_one_request_at_a_time_per_channel(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake),
                                                    clock) as nudge:
        fake.latency = 0.05  # a network's round trip: requests sent together overlap
        mark = len(fake.calls)
        await asyncio.gather(*(nudge.app.publish(Post("discord", str(fake.general), f"News {n}"))
                               for n in range(5)))
        posted = fake.calls_to("POST", rf"/channels/{fake.general}/messages", mark)
    assert sorted(c.body["content"] for c in posted) == [f"News {n}" for n in range(5)]
    assert [c.status for c in posted] == [200] * 5
    assert fake.most_in_flight[f"POST {API}/channels/{fake.general}/messages"] == 1
