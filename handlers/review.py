"""Small pieces of the team's review that every adapter needs around `conversation.on_choice`.

Where a review message lives (to update it later), the text to put in an Edit box, and following
a customer's edits. (A refused send is undone by `conversation.undo_send`.)
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.types import Field, Menu, Option
from bot.engine.types import INTENTS


def suggestion_text(ctx: Context, suggestion_id: int | str) -> str | None:
    """The suggested reply, to prefill an Edit box; None for an unknown id."""
    try:
        row = ctx.db.execute(
            "select text from suggestions where id = ?", [int(suggestion_id)]
        ).fetchone()
    except (TypeError, ValueError, OverflowError):
        return None
    return row[0] if row else None


def is_pending(ctx: Context, suggestion_id: int | str | None) -> bool:
    """Whether nobody has sent or dismissed this suggestion yet."""
    try:
        row = ctx.db.execute(
            "select status from suggestions where id = ?", [int(suggestion_id)]
        ).fetchone()
    except (TypeError, ValueError, OverflowError):
        return False
    return bool(row) and row[0] == "pending"


def remember_review_message(ctx: Context, suggestion_id: int | str, ref: str) -> None:
    """Record where the review of this customer message was shown (for all its alternatives)."""
    ctx.db.execute(
        "update suggestions set review_ref = ? where message_id = "
        "(select message_id from suggestions where id = ?)",
        [ref, int(suggestion_id)],
    )


def record_edit(ctx: Context, platform: str, message_id: str, text: str) -> bool:
    """A customer edited a message Nudge stored: keep the new wording. True if it was known."""
    cursor = ctx.db.execute(
        "update messages set text = ? where platform = ? and event_key = ?",
        [text[:20_000], platform, message_id],
    )
    return cursor.rowcount > 0


CORRECT = "intent"  # the Menu action of "wrong intent?"
INTENT_LABELS = {
    "purchase_intent": "Wants to buy",
    "pricing": "Asks about price",
    "product_question": "Product question",
    "store_visit": "Visiting a shop (hours, address)",
    "order_support": "Help with an order",
    "complaint": "Complaint",
    "praise": "Praise",
    "chit_chat": "Small talk",
    "unsubscribe": "Wants no more messages",
}


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
    row = ctx.db.execute(
        "select from_intent, to_intent, user_id from corrections where message_id = ? "
        "order by id desc limit 1", [message_id],
    ).fetchone()
    if row is None:
        return None
    first = ctx.db.execute(
        "select from_intent from corrections where message_id = ? order by id limit 1",
        [message_id],
    ).fetchone()[0]
    return Field("Corrected", f"{first or 'unknown'} → {row[1]} by {row[2]}")
