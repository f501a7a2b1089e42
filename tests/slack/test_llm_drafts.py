"""With an LLM configured, the review shows the template at once, then the model's wording."""

from __future__ import annotations

import pytest

from tests.llm.fake_server import FakeLLM, user_block
from tests.slack.conftest import CUSTOMERS, said, slack_config, start_nudge, stop_nudge

OPENING = "Hi there, thanks for asking! "


def friendlier(body: dict) -> str:
    """A well-behaved model: the team's draft with a warmer opening."""
    messages = {m["role"]: m["content"] for m in body["messages"]}
    return OPENING + user_block(messages, "draft")


@pytest.fixture
async def fake_llm():
    server = FakeLLM()
    server.reply = friendlier
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def nudge_llm(tmp_path, fake_slack, fake_llm, clock):
    llm = {"enabled": True, "base_url": fake_llm.base_url, "model": "tiny-test",
           "timeout_seconds": 5}
    running = await start_nudge("http", slack_config(tmp_path, fake_slack, llm=llm),
                                fake_slack, clock)
    yield running
    await stop_nudge(running)


def _send_value(message: dict) -> str:
    buttons = [b for b in message["blocks"] if b["type"] == "actions"][0]["elements"]
    return buttons[0]["value"]


async def test_the_review_is_redrawn_with_the_llm_wording_and_send_posts_it(nudge_llm):
    review = await nudge_llm.review_of("how much is a pastry box?")
    assert OPENING not in said(review)  # the template, shown at once
    redrawn = (await nudge_llm.fake.wait_for("chat.update"))[-1].args
    assert redrawn["ts"] == review["ts"]
    assert "Suggested reply (LLM wording)" in said(redrawn)
    assert OPENING in said(redrawn)
    await nudge_llm.press("send", _send_value(redrawn), review["ts"])
    sent = (await nudge_llm.fake.wait_for("chat.postMessage", 2))[-1].args
    assert sent["channel"] == CUSTOMERS and sent["text"].startswith(OPENING)


async def test_a_reply_sent_while_the_model_was_writing_is_not_redrawn_or_changed(
        nudge_llm, fake_llm):
    fake_llm.delay = 10  # the model answers when the test releases it
    review = await nudge_llm.review_of("how much is a pastry box?")
    await nudge_llm.press("send", _send_value(review), review["ts"])
    sent = (await nudge_llm.fake.wait_for("chat.postMessage", 2))[-1].args
    await nudge_llm.fake.wait_for("chat.update")
    fake_llm.release()
    await nudge_llm.settle()
    updates = nudge_llm.fake.calls_to("chat.update")
    assert len(updates) == 1 and "sent by <@U0TEAM>" in said(updates[0].args)
    assert not sent["text"].startswith(OPENING)
    source = nudge_llm.db.execute("select source from suggestions where status = 'sent'")
    assert source.fetchone()[0] == "template"


async def test_a_model_that_invents_a_deal_never_gets_its_words_into_a_review(
        nudge_llm, fake_llm):
    """The audit's case: amounts in words, a promise and an unlisted domain on top of the
    draft. The review keeps the template, and Send posts the template."""

    def invents(body: dict) -> str:
        messages = {m["role"]: m["content"] for m in body["messages"]}
        return ("Ninety percent off with AUTUMN10, and delivery is on us! More at "
                "evil.ru/deal\n" + user_block(messages, "draft"))

    fake_llm.reply = invents
    review = await nudge_llm.review_of("how much is a pastry box?")
    await nudge_llm.settle()
    assert len(fake_llm.requests) == 1
    assert nudge_llm.fake.calls_to("chat.update") == []  # never redrawn
    await nudge_llm.press("send", _send_value(review), review["ts"])
    sent = (await nudge_llm.fake.wait_for("chat.postMessage", 2))[-1].args
    for invented in ("inety", "on us", "evil.ru"):
        assert invented not in sent["text"]
    await nudge_llm.fake.wait_for("chat.update")  # redrawn once the send is recorded
    source = nudge_llm.db.execute("select source from suggestions where status = 'sent'")
    assert source.fetchone()[0] == "template"
