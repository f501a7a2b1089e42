"""Messages customers wrote while Nudge was away, read back from Discord's history.

Discord does not acknowledge or redeliver Gateway events: a message that arrived while Nudge was
stopped, restarting or disconnected (or that a crash caught before it was stored) is never sent
again. So at every (re)connection Nudge reads each customer channel's history after the newest
message it has stored there and handles what it missed, oldest first, exactly as if it had just
arrived; a message it already has is recognised by its id and skipped. Channels where Nudge has
never stored anything are left alone: a first start does not review the past.

History messages carry no member data (Discord sends it only on the Gateway), so the author's
roles, which decide team or customer, are looked up in the server.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.platforms.discord import commands
from bot.platforms.discord.listening import is_from_a_person, is_listened
from bot.store import history

if TYPE_CHECKING:
    from bot.platforms.discord.adapter import DiscordAdapter

log = logging.getLogger("bot.platforms.discord")

MANY = 200  # past this many in one channel, the log says so


async def catch_up(adapter: DiscordAdapter) -> int:
    """Handle the customer messages written since Nudge last saw each channel; how many."""
    handled = 0
    for channel_id, newest in history.discord_newest_per_channel(adapter.app.ctx.db):
        channel = adapter.client.get_channel(channel_id)
        if channel is None or not is_listened(channel, adapter.settings.listen_channels):
            continue
        try:
            handled += await _channel(adapter, channel, newest)
        except discord.HTTPException as error:
            adapter.report(str(channel_id), "history_unreadable",
                           f"could not read what was written in #{channel} while Nudge was "
                           f"away ({error.status} {error.text or error}); check Read Message "
                           "History there")
    if handled:
        log.info("Discord: handled %d customer message(s) written while Nudge was away",
                 handled)
    return handled


async def _channel(adapter: DiscordAdapter, channel, newest: int) -> int:
    handled = read = 0
    members: dict[int, discord.Member | None] = {}
    # All of it, oldest first: the newest stored id moves up with each one handled, so a stop
    # midway goes on from there at the next connection.
    async for message in channel.history(after=discord.Object(id=newest), limit=None,
                                         oldest_first=True):
        read += 1
        if not _missed_customer_message(adapter, message):
            continue
        member = await _member(message, members)
        if member is not None:
            message.author = member
        try:
            await adapter.listen(message)
        except Exception:  # one bad message must not stop the others
            log.exception("Discord: could not handle missed message %s", message.id)
            continue
        handled += 1
    if read > MANY:
        log.warning("Discord: #%s had %d messages while Nudge was away; all were read, "
                    "oldest first", channel, read)
    return handled


def _missed_customer_message(adapter: DiscordAdapter, message: discord.Message) -> bool:
    if message.guild is None or not is_from_a_person(message, adapter.client.user):
        return False
    if not message.content.strip():
        return False
    # A command typed while Nudge was away is not run late: it is not a customer message.
    return commands.prefix_command(message.content, adapter.settings.command_prefix) is None


async def _member(message: discord.Message,
                  members: dict[int, discord.Member | None]) -> discord.Member | None:
    if isinstance(message.author, discord.Member):
        return message.author
    author_id = message.author.id
    if author_id not in members:
        member = message.guild.get_member(author_id)
        if member is None:
            try:
                member = await message.guild.fetch_member(author_id)
            except discord.HTTPException:  # left the server: a customer without roles
                member = None
        members[author_id] = member
    return members[author_id]
