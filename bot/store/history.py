"""What Nudge has stored of each platform's channels, for reading back what it missed.

At every start (or reconnection) the adapters read each customer channel's history after the
newest message stored from it; Slack also re-reads the threads active lately. These say where
that reading starts, and which conversation an already stored message belongs to.

Message keys are the platform's own: Slack's is "<channel>:<ts>" (ts sorts as text, being
fixed-width), Discord's is the message id, a snowflake (a 64-bit number, compared as one).
"""

from __future__ import annotations

from datetime import datetime

from bot.store.connection import Database, backend
from bot.store.times import iso

# The Slack ts of a message key "<channel>:<ts>" (substr and instr: PostgreSQL's facade reads
# instr as strpos).
_SLACK_TS = "substr(m.event_key, instr(m.event_key, ':') + 1)"


def slack_newest_per_channel(db: Database) -> list[tuple[str, str]]:
    """(channel, ts of the newest stored message) for every Slack channel with messages."""
    rows = db.execute(
        f"select c.channel, max({_SLACK_TS}) "
        "from messages m join conversations c on c.id = m.conversation_id "
        "where m.platform = 'slack' and instr(m.event_key, ':') > 0 group by c.channel",
    ).fetchall()
    return [(channel, newest) for channel, newest in rows if channel and newest]


def slack_recent_threads(db: Database, channel: str, active_since: datetime,
                         limit: int) -> list[tuple[str, str]]:
    """(thread ts, newest stored ts in it) of the channel's conversations with a message at or
    after `active_since`, the most recently active first, at most `limit` of them."""
    rows = db.execute(
        f"select c.thread, max({_SLACK_TS}) "
        "from conversations c join messages m on m.conversation_id = c.id "
        "where c.platform = 'slack' and c.channel = ? and c.last_message_at >= ? "
        "group by c.id, c.thread, c.last_message_at order by c.last_message_at desc limit ?",
        [channel, iso(active_since), limit],
    ).fetchall()
    return [(thread, newest) for thread, newest in rows if thread and newest]


def discord_newest_per_channel(db: Database) -> list[tuple[int, int]]:
    """(channel id, id of the newest stored message) for every Discord channel with messages.

    Only keys that are message ids count (an interaction's key is not one); they are compared
    as 64-bit numbers, since a snowflake does not fit a 32-bit integer.
    """
    is_an_id = ("m.event_key ~ '^[0-9]+$'" if backend(db) == "postgresql"
                else "m.event_key <> '' and m.event_key not glob '*[^0-9]*'")
    rows = db.execute(
        "select c.channel, max(cast(m.event_key as bigint)) from messages m "
        "join conversations c on c.id = m.conversation_id "
        f"where m.platform = 'discord' and {is_an_id} group by c.channel",
    ).fetchall()
    return [(int(channel), int(newest)) for channel, newest in rows
            if str(channel).isdigit() and newest]


def thread_of_message(db: Database, platform: str, key: str) -> str | None:
    """The conversation thread a stored message belongs to, or None when it is not stored."""
    row = db.execute(
        "select c.thread from messages m join conversations c on c.id = m.conversation_id "
        "where m.platform = ? and m.event_key = ?",
        [platform, key],
    ).fetchone()
    return row[0] if row else None
