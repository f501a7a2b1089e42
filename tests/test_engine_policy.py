"""The suggestion policy, one rule per test, on the example config (Crumb & Co., London).

Each test first checks the intent it relies on, so a wrong intent fails loudly rather than
testing the wrong rule.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine import Engine
from bot.engine.types import SuggestionSet, ThreadState
from tests.conftest import example_config

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # London is on UTC in November
AFTER_EVERY_OFFER = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)
SALES = {"buy", "offer"}


def suggest(engine: Engine, text: str, now: datetime = MONDAY, **state) -> SuggestionSet:
    state.setdefault("customer_messages_since_cta", 1)
    return engine.suggest(text, platform="slack", state=ThreadState(**state), now=now)


def kinds(result: SuggestionSet) -> list[str | None]:
    return [s.cta_kind for s in result.suggestions]


def test_every_message_gets_one_to_three_suggestions_each_with_a_rationale(engine):
    result = suggest(engine, "how much does a pastry box cost?")
    assert 1 <= len(result.suggestions) <= 3
    assert all(s.text and s.rationale and "\n" not in s.rationale for s in result.suggestions)


def test_max_suggestions_in_the_config_caps_the_number_of_replies(tmp_path):
    engine = Engine(example_config(tmp_path, engine={"max_suggestions": 1}))
    assert len(suggest(engine, "how much does a pastry box cost?").suggestions) == 1


def test_a_buyer_is_asked_for_the_sale_with_a_buy_or_offer_link_and_todays_offer(engine):
    result = suggest(engine, "I would like to order two pastry boxes for Saturday please")
    assert result.intent == "purchase_intent"
    assert set(kinds(result)) <= SALES
    first = result.suggestions[0]
    assert first.offer_id == "autumn10" and "AUTUMN10" in first.text
    assert first.cta_url in first.text
    assert "asked" in first.rationale or "wants to buy" in first.rationale


def test_a_price_question_leads_with_the_offer_while_it_is_valid(engine):
    result = suggest(engine, "how much does a pastry box cost?")
    assert result.intent == "pricing"
    first = result.suggestions[0]
    assert (first.cta_kind, first.cta_id, first.offer_id) == ("offer", "autumn-offer", "autumn10")
    assert "10% off your first pastry box with code AUTUMN10" in first.text
    assert "10% off your first pastry box with code AUTUMN10 (until 31 December 2026)" \
        in first.facts
    assert "offer" in first.rationale and "running" in first.rationale


def test_an_expired_offer_is_never_mentioned_and_its_link_is_held_back(engine):
    result = suggest(engine, "how much does a pastry box cost?", now=AFTER_EVERY_OFFER)
    assert result.intent == "pricing"
    assert kinds(result) and set(kinds(result)) == {"buy"}
    for s in result.suggestions:
        assert s.offer_id is None and s.cta_id != "autumn-offer"
        assert "AUTUMN10" not in s.text and "10% off" not in s.text
        assert not any("AUTUMN10" in fact or "10% off" in fact for fact in s.facts)


def test_an_offer_that_has_not_started_is_not_mentioned_either(engine):
    before = datetime(2026, 8, 31, 12, 0, tzinfo=UTC)
    result = suggest(engine, "how much does a pastry box cost?", now=before)
    assert all("AUTUMN10" not in s.text and s.offer_id != "autumn10" for s in result.suggestions)


def test_a_product_question_the_faq_answers_gets_the_answer_and_a_soft_learn_link(engine):
    result = suggest(engine, "do you have vegan options?")
    assert result.intent == "product_question"
    answer = "Yes: a gluten-free seeded loaf every day and vegan cinnamon buns on weekends."
    first = result.suggestions[0]
    assert answer in first.text and answer in first.facts
    assert first.cta_kind == "learn" and first.cta_id == "menu"
    assert all(answer in s.text for s in result.suggestions)


def test_a_product_question_without_a_good_faq_match_gets_a_reply_that_promises_an_answer(
        engine):
    result = suggest(engine, "is the sourdough made with rye flour?")
    assert result.intent == "product_question"
    first = result.suggestions[0]
    assert first.cta_id is None and "get back to you" in first.text
    assert set(kinds(result)) <= {None, "learn"}
    assert "no answer in your FAQ or products: add one?" in first.rationale


def test_a_named_store_gets_its_address_todays_hours_map_and_a_visit_link(engine):
    result = suggest(engine, "what time does the Mill Road shop close today?")
    assert result.intent == "store_visit"
    first = result.suggestions[0]
    assert "12 Mill Road, Cambridge CB1 2AD" in first.text
    assert "Open now until 18:00 today (hours 08:00-18:00)" in first.text
    assert "Market Square" not in first.text
    assert first.cta_kind == "visit" and first.cta_id == "visit-mill-road"
    assert first.cta_url.startswith("https://maps.example/crumb-mill-road?utm_source=slack")
    assert "Mill Road is open now, until 18:00 today (Monday)" in first.facts
    # Asking the hours is not asking to buy: the shop-wide in-store offer waits for that.
    assert first.offer_id is None and "free filter coffee" not in first.text


def test_a_customer_coming_to_buy_hears_of_the_in_store_offer(engine):
    result = suggest(engine, "what time does the Mill Road shop close today? "
                             "I want to pick up some bread")
    first = result.suggestions[0]
    assert "Free coffee" in first.rationale and "a free filter coffee" in first.text


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 23:30 on Saturday in UTC is already 00:30 on Sunday in London (summer time).
        (datetime(2026, 7, 4, 23, 30, tzinfo=UTC), "Closed today (Sunday)"),
        (datetime(2026, 7, 4, 22, 30, tzinfo=UTC), "We're closed now (today it was 09:00-17:00)"),
        (datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
         "Open now until 19:00 today (hours 08:00-19:00)"),
    ],
)
def test_store_hours_are_for_the_weekday_in_the_teams_time_zone(engine, now, expected):
    result = suggest(engine, "are you open today at mill road?", now=now)
    assert result.intent == "store_visit"
    assert expected in result.suggestions[0].text


def test_a_closed_store_says_when_it_opens_again(engine):
    sunday = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    result = suggest(engine, "what time does the Mill Road shop close today?", now=sunday)
    text = result.suggestions[0].text
    assert "Closed today (Sunday); open again tomorrow (Monday) 08:00-18:00" in text


def test_the_weekday_follows_the_configured_zone_not_utc(tmp_path):
    engine = Engine(example_config(tmp_path, timezone="America/New_York"))
    # 03:00 UTC on Tuesday is still Monday evening in New York: Market Square is closed.
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    result = suggest(engine, "are you open today at market square?", now=now)
    assert "Closed today (Monday)" in result.suggestions[0].text


def test_with_several_stores_and_none_named_every_store_is_listed(engine):
    result = suggest(engine, "where are your shops?")
    assert result.intent == "store_visit"
    text = result.suggestions[0].text
    assert "12 Mill Road" in text and "3 Market Hill" in text
    assert "Open now until 18:00 today (hours 08:00-18:00)" in text  # Mill Road
    assert "Closed today (Monday); open again tomorrow (Tuesday) 09:00-16:00" in text  # Market
    assert "https://maps.example/crumb-market?utm_source=slack" in text
    assert "https://maps.example/crumb-mill-road?utm_source=slack" in text
    # The only visit CTA is Mill Road's: it must not stand for both shops.
    assert set(kinds(result)) == {None}


def test_a_store_named_earlier_in_the_thread_is_the_one_answered(engine):
    result = suggest(engine, "what time do you close today?",
                     earlier_texts=("hi! is the market square shop busy on mondays?",))
    assert result.intent == "store_visit"
    text = result.suggestions[0].text
    assert text.index("3 Market Hill") < text.index("Mill Road")
    # Market Square is shut on Mondays: the reply points to the shop that is open.
    assert "Our Mill Road shop is open now until 18:00" in text


def test_order_support_routes_to_the_contact_link_and_never_sells(engine):
    result = suggest(engine, "my order never arrived and nobody answers the phone")
    assert result.intent == "order_support"
    assert result.suggestions[0].cta_kind == "contact"
    assert set(kinds(result)) <= {"contact", None}
    assert all(s.offer_id is None for s in result.suggestions)


def test_a_complaint_is_urgent_apologises_and_never_gets_a_sales_link(engine):
    result = suggest(engine, "the bread was stale and the staff were rude, really disappointed")
    assert result.intent == "complaint"
    assert all(s.urgent for s in result.suggestions)
    assert set(kinds(result)) <= {"contact", None}
    assert all("sorry" in s.text.lower() and s.offer_id is None for s in result.suggestions)


def test_praise_is_thanked_then_asked_for_a_review_or_a_referral(engine):
    result = suggest(engine, "the croissants were amazing, thank you so much!")
    assert result.intent == "praise"
    assert kinds(result)[:2] == ["review", "refer"]
    assert all("thank" in s.text.lower() for s in result.suggestions)


def test_small_talk_gets_no_call_to_action_before_the_cadence_is_reached(engine):
    for since in (1, 2):
        result = suggest(engine, "lovely weather today", customer_messages_since_cta=since)
        assert result.intent == "chit_chat"
        assert kinds(result) == [None] * len(result.suggestions)
        assert f"{since} of 3" in result.suggestions[0].rationale


def test_small_talk_gets_one_gentle_call_to_action_once_the_cadence_is_reached(engine):
    result = suggest(engine, "lovely weather today", customer_messages_since_cta=3)
    assert result.intent == "chit_chat"
    first = result.suggestions[0]
    assert first.cta_kind == "learn" and first.cta_url in first.text
    assert "3 messages since the last call-to-action" in first.rationale
    assert kinds(result)[-1] is None  # the team can still choose not to ask


def test_the_cadence_comes_from_the_config(tmp_path):
    engine = Engine(example_config(tmp_path, engine={"cta_cadence": 5}))
    assert suggest(engine, "lovely weather today", customer_messages_since_cta=4) \
        .suggestions[0].cta_id is None
    assert suggest(engine, "lovely weather today", customer_messages_since_cta=5) \
        .suggestions[0].cta_id is not None


def test_an_unsubscribe_request_is_confirmed_without_any_link(engine):
    result = suggest(engine, "please stop messaging me")
    assert result.intent == "unsubscribe" and result.classification.stage == "unsubscribe"
    assert kinds(result) == [None] * len(result.suggestions)
    assert "won't" in result.suggestions[0].text
    assert all(s.offer_id is None for s in result.suggestions)


@pytest.mark.parametrize(
    "text",
    [
        "how much does a pastry box cost?",
        "I would like to order two pastry boxes for Saturday please",
        "the croissants were amazing, thank you so much!",
        "where are your shops?",
        "lovely weather today",
    ],
)
def test_an_opted_out_customer_gets_no_promotional_link_and_no_offer(engine, text):
    result = suggest(engine, text, opted_out=True, customer_messages_since_cta=9)
    assert result.suggestions
    for s in result.suggestions:
        assert s.cta_kind not in {"buy", "offer", "review", "refer"}
        assert s.offer_id is None and "AUTUMN10" not in s.text and "free filter" not in s.text
    if result.intent == "chit_chat":
        assert kinds(result) == [None] * len(result.suggestions)


def test_an_unsure_classification_falls_back_to_small_talk_flagged_low_confidence(tmp_path):
    engine = Engine(example_config(tmp_path, engine={"confidence_threshold": 1.0}))
    result = suggest(engine, "how much does a pastry box cost?")
    c = result.classification
    assert (c.intent, c.stage, c.low_confidence) == ("chit_chat", "conversation", True)
    assert 0 < c.confidence < 1 and c.alternatives[0][0] == "pricing"
    assert c.not_sure.startswith("Not sure: pricing or ")
    assert result.suggestions[0].rationale.startswith(f"{c.not_sure} unsure what they mean")


def test_the_same_input_and_config_give_the_same_suggestions(engine, config):
    texts = ["how much does a pastry box cost?", "where are your shops?", "lovely weather"]
    first = [suggest(engine, text, customer_messages_since_cta=3) for text in texts]
    again = [suggest(Engine(config), text, customer_messages_since_cta=3) for text in texts]
    assert first == again


def test_a_naive_time_is_refused_rather_than_guessed(engine):
    with pytest.raises(ValueError, match="time-zone aware"):
        engine.suggest("hi", platform="slack", state=ThreadState(), now=datetime(2026, 1, 1))
