"""Messages in the customer channels: each becomes a neutral Request for the conversation
handler; a customer's message gets its review posted to the team.

A thread is a conversation (its root ts). Nudge's own messages, other bots (unless listed in
`allow_bots`), deletions and channel notices are ignored; an edit updates the stored text.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.platforms.base import DeliveryError
from bot.platforms.slack.listeners.common import improve_later
from bot.platforms.slack.text import plain
from handlers import conversation, review
from handlers.types import Request

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.platforms.slack.adapter import SlackAdapter

log = logging.getLogger("bot.platforms.slack")

# Subtypes that are something a person wrote; every other one is a notice or a deletion.
WRITTEN = {None, "thread_broadcast", "file_share", "bot_message", "me_message"}


def register(bolt: AsyncApp, adapter: SlackAdapter) -> None:
    @bolt.event("message")
    @adapter.job
    async def message(event: dict, body: dict) -> None:
        await handle_message(adapter, event, body.get("team_id") or adapter.workspace)


def message_key(channel: str, ts: str) -> str:
    """A Slack message's id across channels (a ts is unique only within its channel)."""
    return f"{channel}:{ts}"


async def handle_message(adapter: SlackAdapter, event: dict, workspace: str) -> None:
    channel = event.get("channel") or ""
    subtype = event.get("subtype")
    if not channel or not adapter.listens_to(channel) or event.get("channel_type") == "im":
        return
    if subtype == "message_changed":
        edited = event.get("message") or {}
        if edited.get("ts"):
            review.record_edit(adapter.ctx, "slack", message_key(channel, edited["ts"]),
                               plain(edited.get("text", "")))
        return
    if subtype not in WRITTEN:
        return
    bot_id = event.get("bot_id") or ""
    user = event.get("user") or bot_id
    if not user or user == adapter.bot_user_id:
        return
    if bot_id or subtype == "bot_message":
        allowed = set(adapter.settings.allow_bots)
        if not ({user, bot_id} & allowed):
            return
        role, name = "customer", event.get("username") or user
    else:
        role, name = await adapter.people.role_of(user, event.get("user_team") or "")
    text = plain(event.get("text", "")).strip()
    ts = event.get("ts") or ""
    if not text or not ts:
        return
    request = Request(
        platform="slack", text=text, user=user, channel=channel, workspace=workspace,
        thread=event.get("thread_ts") or ts, message_id=message_key(channel, ts),
        user_name=name, role=role,
    )
    reply = conversation.on_message(request, adapter.ctx)
    if reply is None:
        return
    try:
        channel, ts = await adapter.post_review(reply)
    except DeliveryError as error:
        # Logged by the API layer; the suggestion stays stored as pending for the digest.
        log.warning("Slack: the review for %s was not shown: %s", request.message_id, error)
        return
    await improve_later(adapter, reply, channel, ts)
