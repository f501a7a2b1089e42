"""The review the team sees is shown with the template first, then updated with the LLM's draft.

These run the real engine, the real Application and console adapter; only the model is a fake
server on 127.0.0.1, which rewords whatever draft it is sent.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.app import Application
from bot.core.types import Request
from handlers import conversation
from tests.llm.conftest import NO_SECRETS, llm_config, run_console
from tests.llm.fake_server import user_block

OPENING = "Lovely to hear from you! "


def warmer(body: dict) -> str:
    """A well-behaved model: the team's draft with a warmer opening."""
    messages = {m["role"]: m["content"] for m in body["messages"]}
    return OPENING + user_block(messages, "draft")


def warmer_but_invents_a_price(body: dict) -> str:
    return warmer(body) + " Every box is just £1 today!"


def customer(text: str, number: int = 1) -> Request:
    return Request(platform="console", text=text, user="ana", channel="customers",
                   thread="main", message_id=f"m{number}")


def fields(reply) -> dict[str, str]:
    return {field.label: field.value for field in reply.fields}


@pytest.fixture
async def make_app():
    """Builds real Applications; each is shut down and its database file closed afterwards."""
    apps: list[Application] = []

    def build(config) -> Application:
        apps.append(Application(config, NO_SECRETS))
        return apps[-1]

    yield build
    for app in apps:
        await app.shutdown()
        app.db.conn.close()


async def test_the_llm_draft_updates_the_stored_suggestion_and_the_review(
        make_app, config_with_llm, fake_llm):
    fake_llm.reply = warmer
    app = make_app(config_with_llm)
    review = conversation.on_message(customer("how much is a pastry box?"), app.ctx)
    suggestion_id = review.meta["suggestion_id"]
    template = fields(review)["Suggested reply"]  # shown at once, in the template's words

    updated = await app.improve_review(review)

    assert updated.meta["suggestion_id"] == suggestion_id
    assert fields(updated)["Suggested reply (LLM wording)"] == OPENING + template
    assert [c.action for c in updated.choices] == ["send", "another", "edit", "dismiss"]
    row = app.db["suggestions"].get(suggestion_id)
    assert (row["text"], row["source"]) == (OPENING + template, "llm")
    assert user_block(fake_llm.last_messages(), "customer_message") == "how much is a pastry box?"
    sent = conversation.on_choice(app.ctx, "send", suggestion_id, "console", "team")
    assert sent.post.text == OPENING + template


async def test_a_rejected_draft_keeps_the_template_and_the_review_is_not_replaced(
        make_app, config_with_llm, fake_llm):
    fake_llm.reply = warmer_but_invents_a_price
    app = make_app(config_with_llm)
    review = conversation.on_message(customer("how much is a pastry box?"), app.ctx)
    assert await app.improve_review(review) is None
    row = app.db["suggestions"].get(review.meta["suggestion_id"])
    assert (row["text"], row["source"]) == (fields(review)["Suggested reply"], "template")


async def test_a_reply_sent_while_the_model_was_writing_is_never_changed(
        make_app, config_with_llm, fake_llm):
    fake_llm.reply, fake_llm.delay = warmer, 5
    app = make_app(config_with_llm)
    review = conversation.on_message(customer("how much is a pastry box?"), app.ctx)
    template = fields(review)["Suggested reply"]
    pending = asyncio.create_task(app.improve_review(review))
    while not fake_llm.requests:  # the model is now writing
        await asyncio.sleep(0.01)
    sent = conversation.on_choice(app.ctx, "send", review.meta["suggestion_id"], "console", "team")
    fake_llm.release()
    assert await pending is None
    row = app.db["suggestions"].get(review.meta["suggestion_id"])
    # Claimed by the Send ("sending" until a platform confirms the post), wording untouched.
    assert (row["text"], row["source"], row["status"]) == (template, "template", "sending")
    assert sent.post.text == template


async def test_an_opt_out_confirmation_keeps_its_exact_words(make_app, config_with_llm,
                                                              fake_llm):
    fake_llm.reply = warmer
    app = make_app(config_with_llm)
    review = conversation.on_message(customer("please unsubscribe me"), app.ctx)
    assert review.text.endswith("unsubscribe")
    assert await app.improve_review(review) is None
    assert fake_llm.requests == []


async def test_without_an_llm_the_review_hook_does_nothing(make_app, config, fake_llm):
    app = make_app(config)
    review = conversation.on_message(customer("how much is a pastry box?"), app.ctx)
    assert app.llm is None
    assert await app.improve_review(review) is None
    assert fake_llm.requests == []


async def test_the_console_shows_the_template_then_the_updated_draft_and_sends_it(
        make_app, config_with_llm, fake_llm):
    fake_llm.reply = warmer
    app = make_app(config_with_llm)
    output = await run_console(app, "how much is a pastry box?\n/send\n")
    template_at = output.index("  Suggested reply: ")
    updated_at = output.index("[#team] Updated draft: ")
    sent_at = output.index(f"[Nudge → #customers] {OPENING}")
    assert template_at < updated_at < sent_at
    assert f"Suggested reply (LLM wording): {OPENING}" in output


async def test_the_console_keeps_the_template_when_the_llm_times_out(make_app, tmp_path,
                                                                     fake_llm):
    config = llm_config(tmp_path, fake_llm.base_url, timeout_seconds=0.2)
    fake_llm.reply, fake_llm.delay = warmer, 5
    app = make_app(config)
    output = await run_console(app, "how much is a pastry box?\n/send\n")
    assert "Updated draft" not in output
    assert "[Nudge → #customers] " in output and OPENING not in output
    assert len(fake_llm.requests) == 1


async def test_the_console_words_the_next_suggestion_too_when_the_team_asks_for_another(
        make_app, config_with_llm, fake_llm):
    fake_llm.reply = warmer
    app = make_app(config_with_llm)
    output = await run_console(app, "how much is a pastry box?\n/another\n/send\n")
    assert output.count("Updated draft: ") == 2
    drafts = [request["json"]["messages"][1]["content"] for request in fake_llm.requests]
    assert drafts[0] != drafts[1]  # two different suggestions were worded
    second = user_block(fake_llm.last_messages(), "draft")
    assert f"[Nudge → #customers] {OPENING}{second}" in output
    rows = app.db.execute("select rank, status, source from suggestions order by rank").fetchall()
    assert rows[:2] == [(0, "dismissed", "llm"), (1, "sent", "llm")]
