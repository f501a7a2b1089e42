"""Links only ever come from the catalog, always UTM-tagged; templates run in a sandbox."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from jinja2.sandbox import SandboxedEnvironment

from bot.engine import Engine
from bot.engine.corpus import dev_examples
from bot.engine.links import catalog_urls, tag_url, untagged
from bot.engine.render import Renderer, tidy
from bot.engine.types import ThreadState
from tests.conftest import example_config

URL = re.compile(r"https?://\S+")


def test_utm_parameters_are_added_and_an_existing_query_is_kept_as_written():
    tagged = tag_url("https://shop.example/offers/autumn?ref=chat&q=a%20b#top",
                     platform="Slack", campaign="autumn box")
    assert tagged == ("https://shop.example/offers/autumn?ref=chat&q=a%20b&utm_source=slack"
                      "&utm_medium=chat&utm_campaign=autumn%20box#top")


def test_earlier_utm_values_are_replaced_never_duplicated():
    tagged = tag_url("https://shop.example/?utm_source=newsletter&id=7&utm_campaign=old",
                     platform="discord", campaign="chat-orders")
    query = parse_qs(urlsplit(tagged).query)
    assert query == {"id": ["7"], "utm_source": ["discord"], "utm_medium": ["chat"],
                     "utm_campaign": ["chat-orders"]}
    assert untagged(tagged) == "https://shop.example/?id=7"


@pytest.mark.parametrize("opted_out", [False, True])
@pytest.mark.parametrize("now", [datetime(2026, 11, 23, 10, tzinfo=UTC),
                                 datetime(2027, 6, 6, 10, tzinfo=UTC)])
def test_every_link_in_every_suggestion_is_a_tagged_catalog_url(engine, config, opted_out, now):
    allowed = catalog_urls(config)
    state = ThreadState(customer_messages_since_cta=3, opted_out=opted_out)
    for example in dev_examples():
        result = engine.suggest(example.text, platform="discord", state=state, now=now)
        for s in result.suggestions:
            links = URL.findall(s.text)
            if s.cta_url:
                assert s.cta_url in links
            for link in links:
                assert untagged(link) in allowed, link
                query = parse_qs(urlsplit(link).query)
                assert query["utm_source"] == ["discord"] and query["utm_medium"] == ["chat"]
                assert query["utm_campaign"][0]


def test_a_cta_campaign_becomes_the_utm_campaign(engine):
    result = engine.suggest("how much does a pastry box cost?", platform="slack",
                            state=ThreadState(1), now=datetime(2026, 11, 23, 10, tzinfo=UTC))
    first = result.suggestions[0]
    assert first.cta_url == ("https://crumbandco.example/offers/autumn?ref=chat"
                             "&utm_source=slack&utm_medium=chat&utm_campaign=autumn-box")


def test_templates_render_in_a_sandbox_and_config_values_are_never_templates(tmp_path):
    assert isinstance(Renderer().env("en"), SandboxedEnvironment)
    brand = {"name": "{{ 7*7 }} Bakery {% if true %}x{% endif %}", "emoji": False}
    engine = Engine(example_config(tmp_path, brand=brand))
    result = engine.suggest("hello from all of us", platform="slack",
                            state=ThreadState(1), now=datetime(2026, 11, 23, 10, tzinfo=UTC))
    texts = " ".join(s.text for s in result.suggestions)
    assert "{{ 7*7 }} Bakery {% if true %}x{% endif %}" in texts and "49" not in texts


def test_layout_lines_join_into_paragraphs_and_brand_full_stops_do_not_double():
    assert tidy("  Hello\n  there.\n\n\n  Link: x  \n") == "Hello there.\n\nLink: x"
    assert tidy("from Crumb & Co..\nWait...") == "from Crumb & Co. Wait..."
