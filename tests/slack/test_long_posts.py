"""A post longer than one Slack message (40,000 characters of text) goes out whole, as
consecutive messages, in its thread when it has one; the first message's ts stands for it."""

from __future__ import annotations

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Post
from bot.platforms.slack import blocks
from bot.platforms.slack.text import escape, unescape
from tests.fake_slack_blocks import MAX_BLOCKS_TEXT, block_text_length
from tests.slack.conftest import CUSTOMERS

PIES = "https://bakery.example/img/mince-pies.jpg"
# About 95,000 characters, with characters escaping lengthens (& < >).
LONG = " ".join(f"Line {n}: pies & tarts <fresh> today." for n in range(2600))
PARTS = -(-len(escape(LONG)) // blocks.MAX_TEXT)  # 4: 121,000 characters once escaped


def _posted(nudge) -> list[dict]:
    return [call.args for call in nudge.fake.calls_to("chat.postMessage")]


async def test_a_long_reply_in_a_thread_is_split_over_messages_in_that_thread(nudge_http):
    ts = await nudge_http.adapter.post(Post("slack", CUSTOMERS, LONG, thread="1790000000.000001"))
    messages = _posted(nudge_http)
    assert len(messages) == PARTS
    assert all(len(m["text"]) <= blocks.MAX_TEXT for m in messages)
    assert {m["thread_ts"] for m in messages} == {"1790000000.000001"}
    assert unescape("".join(m["text"] for m in messages)) == LONG
    first = nudge_http.fake.calls_to("chat.postMessage")[0].response["ts"]
    assert ts == first


async def test_a_long_post_outside_a_thread_is_consecutive_messages_in_the_channel(nudge_http):
    await nudge_http.adapter.post(Post("slack", CUSTOMERS, LONG))
    messages = _posted(nudge_http)
    assert len(messages) == PARTS and not any("thread_ts" in m for m in messages)
    assert {m["channel"] for m in messages} == {CUSTOMERS}
    assert unescape("".join(m["text"] for m in messages)) == LONG


async def test_a_long_promotion_shows_its_image_once_under_the_last_part(nudge_http):
    await nudge_http.adapter.post(Post("slack", CUSTOMERS, LONG, image_url=PIES,
                                       image_alt="Mince pies"))
    messages = _posted(nudge_http)
    assert ["blocks" in m for m in messages] == [False] * (PARTS - 1) + [True]
    assert messages[-1]["blocks"][-1] == {"type": "image", "alt_text": "Mince pies",
                                          "image_url": PIES}


async def test_a_post_that_fits_is_one_message(nudge_http):
    await nudge_http.adapter.post(Post("slack", CUSTOMERS, "x" * blocks.MAX_TEXT))
    assert [len(m["text"]) for m in _posted(nudge_http)] == [blocks.MAX_TEXT]


def test_escaping_never_pushes_a_piece_over_its_room():
    pieces = blocks.escaped_pieces("&" * 50_000, blocks.MAX_TEXT, limit=blocks.MAX_TEXT)
    assert all(len(piece) <= blocks.MAX_TEXT for piece in pieces)
    assert unescape("".join(pieces)) == "&" * 50_000


async def test_a_part_refused_after_the_first_went_out_is_not_retried(nudge_http):
    # The first part goes through; the second is refused 3 times (a call and its 2 retries).
    nudge_http.fake.rate_limit_next("chat.postMessage", times=3, after=1)
    with pytest.raises(DeliveryError) as refused:
        await nudge_http.adapter.post(Post("slack", CUSTOMERS, LONG, thread="1790000000.000001"))
    assert (refused.value.code, refused.value.transient) == ("ratelimited", False)
    assert f"Slack posted 1 of {PARTS} parts" in str(refused.value)
    assert len(_posted(nudge_http)) == 1


async def test_a_first_part_refused_for_a_passing_reason_may_be_retried(nudge_http):
    nudge_http.fake.rate_limit_next("chat.postMessage", times=3)
    with pytest.raises(DeliveryError) as refused:
        await nudge_http.adapter.post(Post("slack", CUSTOMERS, LONG))
    assert (refused.value.code, refused.value.transient) == ("ratelimited", True)
    assert _posted(nudge_http) == []


async def test_a_promotion_with_an_image_never_carries_more_block_text_than_slack_takes(
        nudge_http):
    """The text also goes in the image message's sections; Slack refuses blocks carrying over
    12,000 characters (msg_blocks_too_long), so the part with the image is kept within it."""
    text = " ".join(f"Line {n}: mince pies, fresh today." for n in range(900))  # ~30,000
    await nudge_http.adapter.post(Post("slack", CUSTOMERS, text, image_url=PIES,
                                       image_alt="Mince pies"))
    messages = _posted(nudge_http)
    assert len(messages) == 3
    assert ["blocks" in m for m in messages] == [False, False, True]
    assert block_text_length(messages[-1]["blocks"]) <= MAX_BLOCKS_TEXT
    assert unescape("".join(m["text"] for m in messages)) == text


def _send_button(review: dict) -> dict:
    buttons = [b for b in review["blocks"] if b["type"] == "actions"][0]["elements"]
    return next(b for b in buttons if b["action_id"] == "nudge_send")


async def test_a_reply_sent_in_part_is_recorded_so_and_send_again_posts_only_the_rest(
        nudge_http):
    """55,000 characters: Slack takes the first 40,000 and refuses the second post."""
    review = await nudge_http.review_of("what is on your seasonal menu?")
    value = _send_button(review)["value"]
    text = " ".join(f"Sentence {n} about our seasonal menu." for n in range(1600))[:55_000]
    nudge_http.db.execute("update suggestions set text = ? where id = ?", [text, value])
    nudge_http.fake.fail_next("chat.postMessage", "msg_too_long", after=1)
    await nudge_http.press("send", value, review["ts"])
    update = (await nudge_http.fake.wait_for("chat.update"))[-1].args
    shown = str(update["blocks"])
    assert "Partly sent" in shown and "Not sent" not in shown
    assert [b for b in update["blocks"] if b["type"] == "actions"]  # Send again is possible
    [(action, problem)] = nudge_http.db.execute(
        "select action, problem from feedback").fetchall()
    assert action == "send_partial" and "1 of 2 parts" in problem
    to_customer = [c.args["text"] for c in nudge_http.fake.calls_to("chat.postMessage")
                   if c.args["channel"] == CUSTOMERS and c.response.get("ok")]
    assert len(to_customer) == 1

    await nudge_http.press("send", value, review["ts"])
    await nudge_http.fake.wait_for("chat.update", 2)
    to_customer = [c.args["text"] for c in nudge_http.fake.calls_to("chat.postMessage")
                   if c.args["channel"] == CUSTOMERS and c.response.get("ok")]
    assert len(to_customer) == 2  # the second part only, not the first again
    assert unescape("".join(to_customer)) == text
    status = nudge_http.db.execute("select status from suggestions where id = ?",
                                   [value]).fetchone()[0]
    assert status == "sent"
