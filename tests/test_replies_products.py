"""Products and prices: the config's `products:` (or a CSV), prices shown the local way, and a
price question answered with the price before anything else."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.config import ConfigError, load_config, parse_config
from bot.engine import Engine
from bot.engine.products import format_price
from bot.engine.types import ThreadState
from tests.conftest import example_config

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def first(engine: Engine, text: str, **state):
    state.setdefault("customer_messages_since_cta", 1)
    return engine.suggest(text, platform="slack", state=ThreadState(**state), now=MONDAY)


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    ("4.20", "GBP", "£4.20"), ("12.00", "GBP", "£12"), ("4.2", "EUR", "4,20 €"),
    ("1250.5", "EUR", "1 250,50 €"), ("3.5", "USD", "$3.50"), ("800", "JPY", "¥800"),
    ("9.99", "XYZ", "XYZ 9.99"),
])
def test_prices_are_shown_the_local_way(amount, currency, shown):
    assert format_price(Decimal(amount), currency) == shown


@pytest.mark.parametrize(("lang", "shown"), [("en", "€4.20"), ("fr", "4,20 €"),
                                             ("de", "4,20 €"), ("es", "4,20 €")])
def test_a_price_is_written_the_way_the_replys_language_writes_it(lang, shown):
    assert format_price(Decimal("4.20"), "EUR", lang) == shown


def test_a_price_question_gets_the_products_price_first(engine):
    result = first(engine, "how much is a sourdough loaf?")
    assert result.intent == "pricing"
    reply = result.suggestions[0]
    assert reply.text.startswith("Sourdough loaf: £4.20.")
    assert "Sourdough loaf costs £4.20" in reply.facts
    assert all("£4.20" in s.text for s in result.suggestions)


def test_aliases_plurals_and_a_small_typo_find_the_product(engine):
    for text in ("how much are your baguettes?", "price of a french stick?",
                 "how much is a bagette"):
        assert "Baguette: £1.90." in first(engine, text).suggestions[0].text, text


def test_a_price_asked_about_a_category_lists_its_products(engine):
    text = first(engine, "how much is your bread?").suggestions[0].text
    assert "Sourdough loaf: £4.20" in text and "Baguette: £1.90" in text
    assert "Cinnamon bun" not in text


def test_low_or_sold_out_stock_is_said_with_the_price(tmp_path):
    config = example_config(tmp_path)
    config.products[0].stock = "out"
    text = first(Engine(config), "how much is the sourdough?").suggestions[0].text
    assert "Sourdough loaf: £4.20 (sold out right now, sorry)." in text
    assert "Seeded rye: £3.80 (only a few left" in first(Engine(config), "rye price?") \
        .suggestions[0].text


def test_a_stock_question_answers_from_the_stock_level(engine):
    text = first(engine, "do you have any rye bread left?").suggestions[0].text
    assert "Seeded rye: only a few left, so best to order soon." in text


def test_a_follow_up_price_question_uses_the_product_named_before(engine):
    text = first(engine, "how much is it?",
                 earlier_texts=("do you have cinnamon buns today?",)).suggestions[0].text
    assert "Cinnamon bun: £2.60." in text


def test_a_price_for_something_not_in_the_products_is_checked_not_invented(engine):
    result = first(engine, "how much is a wedding cake for 80 people?")
    reply = result.suggestions[0]
    assert "£" not in reply.text and "check" in reply.text
    assert "no answer in your FAQ or products: add one?" in reply.rationale


def test_products_come_from_a_csv_file_next_to_the_config(tmp_path):
    (tmp_path / "products.csv").write_text(
        "name,aliases,price,category,cta,stock\n"
        "Oat latte,\"oat milk latte, oatly\",3.40,drinks,,normal\n"
        "Flat white,,3.10,drinks,order-online,low\n")
    config_file = tmp_path / "config.yaml"
    config_file.write_text("brand: {name: X, currency: EUR}\nproducts_file: products.csv\n"
                           "ctas: [{id: order-online, label: Order, url: 'https://x.example', "
                           "kind: buy}]\n")
    config = load_config(config_file)
    assert [p.name for p in config.products] == ["Oat latte", "Flat white"]
    assert config.products[0].aliases == ["oat milk latte", "oatly"]
    assert config.products[1].stock == "low" and config.products[1].cta == "order-online"
    reply = Engine(config).suggest("how much is an oat milk latte?", platform="slack",
                                   now=MONDAY).suggestions[0]
    assert "Oat latte: €3.40." in reply.text  # in English; 3,40 € in French or German


def test_every_config_problem_is_reported_in_one_pass_references_included(tmp_path):
    (tmp_path / "products.csv").write_text("name,price,cta\nScone,cheap,nowhere\n")
    (tmp_path / "config.yaml").write_text(
        "brand: {name: X, currency: pounds}\n"
        "products_file: products.csv\n"
        "products: [{name: Tart, price: -1, stock: plenty}]\n"
        "ctas: [{id: a, label: A, url: 'https://a.example', kind: buy, store: Nowhere}]\n"
        "offers: [{id: o, title: T, text: T, cta: missing}]\n"
        "stores: [{name: S, address: A, special_hours: [{date: 2026-12-25}]}]\n")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "config.yaml")
    problems = raised.value.problems
    assert any(p.startswith("config.yaml: brand.currency: expected a three-letter ISO")
               for p in problems)
    assert any(p.startswith("config.yaml: products[0].price:") for p in problems)
    assert any(p.startswith("config.yaml: products[0].stock: expected one of 'normal'")
               for p in problems)
    assert any("special_hours[0]" in p and 'either "closed: true" or "hours"' in p
               for p in problems)
    assert any(p.startswith("products.csv: row 2: price:") for p in problems)
    assert 'products.csv: row 2: cta: no CTA with id "nowhere" in ctas' in problems
    assert 'config.yaml: offers[0].cta: no CTA with id "missing" in ctas' in problems
    assert any(p.startswith('config.yaml: ctas[0].store: no store named "Nowhere"')
               for p in problems)


def test_a_missing_products_file_is_one_clear_line(tmp_path):
    with pytest.raises(ConfigError) as raised:
        parse_config("brand: {name: X}\nproducts_file: nope.csv\n", "config.yaml", tmp_path)
    assert raised.value.problems == [f"config.yaml: products_file: file not found: "
                                     f"{tmp_path / 'nope.csv'}"]
