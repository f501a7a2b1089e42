"""What several listeners share: asking who someone is, and acting on a review button."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.core.types import Reply, Request
from bot.platforms.slack import api, blocks
from handlers import conversation, corrections, review

if TYPE_CHECKING:
    from bot.platforms.slack.adapter import SlackAdapter

log = logging.getLogger("bot.platforms.slack")

Tell = Callable[[Reply], Awaitable[None]]


async def team_request(adapter: SlackAdapter, user: str, channel: str, text: str,
                       user_name: str = "") -> Request:
    """A command from a person: their role decides whether they may use team commands."""
    role, name = await adapter.people.role_of(user)
    group = adapter.settings.team_usergroup
    roles = (group,) if group and user in await adapter.people.team_group() else ()
    return Request(platform="slack", text=text, user=user, channel=channel,
                   workspace=adapter.workspace, user_name=name or user_name, role=role,
                   roles=roles)


def ephemeral_in(adapter: SlackAdapter, channel: str, user: str) -> Tell:
    """Tell one person something in a channel, visible to them only (a long answer over
    several messages of at most 50 blocks)."""

    async def tell(reply: Reply) -> None:
        for part in blocks.message_parts(reply):
            await _ephemeral(adapter, channel, user, part)

    return tell


async def _ephemeral(adapter: SlackAdapter, channel: str, user: str, part: dict) -> None:
    await api.call(adapter.client, "chat.postEphemeral", channel=channel, user=user, **part)


def responder(adapter: SlackAdapter, respond, channel: str, user: str) -> Tell:
    """Tell the person who pressed a button, privately, through the press's response URL."""

    async def tell(reply: Reply) -> None:
        await answer(adapter, respond, channel, user, reply, response_type="ephemeral",
                     replace_original=False)

    return tell


async def answer(adapter: SlackAdapter, respond, channel: str, user: str, reply: Reply,
                 **options) -> None:
    """Answer through a response URL, a long answer over several messages of at most 50
    blocks; a part Slack no longer takes there (the URL used five times already, older than
    30 minutes, the line dropped) comes privately in the channel instead."""
    for part in blocks.message_parts(reply):
        refused = await _respond(respond, part, options)
        if refused:
            log.warning("Slack response URL refused an answer (%s); telling %s in %s instead",
                        refused, user, channel)
            if channel and user:
                await _ephemeral(adapter, channel, user, part)


async def _respond(respond, part: dict, options: dict) -> str:
    """"" when the response URL took `part`; else why not ("404 used_url", "timeout")."""
    try:
        sent = await respond(**part, **options)
    except Exception as error:  # the caller tells the person another way
        return api.error_code(error)
    status = getattr(sent, "status_code", 200)
    return "" if status == 200 else f"{status} {getattr(sent, 'body', '')}".strip()


async def choose(adapter: SlackAdapter, action: str, suggestion_id: str, *, user: str,
                 channel: str, ts: str, tell: Tell, edited_text: str | None = None) -> None:
    """Apply a review button (or the Edit modal), send the reply, redraw the review message."""
    ctx = adapter.ctx
    if not await _on_the_team(adapter, user, tell):
        return
    async with adapter.review_lock(channel, ts):
        result = conversation.on_choice(ctx, action, suggestion_id, "slack", user,
                                        edited_text=edited_text)
        if not result.review.ok:
            await tell(result.review)
            return
        shown, _ = await adapter.app.deliver_choice(result)
        await update_review(adapter, channel, ts, shown)
    if action == "another":
        await improve_later(adapter, shown, channel, ts)


async def correct(adapter: SlackAdapter, suggestion_id: str, intent: str, *, user: str,
                  channel: str, ts: str, tell: Tell) -> None:
    """"Wrong intent?": store the correction, redraw the review with suggestions for it."""
    if not await _on_the_team(adapter, user, tell):
        return
    async with adapter.review_lock(channel, ts):
        shown = corrections.on_correct(adapter.ctx, suggestion_id, intent, "slack", user)
        if not shown.ok:
            await tell(shown)
            return
        await update_review(adapter, channel, ts, shown)
    if shown.choices:
        await improve_later(adapter, shown, channel, ts)


async def _on_the_team(adapter: SlackAdapter, user: str, tell: Tell) -> bool:
    """Only team members act on reviews; anyone else is told so, privately."""
    role, _ = await adapter.people.role_of(user)
    if role != "team":
        await tell(Reply.error("Only the team can act on Nudge's suggestions."))
        return False
    return True


async def improve_later(adapter: SlackAdapter, shown: Reply, channel: str, ts: str) -> None:
    """With an LLM configured, redraw the review with its wording once it arrives (the
    template was shown at once); never over a review someone has acted on meanwhile."""
    improved = await adapter.app.improve_review(shown)
    if improved is None:
        return
    async with adapter.review_lock(channel, ts):
        if review.is_pending(adapter.ctx, improved.meta.get("suggestion_id")):
            await update_review(adapter, channel, ts, improved)


async def update_review(adapter: SlackAdapter, channel: str, ts: str, reply: Reply) -> None:
    """Redraw the review message at ts: the last part of a review posted over several
    messages (the one with the buttons), the whole review otherwise."""
    if not (channel and ts):
        return
    reply = await adapter.with_permalink(reply)
    await api.call(adapter.client, "chat.update", channel=channel, ts=ts,
                   **blocks.message_parts(reply)[-1])
