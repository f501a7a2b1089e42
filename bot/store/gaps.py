"""Knowledge gaps: the customer questions nothing in the config answered (no FAQ entry,
product or shop fact), kept so the team sees what to add to the FAQ.

One row per customer message that got "no answer in your FAQ or products": its words, the
part nothing answered, its language, the shop it is about (when the engine knew one), its
conversation and platform, and when it was asked. It is written in the same transaction as the
message's suggestions (one more statement, no extra commit). `group_id` is the group of
similar questions it falls into: the id of the group's oldest question, set when the gaps are
listed (grouping needs the sentence embeddings, which the store does not know).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.connection import Database
from bot.store.times import iso

COLUMNS = ("message_id", "conversation_id", "platform", "text", "question", "lang", "shop",
           "asked_at")


@dataclass(frozen=True)
class NewGap:
    """A question to keep, as the customer-message path knows it."""

    message_id: int
    conversation_id: int
    platform: str
    text: str  # the whole message
    question: str  # the part nothing in the config answers
    lang: str
    shop: str
    asked_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class GapRow:
    id: int
    message_id: int
    conversation_id: int
    platform: str
    text: str
    question: str
    lang: str
    shop: str
    asked_at: datetime
    group_id: int | None


def record(db: Database, gap: NewGap) -> None:
    """Keep the question (once per message: a redelivered or re-suggested message keeps its
    first row). One plain statement: call it inside the suggestions' transaction."""
    db.execute(f"insert or ignore into knowledge_gaps ({', '.join(COLUMNS)}) values "
               f"({', '.join('?' * len(COLUMNS))})",
               [getattr(gap, column) for column in COLUMNS])


def asked_between(db: Database, start: datetime, end: datetime, *,
                  unanswered: bool = False) -> list[GapRow]:
    """The questions asked in [start, end), oldest first. `unanswered`: only those the team
    did not answer afterwards either (the conversation has no answer since the question)."""
    sql = ("select g.id, g.message_id, g.conversation_id, g.platform, g.text, g.question, "
           "g.lang, g.shop, g.asked_at, g.group_id from knowledge_gaps g ")
    if unanswered:
        sql += ("join conversations c on c.id = g.conversation_id where g.asked_at >= ? and "
                "g.asked_at < ? and (c.answered_at is null or c.answered_at < g.asked_at) ")
    else:
        sql += "where g.asked_at >= ? and g.asked_at < ? "
    rows = db.execute(sql + "order by g.asked_at, g.id", [iso(start), iso(end)]).fetchall()
    return [GapRow(row[0], row[1], row[2], row[3] or "", row[4] or "", row[5] or "",
                   row[6] or "", row[7] or "", datetime.fromisoformat(str(row[8])), row[9])
            for row in rows]


def set_group(db: Database, group_id: int, gap_ids: list[int]) -> None:
    """Put these questions in this group."""
    if not gap_ids:  # (an empty `in ()` reads the whole table)
        return
    db.execute(f"update knowledge_gaps set group_id = ? where id in "
               f"({', '.join('?' * len(gap_ids))})", [group_id, *gap_ids])
