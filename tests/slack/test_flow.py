"""The main flow, in HTTP mode and in Socket Mode: a customer writes, the team reviews, Send."""

from __future__ import annotations

from tests.slack.conftest import CUSTOMERS, REVIEW


async def test_a_customer_message_gets_a_review_with_four_buttons(nudge):
    review = await nudge.review_of("hi, can I order a sourdough loaf for saturday?")
    assert review["channel"] == REVIEW
    actions = [block for block in review["blocks"] if block["type"] == "actions"]
    assert [b["action_id"] for b in actions[0]["elements"]] == [
        "nudge_send", "nudge_another", "nudge_edit", "nudge_dismiss"]
    shown = "\n".join(str(block) for block in review["blocks"])
    assert "can I order a sourdough loaf" in shown
    assert "https://home.slack.test/archives/C0CUSTOMERS/p1790000000000001" in shown


async def test_pressing_send_posts_the_reply_in_the_customers_thread_with_the_cta_link(nudge):
    review = await nudge.review_of("I'd like to order two loaves please")
    send = review["blocks"][-1]["elements"][0]
    await nudge.press("send", send["value"], review["ts"])
    calls = await nudge.fake.wait_for("chat.postMessage", 2)
    reply = calls[-1].args
    assert reply["channel"] == CUSTOMERS
    assert reply["thread_ts"] == "1790000000.000001"
    assert "https://crumbandco.example/order?utm_source=slack" in reply["text"]
    update = (await nudge.fake.wait_for("chat.update"))[-1].args
    assert update["ts"] == review["ts"]
    assert "sent by <@U0TEAM>" in str(update["blocks"])
    assert not [b for b in update["blocks"] if b["type"] == "actions"]
