"""The engine inside conversations: stored suggestions, thread history, opt-outs, commands."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

from bot.core.types import Request
from handlers import conversation
from tests.conftest import ROOT

_ids = itertools.count(1)


@pytest.fixture
def chat(ctx, engine):
    ctx.engine = engine
    return ctx


def customer(chat, text: str, user: str = "U1", thread: str = "T1"):
    request = Request(platform="slack", text=text, user=user, channel="C1", thread=thread,
                      message_id=f"m{next(_ids)}")
    return conversation.on_message(request, chat)


def team(chat, text: str):
    request = Request(platform="slack", text=text, user="UTEAM", channel="CREVIEW", role="team",
                      message_id=f"m{next(_ids)}")
    return chat.router.dispatch(request, chat)


def stored(chat, review) -> dict:
    return chat.db["suggestions"].get(review.meta["suggestion_id"])


def test_a_customer_message_is_classified_and_its_suggestions_are_stored(chat):
    review = customer(chat, "how much does a pastry box cost?")
    rows = list(chat.db["suggestions"].rows_where(order_by="rank"))
    assert len(rows) == 3 and [r["rank"] for r in rows] == [0, 1, 2]
    assert rows[0]["intent"] == "pricing" and rows[0]["cta_kind"] == "offer"
    assert rows[0]["cta_url"] in rows[0]["text"] and rows[0]["offer_id"] == "autumn10"
    message = chat.db["messages"].get(rows[0]["message_id"])
    assert (message["intent"], message["stage"]) == ("pricing", "promotion")
    assert review.meta["suggestion_id"] == rows[0]["id"]


def test_the_cta_cadence_counts_the_customers_messages_in_the_thread(chat):
    first, second = customer(chat, "lovely weather today"), customer(chat, "how are you doing?")
    assert stored(chat, first)["cta_id"] is None and stored(chat, second)["cta_id"] is None
    third = stored(chat, customer(chat, "lovely weather today"))
    assert third["intent"] == "chit_chat" and third["cta_kind"] == "learn"
    # Sending the reply with a CTA resets the count: the next small talk gets no ask.
    conversation.on_choice(chat, "send", third["id"], "slack", "UTEAM")
    assert stored(chat, customer(chat, "lovely weather today"))["cta_id"] is None


def test_another_thread_has_its_own_cadence(chat):
    for _ in range(3):
        customer(chat, "lovely weather today", thread="T1")
    assert stored(chat, customer(chat, "lovely weather today", thread="T2"))["cta_id"] is None


def test_an_unsubscribe_records_the_opt_out_and_later_replies_carry_no_promotion(chat):
    review = customer(chat, "please stop messaging me")
    assert stored(chat, review)["cta_id"] is None
    assert chat.db["opt_outs"].get("slack:U1")["message"] == "please stop messaging me"
    later = customer(chat, "how much does a pastry box cost?", thread="T9")
    rows = list(chat.db["suggestions"].rows_where("message_id = ?", [stored(chat, later)
                                                                     ["message_id"]]))
    assert rows and all(r["cta_kind"] not in {"buy", "offer", "review", "refer"} for r in rows)
    assert all(r["offer_id"] is None and "AUTUMN10" not in r["text"] for r in rows)


def test_a_complaint_marks_the_conversation_urgent(chat):
    review = customer(chat, "the bread was stale and the staff were rude, really disappointed")
    assert review.fields[0].label == "Urgent"
    conversation_row = chat.db["conversations"].get(review.meta["conversation_id"])
    assert conversation_row["urgent"] == 1


def test_a_store_named_earlier_in_the_thread_is_remembered(chat):
    customer(chat, "hi, quick question about the market square shop")
    suggestion = stored(chat, customer(chat, "what time do you close today?"))
    text = suggestion["text"]
    assert text.startswith("Thanks for checking before you come") and "*Market Square*" in text
    assert "*Mill Road*" not in text and "Our Mill Road shop is open now" in text


def test_the_suggest_command_shows_the_replies_without_storing_anything(chat):
    reply = team(chat, "/nudge suggest where are your shops?")
    assert reply.ok and reply.text.startswith("Intent: store_visit (information")
    labels = [field.label for field in reply.fields]
    assert labels[:2] == ["Suggestion 1", "Why"]
    assert "12 Mill Road" in reply.fields[0].value
    assert chat.db["suggestions"].count == 0 and chat.db["messages"].count == 0


def test_the_suggest_command_without_text_explains_its_usage(chat):
    reply = team(chat, "/nudge suggest")
    assert not reply.ok and "Usage: `/nudge suggest <customer message>`" in reply.text


def test_the_cta_command_lists_the_catalog_with_tagged_links(chat):
    reply = team(chat, "/nudge cta")
    assert reply.text.startswith("7 CTAs in the catalog, tagged for slack; 2 offers running")
    values = {field.label: field.value for field in reply.fields}
    assert values["order-online (buy)"] == ("Order online for pickup: https://crumbandco.example/"
                                            "order?utm_source=slack&utm_medium=chat"
                                            "&utm_campaign=chat-orders")
    assert "Offer running: Autumn box" in values


def test_the_cta_command_marks_an_offer_link_held_back_once_its_offer_ended(chat, clock):
    from datetime import UTC, datetime

    clock.moment = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    reply = team(chat, "/nudge cta offer")
    assert [field.label for field in reply.fields] == \
        ["autumn-offer (offer) (held back today: its offer is not running)"]
    assert not team(chat, "/nudge cta gift").ok


def test_the_console_shows_suggestions_for_each_customer_line(config_file):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_file), "run"],
        input="how much is the autumn box?\n/send\n", capture_output=True, text=True,
        timeout=120, env=env, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "New customer message in customers: pricing" in result.stdout
    assert "Suggested reply:" in result.stdout and "[/send] Send" in result.stdout
    assert "[Nudge → #customers]" in result.stdout
    assert "utm_source=console&utm_medium=chat" in result.stdout


def test_a_strongly_negative_message_is_urgent_whatever_its_intent(chat):
    review = customer(chat, "WHERE IS MY ORDER?! Two weeks now, this is unacceptable")
    assert review.fields[0].label == "Urgent"
    assert stored(chat, review)["urgent"] == 1
    assert "strongly negative" in stored(chat, review)["rationale"] or \
        stored(chat, review)["intent"] == "complaint"
    assert chat.db["conversations"].get(review.meta["conversation_id"])["urgent"] == 1


def test_an_unsure_guess_asks_the_team_to_pick_one_of_the_two_likeliest(ctx, tmp_path):
    from bot.engine import Engine
    from tests.conftest import example_config

    ctx.engine = Engine(example_config(tmp_path, engine={"confidence_threshold": 1.0}))
    review = customer(ctx, "how much does a pastry box cost?")
    intent = next(field.value for field in review.fields if field.label == "Intent")
    assert "Not sure: pricing or " in intent and "pricing " in intent.split("?")[1]
    message = ctx.db["messages"].get(stored(ctx, review)["message_id"])
    first, second = json.loads(message["alternatives"])
    assert first[0] == "pricing" and first[1] >= second[1]
    reply = team(ctx, "/nudge suggest how much does a pastry box cost?")
    assert "Not sure: pricing or " in reply.text
