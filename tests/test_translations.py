"""Texts a customer sees, in every language the brand lists: the config takes a plain string
or a mapping by language; a reply uses the customer's language and falls back on the brand's,
telling the team which texts it had to."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import cli
from bot.config import ConfigError, parse_config
from bot.engine import Engine
from bot.translations import Text, in_language, untranslated

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_NOON = datetime(2026, 12, 14, 12, 0, tzinfo=BERLIN)

SHOP = {
    "brand": {"name": "Pfotenglück", "language": "de", "languages": ["de", "en", "es"],
              "currency": "EUR"},
    "timezone": "Europe/Berlin",
    "ctas": [
        {"id": "shop", "kind": "buy", "url": "https://pfoten.example/shop",
         "label": {"de": "Im Onlineshop bestellen", "en": "Order in our online shop",
                   "es": "Pedir en la tienda online"}},
        {"id": "help", "kind": "contact", "url": "https://pfoten.example/kontakt",
         "label": "Schreiben Sie uns"},
    ],
    "faq": [
        {"question": {"de": "Kann ich geöffnetes Futter zurückgeben?",
                      "en": "Can I return opened food?",
                      "es": "¿Puedo devolver comida abierta?"},
         "answer": {"de": "Geöffnetes Futter nehmen wir innerhalb von 14 Tagen zurück.",
                    "en": "We take back opened food within 14 days.",
                    "es": "Aceptamos comida abierta en un plazo de 14 días."},
         "cta": "help"},
        {"question": "Bietet ihr Hundefriseur-Termine an?",
         "answer": "Ja, Termine für die Hundepflege gibt es dienstags bis samstags."},
    ],
    "stores": [
        {"name": "Schwabing", "address": "Leopoldstraße 12, 80802 München",
         "aliases": {"de": ["Leopoldstraße"], "en": ["the Schwabing shop"]},
         "hours": {day: "09:00-19:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat")},
         "special_hours": [{"date": "2026-12-24", "hours": "09:00-13:00",
                            "note": {"de": "Heiligabend", "en": "Christmas Eve"}}]},
    ],
    "products": [
        {"name": {"de": "Trockenfutter Lamm 10 kg", "en": "Dry food lamb 10 kg"},
         "aliases": {"de": ["Lammfutter"], "en": ["lamb kibble"]}, "price": 54.9},
    ],
}


def config(**changes):
    raw = {**SHOP, **changes}
    return parse_config(yaml.safe_dump(raw, allow_unicode=True))


def test_a_text_is_a_string_in_the_brand_language_carrying_its_translations():
    answer = config().faq[0].answer
    assert isinstance(answer, Text)
    assert answer == "Geöffnetes Futter nehmen wir innerhalb von 14 Tagen zurück."
    assert answer.translations["en"] == "We take back opened food within 14 days."
    assert config().stores[0].aliases == ["Leopoldstraße", "the Schwabing shop"]
    assert config().products[0].aliases == ["Lammfutter", "lamb kibble"]


def test_a_view_in_another_language_uses_its_wording_and_marks_what_falls_back():
    english = in_language(config(), "en")
    assert english.faq[0].answer == "We take back opened food within 14 days."
    assert not english.faq[0].answer.missing
    assert english.ctas[1].label == "Schreiben Sie uns"
    assert english.ctas[1].label.missing == "en"
    assert english.ctas[1].label.where == "ctas[1].label"
    # A shop's name and address are proper names: never reported as untranslated.
    assert not english.stores[0].name.missing


def test_untranslated_lists_the_keys_per_language():
    missing = untranslated(config(), ["en", "es"])
    assert "ctas[1].label" in missing["en"]
    assert "faq[1].answer" in missing["es"]
    assert "faq[0].answer" not in missing["en"]
    assert not any(key.startswith("stores[0].name") for key in missing["en"])


@pytest.mark.parametrize("change, problem", [
    ({"faq": [{"question": {"en": "Pets?"}, "answer": "Ja."}]},
     'faq[0].question: no text in "de", the brand\'s language'),
    ({"faq": [{"question": {"de": "Hunde?", "it": "Cani?"}, "answer": "Ja."}]},
     'unknown language "it"'),
    ({"faq": [{"question": {"de": ""}, "answer": "Ja."}]}, "faq[0].question"),
])
def test_a_mapping_that_cannot_be_used_is_refused_with_one_line(change, problem):
    with pytest.raises(ConfigError) as refused:
        config(**change)
    assert any(problem in line for line in refused.value.problems), refused.value.problems


def suggestion(text: str, shop=None):
    return Engine(shop or config()).suggest(text, platform="console", now=MONDAY_NOON)


def test_a_german_question_found_by_its_english_twin_is_answered_in_german():
    result = suggestion("Kann ich angebrochenes Hundefutter zurückbringen?")
    reply = result.suggestions[0].text
    assert result.lang == "de"
    assert "innerhalb von 14 Tagen" in reply
    assert "within 14 days" not in reply


def test_an_english_customer_gets_the_english_faq_answer_and_cta_label():
    result = suggestion("hi, can I return an opened bag of food?")
    reply = result.suggestions[0].text
    assert "We take back opened food within 14 days." in reply
    assert "Geöffnetes" not in reply


def test_the_review_names_the_texts_given_in_the_brand_language_instead():
    result = suggestion("do you do dog grooming appointments?")
    top = result.suggestions[0]
    assert "Termine für die Hundepflege" in top.text  # the only wording there is
    assert "no English text in the config for faq[1].answer" in top.rationale


def test_a_product_is_found_and_named_in_the_customers_language():
    english = suggestion("how much is the lamb kibble?").suggestions[0].text
    assert "Dry food lamb 10 kg" in english and "54,90" in english.replace("€54.90", "54,90")
    german = suggestion("Was kostet das Lammfutter?").suggestions[0].text
    assert "Trockenfutter Lamm 10 kg" in german and "54,90 €" in german


def test_a_shop_is_found_by_its_city_in_another_language():
    result = suggestion("are you open today in Munich?")
    assert "Schwabing" in result.suggestions[0].text
    assert "19:00" in result.suggestions[0].text


def test_nudge_check_lists_what_is_not_translated_per_language(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(SHOP, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "check"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("translations:")]
    assert lines[0].startswith("translations: German (de): the brand's language")
    english = next(line for line in lines if "English (en)" in line)
    assert "ctas[1].label" in english and "faq[1].question" in english
    assert "stores[0].name" not in english
