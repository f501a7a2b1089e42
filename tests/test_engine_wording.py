"""The words a marketer reads before pressing Send: grammar that holds with or without emoji,
no link twice, no promise the link does not keep, nothing sold to a message nobody understood."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.engine import Engine
from bot.engine.corpus import dev_examples
from bot.engine.types import SuggestionSet, ThreadState
from tests.conftest import example_config

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
AFTER_EVERY_OFFER = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)
URL = re.compile(r"https?://\S+")
EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def suggest(engine: Engine, text: str, now: datetime = MONDAY, **state) -> SuggestionSet:
    state.setdefault("customer_messages_since_cta", 1)
    return engine.suggest(text, platform="slack", state=ThreadState(**state), now=now)


@pytest.mark.parametrize("opted_out", [False, True])
@pytest.mark.parametrize("now", [MONDAY, AFTER_EVERY_OFFER])
def test_no_reply_carries_the_same_link_twice(engine, now, opted_out):
    for example in dev_examples()[::3]:
        for s in suggest(engine, example.text, now, customer_messages_since_cta=3,
                         opted_out=opted_out).suggestions:
            links = URL.findall(s.text)
            assert len(links) == len(set(links)), s.text


def test_without_emoji_every_sentence_still_ends_with_punctuation(tmp_path):
    engine = Engine(example_config(tmp_path, brand={"name": "Crumb & Co.", "emoji": False}))
    texts = [s.text for text in ("the croissants were amazing, thank you!",
                                 "do you have vegan options?", "where are your shops?",
                                 "how much does a pastry box cost?", "lovely weather today")
             for s in suggest(engine, text).suggestions]
    joined = "\n".join(texts)
    assert not EMOJI.search(joined)
    assert "that made our day!" in joined and "Thanks for asking!" in joined
    assert "We have two shops. Here are their hours today:" in joined
    for text in texts:
        # A sentence that lost its emoji would run into the next one: "our day If you ...".
        assert not re.search(r"(day|you|asking|news|message) [A-Z]", text), text


def test_an_opted_out_buyer_is_not_told_to_order_online_through_the_contact_link(engine):
    for text in ("I would like to order two pastry boxes for Saturday please",
                 "how much does a pastry box cost?"):
        for s in suggest(engine, text, opted_out=True).suggestions:
            assert "online" not in s.text and "ordering page" not in s.text
            assert "grab it" not in s.text and "in a minute" not in s.text
            if s.cta_kind == "contact":
                assert "personally" in s.text or "give you a price" in s.text


def test_without_an_offer_a_price_question_gets_the_price_not_a_deal(engine):
    result = suggest(engine, "how much does a pastry box cost?", now=AFTER_EVERY_OFFER)
    assert result.intent == "pricing"
    first = result.suggestions[0]
    assert first.text.startswith("Pastry box: £12.")
    assert "grab it" not in first.text and "deal" not in first.text


def test_an_offer_reads_as_something_there_is_not_something_it_is(engine):
    texts = [s.text for s in suggest(engine, "I'd like to order a pastry box").suggestions]
    assert any("there's 10% off your first pastry box" in text for text in texts)
    assert not any("it's 10% off" in text for text in texts)


def test_a_message_nobody_understood_is_asked_about_and_never_sold_to(tmp_path):
    engine = Engine(example_config(tmp_path, engine={"confidence_threshold": 1.0}))
    result = suggest(engine, "the thing from before, same again?", customer_messages_since_cta=9)
    assert result.classification.low_confidence
    assert all(s.cta_id is None and s.offer_id is None for s in result.suggestions)
    assert "tell us a little more" in result.suggestions[0].text
    assert not any("How's your day" in s.text for s in result.suggestions)
