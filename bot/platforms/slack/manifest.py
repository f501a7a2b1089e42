"""`nudge slack-manifest`: the Slack app manifest, so a team creates the app in one paste.

Every scope here is one Nudge uses, and nothing more:
- chat:write, chat:write.public: reviews, replies and promotions (public channels without an
  invitation)
- commands: /nudge
- files:read: the image picked in the promotion modal (Block Kit's file_input needs it)
- files:write: uploading the digest's chart and a promotion's image
- channels:history, groups:history: customer messages in public and private channels
- channels:read, groups:read: checking the configured channels at start-up
- users:read: a customer's name, and whether a person is a guest or from another organisation
- usergroups:read: the members of `team_usergroup`
Socket Mode is on by default (no public URL needed); `--http-url` switches to request URLs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import click
import yaml

BOT_SCOPES = [
    "chat:write",
    "chat:write.public",
    "files:read",  # the image the team picks in the promotion modal's file_input
    "files:write",  # the digest's chart, a promotion's image
    "commands",
    "channels:history",
    "groups:history",
    "channels:read",
    "groups:read",
    "users:read",
    "usergroups:read",
]
BOT_EVENTS = ["app_home_opened", "message.channels", "message.groups"]


def manifest(name: str = "Nudge", http_url: str | None = None) -> dict[str, Any]:
    """The manifest as a dict: Socket Mode, or HTTP request URLs when `http_url` is given."""
    command: dict[str, Any] = {
        "command": "/nudge",
        "description": "Nudge's team commands: help, promotions, reminders, stats",
        "usage_hint": "help",
        "should_escape": True,  # channels arrive as ids (<#C0123|name>), not names
    }
    events: dict[str, Any] = {"bot_events": BOT_EVENTS}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if http_url:
        command["url"] = http_url
        events["request_url"] = http_url
        interactivity["request_url"] = http_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "Suggests replies and calls-to-action for your customer chats.",
            "background_color": "#1d3557",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                # Reminders arrive as direct messages from the app; nobody needs to write back.
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": not http_url,
            "token_rotation_enabled": False,
        },
    }


def _https_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.netloc:
        raise click.BadParameter(
            "Slack only calls https URLs, e.g. https://nudge.example.com/slack/events"
        )
    return value


@click.command("slack-manifest")
@click.option("--http-url", callback=_https_url, metavar="URL",
              help="Use HTTP mode: the public https URL of Nudge's /slack/events endpoint "
                   "(default: Socket Mode, no public URL needed).")
@click.option("--name", default="Nudge", show_default=True, help="The app's name in Slack.")
def slack_manifest(http_url: str | None, name: str) -> None:
    """Print the Slack app manifest (YAML) to paste at api.slack.com/apps."""
    name = name.strip()[:35] or "Nudge"
    click.echo(yaml.safe_dump(manifest(name, http_url), sort_keys=False, allow_unicode=True),
               nl=False)
