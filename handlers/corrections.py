""""Wrong intent?": the team says what a customer message really was.

The review is redrawn at once with suggestions made for the chosen intent, and the correction
is stored (who, when, from, to, the words, the suggestion and conversation it belongs to), to
teach this install's model (bot/engine/refit.py). Adapters check that the person is on the
team before calling `on_correct`, as they do for the review's buttons.

A correction into or out of `unsubscribe` or `complaint` also needs a manager (`team.managers`,
as for promotions; an empty list means everyone on the team is one): those corrections decide
whether a customer's "stop messaging me" is honoured and whether a complaint reaches a person,
and enough of them would teach the model to read opt-outs as small talk.
"""

from __future__ import annotations

from dataclasses import replace

from bot import corrections
from bot.core.context import Context
from bot.core.types import Reply
from bot.engine.types import INTENTS
from bot.store import conversations, iso, suggestions, transaction
from handlers import conversation


def intent_named(name: str) -> str | None:
    """"pricing", "Pricing" or "purchase intent" name an intent; None for anything else."""
    wanted = "_".join(name.strip().lower().replace("-", " ").split())
    return wanted if wanted in INTENTS else None


def on_correct(ctx: Context, suggestion_id: int | str, intent: str, platform: str,
               user: str, roles: tuple[str, ...] = ()) -> Reply:
    """Store the correction and return the review redrawn with suggestions for `intent`."""
    chosen = intent_named(intent)
    if chosen is None:
        return Reply.error(f"{intent.strip()[:40]!r} is not an intent; choose one of "
                           f"{', '.join(INTENTS)}.")
    try:
        shown = suggestions.get(ctx.db, int(suggestion_id))
    except (TypeError, ValueError, OverflowError):  # a malformed id
        shown = None
    if shown is None:  # a malformed id, or a stale button
        return Reply.error("That suggestion no longer exists.")
    if corrections.guarded(shown["intent"], chosen) and \
            not ctx.config.team.may_manage(platform, user, roles):
        return Reply.error(
            f"Only the managers (`team.managers` in Nudge's config) can correct a message "
            f"from {shown['intent']} to {chosen}: corrections into or out of unsubscribe and "
            "complaint decide whether an opt-out is honoured and a complaint reaches a person, "
            "and they teach Nudge's model. Nothing was changed; ask a manager to do it.")
    message = conversations.message(ctx.db, shown["message_id"])
    conversation_row = conversations.conversation(ctx.db, shown["conversation_id"])
    correction = corrections.Correction(
        text=message["text"], from_intent=shown["intent"], to_intent=chosen,
        platform=platform, user_id=user, created_at=iso(ctx.now()),
    )
    if shown["status"] != "pending":
        # Nothing left to re-suggest; what the team says still teaches the model.
        _keep(ctx, correction, shown)
        _teach(ctx)
        return conversation.review_reply(ctx, shown["id"], handled=f"already {shown['status']}")
    recorded = conversation.Recorded(conversation_row["id"], message["id"],
                                     conversation_row["customer_id"] or "")
    result = ctx.engine.suggest(
        message["text"], platform=conversation_row["platform"],
        state=conversation.thread_state(ctx, recorded), now=ctx.now(), intent=chosen,
    )
    with transaction(ctx.db):
        suggestions.replace_pending(ctx.db, message["id"])
        ids = conversation.store_suggestions(ctx, recorded, result)
        suggestions.keep_review_ref(ctx.db, message["id"], shown["review_ref"])
        _keep(ctx, correction, shown)
        _fix_opt_out(ctx, message, conversation_row, shown["intent"], chosen)
    _teach(ctx)
    redrawn = conversation.review_reply(ctx, ids[0])
    return replace(redrawn, meta={**redrawn.meta, "corrected": chosen})


def _keep(ctx: Context, correction: corrections.Correction, shown: dict) -> None:
    corrections.record(ctx.db, correction, message_id=shown["message_id"],
                       suggestion_id=shown["id"], conversation_id=shown["conversation_id"])


def _teach(ctx: Context) -> None:
    """Tell the refitter a correction came in (it refits in the background every
    `engine.refit_after` of them)."""
    if ctx.refitter is not None:
        ctx.refitter.corrected()


def _fix_opt_out(ctx: Context, message: dict, conversation_row: dict, was: str,
                 now_is: str) -> None:
    """An opt-out follows the team's word: recorded for a message corrected to unsubscribe,
    withdrawn when the message that recorded it is corrected to something else."""
    customer = conversation_row["customer_id"]
    if not customer or was == now_is:
        return
    if now_is == "unsubscribe":
        conversations.record_opt_out(ctx.db, customer, conversation_row["platform"],
                                     message["author_id"], iso(ctx.now()), message["text"])
    elif was == "unsubscribe":
        conversations.withdraw_opt_out(ctx.db, customer, message["text"])
