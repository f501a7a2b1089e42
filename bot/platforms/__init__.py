"""One adapter per chat platform; each only translates between its SDK and handlers/.

Adding a platform means one adapter file and one line in ADAPTERS. Adapters are imported
only when started, so an offline run never loads the Slack or Discord libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config, Secrets
    from bot.platforms.base import Adapter

ADAPTERS = {
    "console": "bot.platforms.console:ConsoleAdapter",
    "discord": "bot.platforms.discord.adapter:DiscordAdapter",
    "slack": "bot.platforms.slack.adapter:SlackAdapter",
}


def create_adapter(name: str, config: Config, secrets: Secrets) -> Adapter:
    module_name, _, class_name = ADAPTERS[name].partition(":")
    adapter_class = getattr(import_module(module_name), class_name)
    return adapter_class(config, secrets)
