"""`nudge slack-manifest`: one paste creates the Slack app with everything Nudge uses."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from bot.cli import cli


def _run(*args: str):
    return CliRunner().invoke(cli, ["slack-manifest", *args])


def test_the_manifest_has_every_scope_event_command_and_socket_mode():
    result = _run()
    assert result.exit_code == 0, result.output
    manifest = yaml.safe_load(result.output)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "commands", "channels:history", "groups:history", "users:read",
            "usergroups:read", "channels:read", "groups:read", "chat:write.public"} <= scopes
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "message.channels", "message.groups", "app_home_opened"}
    assert settings["interactivity"] == {"is_enabled": True}
    assert settings["socket_mode_enabled"] is True
    command = manifest["features"]["slash_commands"][0]
    assert command["command"] == "/nudge" and command["should_escape"] is True
    assert manifest["features"]["app_home"] == {
        "home_tab_enabled": True, "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": True}  # reminders come as direct messages


def test_http_url_switches_to_request_urls():
    url = "https://nudge.example.com/slack/events"
    manifest = yaml.safe_load(_run("--http-url", url, "--name", "Crumb Nudge").output)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["event_subscriptions"]["request_url"] == url
    assert settings["interactivity"]["request_url"] == url
    assert manifest["features"]["slash_commands"][0]["url"] == url
    assert manifest["display_information"]["name"] == "Crumb Nudge"


def test_a_plain_http_url_is_refused_with_exit_code_2():
    result = _run("--http-url", "http://localhost:3000/slack/events")
    assert result.exit_code == 2
    assert "https" in result.output


def test_the_manifest_grants_the_file_scopes_what_nudge_shows_and_sends_needs():
    """The promotion modal's file_input hands Nudge files the team picks (files:read, per
    Block Kit's file_input element); the digest's chart is uploaded (files:write)."""
    from datetime import date

    from bot.platforms.slack import promo

    view = promo.modal("Europe/London", date(2026, 11, 23), {})
    elements = [block.get("element", {}) for block in view["blocks"]]
    assert any(element.get("type") == "file_input" for element in elements)
    scopes = set(yaml.safe_load(_run().output)["oauth_config"]["scopes"]["bot"])
    assert {"files:read", "files:write"} <= scopes


def test_the_readme_lists_exactly_the_manifests_scopes():
    import re

    from bot.platforms.slack.manifest import BOT_SCOPES
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    listed = readme[readme.index("It lists exactly the scopes"):].split(")", 1)[0]
    assert sorted(re.findall(r"`([a-z.:]+)`", listed)) == sorted(BOT_SCOPES)
