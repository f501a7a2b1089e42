"""A reply longer than one Block Kit section is shown whole, edited whole and sent whole; only
the team may open the Edit modal."""

from __future__ import annotations

from bot.core.types import Field, Reply
from bot.platforms.slack import blocks
from tests.slack.conftest import CUSTOMER, CUSTOMERS

LONG = " ".join(f"Sentence {n} of a very long answer about our bakery’s “seasonal” menu."
                for n in range(100))  # about 7,000 characters


def _button(review: dict, action: str) -> dict:
    buttons = [b for b in review["blocks"] if b["type"] == "actions"][0]["elements"]
    return next(b for b in buttons if b["action_id"] == f"nudge_{action}")


def test_a_long_field_is_split_over_sections_that_each_fit_and_together_say_it_all():
    reply = Reply("New customer message", fields=(Field("Suggested reply", LONG),))
    message = blocks.message(reply)
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert all(len(text) <= blocks.MAX_SECTION for text in sections)
    assert len(message["blocks"]) <= blocks.MAX_BLOCKS
    shown = "".join(sections[1:]).removeprefix("*Suggested reply*\n")
    assert shown == LONG.replace("&", "&amp;")


def test_more_than_fifty_blocks_are_cut_with_a_note_and_the_buttons_kept():
    from bot.core.types import Choice

    reply = Reply("Digest", fields=tuple(Field(f"Line {n}", "x") for n in range(80)),
                  choices=(Choice("send", "Send", "1", "primary"),))
    message = blocks.message(reply)
    assert len(message["blocks"]) == blocks.MAX_BLOCKS
    assert message["blocks"][-1]["type"] == "actions"
    assert "more part(s) not shown" in message["blocks"][-2]["text"]["text"]


async def test_edit_starts_from_the_whole_stored_reply_and_sends_it_whole(nudge_http):
    review = await nudge_http.review_of("tell me everything about your menu")
    value = _button(review, "edit")["value"]
    nudge_http.db.execute("update suggestions set text = ? where id = ?", [LONG, value])
    await nudge_http.press("edit", value, review["ts"])
    view = (await nudge_http.fake.wait_for("views.open"))[-1].args["view"]
    boxes = [b["element"]["initial_value"] for b in view["blocks"]]
    assert len(boxes) == 3 and all(len(box) <= 3000 for box in boxes)
    assert "".join(boxes) == LONG
    values = {b["block_id"]: {"text": {"type": "plain_text_input", "value": v}}
              for b, v in zip(view["blocks"], boxes, strict=True)}
    await nudge_http.submit(view, values)
    sent = (await nudge_http.fake.wait_for("chat.postMessage", 2))[-1].args
    assert sent["channel"] == CUSTOMERS
    assert sent["text"] == LONG.replace("&", "&amp;")


async def test_a_customer_pressing_edit_is_refused_before_any_modal_opens(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    await nudge_http.press("edit", _button(review, "edit")["value"], review["ts"],
                           user=CUSTOMER)
    answer = (await nudge_http.fake.wait_for_response())[-1]
    assert "Only the team" in answer["text"]
    await nudge_http.settle()
    assert not nudge_http.fake.calls_to("views.open")
