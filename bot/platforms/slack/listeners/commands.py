"""`/nudge ...`: acknowledged at once, then run through the router and answered with respond.

`/nudge promo new` opens the promotion modal instead (a modal needs the command's trigger id
within three seconds, so it is opened straight after the ack).
"""

from __future__ import annotations

import json
import logging
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import TYPE_CHECKING

from bot.core.types import Reply
from bot.platforms.slack import api, promo
from bot.platforms.slack.listeners.common import answer, team_request
from bot.platforms.slack.text import command_text
from bot.readers import READ_ONLY_COMMANDS, command_name

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.platforms.slack.adapter import SlackAdapter

log = logging.getLogger("bot.platforms.slack")

SORRY = Reply.error("Sorry, that failed on my side; nothing was changed. The details are in "
                    "Nudge's log.")


def register(bolt: AsyncApp, adapter: SlackAdapter) -> None:
    @bolt.command("/nudge")
    @adapter.job
    async def nudge(ack, command: dict, respond) -> None:
        await ack()
        async with slot_for(adapter, command.get("text", "")):
            try:
                reply = await run_command(adapter, command)
            except Exception:
                log.exception("Slack /nudge failed")
                reply = SORRY
            if reply is not None:
                await answer(adapter, respond, command.get("channel_id", ""),
                             command.get("user_id", ""), reply,
                             response_type="ephemeral" if reply.private else "in_channel")


def slot_for(adapter: SlackAdapter, text: str) -> AbstractAsyncContextManager:
    """The heavy reads (digest, stats, tests) run a few at a time: each one's answer is
    drawn and posted on the event loop, and a burst of them must not hold up the
    acknowledgements of customer messages. Every other command runs at once (a modal's
    trigger id lasts three seconds)."""
    if command_name(command_text(text)) in READ_ONLY_COMMANDS:
        return adapter.heavy_commands
    return nullcontext()


async def run_command(adapter: SlackAdapter, command: dict) -> Reply | None:
    text = command_text(command.get("text", ""))
    request = await team_request(adapter, command.get("user_id", ""),
                                 command.get("channel_id", ""), text,
                                 command.get("user_name", ""))
    if promo.is_promo_new(text):
        if not request.is_team:
            return Reply.error("Only the team can use Nudge's commands.")
        return await open_promo_modal(adapter, command)
    return await adapter.app.dispatch(request)


async def open_promo_modal(adapter: SlackAdapter, command: dict) -> Reply | None:
    ctx = adapter.ctx
    view = promo.modal(
        adapter.config.timezone, ctx.local_now().date(),
        {"response_url": command.get("response_url", ""),
         "channel": command.get("channel_id", "")},
    )
    if len(view["private_metadata"]) > 3000:  # Slack's limit; a response URL is far shorter
        view["private_metadata"] = json.dumps({"channel": command.get("channel_id", "")})
    opened = await api.call(adapter.client, "views.open", trigger_id=command.get("trigger_id"),
                            view=view)
    if opened is None:
        return Reply.error("I couldn't open the promotion form; try `/nudge promo new` again, "
                           "or type the command: `/nudge help promo`.")
    return None
