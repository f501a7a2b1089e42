"""`/nudge ...` app commands and the `!nudge` prefix on Discord, from the one handler registry."""

from __future__ import annotations

from handlers.registry import COMMANDS
from tests.discord_helpers import discord_config, pings_nobody, running_nudge, settled
from tests.fake_discord import EPHEMERAL, FakeDiscord


async def test_nudge_commands_are_generated_from_the_registry_and_synced_to_the_guild(
        tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        synced = fake.calls_to(
            "PUT", rf"/applications/{fake.application_id}/guilds/{fake.guild_id}/commands")

        assert len(synced) == 1
        [group] = synced[0].body
        assert group["name"] == "nudge"
        subcommands = {option["name"]: option for option in group["options"]}
        assert list(subcommands) == [command.name for command in COMMANDS]
        for command in COMMANDS:
            sub = subcommands[command.name]
            assert sub["description"] == command.summary[:100]
            [text] = sub["options"]
            assert text["name"] == "text" and text["type"] == 3 and not text["required"]
            expected = command.usage.removeprefix(f"/nudge {command.name}").strip() or "none"
            assert text["description"].startswith("Arguments: ")
            assert text["description"].removesuffix("…")[11:] in expected
        assert not fake.calls_to("PUT", rf"/applications/{fake.application_id}/commands")


async def test_slash_nudge_help_is_deferred_at_once_then_answered_privately(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        mark = len(fake.calls)
        ran = await fake.slash(fake.alice, fake.team, "help")

        callback = await fake.wait_for_call("POST", rf"/interactions/{ran.id}/", mark)
        assert callback.body["type"] == 5  # "Nudge is thinking…", inside Discord's 3 seconds
        assert callback.body["data"]["flags"] & EPHEMERAL
        followup = await fake.wait_for_call("POST", rf"/webhooks/.*/{ran.token}", mark)
        assert fake.calls.index(callback) < fake.calls.index(followup)  # deferred, then answered
        assert "`/nudge help`" in followup.body["content"]
        assert pings_nobody(followup.body)
        assert fake.messages[ran.original]["content"] == followup.body["content"]


async def test_slash_nudge_suggest_is_acknowledged_within_the_window_then_answered(
        tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        ran = await fake.slash(fake.alice, fake.team, "suggest",
                               "how much is the autumn pastry box?")

        callback = await fake.wait_for_call("POST", rf"/interactions/{ran.id}/")
        assert callback.body["type"] == 5 and callback.body["data"]["flags"] & EPHEMERAL
        followup = await fake.wait_for_call("POST", rf"/webhooks/.*/{ran.token}")
        assert fake.calls.index(callback) < fake.calls.index(followup)  # deferred, then answered
        embed = followup.body["embeds"][0]
        assert embed["description"].startswith("Intent: pricing")
        suggestion = next(f["value"] for f in embed["fields"] if f["name"] == "Suggestion 1")
        assert "https://crumbandco.example/" in suggestion and "utm_source=discord" in suggestion
        assert nudge.db["suggestions"].count == 0  # trying the engine stores nothing


async def test_slash_commands_explain_one_command_with_its_text_option(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        ran = await fake.slash(fake.alice, fake.team, "help", "help")

        followup = await fake.wait_for_call("POST", rf"/webhooks/.*/{ran.token}")
        assert "Usage: `/nudge help [command]`" in followup.body["content"]


async def test_customers_cannot_run_slash_commands(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        ran = await fake.slash(fake.carol, fake.general, "help")

        followup = await fake.wait_for_call("POST", rf"/webhooks/.*/{ran.token}")
        assert followup.body["content"] == "Only the team can use Nudge's commands."


async def test_bang_nudge_help_is_answered_in_place_without_pinging(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        mark = len(fake.calls)
        asked = await fake.say(fake.alice, fake.team, "!nudge help")

        reply = await fake.wait_for_call("POST", rf"/channels/{fake.team}/messages", mark)
        assert "`/nudge help`" in reply.body["content"]
        assert reply.body["message_reference"]["message_id"] == asked
        assert pings_nobody(reply.body)


async def test_an_unknown_bang_command_gets_a_friendly_answer(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        await fake.say(fake.alice, fake.general, "!NUDGE frobnicate now")

        reply = await fake.wait_for_call("POST", rf"/channels/{fake.general}/messages")
        assert "I don't know the command `frobnicate`" in reply.body["content"]


async def test_private_answers_asked_in_a_customer_channel_go_to_the_team(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        mark = len(fake.calls)
        await fake.say(fake.alice, fake.customers, "!nudge help")

        shown = await fake.wait_for_call("POST", rf"/channels/{fake.team}/messages", mark)
        description = shown.body["embeds"][0]["description"]
        assert description.startswith(f"<@{fake.alice.id}> asked `!nudge help` in "
                                      f"<#{fake.customers}>")
        assert "`/nudge help`" in description
        assert not fake.calls_to("POST", rf"/channels/{fake.customers}/messages", mark)
        assert nudge.db["messages"].count == 0


async def test_a_customer_typing_the_prefix_is_just_a_customer_message(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        mark = len(fake.calls)
        await fake.say(fake.carol, fake.customers, "!nudge help")

        await settled(fake)
        assert nudge.db.execute("select author_role, text from messages").fetchall() == [
            ("customer", "!nudge help")]
        assert not fake.calls_to("POST", rf"/channels/{fake.customers}/messages", mark)
