"""Opt-outs only when the customer asks to stop (issue 20, item 6).

A request to be contacted, sent something or added to a list is not an opt-out: nothing is
recorded and later offers still reach that customer. When the engine is unsure between an
opt-out and such a request, the review asks the team, who may still record it. Real engine,
real conversation handler, real SQLite file.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from bot.core.types import Request
from bot.engine.types import ThreadState
from handlers import conversation, corrections

_ids = itertools.count(1)
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CONTACT_REQUESTS = (
    "add me to your newsletter",
    "send me your offers please",
    "please call me back",
    "email me the menu please",
    "can you add my number to your list",
    "nehmt mich bitte in euren Newsletter auf",
    "enviadme las ofertas por correo",
    "inscrivez-moi à la newsletter",
)
OPT_OUTS = (
    "please stop texting me",
    "STOP SENDING ME OFFERS",
    "take me off your list",
    "keine Werbung mehr bitte",
    "dadme de baja de los correos",
    "ne m'envoyez plus de promos",
)


@pytest.fixture
def chat(ctx, engine):
    ctx.engine = engine
    return ctx


def customer(chat, text: str, user: str = "U1", thread: str = "T1"):
    request = Request(platform="slack", text=text, user=user, channel="C1", thread=thread,
                      message_id=f"m{next(_ids)}")
    return conversation.on_message(request, chat)


def field(review, label: str) -> str:
    return next((f.value for f in review.fields if f.label == label), "")


@pytest.mark.parametrize("text", CONTACT_REQUESTS)
def test_a_contact_or_opt_in_request_is_never_an_opt_out(engine, text):
    result = engine.suggest(text, platform="slack", state=ThreadState(1), now=MONDAY)
    assert result.intent != "unsubscribe", text


@pytest.mark.parametrize("text", OPT_OUTS)
def test_asking_to_stop_is_an_opt_out_in_any_of_four_languages(engine, text):
    result = engine.suggest(text, platform="slack", state=ThreadState(1), now=MONDAY)
    assert result.intent == "unsubscribe", text


def test_contact_requests_record_no_opt_out_and_offers_still_reach_the_customer(chat):
    for number, text in enumerate(CONTACT_REQUESTS):
        customer(chat, text, thread=f"T{number}")
    assert chat.db["opt_outs"].count == 0
    later = customer(chat, "how much does a pastry box cost?", thread="T99")
    assert chat.db["suggestions"].get(later.meta["suggestion_id"])["offer_id"] == "autumn10"


def test_an_unclear_opt_out_asks_the_team_records_nothing_and_sells_nothing(chat):
    # The model reads "list" as an opt-out; the words ask to stay on it.
    review = customer(chat, "keep my email on your list please")
    intent, why = field(review, "Intent"), field(review, "Why")
    assert intent.split(" (")[0] != "unsubscribe"
    assert "Not sure: unsubscribe or " in intent
    assert why.startswith("Not sure: unsubscribe or ") and \
        "Record an opt-out only if they asked to stop" in why
    assert chat.db["opt_outs"].count == 0
    rows = list(chat.db["suggestions"].rows_where("message_id = ?", [
        chat.db["suggestions"].get(review.meta["suggestion_id"])["message_id"]]))
    assert rows and all(r["cta_kind"] not in {"buy", "offer"} and r["offer_id"] is None
                        for r in rows)
    # The team reads it as an opt-out after all: choosing unsubscribe records it.
    corrections.on_correct(chat, review.meta["suggestion_id"], "unsubscribe", "slack",
                           "U0MANAGER")  # into unsubscribe: a manager's call
    assert chat.db["opt_outs"].get("slack:U1")["message"] == "keep my email on your list please"


def test_an_angry_stop_is_recorded_at_once(chat):
    review = customer(chat, "I TOLD YOU ALREADY, STOP MESSAGING ME!!")
    assert chat.db["opt_outs"].get("slack:U1") is not None
    assert "Not sure" not in field(review, "Why")
