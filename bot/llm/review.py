"""Replace a review's template draft with the LLM's, after the review has been shown.

Adapters show the template review at once (so Slack's and Discord's acks never wait on a model),
then schedule `improve_review`; when a better draft arrives it is stored on the suggestion row
and the adapter replaces the review message with the Reply returned here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from bot.core.context import Context
from bot.core.types import Reply
from bot.engine.types import Suggestion
from bot.llm.drafting import LLMDrafter
from bot.store import conversations, suggestions

log = logging.getLogger(__name__)


def suggestion_from_row(row: dict) -> Suggestion:
    """The engine's Suggestion as it was stored, facts included."""
    try:
        facts = tuple(str(fact) for fact in json.loads(row.get("facts") or "[]"))
    except (ValueError, TypeError):
        facts = ()
    return Suggestion(
        text=row["text"] or "",
        rationale=row["rationale"] or "",
        cta_id=row["cta_id"],
        cta_kind=row["cta_kind"],
        cta_label=row.get("cta_label"),
        cta_url=row["cta_url"],
        offer_id=row["offer_id"],
        urgent=bool(row["urgent"]),
        source=row["source"] or "template",
        facts=facts,
    )


async def improve_review(ctx: Context, drafter: LLMDrafter, review: Reply,
                         redraw: Callable[[Context, int], Reply]) -> Reply | None:
    """The review with the LLM's wording, or None when it keeps the template draft.

    None when the review is not a pending suggestion, the suggestion is an opt-out
    confirmation (its words stay exact), the LLM failed or was rejected, or someone acted on
    the suggestion while the model was writing (what they sent is never changed). `redraw`
    builds the review of a suggestion (handlers.conversation.review_reply, passed in: the
    handlers sit above this module).
    """
    suggestion_id = review.meta.get("suggestion_id")
    if not review.choices or suggestion_id is None:
        return None
    row = suggestions.get(ctx.db, suggestion_id)
    if row is None or row["status"] != "pending" or row["source"] != "template":
        return None
    if row["stage"] == "unsubscribe":
        return None
    message = conversations.message(ctx.db, row["message_id"])
    template = suggestion_from_row(row)
    improved = await drafter.improve(template, message["text"], ctx.config.brand)
    if improved.source != "llm":
        return None
    if not suggestions.improve_text(ctx.db, row["id"], row["text"], improved.text):
        log.info("suggestion %s changed while the LLM was writing; its draft is dropped", row["id"])
        return None
    updated = redraw(ctx, row["id"])
    updated.meta["permalink"] = review.meta.get("permalink", "")
    return updated
