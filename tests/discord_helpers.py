"""Running Nudge's real Discord adapter against the local fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from pydantic import SecretStr

from bot.app import Application
from bot.config import Config, Secrets
from bot.platforms.discord.adapter import DiscordAdapter
from tests.conftest import example_config
from tests.fake_discord import FakeDiscord

TOKEN = "fake-discord-token-for-tests"


def pings_nobody(body: dict) -> bool:
    """Whether a message body's allowed_mentions lets nobody be notified."""
    mentions = body.get("allowed_mentions")
    return mentions is not None and mentions.get("parse") == [] and not mentions.get("users") \
        and not mentions.get("roles") and not mentions.get("replied_user")


async def settled(fake: FakeDiscord) -> None:
    """Wait until Nudge has handled every event sent so far.

    discord.py starts its handlers in the order events arrive, so once a team member's
    `!nudge help` (sent last) is answered, the earlier messages have been handled too.
    """
    mark = len(fake.calls)
    await fake.say(fake.alice, fake.general, "!nudge help")
    await fake.wait_for_call("POST", rf"/channels/{fake.general}/messages", mark)


def discord_secrets() -> Secrets:
    return Secrets(slack_bot_token=None, slack_app_token=None, slack_signing_secret=None,
                   discord_token=SecretStr(TOKEN), llm_api_key=None)


def discord_config(tmp_path, fake: FakeDiscord, **settings) -> Config:
    discord = {
        "listen_channels": [fake.customers],
        "review_channel": fake.team,
        "team_roles": ["Staff"],
        "guilds": [fake.guild_id],
        "api_base_url": fake.url,
        **settings,
    }
    return example_config(tmp_path, platforms={"discord": discord})


@dataclass
class Running:
    app: Application
    adapter: DiscordAdapter
    task: asyncio.Task

    @property
    def db(self):
        return self.app.db


@contextlib.asynccontextmanager
async def running_nudge(config: Config, clock=None, **app_options):
    """The Application with only the Discord adapter, connected and ready."""
    app = Application(config, discord_secrets(), clock=clock, **app_options)
    adapter = DiscordAdapter(config, app.secrets, guild_ready_timeout=0.05)
    app.add_adapter(adapter)
    task = asyncio.create_task(app.run())
    try:
        ready = asyncio.create_task(adapter.ready.wait())
        # Generous: on a fresh machine the first start trains the intent model before the
        # Gateway opens; readiness is what is tested here, not its speed.
        done, _ = await asyncio.wait({ready, task}, timeout=90,
                                     return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            ready.cancel()
            task.result()  # raises the start-up error
        assert ready in done, "the Discord client did not get ready"
        yield Running(app, adapter, task)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.shutdown()
        app.db.conn.close()
