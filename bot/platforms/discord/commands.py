"""`/nudge <command> [text]` app commands, generated from the handler registry, and `!nudge`.

Every command in handlers/registry.py becomes a subcommand of one `/nudge` group, with its
summary as description and one optional `text` option for its arguments; the reply comes from
the same Router.dispatch that Slack and the console use, so the platforms cannot drift apart.
App commands are deferred at once (Discord allows 3 seconds) and answered by a followup.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.core.types import Reply
from bot.platforms.discord import attachments, render, review
from bot.platforms.discord.listening import interaction_request, message_request
from handlers.router import Command

if TYPE_CHECKING:
    from bot.platforms.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

GROUP = "nudge"
MAX_SUBCOMMANDS = 25  # Discord's limit per group
DESCRIPTION_LIMIT = 100
VALID_NAME = re.compile(r"[-_a-z0-9]{1,32}")

Runner = Callable[[discord.Interaction, str, str], Awaitable[None]]


def build_group(commands: Iterable[Command], run: Runner) -> app_commands.Group:
    """The `/nudge` group: one subcommand per registered command that Discord can name."""
    group = app_commands.Group(
        name=GROUP,
        description="Nudge: suggested replies, calls-to-action and promotions.",
        guild_only=True,
    )
    for command in commands:
        if not VALID_NAME.fullmatch(command.name):
            log.warning("/nudge %s cannot be a Discord command name; use !nudge %s",
                        command.name, command.name)
            continue
        if len(group.commands) == MAX_SUBCOMMANDS:
            log.warning("Discord allows %d subcommands; /nudge %s and later ones are only "
                        "available as !nudge", MAX_SUBCOMMANDS, command.name)
            break
        group.add_command(_subcommand(command, run))
    return group


def _subcommand(command: Command, run: Runner) -> app_commands.Command:
    name = command.name

    async def callback(interaction: discord.Interaction, text: str = "") -> None:
        await run(interaction, name, text)

    described = app_commands.describe(text=render.shorten(
        f"Arguments: {arguments(command)}", DESCRIPTION_LIMIT))(callback)
    return app_commands.Command(
        name=name,
        description=render.shorten(command.summary, DESCRIPTION_LIMIT),
        callback=described,
    )


def arguments(command: Command) -> str:
    """What follows `/nudge <name>` in the command's usage (Discord shows the name already)."""
    usage = command.usage.strip()
    for prefix in (f"/nudge {command.name}", command.name):
        if usage.lower().startswith(prefix):
            usage = usage[len(prefix):].strip()
            break
    return usage or "none"


def _send_kwargs(reply: Reply) -> dict:
    parts = render.message_parts(reply)
    view = review.view_for(reply)
    if view is not None:
        parts["view"] = view
    return parts


async def run_app_command(adapter: DiscordAdapter, interaction: discord.Interaction, name: str,
                          text: str) -> None:
    """Defer first (the handler may be slow), then answer privately, or post when public."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    request = interaction_request(interaction, f"{name} {text}".strip(),
                                  adapter.settings.team_roles)
    reply = await adapter.app.dispatch(request)
    mentions = adapter.mentions
    if reply.private or interaction.channel is None:
        await interaction.followup.send(**_send_kwargs(reply), ephemeral=True,
                                        allowed_mentions=mentions)
        return
    try:
        await interaction.channel.send(**_send_kwargs(reply), allowed_mentions=mentions)
    except discord.HTTPException as error:
        problem = adapter.describe_failure(error, interaction.channel_id, "post here")
        await interaction.followup.send(f"Nudge could not post here: {problem}", ephemeral=True)
        return
    await interaction.followup.send("Posted in this channel.", ephemeral=True)


def prefix_command(content: str, prefix: str) -> str | None:
    """The command text after `!nudge` (or the configured prefix), or None for other messages."""
    head = content[: len(prefix)]
    if head.casefold() != prefix.casefold():
        return None
    rest = content[len(prefix):]
    if rest and not rest[0].isspace():
        return None  # "!nudgeX" is not the prefix
    return rest.strip()


async def run_prefix_command(adapter: DiscordAdapter, message: discord.Message, text: str,
                             in_customer_channel: bool) -> None:
    """Answer `!nudge ...` in place, except private answers asked in a customer channel."""
    text, problem = await attachments.with_attached_image(adapter, message, text)
    if problem:
        await message.reply(problem, mention_author=False, allowed_mentions=adapter.mentions)
        return
    request = message_request(message, adapter.settings.team_roles, adapter.app.ctx.db, text=text)
    reply = await adapter.app.dispatch(request)
    if in_customer_channel and reply.private:
        # Customers must not see the team's private answers: they go to the review channel.
        await adapter.notify_team(Reply(
            text=f"<@{message.author.id}> asked `{adapter.settings.command_prefix} {text}` in "
                 f"<#{message.channel.id}>:\n{reply.text}",
            fields=reply.fields, choices=reply.choices, ok=reply.ok,
        ))
        return
    await message.reply(**_send_kwargs(reply), mention_author=False,
                        allowed_mentions=adapter.mentions)
