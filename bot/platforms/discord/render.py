"""Replies as Discord messages: plain text when short, an embed when there are fields.

Discord's limits are applied here (2,000 characters of content, 4,096 in an embed description,
1,024 per field, 25 fields) so a long digest or help text is shortened, never refused.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.types import Reply
from bot.promotions import images

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FIELD_NAME_LIMIT = 256
MAX_FIELDS = 25
EMBED_TOTAL_LIMIT = 6000  # characters of text in all of a message's embeds

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


def split_exact(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters whose concatenation is exactly `text` (cut after a
    line break or a space where one is near), for edit boxes that must give the text back."""
    pieces, rest = [], text
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit)) + 1
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return [*pieces, rest]


def mention_channels(text: str, channel_ids: tuple[str, ...]) -> str:
    """Show known channel ids as channel links (#name in Discord)."""
    for channel_id in channel_ids:
        if channel_id.isdigit():
            text = re.sub(rf"(?<![<#\d]){channel_id}(?!\d)", f"<#{channel_id}>", text)
    return text


def reply_embed(reply: Reply, jump_link: str = "") -> discord.Embed:
    """One embed: the text as description, every field, and a link to the customer message.

    Within all of Discord's limits (4,096 description, 1,024 per field, 25 fields, 6,000
    characters in all): a long value goes on over several fields ("… (2)"); what no longer
    fits is cut with "…" (Edit always starts from the whole stored reply).
    """
    meta = reply.meta
    channels = tuple(str(meta[key]) for key in ("channel", "thread") if meta.get(key))
    description = shorten(mention_channels(reply.text, channels), DESCRIPTION_LIMIT)
    embed = discord.Embed(description=description, colour=_colour(reply))
    link = ("Message", f"[Jump to the customer's message]({jump_link})") if jump_link else None
    room = EMBED_TOTAL_LIMIT - len(description) - (len(link[0]) + len(link[1]) if link else 0)
    slots = MAX_FIELDS - (1 if link else 0)
    for name, value in _field_pieces(reply):
        if slots == 0 or room < len(name) + 2:
            break
        cut = len(name) + len(value) > room
        if cut:
            value = shorten(value, room - len(name))
        embed.add_field(name=name, value=value, inline=False)
        room -= len(name) + len(value)
        slots -= 1
        if cut:
            break
    if link:
        embed.add_field(name=link[0], value=link[1], inline=False)
    return embed


def _field_pieces(reply: Reply) -> list[tuple[str, str]]:
    """Each field as (name, value) pieces of at most 1,024 characters."""
    pieces = []
    for field in reply.fields:
        value = field.value or "-"
        if field.label in ("Handled", "Corrected"):
            value = _HANDLED_BY.sub(r"by <@\1>", value)
        name = shorten(field.label, FIELD_NAME_LIMIT - 6)
        for n, part in enumerate(split_text(value, FIELD_LIMIT) or ["-"]):
            pieces.append((name if n == 0 else f"{name} ({n + 1})", part))
    return pieces


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
