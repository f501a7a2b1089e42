"""The reply rules of issue 12, one per test, on the example config (Crumb & Co., London):
offers that fit, every question answered, hours that know the date and time, sensitive
questions to a person, and the opt-out promise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine import Engine
from bot.engine.sensitive import sensitive_topic
from bot.engine.types import SuggestionSet, ThreadState
from tests.conftest import example_config

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # London is on UTC in November
SUNDAY_AFTERNOON = datetime(2026, 11, 29, 14, 0, tzinfo=UTC)
SALES = {"buy", "offer"}


def suggest(engine: Engine, text: str, now: datetime = MONDAY, **state) -> SuggestionSet:
    state.setdefault("customer_messages_since_cta", 1)
    return engine.suggest(text, platform="slack", state=ThreadState(**state), now=now)


# Offers that fit -------------------------------------------------------------------------

def test_an_offer_scoped_to_a_product_is_not_pitched_for_another(engine):
    # autumn10 applies to the pastry box only.
    for text in ("how much is a baguette?", "I'd like 2 sourdoughs and a rye for pickup tomorrow",
                 "can I order a birthday cake for saturday?"):
        result = suggest(engine, text)
        assert all(s.offer_id != "autumn10" and "AUTUMN10" not in s.text
                   for s in result.suggestions), text


def test_an_offer_scoped_to_a_product_is_mentioned_when_that_product_comes_up(engine):
    result = suggest(engine, "how much is the pastry box?")
    assert result.suggestions[0].offer_id == "autumn10"


def test_a_shop_wide_offer_needs_a_price_or_buying_question(tmp_path):
    config = example_config(tmp_path)
    config.offers[0].applies_to = []  # autumn10 for the whole shop
    engine = Engine(config)
    assert suggest(engine, "how much is a baguette?").suggestions[0].offer_id == "autumn10"
    for text in ("do you deliver?", "lol ok", "thanks, lovely chat"):
        for s in suggest(engine, text, customer_messages_since_cta=5).suggestions:
            assert s.offer_id != "autumn10", text


def test_an_offer_is_mentioned_once_per_thread_unless_the_customer_asks(engine):
    first = suggest(engine, "how much is the pastry box?").suggestions[0]
    assert first.offer_id == "autumn10"
    again = suggest(engine, "and how much is the pastry box for two?", said=(first.text,),
                    offers_sent=("autumn10",))
    assert all(s.offer_id != "autumn10" for s in again.suggestions)
    asked = suggest(engine, "is there still a discount code on the pastry box?",
                    said=(first.text,), offers_sent=("autumn10",))
    assert asked.suggestions[0].offer_id == "autumn10"


def test_an_overstock_addon_goes_with_its_category_once_per_thread(engine):
    first = suggest(engine, "I'd like to order 4 cinnamon buns").suggestions[0]
    assert "Fancy adding Mince pies (box of 6) (£7.50)?" in first.text
    bread = suggest(engine, "I'd like to order a sourdough loaf").suggestions[0]
    assert "Mince pies" not in bread.text
    later = suggest(engine, "can I also order 2 cinnamon buns for friday?", said=(first.text,))
    assert all("Mince pies" not in s.text for s in later.suggestions)


def test_more_of_the_same_order_stays_an_order(engine):
    result = suggest(engine, "and 2 cinnamon buns", previous_intent="purchase_intent",
                     earlier_texts=("I'd like to order a pastry box for saturday",))
    assert result.suggestions[0].cta_kind in SALES


# Every question in a message ---------------------------------------------------------------

def test_hours_and_delivery_asked_together_are_both_answered_with_one_cta(engine):
    result = suggest(engine, "are you open on saturday at mill road and do you deliver?")
    reply = result.suggestions[0]
    assert "Open on Saturday 09:00-17:00" in reply.text
    assert "We deliver within 5 miles of Mill Road on Fridays and Saturdays." in reply.text
    assert reply.text.count("https://crumbandco.example") + \
        reply.text.count("utm_campaign=chat-visit") <= 1


def test_price_and_stock_asked_together_are_both_answered(engine):
    text = suggest(engine, "how much is the rye and do you have any left?").suggestions[0].text
    assert "Seeded rye: £3.80" in text and "only a few left" in text


def test_an_faq_question_the_classifier_takes_for_a_visit_still_gets_its_answer(tmp_path):
    config = example_config(tmp_path, faq=[
        {"question": "Can I bring my dog?", "answer": "Dogs are welcome on the terrace."}])
    text = suggest(Engine(config), "can i bring my puppy along?").suggestions[0].text
    assert "Dogs are welcome on the terrace." in text


# Hours that know the date and the time ----------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("are you open on christmas day at mill road?",
     "Closed on Friday 25 December (Christmas Day)"),
    ("mill road hours on xmas eve?", "Open on Thursday 24 December (Christmas Eve) 08:00-14:00"),
    ("is mill road open boxing day", "Closed on Saturday 26 December (Boxing Day)"),
    ("mill road open on new year's eve?",
     "Open on Thursday 31 December (holiday hours) 10:00-16:00"),
    ("is mill road open on the 26th of december?", "Closed on Saturday 26 December"),
    ("mill road 24 dec?", "08:00-14:00"),
])
def test_special_hours_and_named_days(engine, text, expected):
    assert expected in suggest(engine, text).suggestions[0].text


def test_are_you_open_is_answered_for_the_time_now(engine):
    at_ten = suggest(engine, "is mill road open?").suggestions[0]
    assert "Open now until 18:00 today" in at_ten.text
    early = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert "Opening at 08:00 today" in suggest(engine, "is mill road open?", now=early) \
        .suggestions[0].text
    late = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
    text = suggest(engine, "what time do you close today at mill road?", now=late) \
        .suggestions[0].text
    assert "We're closed now" in text and "open again tomorrow (Tuesday) 08:00-18:00" in text


def test_after_closing_on_the_day_asked_the_reply_says_the_shop_has_closed(engine):
    text = suggest(engine, "market square open sunday?", now=SUNDAY_AFTERNOON) \
        .suggestions[0].text
    assert "We're closed now (today it was 10:00-14:00)" in text
    assert "Open today" not in text


def test_a_closed_shop_points_to_one_that_is_open(engine):
    text = suggest(engine, "is market square open today?").suggestions[0].text  # a Monday
    assert "Closed today (Monday)" in text
    assert "Our Mill Road shop is open now until 18:00 (12 Mill Road, Cambridge CB1 2AD)." \
        in text


# Sensitive questions go to a person ------------------------------------------------------

@pytest.mark.parametrize(("text", "topic"), [
    ("does the carrot cake have nuts? my daughter has a severe nut allergy", "allergy"),
    ("I'm coeliac, is the seeded loaf safe for me?", "allergy"),
    ("my husband got food poisoning after your sandwiches", "health"),
    ("I'll be speaking to my solicitor about this", "legal"),
    ("Hi, I'm a journalist writing an article about local bakeries", "press"),
    ("¿tiene frutos secos la tarta? soy alérgico", "allergy"),
    ("my dog chewed a mince pie wrapper, is that toxic?", "health"),
])
def test_sensitive_questions_are_urgent_with_a_holding_reply_and_no_sales_link(engine, text,
                                                                             topic):
    assert sensitive_topic(text) == topic
    result = suggest(engine, text, customer_messages_since_cta=9)
    assert result.suggestions and all(s.urgent for s in result.suggestions)
    assert all(s.cta_kind in (None, "contact") and s.offer_id is None
               for s in result.suggestions)
    assert all("£" not in s.text and "Good question" not in s.text for s in result.suggestions)


@pytest.mark.parametrize("text", [
    "is sue working today?", "do you have gluten free bread?", "what time is the food court open",
    "my voucher expired, can I still use it?", "when does the vet shop next door open?",
])
def test_everyday_words_that_look_sensitive_are_not(text):
    assert sensitive_topic(text) is None


# Promises the product keeps -------------------------------------------------------------

def test_the_opt_out_confirmation_says_what_stops_and_what_does_not(engine):
    result = suggest(engine, "please stop sending me offers")
    assert result.intent == "unsubscribe"
    for s in result.suggestions:
        assert "offers" in s.text and "channel for everyone" in s.text
        assert "won't hear from us" not in s.text and "promotional messages" not in s.text


def test_a_question_is_matched_to_the_faq_by_meaning_not_only_by_shared_words(tmp_path):
    config = example_config(tmp_path, faq=[
        {"question": "Are dogs allowed in the shop?", "answer": "Dogs on a lead are welcome."},
        {"question": "Do you sell gift cards?", "answer": "Yes, from 10 to 100 pounds."}])
    engine = Engine(config)
    text = suggest(engine, "is it ok to come in with my golden retriever?").suggestions[0].text
    assert "Dogs on a lead are welcome." in text
    assert "gift cards" not in suggest(engine, "do you sell bird feeders?").suggestions[0].text
