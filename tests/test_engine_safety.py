"""Safety and anger first (issue 20, item 5), and the intents replies need (item 7).

A person or an animal ill or hurt after something bought, a near-accident in the shop, a threat
or an angry emoji alone is urgent: a calm holding reply, no sales link (a contact link or none),
no offer. The top-level `urgent` of `nudge suggest --json` agrees with the suggestions, and the
review's Intent and Why lines tell the same story. Real engine, real handler, real SQLite.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

import pytest
import yaml

from bot.core.types import Request
from bot.engine import Engine
from bot.engine.types import ThreadState
from handlers import conversation
from tests.conftest import EXAMPLE, example_config
from tests.test_engine_cli import nudge

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
_ids = itertools.count(1)
HURT_OR_ILL = (
    "my dog was sick all night after the treats I bought from you",
    "my little boy came out in a rash after eating your biscuits",
    "had to rush the cat to the vet after she ate your new kibble",
    "Mein Hund hat nach eurem Futter Durchfall und musste zum Tierarzt",
    "mi perro vomitó toda la noche después del pienso que compré aquí",
    "mon chat est malade depuis vos croquettes",
)
NEAR_MISSES = (
    "I nearly slipped on a puddle by your freezers, someone will get hurt",
    "a box fell off the top shelf and almost hit my daughter",
    "ich bin in eurem Laden fast ausgerutscht, der Boden war nass",
    "casi me caigo con una caja en el pasillo",
    "j'ai failli tomber sur le sol mouillé à l'entrée",
)
THREATS = ("I know where you live", "you'll regret this, I'll smash your windows")
ANGRY_EMOJI = ("😡", "🤬🤬", "👎", "💩", "😤😤", "👎👎 again")


def suggest(engine: Engine, text: str):
    return engine.suggest(text, platform="slack", state=ThreadState(4), now=MONDAY)


def calm_and_urgent(result) -> None:
    assert result.urgent and result.suggestions
    for s in result.suggestions:
        assert s.urgent and s.cta_kind in (None, "contact") and s.offer_id is None, s
        assert "%" not in s.text and "AUTUMN10" not in s.text


@pytest.mark.parametrize("text", HURT_OR_ILL + NEAR_MISSES + THREATS)
def test_harm_near_misses_and_threats_get_a_calm_holding_reply(engine, text):
    result = suggest(engine, text)
    assert result.handled_as == "sensitive" or result.intent == "complaint", text
    calm_and_urgent(result)


@pytest.mark.parametrize("text", ANGRY_EMOJI)
def test_an_angry_emoji_alone_is_an_urgent_complaint(engine, text):
    result = suggest(engine, text)
    assert result.intent == "complaint", text
    calm_and_urgent(result)


def test_a_happy_emoji_is_not_made_urgent(engine):
    assert not suggest(engine, "👍").urgent


def test_suggest_json_is_urgent_when_its_suggestions_are(config_file):
    result = nudge(config_file, "suggest", "--json", "my dog was sick after your dog treats")
    data = json.loads(result.stdout)
    assert data["urgent"] is True and data["handled_as"] == "sensitive"
    assert all(s["urgent"] for s in data["suggestions"])
    calm = nudge(config_file, "suggest", "--json", "where are your shops?")
    data = json.loads(calm.stdout)
    assert data["urgent"] is False and not any(s["urgent"] for s in data["suggestions"])


def test_the_review_names_what_the_reply_was_made_for(ctx, engine):
    ctx.engine = engine
    request = Request(platform="slack", text="my son cut his mouth on glass in your bread roll",
                      user="U1", channel="C1", thread="T1", message_id=f"m{next(_ids)}")
    review = conversation.on_message(request, ctx)
    fields = {f.label: f.value for f in review.fields}
    assert fields["Urgent"] == "needs a person now"
    assert ", replied to as sensitive" in fields["Intent"]
    assert fields["Why"].startswith("replied to as sensitive, not ")
    assert "sensitive (health)" in fields["Why"]


@pytest.fixture
def dog_friendly(tmp_path) -> Engine:
    faq = yaml.safe_load(EXAMPLE.read_text())["faq"] + [
        {"question": "Are dogs allowed in the shop?",
         "answer": "Dogs on a lead are welcome in both our shops."},
        {"question": "Do you take cards or cash?",
         "answer": "Cards, contactless and cash."},
    ]
    return Engine(example_config(tmp_path, faq=faq))


@pytest.mark.parametrize("text", ["do you allow dogs?", "can I bring my dog in?",
                                  "sind Hunde bei euch erlaubt?", "do you take card?"])
def test_what_a_shop_allows_is_a_product_question_answered_from_the_faq(dog_friendly, text):
    result = suggest(dog_friendly, text)
    assert result.intent == "product_question", text
    first = result.suggestions[0]
    assert ("Dogs on a lead are welcome" in first.text) != ("Cards, contactless" in first.text)
    assert "answers from FAQ" in first.rationale


def test_coming_to_a_shop_is_still_a_store_visit(engine):
    for text in ("how do I get to you from the station?", "are you open right now?"):
        assert suggest(engine, text).intent == "store_visit", text
