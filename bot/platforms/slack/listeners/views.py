"""Modal submissions: the edited reply (then sent), and a new promotion (then scheduled)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core.types import Reply
from bot.platforms.slack import api, blocks, promo
from bot.platforms.slack.listeners.common import choose, ephemeral_in, team_request

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.platforms.slack.adapter import SlackAdapter

log = logging.getLogger("bot.platforms.slack")


def _metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def register(bolt: AsyncApp, adapter: SlackAdapter) -> None:
    @bolt.view(blocks.EDIT_VIEW)
    @adapter.job
    async def edited(ack, body: dict, view: dict) -> None:
        values = view.get("state", {}).get("values", {})
        text = blocks.edited_text(values)
        if not (text or "").strip():
            await ack(response_action="errors",
                      errors={blocks.EDIT_BLOCK: "Write the reply to send."})
            return
        await ack()
        meta = _metadata(view)
        user = body["user"]["id"]
        channel = meta.get("channel") or adapter.review_channel
        await choose(adapter, "edit", meta.get("suggestion_id") or "", user=user,
                     channel=channel, ts=meta.get("ts") or "",
                     tell=ephemeral_in(adapter, channel, user), edited_text=text)

    @bolt.view(promo.PROMO_VIEW)
    @adapter.job
    async def promotion(ack, body: dict, view: dict) -> None:
        ctx = adapter.ctx
        command, errors = promo.read_submission(
            view.get("state", {}).get("values", {}), adapter.config.timezone, ctx.now()
        )
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        meta = _metadata(view)
        user = body["user"]["id"]
        request = await team_request(adapter, user, meta.get("channel") or "", command)
        reply = await adapter.app.dispatch(request)  # quick: well within Slack's 3 seconds
        if reply.ok:
            # The modal shows the confirmation and its warnings before it is closed.
            await ack(response_action="update",
                      view=promo.done_view(blocks.message(reply)["blocks"]))
        else:
            await ack()
        await tell_submitter(adapter, meta, user, reply)


async def tell_submitter(adapter: SlackAdapter, meta: dict, user: str, reply: Reply) -> None:
    """Answer where the person typed `/nudge promo new` (its response URL), else privately
    in that channel."""
    url = meta.get("response_url")
    if url:
        webhook = AsyncWebhookClient(url, session=adapter.session)
        try:
            response = await webhook.send(**blocks.message(reply), response_type="ephemeral")
            if response.status_code == 200:
                return
            log.warning("Slack response URL answered %s", response.status_code)
        except Exception as error:
            log.warning("Slack response URL failed: %s", api.error_code(error))
    if meta.get("channel"):
        await ephemeral_in(adapter, meta["channel"], user)(reply)
