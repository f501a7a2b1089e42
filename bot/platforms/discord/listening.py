"""Who wrote what, where: Discord messages and interactions as neutral Requests.

A conversation is a Discord thread when the customer writes in one; otherwise it is a reply
chain, rooted at the first message (a reply to Nudge's own answer joins the customer's
conversation, since Nudge answers by replying); a message that replies to nothing starts one.
"""

from __future__ import annotations

import discord

from bot.core.types import Request
from bot.store import history
from bot.store.connection import Database

PLATFORM = "discord"


def role_names(person: discord.abc.User) -> tuple[str, ...]:
    roles = getattr(person, "roles", None) or ()
    return tuple(role.name for role in roles if not role.is_default())


def is_team(person: discord.abc.User, team_roles: list[str]) -> bool:
    """Team members are recognised by role name (any of `team_roles`, ignoring case)."""
    wanted = {name.casefold() for name in team_roles}
    return any(name.casefold() in wanted for name in role_names(person))


def is_listened(channel: object, listen_channels: list[int]) -> bool:
    """A configured channel, or a thread started in one."""
    if getattr(channel, "id", None) in listen_channels:
        return True
    return isinstance(channel, discord.Thread) and channel.parent_id in listen_channels


def is_from_a_person(message: discord.Message, me: discord.ClientUser | None) -> bool:
    """Skip bots (Nudge included), webhooks and system messages such as joins and pins."""
    if message.author.bot or message.webhook_id is not None:
        return False
    if me is not None and message.author.id == me.id:
        return False
    return message.type in (discord.MessageType.default, discord.MessageType.reply)


def thread_of(message: discord.Message, db: Database) -> str:
    """The conversation this message belongs to ("" when it starts one)."""
    if isinstance(message.channel, discord.Thread):
        return str(message.channel.id)
    reference = message.reference
    if reference is None or reference.message_id is None:
        return ""
    candidates = [str(reference.message_id)]
    replied = reference.resolved
    if isinstance(replied, discord.Message) and replied.reference and replied.reference.message_id:
        # Replying to a reply (often Nudge's answer): the conversation is the older message's.
        candidates.append(str(replied.reference.message_id))
    for candidate in candidates:
        known = history.thread_of_message(db, PLATFORM, candidate)
        if known:
            return known
    return candidates[-1]


def message_request(message: discord.Message, team_roles: list[str], db: Database,
                    text: str | None = None) -> Request:
    author = message.author
    return Request(
        platform=PLATFORM,
        text=message.content if text is None else text,
        user=str(author.id),
        channel=str(message.channel.id),
        workspace=str(message.guild.id) if message.guild else "",
        thread=thread_of(message, db),
        message_id=str(message.id),
        user_name=author.display_name,
        role="team" if is_team(author, team_roles) else "customer",
        roles=role_names(author),
        permalink=message.jump_url,
    )


def interaction_request(interaction: discord.Interaction, text: str,
                        team_roles: list[str]) -> Request:
    user = interaction.user
    return Request(
        platform=PLATFORM,
        text=text,
        user=str(user.id),
        channel=str(interaction.channel_id or ""),
        workspace=str(interaction.guild_id or ""),
        message_id=f"interaction-{interaction.id}",
        user_name=user.display_name,
        role="team" if is_team(user, team_roles) else "customer",
        roles=role_names(user),
    )
