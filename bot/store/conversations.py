"""Conversations with customers: their threads, every message, who the customers are, and
who asked to hear from Nudge no more (opt-outs).

A conversation is one thread on one platform (Slack, Discord, the console). Every message in it
is stored as it arrives, the team's replies typed by hand included, so the engine can see what
was said before and the digest can say who is still waiting. Timestamps are ISO 8601 text.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.connection import Database, transaction

MAX_STORED_TEXT = 20_000
MAX_OPT_OUT_TEXT = 500  # the words of an opt-out kept beside it


@dataclass(frozen=True)
class Recorded:
    """Where a stored message landed: its conversation, its own id, its customer ("" none)."""

    conversation_id: int
    message_id: int
    customer_id: str


@dataclass(frozen=True)
class Incoming:
    """A message as a platform delivered it, to be stored."""

    platform: str
    workspace: str
    channel: str
    thread: str
    user: str
    user_name: str
    role: str  # "customer" or "team"
    text: str
    event_key: str | None  # the platform's id of the message; None when it has none

    @property
    def is_team(self) -> bool:
        return self.role == "team"


def customer_key(platform: str, user: str) -> str:
    """A customer's id across Nudge: "slack:U123"."""
    return f"{platform}:{user}"


def is_stored(db: Database, platform: str, event_key: str | None) -> bool:
    """Whether this platform's message was stored before (platforms redeliver events)."""
    if not event_key:
        return False
    return db["messages"].count_where("platform = ? and event_key = ?",
                                      [platform, event_key]) > 0


def record_message(db: Database, message: Incoming, at: str, *,
                   team_sent_cta: bool = False) -> Recorded:
    """Store a message in its thread, in one transaction, starting the conversation if new.

    A customer's message makes the thread "waiting" and counts toward the call-to-action
    cadence; a team member's makes it "answered" (and, when it carried one of the catalog's
    links, `team_sent_cta`, restarts the cadence). The customer's name is kept fresh.
    """
    where = [message.platform, message.workspace, message.channel, message.thread]
    with transaction(db):
        # Started by whichever process gets there first (several may share PostgreSQL): the
        # unique thread key turns a second start into nothing, and both read the same row.
        db.execute(
            "insert or ignore into conversations (platform, workspace, channel, thread, "
            "customer_id, started_at, last_message_at, status, customer_messages_since_cta, "
            "urgent) values (?, ?, ?, ?, ?, ?, ?, 'waiting', 0, 0)",
            [*where, None if message.is_team else customer_key(message.platform, message.user),
             at, at],
        )
        conversation_id, customer_id = db.execute(
            "select id, customer_id from conversations where platform = ? and workspace = ? "
            "and channel = ? and thread = ?", where,
        ).fetchone()
        if message.is_team:
            cadence = ", customer_messages_since_cta = 0, last_cta_at = ?" if team_sent_cta \
                else ""
            db.execute(
                "update conversations set last_message_at = ?, answered_at = ?, "
                f"status = 'answered'{cadence} where id = ?",
                [at, at] + ([at] if team_sent_cta else []) + [conversation_id],
            )
        else:
            customer_id = customer_id or customer_key(message.platform, message.user)
            db.execute(
                "insert into customers (id, platform, user_id, name, first_seen, last_seen) "
                "values (?, ?, ?, ?, ?, ?) on conflict(id) do update set "
                "last_seen = excluded.last_seen, "
                "name = coalesce(nullif(excluded.name, ''), customers.name)",
                [customer_id, message.platform, message.user, message.user_name, at, at],
            )
            db.execute(
                "update conversations set customer_id = coalesce(customer_id, ?), "
                "last_message_at = ?, last_customer_message_at = ?, status = 'waiting', "
                "waiting_pinged_at = null, "
                "customer_messages_since_cta = customer_messages_since_cta + 1 where id = ?",
                [customer_id, at, at, conversation_id],
            )
        message_id = db.execute(
            "insert into messages (conversation_id, platform, event_key, author_id, author_role, "
            "text, created_at) values (?, ?, ?, ?, ?, ?, ?)",
            [conversation_id, message.platform, message.event_key, message.user, message.role,
             message.text[:MAX_STORED_TEXT], at],
        ).lastrowid
    return Recorded(conversation_id, message_id, customer_id or "")


def conversation(db: Database, conversation_id: int) -> dict:
    """The conversation's row (platform, channel, thread, status, cadence, urgent, ...)."""
    return db["conversations"].get(conversation_id)


def message(db: Database, message_id: int) -> dict:
    """The message's row (text, author, its classification once made, ...)."""
    return db["messages"].get(message_id)


def stored_message(db: Database, platform: str, event_key: str) -> dict | None:
    """The stored message with this platform id, with its conversation's customer; None if
    it was never stored."""
    row = db.execute(
        "select m.id, m.conversation_id, m.author_role, c.customer_id from messages m "
        "join conversations c on c.id = m.conversation_id where m.platform = ? and "
        "m.event_key = ?", [platform, event_key]).fetchone()
    if row is None:
        return None
    return {"id": row[0], "conversation_id": row[1], "author_role": row[2],
            "customer_id": row[3]}


def earlier_customer_messages(db: Database, conversation_id: int, before_message_id: int,
                              limit: int) -> list[tuple[str, str | None]]:
    """(text, intent) of the customer's messages before this one in the thread, newest first."""
    rows = db.execute(
        "select text, intent from messages where conversation_id = ? and author_role = "
        "'customer' and id < ? order by id desc limit ?",
        [conversation_id, before_message_id, limit],
    ).fetchall()
    return [(text, intent) for text, intent in rows]


def said_in_thread(db: Database, conversation_id: int) -> list[tuple[str, str, str | None]]:
    """(at, text, offer id) of what the team said to the customer in this thread, oldest first:
    replies sent through Nudge (as edited, when they were) and replies typed by hand."""
    rows = db.execute(
        "select s.created_at, coalesce((select f.text from feedback f where f.suggestion_id = "
        "s.id and f.action = 'edit' order by f.id desc limit 1), s.text), s.offer_id "
        "from suggestions s where s.conversation_id = ? and s.status = 'sent' "
        "union all select created_at, text, null from messages "
        "where conversation_id = ? and author_role = 'team' order by 1",
        [conversation_id, conversation_id],
    ).fetchall()
    return [(at, text, offer) for at, text, offer in rows]


def set_classification(db: Database, message_id: int, intent: str, stage: str,
                       confidence: float, alternatives: str | None) -> None:
    """What the engine read in a customer message (alternatives: JSON, when it was unsure)."""
    db.execute(
        "update messages set intent = ?, stage = ?, confidence = ?, alternatives = ? "
        "where id = ?", [intent, stage, confidence, alternatives, message_id],
    )


def mark_urgent(db: Database, conversation_id: int) -> None:
    """The thread needs a person now (a complaint, a problem with an order)."""
    db.execute("update conversations set urgent = 1 where id = ?", [conversation_id])


def record_edit(db: Database, platform: str, event_key: str, text: str) -> bool:
    """A customer edited a message Nudge stored: keep the new wording. True if it was known."""
    cursor = db.execute(
        "update messages set text = ? where platform = ? and event_key = ?",
        [text[:MAX_STORED_TEXT], platform, event_key],
    )
    return cursor.rowcount > 0


def mark_answered(db: Database, conversation_id: int, at: str, *, reset_cta: bool) -> None:
    """A reply went (or is going) to the customer at `at`; with `reset_cta` it carried a
    call-to-action, so the cadence starts again."""
    cadence = ", customer_messages_since_cta = 0, last_cta_at = ?" if reset_cta else ""
    db.execute(
        "update conversations set status = 'answered', answered_at = ?, last_message_at = ?"
        f"{cadence} where id = ?", [at, at] + ([at] if reset_cta else []) + [conversation_id],
    )


def unmark_answered(db: Database, conversation_id: int, at: str, before: dict) -> None:
    """Undo `mark_answered(at=at)` for a reply that never reached the customer, from `before`
    (status, answered_at, last_message_at, customer_messages_since_cta, last_cta_at, reset_cta).

    Each column goes back only if it still holds what the answer wrote: a customer message or a
    reply typed by hand since then is kept, and customer messages counted since the cadence was
    reset are added on top of the old count.
    """
    db.execute(
        "update conversations set "
        "status = case when answered_at = :at and status = 'answered' then :status "
        "else status end, "
        "answered_at = case when answered_at = :at then :answered_at else answered_at end, "
        "last_message_at = case when last_message_at = :at then :last_message_at "
        "else last_message_at end "
        "where id = :id",
        {"at": at, "status": before["status"], "answered_at": before["answered_at"],
         "last_message_at": before["last_message_at"], "id": conversation_id},
    )
    if before["reset_cta"]:
        db.execute(
            "update conversations set "
            "customer_messages_since_cta = customer_messages_since_cta + :before, "
            "last_cta_at = :last_cta_at where id = :id and last_cta_at = :at",
            {"before": before["customer_messages_since_cta"], "at": at,
             "last_cta_at": before["last_cta_at"], "id": conversation_id},
        )


# ---- opt-outs: a customer who asked for no more messages ----------------------------------


def is_opted_out(db: Database, customer_id: str) -> bool:
    """Whether this customer asked for no more messages."""
    return db["opt_outs"].count_where("customer_id = ?", [customer_id]) > 0


def is_opted_out_person(db: Database, platform: str, user_id: str) -> bool:
    """Whether the person with this id on this platform asked for no more messages."""
    row = db.execute("select 1 from opt_outs where platform = ? and user_id = ?",
                     [platform, user_id]).fetchone()
    return row is not None


def record_opt_out(db: Database, customer_id: str, platform: str, user_id: str, at: str,
                   words: str) -> None:
    """Remember that this customer asked for no more messages (once: the first words stay)."""
    db.execute(
        "insert or ignore into opt_outs (customer_id, platform, user_id, created_at, message) "
        "values (?, ?, ?, ?, ?)",
        [customer_id, platform, user_id, at, words[:MAX_OPT_OUT_TEXT]],
    )


def withdraw_opt_out(db: Database, customer_id: str, words: str) -> None:
    """Forget the opt-out these words recorded (the team said they were no opt-out)."""
    db.execute("delete from opt_outs where customer_id = ? and message = ?",
               [customer_id, words[:MAX_OPT_OUT_TEXT]])
