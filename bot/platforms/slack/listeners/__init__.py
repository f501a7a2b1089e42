"""Every Slack listener, registered in one place; one module per kind of interaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platforms.slack.listeners import actions, commands, events, home, views

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.platforms.slack.adapter import SlackAdapter


def register(bolt: AsyncApp, adapter: SlackAdapter) -> None:
    for module in (commands, events, actions, views, home):
        module.register(bolt, adapter)
