"""Discord never redelivers a message: what customers wrote while Nudge was away is read back
from the channel's history at the next connection, and handled once."""

from __future__ import annotations

import asyncio

from tests.discord_helpers import discord_config, running_nudge
from tests.fake_discord import FakeDiscord
from tests.fake_discord_limits import RateLimits


def review_count(fake: FakeDiscord) -> int:
    return sum(1 for m in fake.messages.values()
               if m["channel_id"] == str(fake.team) and m["embeds"])


def stored(nudge) -> list[str]:
    return [row[0] for row in nudge.db.execute(
        "select text from messages where platform = 'discord' order by id")]


async def caught_up(nudge) -> None:
    await asyncio.wait_for(asyncio.shield(nudge.adapter.catching_up), 30)


async def test_messages_written_while_nudge_was_away_are_handled_at_the_next_start(
        tmp_path, clock):
    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake)
        async with running_nudge(config, clock) as nudge:
            await fake.say(fake.carol, fake.customers, "Hi! Do you sell gift cards?")
            await fake.wait_for(lambda: review_count(fake) == 1)
        # Nudge is stopped: nobody receives these on the Gateway.
        await fake.say(fake.carol, fake.customers, "How much is the pastry box?")
        await fake.say(fake.alice, fake.customers, "Hi Carol, it's 24 euros.")
        await fake.say(fake.carol, fake.customers, "!nudge digest")
        await fake.say(fake.carol, fake.customers, "Are you open on Sunday?")

        async with running_nudge(config, clock) as nudge:
            await caught_up(nudge)
            await fake.wait_for(lambda: review_count(fake) == 3)
            assert stored(nudge) == ["Hi! Do you sell gift cards?",
                                     "How much is the pastry box?", "Hi Carol, it's 24 euros.",
                                     "Are you open on Sunday?"]
            # Alice's answer counts as the team's (her roles were looked up), not a customer's.
            roles = nudge.db.execute(
                "select author_role from messages where text like 'Hi Carol%'").fetchone()
            assert roles == ("team",)
            history = fake.calls_to("GET", rf"/channels/{fake.customers}/messages")
            assert history and all(int(c.query["limit"]) <= 100 for c in history)

        # A third start finds nothing new: nothing is handled twice.
        async with running_nudge(config, clock) as nudge:
            await caught_up(nudge)
            assert len(stored(nudge)) == 4
            assert review_count(fake) == 3


async def test_a_first_start_does_not_review_the_past(tmp_path, clock):
    async with FakeDiscord() as fake:
        await fake.say(fake.carol, fake.customers, "Old question from last year")
        async with running_nudge(discord_config(tmp_path, fake), clock) as nudge:
            await caught_up(nudge)
            assert stored(nudge) == []
            assert fake.calls_to("GET", rf"/channels/{fake.customers}/messages") == []


async def test_a_long_outage_is_read_back_whole_oldest_first(tmp_path, clock):
    # 250 reviews take Discord 250 s to accept (5 per 5 s in a channel): windows 50 times
    # shorter here, since what is tested is that none is missed.
    async with FakeDiscord(limits=RateLimits(time_scale=0.02)) as fake:
        config = discord_config(tmp_path, fake)
        async with running_nudge(config, clock):
            await fake.say(fake.carol, fake.customers, "Hi! Do you sell gift cards?")
            await fake.wait_for(lambda: review_count(fake) == 1)
        for n in range(250):
            await fake.say(fake.carol, fake.customers, f"question {n}: do you have oat milk?")

        async with running_nudge(config, clock) as nudge:
            await asyncio.wait_for(asyncio.shield(nudge.adapter.catching_up), 600)
            texts = stored(nudge)
            assert texts[1:] == [f"question {n}: do you have oat milk?" for n in range(250)]
