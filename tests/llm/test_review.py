"""The review the team sees is shown with the template first, then updated with the LLM's draft."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import Application
from handlers import conversation
from handlers.types import Request
from tests.llm.conftest import (
    NO_SECRETS,
    OFFER_TEMPLATE,
    OFFER_URL,
    ContractEngine,
    llm_config,
    offer_suggestion,
    run_console,
)

GOOD_DRAFT = f"Treat yourself: AUTUMN10 takes 10% off your first pastry box! {OFFER_URL}"


def customer(text: str, number: int = 1) -> Request:
    return Request(platform="console", text=text, user="ana", channel="customers",
                   thread="main", message_id=f"m{number}")


@pytest.fixture
async def app_with():
    """Builds Applications with the contract engine; each is shut down and its file closed."""
    apps: list[Application] = []

    def build(config, engine=None) -> Application:
        apps.append(Application(config, NO_SECRETS, engine=engine or ContractEngine()))
        return apps[-1]

    yield build
    for app in apps:
            app.db.conn.close()


def stored(app, suggestion_id):
    return app.db["suggestions"].get(suggestion_id)


async def test_the_llm_draft_updates_the_stored_suggestion_and_the_review(
        app_with, config_with_llm, fake_llm):
    fake_llm.reply = GOOD_DRAFT
    app = app_with(config_with_llm)
    review = conversation.on_message(customer("how much is a box?"), app.ctx)
    suggestion_id = review.meta["suggestion_id"]
    # Shown at once, with the template wording.
    assert ("Suggested reply", OFFER_TEMPLATE) in [(f.label, f.value) for f in review.fields]

    updated = await app.improve_review(review)

    assert updated.meta["suggestion_id"] == suggestion_id
    assert ("Suggested reply (LLM wording)", GOOD_DRAFT) in [(f.label, f.value)
                                                              for f in updated.fields]
    assert [c.action for c in updated.choices] == ["send", "another", "edit", "dismiss"]
    row = stored(app, suggestion_id)
    assert (row["text"], row["source"]) == (GOOD_DRAFT, "llm")
    assert "how much is a box?" in fake_llm.last_messages()["user"]
    sent = conversation.on_choice(app.ctx, "send", suggestion_id, "console", "team")
    assert sent.post.text == GOOD_DRAFT


async def test_a_rejected_draft_keeps_the_template_and_the_review_is_not_replaced(
        app_with, config_with_llm, fake_llm):
    fake_llm.reply = f"Use AUTUMN10 for 10% off, and every box is £1 today! {OFFER_URL}"
    app = app_with(config_with_llm)
    review = conversation.on_message(customer("how much is a box?"), app.ctx)
    assert await app.improve_review(review) is None
    row = stored(app, review.meta["suggestion_id"])
    assert (row["text"], row["source"]) == (OFFER_TEMPLATE, "template")


async def test_a_reply_sent_while_the_model_was_writing_is_never_changed(
        app_with, config_with_llm, fake_llm):
    fake_llm.reply, fake_llm.delay = GOOD_DRAFT, 5
    app = app_with(config_with_llm)
    review = conversation.on_message(customer("how much is a box?"), app.ctx)
    pending = asyncio.create_task(app.improve_review(review))
    while not fake_llm.requests:  # the model is now writing
        await asyncio.sleep(0.01)
    sent = conversation.on_choice(app.ctx, "send", review.meta["suggestion_id"], "console", "team")
    fake_llm.release()
    assert await pending is None
    row = stored(app, review.meta["suggestion_id"])
    assert (row["text"], row["source"], row["status"]) == (OFFER_TEMPLATE, "template", "sent")
    assert sent.post.text == OFFER_TEMPLATE


async def test_an_opt_out_confirmation_keeps_its_exact_words(app_with, config_with_llm,
                                                              fake_llm):
    confirmation = offer_suggestion(text="Done: you will not hear from us again.", cta_id=None,
                                    cta_kind=None, cta_label=None, cta_url=None, offer_id=None,
                                    facts=())
    engine = ContractEngine(confirmation, intent="unsubscribe", stage="unsubscribe")
    app = app_with(config_with_llm, engine)
    review = conversation.on_message(customer("stop messaging me"), app.ctx)
    assert await app.improve_review(review) is None
    assert fake_llm.requests == []


async def test_without_an_llm_the_review_hook_does_nothing(app_with, config, fake_llm):
    app = app_with(config)
    review = conversation.on_message(customer("how much is a box?"), app.ctx)
    assert app.llm is None
    assert await app.improve_review(review) is None
    assert fake_llm.requests == []


async def test_the_console_shows_the_template_then_the_updated_draft_and_sends_it(
        app_with, config_with_llm, fake_llm):
    fake_llm.reply = GOOD_DRAFT
    app = app_with(config_with_llm)
    output = await run_console(app, "how much is a box?\n/send\n")
    template_at = output.index(f"Suggested reply: {OFFER_TEMPLATE}")
    updated_at = output.index("[#team] Updated draft: ")
    sent_at = output.index(f"[Nudge → #customers] {GOOD_DRAFT}")
    assert template_at < updated_at < sent_at
    assert f"Suggested reply (LLM wording): {GOOD_DRAFT}" in output
    assert output.rstrip().endswith("Bye.")


async def test_the_console_keeps_the_template_when_the_llm_times_out(app_with, tmp_path,
                                                                     fake_llm):
    config = llm_config(tmp_path, fake_llm.base_url, timeout_seconds=0.2)
    fake_llm.reply, fake_llm.delay = GOOD_DRAFT, 5
    app = app_with(config)
    output = await run_console(app, "how much is a box?\n/send\n")
    assert "Updated draft" not in output
    assert f"[Nudge → #customers] {OFFER_TEMPLATE}" in output
    assert len(fake_llm.requests) == 1


async def test_the_console_words_the_next_suggestion_too_when_the_team_asks_for_another(
        app_with, config_with_llm, fake_llm):
    order_url = "https://crumbandco.example/order?utm_source=console&utm_medium=chat"
    order = offer_suggestion(text=f"You can order online for pickup: {order_url}",
                             cta_id="order-online", cta_kind="buy",
                             cta_label="Order online for pickup", cta_url=order_url,
                             offer_id=None, facts=())

    def reply(body: dict) -> str:
        system = body["messages"][0]["content"]
        if order_url in system:
            return f"Pop your order in online and collect it fresh! {order_url}"
        return GOOD_DRAFT

    fake_llm.reply = reply
    app = app_with(config_with_llm, ContractEngine(offer_suggestion(), order))
    output = await run_console(app, "how much is a box?\n/another\n/send\n")
    assert output.count("Updated draft: ") == 2
    assert f"[Nudge → #customers] Pop your order in online and collect it fresh! {order_url}" \
        in output
