"""Catalog links get UTM tags; whatever the URL already carries is kept."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from bot.utm import tag_url


def test_tags_are_added_to_a_plain_link():
    assert tag_url("https://shop.example/order", "slack", "chat", "promo-3") == (
        "https://shop.example/order?utm_source=slack&utm_medium=chat&utm_campaign=promo-3")


def test_existing_parameters_and_the_fragment_are_kept_and_old_tags_replaced():
    url = tag_url("https://shop.example/offers?ref=chat&utm_source=old#box", "discord",
                  "chat", "promo-7")
    parts = urlsplit(url)
    assert parts.fragment == "box"
    assert parse_qsl(parts.query) == [("ref", "chat"), ("utm_source", "discord"),
                                      ("utm_medium", "chat"), ("utm_campaign", "promo-7")]
