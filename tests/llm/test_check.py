"""`nudge check` says whether the LLM words the replies, and why; Nudge runs the same way."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from bot.app import Application
from bot.cli import cli
from bot.config import Secrets
from tests.conftest import example_config

NO_TOKENS = {name: None for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN",
                                     "NUDGE_LLM_API_KEY", "NUDGE_CONFIG")}


def check(tmp_path, llm: dict, **env) -> str:
    config = example_config(tmp_path, llm=llm)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    result = CliRunner().invoke(cli, ["--config", str(path), "check"], env={**NO_TOKENS, **env})
    assert result.exit_code == 0, result.output
    return next(line for line in result.output.splitlines() if line.startswith("llm:"))


def test_check_says_the_llm_is_off_by_default(tmp_path):
    assert check(tmp_path, {"enabled": False}) == (
        "llm: off (disabled in the config; replies use the templates)"
    )


def test_a_remote_server_without_an_api_key_is_not_used_and_check_says_why(tmp_path):
    line = check(tmp_path, {"enabled": True, "base_url": "https://api.example.com/v1"})
    assert line == ("llm: off (NUDGE_LLM_API_KEY is not set and api.example.com is not on this "
                    "machine; replies use the templates)")


def test_a_remote_server_with_an_api_key_is_used_and_the_key_is_never_printed(tmp_path):
    line = check(tmp_path, {"enabled": True, "base_url": "https://api.example.com/v1",
                            "model": "small-1"},
                 NUDGE_LLM_API_KEY="sk-live-0123456789abcdef")
    assert line == "llm: on (model small-1 at api.example.com, NUDGE_LLM_API_KEY is set)"
    assert "sk-live" not in line


@pytest.mark.parametrize("host", ["127.0.0.1:11434", "localhost:8080", "[::1]:8000"])
def test_a_server_on_this_machine_needs_no_key(tmp_path, host):
    line = check(tmp_path, {"enabled": True, "base_url": f"http://{host}/v1", "model": "local"})
    assert line == f"llm: on (model local on the local server {host}, no API key needed)"


def test_the_application_starts_without_the_llm_when_the_key_is_missing(tmp_path, caplog):
    config = example_config(tmp_path, llm={"enabled": True,
                                           "base_url": "https://api.example.com/v1"})
    app = Application(config, Secrets.from_env({}), engine=object())
    assert app.llm is None
    assert "LLM drafting is off: NUDGE_LLM_API_KEY is not set" in caplog.text
    with_key = Application(config, Secrets.from_env({"NUDGE_LLM_API_KEY": "sk-x-123456"}),
                           engine=object())
    assert with_key.llm is not None
    app.db.conn.close()
    with_key.db.conn.close()
