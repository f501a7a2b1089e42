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
from typing import Any
from urllib.parse import urlsplit

from bot.promotions.store import PromotionError

SLACK_FILE = "slack-file:"
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


def check(text: str) -> str:
    """What `image <...>` gives: a public URL, or a Slack upload ("slack-file:F0123")."""
    if text.strip().startswith(SLACK_FILE):
        return slack_file(text.strip()[len(SLACK_FILE):])
    return check_url(text)


def slack_file(file_id: str) -> str:
    """The stored form of an image uploaded to Slack (the modal's file input)."""
    if not _SLACK_FILE_ID.fullmatch(file_id):
        raise PromotionError("That upload is not a Slack file; upload the image again.")
    return SLACK_FILE + file_id


def is_slack_file(image: str | None) -> bool:
    return bool(image) and image.startswith(SLACK_FILE)


def public_url(image: str | None) -> str | None:
    """The URL any platform can fetch, or None (no image, or a Slack upload)."""
    return image if image and not is_slack_file(image) else None


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
    if is_slack_file(image):
        return f"[image: {name or 'file'} uploaded to Slack ({image[len(SLACK_FILE):]})]"
    return f"[image: {image}]"


def preview(platform: str, image: str | None, name: str | None = None) -> str | None:
    """How `platform` shows the image, in words, for `promo show`; None when it shows none."""
    if not image:
        return None
    if platform == "slack":
        what = (f"the uploaded file {name or ''} ({image[len(SLACK_FILE):]})".replace("  ", " ")
                if is_slack_file(image) else image)
        return f"Image block: {what}"
    if platform == "discord":
        if is_slack_file(image):
            return "No image: the file was uploaded to Slack; give `image <url>` for Discord."
        return f"Embed image: {image}"
    return console_line(image, name)
