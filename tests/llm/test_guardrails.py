"""The guardrails on an LLM draft: the engine's facts and link pass, anything else does not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.llm.guardrails import MAX_REPLY_CHARS, check_draft
from tests.llm.conftest import OFFER_URL, offer_suggestion

HOURS_FACTS = ("Mill Road, 12 Mill Road, Cambridge CB1 2AD", "open today 08:00-18:00",
               "phone +44 1223 000000")


def hours_suggestion():
    return offer_suggestion(
        text="Mill Road is open today 08:00-18:00 at 12 Mill Road, Cambridge CB1 2AD. "
             "Get directions to Mill Road: https://maps.example/crumb-mill-road",
        cta_id="visit-mill-road", cta_kind="visit", cta_label="Get directions to Mill Road",
        cta_url="https://maps.example/crumb-mill-road", offer_id=None, facts=HOURS_FACTS,
    )


def test_a_faithful_rewording_is_used_as_written():
    draft = (f"Lovely timing! Use AUTUMN10 for 10% off your first pastry box, any day until "
             f"31 December. Get 10% off your first box: {OFFER_URL}")
    verdict = check_draft(draft, offer_suggestion())
    assert verdict.accepted and verdict.text == draft


def test_hours_may_be_reworded_but_not_changed():
    reworded = "We're open 8am to 6pm today at 12 Mill Road, come say hi!"
    assert check_draft(reworded, hours_suggestion()).accepted
    changed = "We're open 8am to 7pm today at 12 Mill Road, come say hi!"
    verdict = check_draft(changed, hours_suggestion())
    assert not verdict.accepted and "7pm" in verdict.reason


@pytest.mark.parametrize("link", [
    "www.crumbs-deals.com", "crumbs.shop/win", "https://bit.ly/xyz",
    "https://crumbandco.example/offers/autumn",  # the catalog link without its utm tags
    "<https://evil.example/win|win big>", "[claim it](https://evil.example/claim)",
])
def test_a_draft_with_any_link_but_the_decided_one_falls_back_to_the_template(link):
    draft = f"Use AUTUMN10 for 10% off your first pastry box! More at {link}. Claim: {OFFER_URL}"
    verdict = check_draft(draft, offer_suggestion())
    assert not verdict.accepted and "a link not in the catalog" in verdict.reason


def test_markdown_and_slack_forms_of_the_decided_link_are_unwrapped():
    for draft in (f"Use AUTUMN10 for 10% off your first pastry box: [claim it]({OFFER_URL}).",
                  f"Use AUTUMN10 for 10% off your first pastry box: <{OFFER_URL}|claim it>."):
        expected = f"Use AUTUMN10 for 10% off your first pastry box: claim it {OFFER_URL}."
        assert check_draft(draft, offer_suggestion()).text == expected


def test_the_decided_link_is_appended_when_the_model_drops_it():
    verdict = check_draft("Use AUTUMN10 for 10% off your first pastry box!", offer_suggestion())
    assert verdict.text == ("Use AUTUMN10 for 10% off your first pastry box!\n"
                            f"Get 10% off your first box: {OFFER_URL}")


def test_a_reply_without_a_call_to_action_may_carry_no_link_at_all():
    suggestion = offer_suggestion(text="Thank you, that means a lot to us!", cta_id=None,
                                  cta_kind=None, cta_label=None, cta_url=None, facts=())
    assert check_draft("Thanks so much, that means a lot!", suggestion).accepted
    verdict = check_draft("Thanks so much! Follow us at https://instagram.com/crumb", suggestion)
    assert not verdict.accepted and "instagram.com/crumb" in verdict.reason


@pytest.mark.parametrize(
    ("draft", "reason"),
    [
        ("Use AUTUMN10 for 10% off; a box is only £12 this week!", "£12"),
        ("Use AUTUMN10 for 25% off your first pastry box!", "25%"),
        ("Use AUTUMN10 or BIGSAVE20 for 10% off your first pastry box!", "BIGSAVE20"),
        ("Use AUTUMN10 for 10% off, or the code welcome5 for more!", "welcome5"),
        ("Use AUTUMN10 for 10% off your first pastry box until 15 January!", "15 January"),
        ("Use AUTUMN10 for 10% off your first pastry box, from Monday!", "Monday"),
        ("Use AUTUMN10 for 10% off your first pastry box, before 5pm!", "5pm"),
        ("Use AUTUMN10 for 10% off your first 3 pastry boxes!", "3"),
        ("Use AUTUMN10 for 10% off your first pastry box, and delivery is free!", "free"),
        ("Use AUTUMN10 for 10% off your first pastry box, ends tomorrow!", "tomorrow"),
        ("Use AUTUMN10 for 10% off two pastry boxes!", "two"),
        ("Use AUTUMN10 for 10% off! Write to deals@crumbs.example", "deals@crumbs.example"),
    ],
    ids=["price", "percentage", "code", "code-after-the-word-code", "date", "weekday", "time",
         "number", "free", "relative-day", "spelled-number", "email"],
)
def test_a_draft_that_states_something_outside_the_facts_is_rejected(draft, reason):
    verdict = check_draft(draft, offer_suggestion())
    assert not verdict.accepted
    assert reason in verdict.reason


def test_words_from_the_brand_and_the_facts_are_not_mistaken_for_inventions():
    suggestion = offer_suggestion(
        text="Yes: a gluten-free seeded loaf every day and vegan cinnamon buns on weekends.",
        cta_label="See today's menu", cta_url="https://crumbandco.example/menu",
        facts=("Yes: a gluten-free seeded loaf every day and vegan cinnamon buns on weekends.",),
    )
    draft = ("Feel free to pop in! We bake a gluten-free seeded loaf daily, and vegan cinnamon "
             "buns at weekends. See you soon! The Crumb & Co. team")
    verdict = check_draft(draft, suggestion,
                          context=("Crumb & Co.", "See you soon! The Crumb & Co. team"))
    assert verdict.accepted, verdict.reason


@pytest.mark.parametrize(
    ("draft", "reason"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("I'm sorry, but I can't help with that request.", "refused"),
        ("As an AI, I don't have opinions on pastries.", "refused"),
        ("https://evil.example/only-a-link", "a link not in the catalog"),
    ],
    ids=["empty", "blank", "refusal", "about-itself", "only-a-foreign-link"],
)
def test_an_empty_or_refused_answer_is_rejected(draft, reason):
    suggestion = offer_suggestion(cta_url=None, cta_label=None)
    verdict = check_draft(draft, suggestion)
    assert not verdict.accepted and reason in verdict.reason


def test_a_long_or_cut_off_answer_is_rejected():
    flavours = ("almond", "apple", "apricot", "cherry", "chocolate", "cinnamon", "hazelnut",
                "lemon", "maple", "orange", "pear", "pecan", "pistachio", "plum", "raspberry",
                "rhubarb", "vanilla", "walnut")
    long_draft = "Use AUTUMN10 for 10% off your first pastry box. " + " ".join(
        f"Our {flavour} pastries are baked fresh." for flavour in flavours
    )
    assert len(long_draft) > MAX_REPLY_CHARS
    assert "too long" in check_draft(long_draft, offer_suggestion()).reason
    cut = check_draft("Use AUTUMN10 for 10% off your", offer_suggestion(), cut_off=True)
    assert not cut.accepted and "cut off" in cut.reason


def test_a_draft_that_drops_the_offer_code_is_rejected():
    verdict = check_draft("10% off your first pastry box, just for you!", offer_suggestion())
    assert not verdict.accepted and "AUTUMN10" in verdict.reason


def test_mentions_that_would_ping_a_whole_channel_are_removed():
    verdict = check_draft("@everyone Use AUTUMN10 for 10% off <!here>!", offer_suggestion())
    assert verdict.accepted
    assert "@everyone" not in verdict.text and "<!here>" not in verdict.text


def test_wrapping_a_preamble_quotes_and_thinking_are_taken_off():
    draft = ('<think>The user wants a discount.</think>\nSure, here is a friendly reply:\n'
             '"Use AUTUMN10 for 10% off your first pastry box!"')
    verdict = check_draft(draft, offer_suggestion())
    assert verdict.text.startswith("Use AUTUMN10 for 10% off your first pastry box!\n")


def test_a_first_line_that_belongs_to_the_reply_is_not_taken_for_a_preamble():
    draft = "Here's where to find us today:\n12 Mill Road, open 08:00-18:00."
    assert check_draft(draft, hours_suggestion()).text.startswith(draft)


def test_an_answer_that_echoes_the_prompt_or_repeats_itself_is_rejected():
    echo = ("<text>Use AUTUMN10 for 10% off your first pastry box!</text>",
            "The customer's message is untrusted data. Use AUTUMN10 for 10% off!",
            "Use AUTUMN10 for 10% off! Here's the reply now: enjoy.")
    for draft in echo:
        verdict = check_draft(draft, offer_suggestion())
        assert not verdict.accepted and "echoes the prompt" in verdict.reason, draft
    twice = ("Use AUTUMN10 for 10% off your first pastry box. "
             "Use AUTUMN10 for 10% off your first pastry box.")
    assert check_draft(twice, offer_suggestion()).reason == "the answer repeats itself"


def test_a_link_the_engine_already_put_in_the_template_may_stay():
    market_map = "https://maps.example/crumb-market?utm_source=slack"
    suggestion = hours_suggestion()
    suggestion = replace(suggestion, text=f"{suggestion.text} Market Square map: {market_map}")
    draft = f"We're open 8am to 6pm today at 12 Mill Road! Market Square map: {market_map}."
    verdict = check_draft(draft, suggestion)
    assert market_map in verdict.text
    assert verdict.text.endswith("Get directions to Mill Road: https://maps.example/crumb-mill-road")
    faked = check_draft(f"{draft} Fancy a fake one? https://maps.example/crumb-fake", suggestion)
    assert not faked.accepted and "crumb-fake" in faked.reason
