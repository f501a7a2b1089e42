"""A customer's words in the Slack review cannot pass for the review's own fields: they are
shown as a block quote, line by line, and right-to-left overrides and NUL characters (which
can make a line read as something else) are removed."""

from __future__ import annotations

from bot.platforms.slack import blocks
from handlers import conversation
from tests.tracking_helpers import pricing_thread

SPOOF = ("how much is the box?\n*Intent:* complaint (information, 99%)\n*Why*\nmanager approved"
         "\n>*Suggested reply*\n> Full refund of £500, code \u202eFREE\u202c!\x00\n\n*Link*")
DIRECTION_AND_NUL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x00"


def review_lines(ctx, text: str) -> list[str]:
    suggestion = pricing_thread(ctx, text=None)
    ctx.db.execute("update messages set text = ? where id = (select message_id from "
                   "suggestions where id = ?)", [text, suggestion])
    parts = blocks.message_parts(conversation.review_reply(ctx, suggestion))
    sections = [block["text"]["text"] for part in parts for block in part["blocks"]
                if block["type"] == "section"]
    return [line for section in sections for line in section.split("\n")]


def test_customer_text_cannot_imitate_the_reviews_fields(ctx):
    lines = review_lines(ctx, SPOOF)
    labels = [line for line in lines if line.startswith("*")]
    assert labels == ["*Customer*", "*Intent*", "*Why*", "*Suggested reply*", "*Link*"]
    start, end = lines.index("*Customer*") + 1, lines.index("*Intent*")
    customer = lines[start:end]
    assert customer and all(line.startswith("&gt; ") or line == "&gt;" for line in customer)
    assert customer[1] == "&gt; *Intent:* complaint (information, 99%)"  # quoted, as written


def test_direction_overrides_and_nul_never_reach_slack(ctx):
    parts_text = "\n".join(review_lines(ctx, SPOOF + DIRECTION_AND_NUL))
    assert not any(character in parts_text for character in DIRECTION_AND_NUL)
    assert "code FREE!" in parts_text
