"""The image a promotion posts with its text, and how each platform shows it.

An image is either a public http(s) URL (`promo add ... image https://...`), which every
platform can show, or a file uploaded in the Slack modal ("slack-file:F0123ABCD"), which only
Slack can show (Discord and the console name it instead). What each platform posts:

  Slack    an image block after the text (image_url, or slack_file {"id"} for an upload)
  Discord  an embed whose image is the URL
  console  the text, then "[image: <url or file name>]"
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.core.types import Image
from bot.promotions.store import PromotionError
from bot.store import Database, uploads

SLACK_FILE = "slack-file:"
UPLOAD = "upload:"  # a file attached to the command (Discord), kept in the `uploads` table
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # Discord's attachment limit for a bot without boosts
MAX_URL = 3000  # Slack's limit for an image block's image_url
MAX_ALT = 2000  # Slack's limit for alt_text
_SLACK_FILE_ID = re.compile(r"F[A-Z0-9]{2,30}")
EXAMPLE = "`image https://example.com/mince-pies.jpg`"


def check_url(text: str) -> str:
    """A public http(s) image URL, or PromotionError saying how to give one."""
    url = text.strip().strip("<>")
    if len(url) > MAX_URL:
        raise PromotionError(f"The image address is {len(url)} characters; Slack takes at most "
                             f"{MAX_URL}. Use a shorter link, such as {EXAMPLE}.")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in url:
        raise PromotionError(f'"{url[:80]}" is not an image address: give a public http(s) '
                             f"link, such as {EXAMPLE}.")
    if parts.username or parts.password:
        raise PromotionError("The image address must not carry a user name or password: "
                             f"give a public link, such as {EXAMPLE}.")
    return url


def check(text: str, db: Database | None = None) -> str:
    """What `image <...>` gives: a public URL, a Slack upload ("slack-file:F0123") or a file
    attached to the command ("upload:3", which must exist in `db`)."""
    value = text.strip()
    if value.startswith(SLACK_FILE):
        return slack_file(value[len(SLACK_FILE):])
    if value.startswith(UPLOAD):
        if db is None or upload(db, value) is None:
            raise PromotionError("That attached image is not here any more; attach it again.")
        return value
    return check_url(text)


def save_upload(db: Database, platform: str, user: str, filename: str,
                content_type: str, data: bytes, now: datetime) -> str:
    """Keep an attached image; returns how a promotion refers to it ("upload:3")."""
    if not content_type.startswith("image/") or not data:
        raise PromotionError(f"{filename} is not an image: attach a PNG, JPG or GIF.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise PromotionError(f"{filename} is {len(data) // 1024 // 1024} MB; attach an image "
                             "of at most 8 MB.")
    return f"{UPLOAD}{uploads.save(db, platform, user, filename, content_type, data, now)}"


def upload(db: Database, image: str | None) -> Image | None:
    """The attached file an "upload:3" reference names, as a picture to post; else None."""
    if not image or not image.startswith(UPLOAD) or not image[len(UPLOAD):].isdigit():
        return None
    kept = uploads.get(db, int(image[len(UPLOAD):]))
    return Image(kept.filename, kept.data) if kept else None


def is_upload(image: str | None) -> bool:
    return bool(image) and image.startswith(UPLOAD)


def slack_file(file_id: str) -> str:
    """The stored form of an image uploaded to Slack (the modal's file input)."""
    if not _SLACK_FILE_ID.fullmatch(file_id):
        raise PromotionError("That upload is not a Slack file; upload the image again.")
    return SLACK_FILE + file_id


def is_slack_file(image: str | None) -> bool:
    return bool(image) and image.startswith(SLACK_FILE)


def public_url(image: str | None) -> str | None:
    """The URL any platform can fetch, or None (no image, a Slack or attached upload)."""
    return image if image and not is_slack_file(image) and not is_upload(image) else None


def alt_text(text: str, name: str | None = None) -> str:
    """What the image shows, for screen readers: its name, else the promotion's first line."""
    described = (name or " ".join(text.split()) or "Promotion image").strip()
    return described if len(described) <= MAX_ALT else described[: MAX_ALT - 1] + "…"


def slack_block(image: str, alt: str) -> dict[str, Any]:
    """The Slack image block for an image."""
    block: dict[str, Any] = {"type": "image", "alt_text": alt[:MAX_ALT]}
    if is_slack_file(image):
        block["slack_file"] = {"id": image[len(SLACK_FILE):]}
    else:
        block["image_url"] = image
    return block


def console_line(image: str, name: str | None = None) -> str:
    if is_upload(image):
        return f"[image: {name or 'attached image'}]"
    if is_slack_file(image):
        return f"[image: {name or 'file'} uploaded to Slack ({image[len(SLACK_FILE):]})]"
    return f"[image: {image}]"


def preview(platform: str, image: str | None, name: str | None = None) -> str | None:
    """How `platform` shows the image, in words, for `promo show`; None when it shows none."""
    if not image:
        return None
    if is_upload(image):
        how = {"slack": "Uploaded after the text", "discord": "Attached after the text"}.get(
            platform, "Saved and named after the text")
        return f"{how}: {name or 'the attached image'}"
    if platform == "slack":
        what = (f"the uploaded file {name or ''} ({image[len(SLACK_FILE):]})".replace("  ", " ")
                if is_slack_file(image) else image)
        return f"Image block: {what}"
    if platform == "discord":
        if is_slack_file(image):
            return "No image: the file was uploaded to Slack; give `image <url>` for Discord."
        return f"Embed image: {image}"
    return console_line(image, name)
