"""The config file: every problem is one plain line naming file, key path and expectation."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Secrets, load_config, parse_config
from tests.conftest import EXAMPLE


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "config.yaml")
    return raised.value.problems


def test_the_shipped_example_is_valid():
    config = load_config(EXAMPLE)
    assert config.brand.name == "Crumb & Co."
    assert {cta.kind for cta in config.ctas} == {
        "buy", "offer", "learn", "visit", "contact", "review", "refer"
    }


def test_a_bad_url_names_the_key_path_and_the_value():
    assert problems(
        "brand: {name: X}\n"
        "ctas:\n"
        "  - {id: a, label: A, url: 'https://a.example', kind: buy}\n"
        "  - {id: b, label: B, url: 'https://b.example', kind: buy}\n"
        "  - {id: c, label: C, url: shop, kind: buy}\n"
    ) == ['config.yaml: ctas[2].url: expected an http(s) URL, got "shop"']


def test_every_problem_in_a_file_is_listed_once():
    found = problems(
        "brand: {name: X}\n"
        "timezone: Mars/Olympus\n"
        "ctas: [{id: a, label: A, url: 'https://a.example', kind: sell}]\n"
        "stores: [{name: S, address: A, hours: {mon: 9-5}}]\n"
        "digest: {time: '25:00'}\n"
        "engine: {cta_cadence: zero}\n"
        "colour: blue\n"
    )
    assert found == [
        'config.yaml: timezone: expected an IANA time zone such as "Europe/London", '
        'got "Mars/Olympus"',
        'config.yaml: engine.cta_cadence: expected a valid integer, unable to parse string as '
        'an integer, got "zero"',
        "config.yaml: ctas[0].kind: expected one of 'buy', 'offer', 'learn', 'visit', "
        "'contact', 'review' or 'refer', got \"sell\"",
        'config.yaml: stores[0].hours: mon: expected opening hours such as "08:00-18:00" or '
        '"closed", got "9-5"',
        'config.yaml: digest.time: expected a time of day such as "08:30", got "25:00"',
        "config.yaml: colour: unknown key (check its spelling and indentation)",
    ]


def test_a_missing_brand_and_broken_references_are_explained():
    assert problems("timezone: UTC\n") == ["config.yaml: brand: required key is missing"]
    assert problems(
        "brand: {name: X}\n"
        "ctas: [{id: shop, label: Shop, url: 'https://a.example', kind: buy}]\n"
        "offers: [{id: o, title: T, text: T, cta: nowhere}]\n"
    ) == ['config.yaml: offers[0].cta: no CTA with id "nowhere" in ctas']


def test_broken_yaml_gives_the_line_and_column():
    [line] = problems("brand:\n  name: [unclosed\n")
    assert line.startswith("config.yaml: line 3, column 1:")


def test_a_list_at_the_top_level_is_refused():
    assert problems("- a\n- b\n") == [
        "config.yaml: expected a mapping of settings at the top level"
    ]


@pytest.mark.parametrize(
    ("yaml_text", "path"),
    [
        ("platforms: {slack: {bot_token: abc123456}}", "platforms.slack.bot_token"),
        ("llm: {api_key: sk-abcdefghijklmnopqrstuvwxyz}", "llm.api_key"),
        ("platforms: {slack: {review_channel: xoxb-1234-5678}}", "platforms.slack.review_channel"),
        ("platforms: {discord: {token: abc.def.ghi}}", "platforms.discord.token"),
        ("signing_secret: 0123456789abcdef", "signing_secret"),
    ],
)
def test_secrets_in_the_yaml_are_refused(yaml_text, path):
    [line] = problems("brand: {name: X}\n" + yaml_text + "\n")
    assert line.startswith(f"config.yaml: {path}: looks like a secret")
    assert "environment" in line and "SLACK_BOT_TOKEN" in line


def test_settings_that_merely_mention_tokens_are_not_secrets():
    config = parse_config("brand: {name: X}\nllm: {max_tokens: 300}\n")
    assert config.llm.max_tokens == 300


def test_secrets_come_from_the_environment_and_never_show_in_a_repr():
    secrets = Secrets.from_env({"SLACK_BOT_TOKEN": "xoxb-very-secret", "DISCORD_TOKEN": " "})
    assert secrets.slack_bot_token.get_secret_value() == "xoxb-very-secret"
    assert secrets.discord_token is None
    assert "very-secret" not in repr(secrets)


def test_store_hours_and_offer_dates_answer_by_day():
    from datetime import date

    config = load_config(EXAMPLE)
    mill_road = config.stores[0]
    assert mill_road.hours_on(date(2026, 11, 27)) == "08:00-19:00"  # a Friday
    assert mill_road.hours_on(date(2026, 11, 29)) == "closed"  # a Sunday
    autumn = config.offers[0]
    assert autumn.is_valid_on(date(2026, 12, 31))
    assert not autumn.is_valid_on(date(2027, 1, 1))
