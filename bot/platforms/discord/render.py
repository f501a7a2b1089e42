"""Replies as Discord messages: plain text when short, an embed when there are fields.

Discord's limits are applied here (2,000 characters of content, 4,096 in an embed description,
1,024 per field, 25 fields) so a long digest or help text is shortened, never refused.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.promotions import images
from handlers.types import Reply

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FIELD_NAME_LIMIT = 256
MAX_FIELDS = 25

BLURPLE = discord.Colour.blurple()
URGENT = discord.Colour.orange()
HANDLED = discord.Colour.light_grey()
PROBLEM = discord.Colour.red()

# "sent by 123456789012345678": the handlers name people by id; Discord shows a mention as
# the person's name, and a mention inside an embed never pings anyone.
_HANDLED_BY = re.compile(r"\bby (\d{15,20})\b")


def allowed_mentions(allow: bool) -> discord.AllowedMentions:
    """Ping nobody (not @everyone, roles, users or the replied-to author) unless allowed."""
    if allow:
        return discord.AllowedMentions(everyone=True, users=True, roles=True, replied_user=True)
    return discord.AllowedMentions.none()


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def image_embed(image: str) -> discord.Embed | None:
    """An embed that shows a post's image (a promotion's), or None: no image, or one that
    Discord cannot fetch (a file uploaded to Slack)."""
    url = images.public_url(image)
    if url is None:
        return None
    return discord.Embed().set_image(url=url)


def split_text(text: str, limit: int = CONTENT_LIMIT) -> list[str]:
    """Cut text into messages Discord accepts, at line breaks where possible."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def mention_channels(text: str, channel_ids: tuple[str, ...]) -> str:
    """Show known channel ids as channel links (#name in Discord)."""
    for channel_id in channel_ids:
        if channel_id.isdigit():
            text = re.sub(rf"(?<![<#\d]){channel_id}(?!\d)", f"<#{channel_id}>", text)
    return text


def reply_embed(reply: Reply, jump_link: str = "") -> discord.Embed:
    """One embed: the text as description, every field, and a link to the customer message."""
    meta = reply.meta
    channels = tuple(str(meta[key]) for key in ("channel", "thread") if meta.get(key))
    embed = discord.Embed(
        description=shorten(mention_channels(reply.text, channels), DESCRIPTION_LIMIT),
        colour=_colour(reply),
    )
    fields = list(reply.fields)
    for field in fields[: MAX_FIELDS - 1]:
        value = field.value
        if field.label in ("Handled", "Corrected"):
            value = _HANDLED_BY.sub(r"by <@\1>", value)
        embed.add_field(name=shorten(field.label, FIELD_NAME_LIMIT),
                        value=shorten(value or "-", FIELD_LIMIT), inline=False)
    if jump_link:
        embed.add_field(name="Message", value=f"[Jump to the customer's message]({jump_link})",
                        inline=False)
    return embed


def _colour(reply: Reply) -> discord.Colour:
    labels = {field.label for field in reply.fields}
    if not reply.ok:
        return PROBLEM
    if "Handled" in labels:
        return HANDLED
    if "Urgent" in labels:
        return URGENT
    return BLURPLE


def message_parts(reply: Reply, jump_link: str = "") -> dict[str, Any]:
    """`content` for a short plain reply, else an `embed`: keyword arguments for send()."""
    if not reply.fields and not jump_link and len(reply.text) <= CONTENT_LIMIT:
        return {"content": reply.text or "-"}
    return {"embed": reply_embed(reply, jump_link)}


def edit_parts(reply: Reply, jump_link: str = "") -> dict[str, Any]:
    """Like message_parts, for edit(): whatever the new message lacks is removed."""
    return {"content": None, "embed": None, **message_parts(reply, jump_link)}
