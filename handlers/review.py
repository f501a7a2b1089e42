"""Small pieces of the team's review that every adapter needs around `conversation.on_choice`.

Where a review message lives (to update it later), the text to put in an Edit box, and following
a customer's edits. (A refused send is undone by `conversation.undo_send`.)
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.types import Field, Menu, Option
from bot.engine.types import INTENTS
from bot.results.labels import INTENT_LABELS
from bot.store import conversations, corrections, suggestions


def _id(suggestion_id: int | str | None) -> int | None:
    """A button's suggestion id as a number; None for a malformed one."""
    try:
        return int(suggestion_id)
    except (TypeError, ValueError, OverflowError):
        return None


def suggestion_text(ctx: Context, suggestion_id: int | str) -> str | None:
    """The suggested reply, to prefill an Edit box; None for an unknown id."""
    number = _id(suggestion_id)
    return None if number is None else suggestions.text_of(ctx.db, number)


def is_pending(ctx: Context, suggestion_id: int | str | None) -> bool:
    """Whether nobody has sent or dismissed this suggestion yet."""
    number = _id(suggestion_id)
    return number is not None and suggestions.status_of(ctx.db, number) == "pending"


def remember_review_message(ctx: Context, suggestion_id: int | str, ref: str) -> None:
    """Record where the review of this customer message was shown (for all its alternatives)."""
    suggestions.remember_review(ctx.db, int(suggestion_id), ref)


def record_edit(ctx: Context, platform: str, message_id: str, text: str) -> bool:
    """A customer edited a message Nudge stored: keep the new wording. True if it was known."""
    return conversations.record_edit(ctx.db, platform, message_id, text)


CORRECT = "intent"  # the Menu action of "wrong intent?"


def intent_menu(suggestion_id: int | str) -> Menu:
    """The review's "wrong intent?" menu: every intent, by name and in plain words."""
    return Menu(
        action=CORRECT,
        placeholder="Wrong intent?",
        value=str(suggestion_id),
        options=tuple(Option(intent, f"{INTENT_LABELS[intent]} ({intent})")
                      for intent in INTENTS),
    )


def correction_field(ctx: Context, message_id: int) -> Field | None:
    """"purchase_intent → pricing by U123" once the team corrected this message's intent."""
    corrected = corrections.of_message(ctx.db, message_id)
    if corrected is None:
        return None
    first, to_intent, user = corrected
    return Field("Corrected", f"{first or 'unknown'} → {to_intent} by {user}")
