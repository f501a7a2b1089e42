"""`!nudge promo add ...` with an image attached: the image is posted with the promotion.

Discord's links to attachments expire within a day or so, and a promotion may be planned for
next month, so the file itself is kept (the `uploads` table) and the command names it
(`image upload:3`). When the promotion runs, Discord attaches it after the text, Slack
uploads it, and the console saves it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.platforms.discord.listening import is_team
from bot.promotions import images
from bot.promotions.store import PromotionError

if TYPE_CHECKING:
    from bot.platforms.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)


def _is_promo_add(text: str) -> bool:
    return [word.lower() for word in text.split()[:2]] == ["promo", "add"]


async def with_attached_image(adapter: DiscordAdapter, message: discord.Message,
                              text: str) -> tuple[str, str]:
    """(the command, naming the kept image when one is attached; a problem to tell, or "")."""
    if not _is_promo_add(text) or not message.attachments or not is_team(
            message.author, adapter.settings.team_roles):
        return text, ""
    attachment = next((a for a in message.attachments
                       if (a.content_type or "").startswith("image/")), None)
    if attachment is None:
        return text, "The attached file is not an image: attach a PNG, JPG or GIF."
    try:
        data = await attachment.read()
        ref = images.save_upload(adapter.app.ctx.db, "discord", str(message.author.id),
                                 attachment.filename, attachment.content_type or "", data,
                                 adapter.app.ctx.now())
    except PromotionError as error:
        return text, str(error)
    except (discord.HTTPException, OSError) as error:
        log.warning("could not read the image attached to a promo add: %s", error)
        return text, "Discord would not hand over the attached image; attach it again."
    return f"{text} image {ref}", ""
