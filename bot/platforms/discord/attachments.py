"""`!nudge promo add ...` with an image attached: the image is posted with the promotion.

Discord's links to attachments expire within a day or so, and a promotion may be planned for
next month, so the file itself is kept (the `uploads` table) and the command names it
(`image upload:3`). When the promotion runs, Discord attaches it after the text, Slack
uploads it, and the console saves it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.platforms.discord.listening import is_team, role_names
from bot.promotions import images
from bot.promotions.store import PromotionError
from handlers.promotions import may_add

if TYPE_CHECKING:
    from bot.platforms.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
FETCH_SECONDS = 60


class TooBig(Exception):
    """The file is past the upload limit (declared or as it arrives)."""


class NotHandedOver(Exception):
    """The CDN answered something other than the file (an error, a redirect)."""


def _is_promo_add(text: str) -> bool:
    return [word.lower() for word in text.split()[:2]] == ["promo", "add"]


def _too_big(filename: str) -> str:
    return (f"{filename} is over {images.MAX_UPLOAD_BYTES // 1024 // 1024} MB; attach an image "
            f"of at most {images.MAX_UPLOAD_BYTES // 1024 // 1024} MB.")


async def fetch(url: str, limit: int) -> bytes:
    """The file at `url`, read in chunks and abandoned as soon as it passes `limit` bytes,
    whatever length was declared; a redirect is not followed (the file is Discord's own)."""
    timeout = aiohttp.ClientTimeout(total=FETCH_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session, \
            session.get(url, allow_redirects=False) as response:
        if response.status != 200:
            raise NotHandedOver(f"HTTP {response.status}")
        data = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK):
            data += chunk
            if len(data) > limit:
                response.close()  # hang up: the rest is never read
                raise TooBig()
        return bytes(data)


async def with_attached_image(adapter: DiscordAdapter, message: discord.Message,
                              text: str) -> tuple[str, str]:
    """(the command, naming the kept image when one is attached; a problem to tell, or "").

    Nothing is fetched for someone whose `promo add` would be refused: the command then goes
    on without the image and says who may add promotions.
    """
    if not _is_promo_add(text) or not message.attachments or not is_team(
            message.author, adapter.settings.team_roles):
        return text, ""
    if not may_add(adapter.app.ctx.config, "discord", str(message.author.id),
                   role_names(message.author)):
        return text, ""
    attachment = next((a for a in message.attachments
                       if (a.content_type or "").startswith("image/")), None)
    if attachment is None:
        return text, "The attached file is not an image: attach a PNG, JPG or GIF."
    if attachment.size > images.MAX_UPLOAD_BYTES:
        return text, _too_big(attachment.filename)
    try:
        data = await fetch(attachment.url, images.MAX_UPLOAD_BYTES)
        ref = images.save_upload(adapter.app.ctx.db, "discord", str(message.author.id),
                                 attachment.filename, attachment.content_type or "", data,
                                 adapter.app.ctx.now())
    except TooBig:
        return text, _too_big(attachment.filename)
    except PromotionError as error:
        return text, str(error)
    except (TimeoutError, NotHandedOver, aiohttp.ClientError, OSError) as error:
        log.warning("could not read the image attached to a promo add: %s", error)
        return text, "Discord would not hand over the attached image; attach it again."
    return f"{text} image {ref}", ""
