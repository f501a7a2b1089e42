"""`/nudge promo new`: a modal to plan a promotion without remembering the command's grammar.

Its submission becomes the very command a person could type,
`promo add "<text>" in #<channel id> at <YYYY-MM-DDTHH:MM> [every ...]`, and goes through the
router like any other command, so the promotion handlers stay the only place promotions are made.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.platforms.slack.blocks import plain_text
from bot.promotions import images
from bot.promotions.store import PromotionError

PROMO_VIEW = "nudge_promo"
TEXT, CHANNEL, DAY, TIME, REPEAT = "promo_text", "promo_channel", "promo_date", "promo_time", \
    "promo_repeat"
REPEATS = {
    "none": "Just once",
    "daily": "Every day",
    "weekly": "Every week, on the same weekday",
    "monthly": "Every month, on the same day",
}
OTHER_WORDING = "promo_other_wording"  # optional: a second wording makes it an A/B test
IMAGE_FILE, IMAGE_URL = "promo_image_file", "promo_image_url"  # optional: an image
DONE_VIEW = "nudge_promo_done"
IMAGE_TYPES = ["png", "jpg", "jpeg", "gif"]  # what Slack's image blocks show
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_promo_new(command_text: str) -> bool:
    return command_text.lower().split() == ["promo", "new"]


def _input(block_id: str, label: str, element: dict[str, Any], hint: str = "") -> dict[str, Any]:
    block = {"type": "input", "block_id": block_id, "label": plain_text(label, 2000),
             "element": {**element, "action_id": block_id}}
    if hint:
        block["hint"] = plain_text(hint, 2000)
    return block


def modal(timezone: str, today: date, private_metadata: dict[str, str]) -> dict[str, Any]:
    """The promotion form: text, channel, first date and time (team's time zone), repeat."""
    return {
        "type": "modal",
        "callback_id": PROMO_VIEW,
        "title": plain_text("New promotion", 24),
        "submit": plain_text("Schedule", 24),
        "close": plain_text("Cancel", 24),
        "private_metadata": json.dumps(private_metadata),
        "blocks": [
            _input(TEXT, "What to post", {"type": "plain_text_input", "multiline": True,
                                          "max_length": 3000,
                                          "placeholder": plain_text("10% off all loaves "
                                                                    "this weekend!", 150)}),
            {**_input(OTHER_WORDING, "Another wording to test (optional)",
                      {"type": "plain_text_input", "multiline": True, "max_length": 3000},
                      "Runs alternate between the two wordings; `/nudge tests` shows which "
                      "one gets more clicks."), "optional": True},
            _input(CHANNEL, "Where", {
                "type": "conversations_select",
                "default_to_current_conversation": True,
                "filter": {"include": ["public", "private"], "exclude_bot_users": True},
            }, "Nudge must be in a private channel to post there."),
            _input(DAY, "First day", {"type": "datepicker", "initial_date": today.isoformat()}),
            _input(TIME, f"At ({timezone})", {"type": "timepicker", "initial_time": "09:00",
                                              "timezone": timezone}),
            _input(REPEAT, "Repeat", {
                "type": "static_select",
                "initial_option": _option("none"),
                "options": [_option(key) for key in REPEATS],
            }),
            {**_input(IMAGE_FILE, "Image (optional)", {
                "type": "file_input", "filetypes": IMAGE_TYPES, "max_files": 1,
            }, "Posted under the text, on Slack."), "optional": True},
            {**_input(IMAGE_URL, "Or an image link (optional)", {"type": "url_text_input"},
                      "A public https link: Slack and Discord both show it."),
             "optional": True},
        ],
    }


def done_view(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """What the modal turns into once the promotion is scheduled: the confirmation, with its
    warnings (the "Check" section), so they are seen before the modal is closed."""
    return {"type": "modal", "callback_id": DONE_VIEW,
            "title": plain_text("Promotion scheduled", 24), "close": plain_text("Done", 24),
            "blocks": [block for block in blocks if block.get("type") != "actions"][:100]}


def _image(values: dict[str, dict[str, Any]], errors: dict[str, str]) -> str:
    """` image <...>` for the command: the uploaded file, else the link; "" for none."""
    files = _value(values, IMAGE_FILE).get("files") or []
    if files:
        file = files[0]
        if str(file.get("filetype", "png")).lower() not in IMAGE_TYPES:
            errors[IMAGE_FILE] = "Upload a PNG, JPG or GIF image."
            return ""
        return f" image slack-file:{file.get('id', '')}"
    url = (_value(values, IMAGE_URL).get("value") or "").strip()
    if not url:
        return ""
    try:
        return f" image {quote(images.check_url(url))}"
    except PromotionError as error:
        errors[IMAGE_URL] = str(error)[:150]
        return ""


def _option(key: str) -> dict[str, Any]:
    return {"text": plain_text(REPEATS[key]), "value": key}


def _value(values: dict[str, dict[str, Any]], block_id: str) -> dict[str, Any]:
    return (values.get(block_id) or {}).get(block_id) or {}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def quote(text: str) -> str:
    """The text as one double-quoted argument that the router's shell-like split reads back."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_submission(values: dict[str, dict[str, Any]], timezone: str, now: datetime
                    ) -> tuple[str | None, dict[str, str]]:
    """(the `promo add` command, {}) or (None, {block id: what to fix}) from the modal's state."""
    errors: dict[str, str] = {}
    text = (_value(values, TEXT).get("value") or "").strip()
    other = (_value(values, OTHER_WORDING).get("value") or "").strip()
    channel = _value(values, CHANNEL).get("selected_conversation") or ""
    day = _value(values, DAY).get("selected_date") or ""
    at = _value(values, TIME).get("selected_time") or ""
    repeat = (_value(values, REPEAT).get("selected_option") or {}).get("value") or "none"
    if not text:
        errors[TEXT] = "Write what Nudge should post."
    if not channel:
        errors[CHANNEL] = "Pick the channel to post in."
    try:
        first = datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=ZoneInfo(timezone))
    except ValueError:
        errors[DAY] = "Pick a day and a time."
        first = None
    if first is not None and first <= now:
        errors[DAY] = "That moment has passed: pick a later day or time."
    if repeat not in REPEATS:
        errors[REPEAT] = "Pick how often to repeat it."
    image = _image(values, errors)
    if errors or first is None:
        return None, errors
    wordings = quote(text) + (f" | {quote(other)}" if other else "")
    command = f"promo add {wordings} in #{channel} at {first.strftime('%Y-%m-%dT%H:%M')}"
    clock = first.strftime("%H:%M")
    if repeat == "daily":
        command += f" every day at {clock}"
    elif repeat == "weekly":
        command += f" every {WEEKDAY_NAMES[first.weekday()]} at {clock}"
    elif repeat == "monthly":
        command += f" on the {ordinal(first.day)} of every month at {clock}"
    return command + image, {}
