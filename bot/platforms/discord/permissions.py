"""The Discord permissions Nudge needs, named as Discord's settings name them."""

from __future__ import annotations

import discord

# Attribute of discord.Permissions -> the label a person sees in Discord.
LABELS = {
    "view_channel": "View Channels",
    "send_messages": "Send Messages",
    "send_messages_in_threads": "Send Messages in Threads",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",  # the digest's chart
    "read_message_history": "Read Message History",
    "use_application_commands": "Use Application Commands",
}

# What each use of a channel needs; the invite asks for all of them at once.
TO_LISTEN = ("view_channel", "read_message_history", "send_messages", "send_messages_in_threads")
TO_REVIEW = ("view_channel", "read_message_history", "send_messages", "embed_links",
             "attach_files")
TO_POST = ("view_channel", "send_messages")
INVITE = tuple(LABELS)


def invite_permissions() -> discord.Permissions:
    return discord.Permissions(**{name: True for name in INVITE})


def missing(permissions: discord.Permissions, needed: tuple[str, ...]) -> list[str]:
    """The labels of the `needed` permissions that `permissions` lacks."""
    return [LABELS[name] for name in needed if not getattr(permissions, name)]
