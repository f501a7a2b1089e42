"""The App Home tab: what is coming up, who is waiting, how the last week went."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from bot.platforms.slack import api, blocks
from bot.platforms.slack.text import escape
from handlers import home

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.platforms.slack.adapter import SlackAdapter


def not_for_customers(brand: str) -> dict:
    return {"type": "home", "blocks": [blocks.section(
        f"Nudge helps the {escape(brand)} team answer you quickly. "
        "Write in the shared channel and someone will reply."
    )]}


def register(bolt: AsyncApp, adapter: SlackAdapter) -> None:
    @bolt.event("app_home_opened")
    @adapter.job
    async def home_opened(event: dict) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        await publish_home(adapter, event["user"])


async def publish_home(adapter: SlackAdapter, user: str) -> None:
    role, _ = await adapter.people.role_of(user)
    if role == "team":
        summary = await adapter.app.readers.read(functools.partial(home.summary, platform=None))
        view = blocks.home_view(summary)
    else:
        # The home tab lists customers and their messages: the team's eyes only.
        view = not_for_customers(adapter.config.brand.name)
    await api.call(adapter.client, "views.publish", user_id=user, view=view)
