"""The review buttons: Send, Another and Dismiss act at once; Edit opens a modal first; the
"wrong intent?" menu re-suggests for the intent chosen."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.core.types import Field, Reply
from bot.platforms.slack import api, blocks
from bot.platforms.slack.listeners import common
from bot.platforms.slack.listeners.common import choose, team_request
from handlers import review

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.platforms.slack.adapter import SlackAdapter


def _where(body: dict) -> tuple[str, str]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or ""
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts") or ""
    return channel, ts


def _teller(adapter: SlackAdapter, body: dict, respond) -> common.Tell:
    """Answer the person who pressed, through the press's response URL."""
    channel, _ = _where(body)
    return common.responder(adapter, respond, channel, (body.get("user") or {}).get("id", ""))


def register(bolt: AsyncApp, adapter: SlackAdapter) -> None:
    @bolt.action(re.compile(r"^nudge_(send|another|dismiss)$"))
    @adapter.job
    async def press(ack, body: dict, action: dict, respond) -> None:
        await ack()
        channel, ts = _where(body)
        await choose(adapter, action["action_id"].removeprefix("nudge_"),
                     action.get("value") or "", user=body["user"]["id"], channel=channel, ts=ts,
                     tell=_teller(adapter, body, respond))

    @bolt.action("nudge_edit")
    @adapter.job
    async def edit(ack, body: dict, action: dict, respond) -> None:
        await ack()
        tell = _teller(adapter, body, respond)
        role, _ = await adapter.people.role_of(body["user"]["id"])
        if role != "team":  # refused before the modal opens, not after it is filled in
            await tell(Reply.error("Only the team can act on Nudge's suggestions."))
            return
        channel, ts = _where(body)
        text = review.suggestion_text(adapter.ctx, action.get("value") or "")
        if text is None:
            await tell(Reply.error("That suggestion no longer exists."))
            return
        view = blocks.edit_modal(action["value"], text, channel, ts)
        if await api.call(adapter.client, "views.open", trigger_id=body.get("trigger_id"),
                          view=view) is None:
            await tell(Reply.error("I couldn't open the editor; press Edit again."))

    @bolt.action(blocks.action_id(review.CORRECT))
    @adapter.job
    async def correct(ack, body: dict, action: dict, respond) -> None:
        await ack()
        channel, ts = _where(body)
        suggestion_id, intent = blocks.chosen_option(action)
        await common.correct(adapter, suggestion_id, intent, user=body["user"]["id"],
                             channel=channel, ts=ts, tell=_teller(adapter, body, respond))

    @bolt.action(re.compile(r"^nudge_(approve|reject)$"))
    @adapter.job
    async def approval(ack, body: dict, action: dict, respond) -> None:
        """Approve / Reject on a draft promotion: `promo approve|reject <id>` as the person
        who pressed (only managers may), then the review message shows the outcome."""
        await ack()
        channel, ts = _where(body)
        user = body["user"]["id"]
        verb = action["action_id"].removeprefix("nudge_")
        request = await team_request(adapter, user, channel,
                                     f"promo {verb} {action.get('value') or ''}")
        reply = adapter.ctx.router.dispatch(request, adapter.ctx)
        if reply.ok and channel and ts:
            done = Reply(reply.text, private=False, fields=(
                Field("Handled", f"{'Approved' if verb == 'approve' else 'Rejected'} by {user}"),))
            await api.call(adapter.client, "chat.update", channel=channel, ts=ts,
                           **blocks.message(done))
        await _teller(adapter, body, respond)(reply)

    @bolt.action(re.compile(r"^nudge_"))
    @adapter.job
    async def other(ack, body: dict, respond) -> None:
        await ack()
        await _teller(adapter, body, respond)(Reply.error("That button does nothing on Slack yet."))
