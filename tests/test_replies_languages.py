"""Replies in the customer's language: English, Spanish, French and German templates chosen by
the detected language; any other language gets the brand's default, and the review says which
language the customer wrote in. CTA, offer and store facts are the same in every language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine import Engine
from bot.engine.language import detect_language, detect_one
from bot.engine.render import Renderer
from bot.engine.types import ThreadState
from tests.conftest import example_config

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TEMPLATES = ("_parts", "chit_chat", "complaint", "order_support", "praise", "pricing",
             "product_question", "purchase_intent", "sensitive", "store_visit", "unsubscribe")


def suggest(engine, text, **state):
    return engine.suggest(text, platform="slack", state=ThreadState(**state), now=MONDAY)


@pytest.mark.parametrize(("text", "lang"), [
    ("how much is a sourdough loaf?", "en"), ("lol ok thanks", "en"),
    ("¿Cuánto cuesta el pan?", "es"), ("gracias", "es"), ("hola, ¿abren el domingo?", "es"),
    ("Bonjour, vous êtes ouverts dimanche ?", "fr"), ("merci", "fr"),
    ("Habt ihr am Sonntag offen?", "de"), ("danke", "de"), ("Was kostet das Brot?", "de"),
    ("Siete aperti domenica pomeriggio?", "it"), ("👍", ""),
])
def test_the_language_of_short_messages_is_told(text, lang):
    assert detect_one(text) == lang


def test_a_message_too_short_to_tell_takes_the_language_of_the_thread():
    assert detect_language("ok", ("¿Tienen pan sin gluten?",)) == "es"
    assert detect_language("👍") == ""


def test_every_language_has_every_template():
    renderer = Renderer()
    assert renderer.languages() == ["de", "en", "es", "fr"]
    for lang in renderer.languages():
        names = set(renderer.env(lang).list_templates(extensions=["j2"]))
        assert {f"{name}.j2" for name in TEMPLATES} <= names, lang


@pytest.mark.parametrize(("text", "lang", "words"), [
    ("¿Cuánto cuesta la pastry box?", "es", "Pastry box: 12 £"),
    ("Combien coûte la pastry box ?", "fr", "Pastry box : 12 £"),
    ("Was kostet die Pastry Box?", "de", "Pastry box: 12 £"),
])
def test_a_price_question_is_answered_in_the_customers_language(engine, text, lang, words):
    result = suggest(engine, text)
    first = result.suggestions[0]
    assert result.lang == lang and words in first.text
    # The offer, its code and the CTA are the config's, the same in every language.
    assert first.offer_id == "autumn10" and "AUTUMN10" in first.text
    assert first.cta_url in first.text


@pytest.mark.parametrize(("text", "expected"), [
    ("¿Abren el domingo en Market Square?", "Abierto el domingo 10:00-14:00"),
    ("Est-ce que Market Square est ouvert dimanche ?", "Ouvert le dimanche 10:00-14:00"),
    ("Hat Market Square am Sonntag geöffnet?", "Geöffnet am Sonntag 10:00-14:00"),
    ("¿Está abierto Mill Road el domingo?", "Cerrado el domingo; volvemos a abrir lunes"),
])
def test_weekdays_and_open_or_closed_are_translated(engine, text, expected):
    assert expected in suggest(engine, text).suggestions[0].text


def test_a_language_the_brand_does_not_write_gets_the_default_and_the_team_is_told(engine):
    result = suggest(engine, "Quanto costa la pastry box?")
    assert (result.lang, result.wrote_in) == ("en", "it")
    first = result.suggestions[0]
    assert "Pastry box: £12." in first.text
    assert "the customer wrote in Italian: replied in English" in first.rationale


def test_brand_languages_limits_the_languages_replied_in(tmp_path):
    config = example_config(tmp_path, brand={"name": "Crumb & Co.", "languages": ["en", "fr"],
                                             "language": "fr"})
    engine = Engine(config)
    spanish = suggest(engine, "¿Cuánto cuesta la pastry box?")
    assert (spanish.lang, spanish.wrote_in) == ("fr", "es")
    assert "the customer wrote in Spanish: replied in French" in spanish.suggestions[0].rationale
    assert suggest(engine, "how much is the pastry box?").lang == "en"


def test_an_opt_out_in_spanish_says_what_stops_in_spanish(engine):
    result = suggest(engine, "por favor, dejad de enviarme ofertas")
    assert result.intent == "unsubscribe" and result.lang == "es"
    assert "ofertas" in result.suggestions[0].text
