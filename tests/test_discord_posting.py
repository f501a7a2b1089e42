"""What Nudge publishes on Discord, and how it copes when Discord says no."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import plan_platforms
from bot.core.errors import DeliveryError, StartupError
from bot.core.types import Post, Reply
from bot.store.problems import platform_errors_since
from tests.conftest import example_config
from tests.discord_helpers import discord_config, discord_secrets, pings_nobody, running_nudge
from tests.fake_discord import FakeDiscord


def recorded_problems(db):
    return platform_errors_since(db, datetime(2000, 1, 1, tzinfo=UTC))


PROMOTION = "@everyone Autumn box: 10% off your first box this week! <@&1> @here"


async def test_a_promotion_with_everyone_in_its_text_pings_nobody(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        message_id = await nudge.app.publish(Post("discord", str(fake.general), PROMOTION))

        [posted] = fake.calls_to("POST", rf"/channels/{fake.general}/messages")
        assert posted.body["content"] == PROMOTION
        assert pings_nobody(posted.body)
        assert "message_reference" not in posted.body
        assert message_id in {str(m) for m in fake.messages}


async def test_mentions_ping_only_when_the_config_allows_them(tmp_path, clock):
    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake, allow_mentions=True)
        async with running_nudge(config, clock) as nudge:
            await nudge.app.publish(Post("discord", str(fake.general), PROMOTION))

        [posted] = fake.calls_to("POST", rf"/channels/{fake.general}/messages")
        assert sorted(posted.body["allowed_mentions"]["parse"]) == ["everyone", "roles", "users"]


async def test_posts_go_to_a_channel_named_by_name_and_long_ones_are_split(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        text = "\n".join(f"Line {n}: fresh bread, warm croissants and more." for n in range(90))

        await nudge.app.publish(Post("discord", "#General", text))

        posted = fake.calls_to("POST", rf"/channels/{fake.general}/messages")
        assert len(posted) == 3
        assert all(len(call.body["content"]) <= 2000 for call in posted)
        assert "\n".join(call.body["content"] for call in posted) == text


async def test_a_missing_permission_is_permanent_logged_and_kept_for_the_digest(
        tmp_path, clock, caplog):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        fake.fail("POST", rf"/channels/{fake.locked}/messages", 403,
                  {"message": "Missing Permissions", "code": 50013})

        with pytest.raises(DeliveryError) as refused:
            await nudge.app.publish(Post("discord", str(fake.locked), "Fresh bread at 8!"))

        assert refused.value.transient is False
        assert "missing Send Messages" in str(refused.value)
        assert f"channel {fake.locked}" in caplog.text and "Send Messages" in caplog.text
        [problem] = recorded_problems(nudge.db)
        assert (problem.platform, problem.channel, problem.problem) == (
            "discord", str(fake.locked), "missing_permissions")
        assert problem.detail == (
            f"could not post in #announcements ({fake.locked}): missing Send Messages")

        # The client carries on: the next customer still gets a suggestion.
        await fake.say(fake.carol, fake.customers, "Do you have gluten-free bread?")
        await fake.wait_for_call("POST", rf"/channels/{fake.team}/messages")


async def test_an_unknown_channel_is_permanent_and_recorded(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        gone = "1299999999999999999"
        fake.fail("POST", rf"/channels/{gone}/messages", 404,
                  {"message": "Unknown Channel", "code": 10003})

        with pytest.raises(DeliveryError) as refused:
            await nudge.app.publish(Post("discord", gone, "Hello"))
        with pytest.raises(DeliveryError) as unnamed:
            await nudge.app.publish(Post("discord", "#no-such-channel", "Hello"))

        assert refused.value.transient is False and unnamed.value.transient is False
        assert {(p.channel, p.problem) for p in recorded_problems(nudge.db)} == {
            (gone, "unknown_channel"), ("#no-such-channel", "unknown_channel")}


async def test_rate_limits_and_discord_outages_are_transient(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        fake.fail("POST", rf"/channels/{fake.general}/messages", 429,
                  {"message": "You are being rate limited.", "retry_after": 120.0,
                   "global": False}, headers={"Via": "1.1 google"}, times=1)
        fake.fail("POST", rf"/channels/{fake.general}/messages", 503,
                  {"message": "Service Unavailable"}, times=1)

        with pytest.raises(DeliveryError) as limited:
            await nudge.app.publish(Post("discord", str(fake.general), "Hello"))
        with pytest.raises(DeliveryError) as down:
            await nudge.app.publish(Post("discord", str(fake.general), "Hello"))
        await nudge.app.publish(Post("discord", str(fake.general), "Hello"))

        assert limited.value.transient and "rate limited" in str(limited.value)
        assert down.value.transient and "503" in str(down.value)
        assert recorded_problems(nudge.db) == []


async def test_channels_nudge_cannot_use_are_reported_at_start(tmp_path, clock):
    async with FakeDiscord() as fake:
        missing = 1299999999999999998
        config = discord_config(tmp_path, fake, listen_channels=[fake.customers, missing],
                                review_channel=fake.locked)
        async with running_nudge(config, clock) as nudge:
            problems = {(p.channel, p.problem): p.detail
                        for p in recorded_problems(nudge.db)}

    assert set(problems) == {(str(missing), "unknown_channel"),
                             (str(fake.locked), "missing_permissions")}
    assert "platforms.discord.listen_channels" in problems[(str(missing), "unknown_channel")]
    assert problems[(str(fake.locked), "missing_permissions")] == (
        "platforms.discord.review_channel: Nudge lacks Send Messages, Embed Links, Attach Files "
        "in #announcements")


async def test_the_review_channel_gets_embeds_for_any_team_notice(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        await nudge.app.notify_team(Reply("Good morning! 2 customers are waiting."), "discord")

        [shown] = fake.calls_to("POST", rf"/channels/{fake.team}/messages")
        assert shown.body["embeds"][0]["description"] == "Good morning! 2 customers are waiting."
        assert "components" not in shown.body or shown.body["components"] == []
        assert pings_nobody(shown.body)


async def test_a_missing_message_content_intent_stops_start_up_with_instructions(
        tmp_path, clock):
    async with FakeDiscord(message_content_enabled=False) as fake:
        with pytest.raises(StartupError) as refused:
            async with running_nudge(discord_config(tmp_path, fake), clock):
                pass

    assert "Message Content intent" in str(refused.value)
    assert "Bot > Privileged Gateway Intents" in str(refused.value)
    assert "MESSAGE CONTENT INTENT" in str(refused.value)
    assert fake.identify["intents"] & (1 << 15)


async def test_a_refused_token_stops_start_up_with_what_to_do(tmp_path, clock):
    async with FakeDiscord() as fake:
        fake.fail("GET", r"/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
        with pytest.raises(StartupError) as refused:
            async with running_nudge(discord_config(tmp_path, fake), clock):
                pass

    assert "DISCORD_TOKEN" in str(refused.value) and "Reset Token" in str(refused.value)


def test_check_says_discord_needs_the_message_content_intent(tmp_path):
    config = example_config(tmp_path)
    [plan] = [p for p in plan_platforms(config, discord_secrets()) if p.name == "discord"]
    assert plan.start
    assert "Message Content intent" in plan.reason and "Developer Portal" in plan.reason


async def test_a_direct_message_opens_a_dm_and_pings_nobody(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        await nudge.app.publish(Post.direct("discord", str(fake.alice.id),
                                            "Reminder: call the flour supplier @everyone"))

        [opened] = fake.calls_to("POST", r"/users/@me/channels$")
        assert opened.body["recipient_id"] in (fake.alice.id, str(fake.alice.id))
        [sent] = fake.calls_to("POST", rf"/channels/{fake.dms[fake.alice.id]}/messages")
        assert sent.body["content"] == "Reminder: call the flour supplier @everyone"
        assert pings_nobody(sent.body)


async def test_a_refused_direct_message_is_permanent_and_recorded(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        fake.fail("POST", r"/channels/\d+/messages", 403,
                  {"message": "Cannot send messages to this user", "code": 50007}, times=1)

        with pytest.raises(DeliveryError) as refused:
            await nudge.app.publish(Post.direct("discord", str(fake.carol.id), "Hello"))

        assert not refused.value.transient
        assert "does not accept direct messages" in str(refused.value)
        [problem] = recorded_problems(nudge.db)
        assert (problem.channel, problem.problem) == (f"@{fake.carol.id}",
                                                      "direct_message_refused")


async def test_a_long_post_refused_after_its_first_part_is_not_retried_and_resumes(
        tmp_path, clock):
    """Discord took the first part and then failed for a passing reason: a retry would post
    the first part twice, so the error is lasting and says how many went out; a post that
    skips them sends only the rest."""
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        text = "\n".join(f"Line {n}: fresh bread, warm croissants and more." for n in range(90))
        fake.fail("POST", rf"/channels/{fake.general}/messages", 503,
                  {"message": "Service Unavailable"}, times=1, after=1)
        with pytest.raises(DeliveryError) as refused:
            await nudge.app.publish(Post("discord", str(fake.general), text))
        assert (refused.value.transient, refused.value.parts_sent) == (False, 1)
        posted = fake.calls_to("POST", rf"/channels/{fake.general}/messages")
        assert len(posted) == 2  # the first part, and the refused second

        await nudge.app.publish(Post("discord", str(fake.general), text, skip_parts=1))
        posted = fake.calls_to("POST", rf"/channels/{fake.general}/messages")
        contents = [call.body["content"] for call in posted]
        assert len(contents) == 4 and contents[2] == contents[1]  # the refused one, again
        assert "\n".join([contents[0], *contents[2:]]) == text
