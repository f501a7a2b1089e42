"""A visit CTA (and an in-store offer tied to one) must suit the shop being talked about.

The example catalog's only visit CTA is "Get directions to Mill Road" (store: Mill Road), and
its in-store offer "Free coffee" names that CTA, so it runs at Mill Road only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from bot.config import ConfigError, parse_config
from bot.engine import Engine
from bot.engine.types import SuggestionSet, ThreadState
from tests.conftest import EXAMPLE, example_config

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def suggest(engine: Engine, text: str) -> SuggestionSet:
    result = engine.suggest(text, platform="slack", state=ThreadState(), now=MONDAY)
    assert result.intent == "store_visit", text
    return result


def with_ctas(tmp_path, *extra: dict, keep_store_key: bool = True) -> Engine:
    """The example config with more CTAs; optionally without the Mill Road CTA's store key."""
    raw = yaml.safe_load(EXAMPLE.read_text())
    ctas = raw["ctas"]
    if not keep_store_key:
        for cta in ctas:
            cta.pop("store", None)
    return Engine(example_config(tmp_path, ctas=[*ctas, *extra]))


def test_another_shops_visit_cta_is_never_used_and_the_shops_own_map_shows_the_way(engine):
    result = suggest(engine, "are you open on sunday at market square")
    for s in result.suggestions:
        assert s.cta_id is None and s.cta_url is None
        assert "Mill Road" not in s.text and "crumb-mill-road" not in s.text
        assert "https://maps.example/crumb-market?utm_source=slack" in s.text
    assert "no visit link in the catalog fits this shop" in result.suggestions[0].rationale


def test_a_shops_own_visit_cta_is_used_for_it(engine):
    first = suggest(engine, "how do I get to the mill road shop?").suggestions[0]
    assert first.cta_id == "visit-mill-road" and first.cta_url in first.text


def test_a_list_of_shops_does_not_borrow_one_shops_cta_for_all(engine):
    result = suggest(engine, "where are your shops?")
    assert all(s.cta_id is None for s in result.suggestions)


@pytest.mark.parametrize("keep_store_key", [True, False])
def test_a_cta_is_tied_to_a_shop_by_its_store_key_its_map_link_or_its_label(tmp_path,
                                                                           keep_store_key):
    # Without the store key, the Mill Road CTA is still known by its URL (Mill Road's map).
    labelled = {"id": "directions-mill", "label": "Directions to Mill Road", "kind": "visit",
                "url": "https://crumbandco.example/visit/mill"}
    engine = with_ctas(tmp_path, labelled, keep_store_key=keep_store_key)
    result = suggest(engine, "where is market square?")
    assert all(s.cta_id is None for s in result.suggestions)


def test_the_store_key_ties_a_cta_whose_label_names_no_shop(tmp_path):
    own = {"id": "find-market", "label": "Find us on the map", "kind": "visit",
           "url": "https://crumbandco.example/visit/market", "store": "Market Square"}
    engine = with_ctas(tmp_path, own)
    assert suggest(engine, "where is market square?").suggestions[0].cta_id == "find-market"
    assert suggest(engine, "where is the mill road shop?").suggestions[0].cta_id \
        == "visit-mill-road"
    assert all(s.cta_id is None for s in suggest(engine, "where are your shops?").suggestions)


def test_a_general_visit_cta_suits_any_shop_and_the_list(tmp_path):
    general = {"id": "plan-visit", "label": "Plan your visit", "kind": "visit",
               "url": "https://crumbandco.example/visit"}
    engine = with_ctas(tmp_path, general)
    assert suggest(engine, "where is market square?").suggestions[0].cta_id == "plan-visit"
    assert suggest(engine, "where are your shops?").suggestions[0].cta_id == "plan-visit"
    # A shop's own CTA still comes before the general one.
    assert suggest(engine, "where is mill road?").suggestions[0].cta_id == "visit-mill-road"


def test_an_in_store_offer_tied_to_one_shop_is_only_offered_there(engine):
    # Customers coming to buy: the shop-wide in-store offer fits them.
    market = suggest(engine, "where is market square? want to pick up a loaf").suggestions[0]
    assert market.offer_id is None and "free filter coffee" not in market.text
    mill = suggest(engine, "where is mill road? want to pick up a loaf").suggestions[0]
    assert mill.offer_id == "coffee-stamp" and "free filter coffee" in mill.text
    listed = suggest(engine, "where are your shops? I'd like to buy some bread") \
        .suggestions[0]
    assert "At Mill Road right now: a free filter coffee" in listed.text


def test_a_cta_store_that_is_not_a_shop_is_a_clear_config_error(tmp_path):
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["ctas"][3]["store"] = "Mil Road"
    with pytest.raises(ConfigError) as raised:
        parse_config(yaml.safe_dump(raw), "config.yaml")
    assert raised.value.problems == [
        'config.yaml: ctas[3].store: no store named "Mil Road" in stores '
        '(known: "Mill Road", "Market Square")'
    ]
