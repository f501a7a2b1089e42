"""Messages in the customer channels: each becomes a neutral Request for the conversation
handler; a customer's message gets its review posted to the team.

A thread is a conversation (its root ts). Nudge's own messages, other bots (unless listed in
`allow_bots`), deletions and channel notices are ignored; an edit updates the stored text.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.core.types import Reply, Request
from bot.platforms.slack.listeners.common import improve_later
from bot.platforms.slack.text import plain
from handlers import conversation, review

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
        key = inbox_key(adapter, body)
        if key is None:
            await handle_message(adapter, event, body.get("team_id") or adapter.workspace)
        else:  # written to the inbox before the ack (SlackAdapter.keep_before_ack)
            await adapter.inbox.handle(key, body)


def inbox_key(adapter: SlackAdapter, body: dict) -> str | None:
    """The inbox key of a message someone wrote in a customer channel; None for anything
    else (edits, notices, other channels), which is not worth keeping."""
    if body.get("type") != "event_callback":
        return None
    event = body.get("event") or {}
    if event.get("type") != "message" or event.get("subtype") not in WRITTEN:
        return None
    channel, ts = event.get("channel") or "", event.get("ts") or ""
    if not (channel and ts) or event.get("channel_type") == "im" \
            or not adapter.listens_to(channel):
        return None
    return message_key(channel, ts)


async def handle_body(adapter: SlackAdapter, body: dict) -> None:
    """Handle an event body kept in the inbox."""
    await handle_message(adapter, body.get("event") or {},
                         body.get("team_id") or adapter.workspace)


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
    if request.message_id in adapter.in_hand:
        return  # the inbox and the catch-up can both bring it: one of them reviews it
    adapter.in_hand.add(request.message_id)
    try:
        await adapter.app.engine_ready()  # the warm-up runs in a thread; the loop stays free
        reply = await conversation.on_message_off_loop(request, adapter.ctx,
                                                       adapter.app.run_engine)
        if reply is not None:
            await _show(adapter, reply)
    finally:
        adapter.in_hand.discard(request.message_id)


async def _show(adapter: SlackAdapter, reply: Reply) -> None:
    # Through the outbox: retried while Slack fails for a passing reason; a review that
    # cannot be shown is reported, and the customer stays in the digest's waiting list.
    shown = await adapter.app.show_review(reply, "slack", lambda: adapter.post_review(reply))
    if shown is None:
        return
    channel, ts = shown
    await improve_later(adapter, reply, channel, ts)
