"""How `nudge run` picks the Slack adapter and its connection mode."""

from __future__ import annotations

import pytest

from bot.platforms import create_adapter
from bot.platforms.slack.adapter import SlackAdapter, channel_id
from tests.slack.conftest import slack_secrets


def test_the_slack_adapter_is_registered_and_uses_socket_mode_when_the_app_token_is_set(config):
    adapter = create_adapter("slack", config, slack_secrets("socket"))
    assert isinstance(adapter, SlackAdapter)
    assert adapter.mode == "socket"
    assert create_adapter("slack", config, slack_secrets("http")).mode == "http"


def test_the_mode_set_in_the_config_wins_over_the_tokens(tmp_path):
    from tests.conftest import example_config

    config = example_config(tmp_path, platforms={"slack": {"mode": "http"}})
    assert SlackAdapter(config, slack_secrets("socket")).mode == "http"


@pytest.mark.parametrize("target", ["C0PROMOS", "#C0PROMOS", "<#C0PROMOS|promos>", " #C0PROMOS "])
def test_a_channel_can_be_named_in_any_of_slacks_ways(target):
    assert channel_id(target) == "C0PROMOS"
