"""What the results are counted from: read-only queries for `/nudge stats`, the morning
digest, the Home tab, the 14-day chart and the outcome of each suggestion.

Every function only reads. Time bounds are aware datetimes, a span being [start, end);
times come back as aware datetimes. The figures themselves (per day, per platform, the mix of
stages) are worked out above the store, in bot/results/, from these rows, so that
`/nudge stats`, the digest, the Home tab and `nudge stats` never disagree. The rows read by
the thousand (messages, suggestions, sends) are named tuples: quicker to make than dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from bot.store.connection import Database, backend
from bot.store.times import iso


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _bounds(start: datetime, end: datetime) -> list[str]:
    return [iso(start), iso(end)]


# --- the events a span's figures count ------------------------------------------------------

class CustomerMessage(NamedTuple):
    at: datetime
    platform: str
    conversation_id: int


class SuggestionMade(NamedTuple):
    """A customer message that got suggestions, at the time of its first one."""

    at: datetime
    platform: str
    intent: str


class ReplySent(NamedTuple):
    """A suggestion the team sent, as it was or after an edit."""

    at: datetime
    platform: str
    intent: str
    stage: str
    cta_id: str | None


class PromotionSent(NamedTuple):
    at: datetime
    platform: str
    promotion: str  # the promotion's id


def customer_messages(db: Database, start: datetime, end: datetime) -> list[CustomerMessage]:
    """Every message a customer wrote in [start, end)."""
    rows = db.execute(
        "select created_at, platform, conversation_id from messages "
        "where author_role = 'customer' and created_at >= ? and created_at < ?",
        _bounds(start, end)).fetchall()
    return [CustomerMessage(_at(at), platform, conversation) for at, platform, conversation
            in rows]


def suggestions_made(db: Database, start: datetime, end: datetime) -> list[SuggestionMade]:
    """One row per customer message given suggestions in [start, end): a message gets up to
    three, and counts once, with the intent and time of its first suggestion."""
    rows = db.execute(
        "select s.created_at, c.platform, s.intent from suggestions s "
        "join conversations c on c.id = s.conversation_id "
        "where s.id in (select min(id) from suggestions where created_at >= ? and "
        "created_at < ? group by message_id)", _bounds(start, end)).fetchall()
    return [SuggestionMade(_at(at), platform, intent) for at, platform, intent in rows]


def replies_sent(db: Database, start: datetime, end: datetime) -> list[ReplySent]:
    """Every Send or Edit-and-send pressed in [start, end), with what the suggestion was."""
    rows = db.execute(
        "select f.created_at, c.platform, s.intent, s.stage, s.cta_id "
        "from feedback f join suggestions s on s.id = f.suggestion_id "
        "join conversations c on c.id = s.conversation_id "
        "where f.action in ('send', 'edit') and f.created_at >= ? and f.created_at < ?",
        _bounds(start, end)).fetchall()
    return [ReplySent(_at(at), platform, intent, stage, cta) for at, platform, intent, stage, cta
            in rows]


def promotions_sent(db: Database, start: datetime, end: datetime) -> list[PromotionSent]:
    """Promotion posts that went out in [start, end); a test post to the team is not one."""
    rows = db.execute(
        "select finished_at, platform, ref_id from deliveries where kind = 'promotion' "
        "and status = 'sent' and coalesce(test, 0) = 0 "
        "and finished_at >= ? and finished_at < ?", _bounds(start, end)).fetchall()
    return [PromotionSent(_at(at), platform, str(ref)) for at, platform, ref in rows]


# --- what happened to each suggestion -------------------------------------------------------

class Suggestion(NamedTuple):
    id: int
    message_id: int
    rank: int  # 0 is the one shown first
    intent: str
    cta_id: str | None
    text: str
    status: str  # pending, sent, dismissed, ...
    facts: str | None  # JSON: the facts the reply stated ("Mill Road is at ...")


class Action(NamedTuple):
    """A button the team pressed on a suggestion: send, edit (with the text sent), dismiss..."""

    suggestion_id: int
    action: str
    text: str | None


def suggestions_between(db: Database, start: datetime, end: datetime) -> list[Suggestion]:
    """The suggestions made in [start, end), by customer message, then rank."""
    rows = db.execute(
        "select id, message_id, rank, intent, cta_id, text, status, facts from suggestions "
        "where created_at >= ? and created_at < ? order by message_id, rank",
        _bounds(start, end)).fetchall()
    return [Suggestion(*row) for row in rows]


def actions_on_suggestions_between(db: Database, start: datetime, end: datetime
                                   ) -> list[Action]:
    """What the team did with the suggestions made in [start, end), in the order done."""
    rows = db.execute(
        "select f.suggestion_id, f.action, f.text from feedback f "
        "join suggestions s on s.id = f.suggestion_id "
        "where s.created_at >= ? and s.created_at < ? order by f.id",
        _bounds(start, end)).fetchall()
    return [Action(*row) for row in rows]


def clicks_per_reply(db: Database) -> dict[int, int]:
    """suggestion id -> the clicks its tracked links earned (replies with no click left out)."""
    return {int(ref): count for ref, count in db.execute(
        "select l.ref_id, count(c.id) from links l join clicks c on c.token = l.token "
        "where l.kind = 'reply' group by l.ref_id").fetchall() if str(ref).isdigit()}


# --- the 14-day chart: counts per quarter hour -----------------------------------------------

# Events are counted per quarter hour (UTC) in SQL; the caller puts each quarter on its local
# day: every time zone's offset is a whole number of quarter hours, so this is exact, and a
# day is at most 96 rows however busy it was. Each backend has its own words for the bucket;
# both give the same text, "2026-11-23T10:15".
_QUARTER = {
    "sqlite": "substr({column}, 1, 14) || printf('%02d', cast(substr({column}, 15, 2) as "
              "integer) / 15 * 15)",
    "postgresql": "to_char(date_trunc('hour', {column}) + floor(extract(minute from {column})"
                  " / 15) * interval '15 minutes', 'YYYY-MM-DD\"T\"HH24:MI')",
}


def _per_quarter(db: Database, sql: str, column: str, start: datetime, end: datetime
                 ) -> list[tuple[datetime, int]]:
    bucket = _QUARTER[backend(db)].format(column=column)
    return [(datetime.fromisoformat(quarter).replace(tzinfo=UTC), count) for quarter, count
            in db.execute(sql.format(bucket=bucket), _bounds(start, end)).fetchall()]


def customer_messages_per_quarter(db: Database, start: datetime, end: datetime
                                  ) -> list[tuple[datetime, int]]:
    """(start of a UTC quarter hour, customer messages in it), for [start, end)."""
    return _per_quarter(db, "select {bucket}, count(*) from messages where author_role = "
                            "'customer' and created_at >= ? and created_at < ? group by 1",
                        "created_at", start, end)


def ctas_asked_per_quarter(db: Database, start: datetime, end: datetime
                           ) -> list[tuple[datetime, int]]:
    """(start of a UTC quarter hour, replies sent with a CTA in it), for [start, end)."""
    return _per_quarter(db, "select {bucket}, count(*) from feedback f join suggestions s on "
                            "s.id = f.suggestion_id where f.action in ('send', 'edit') and "
                            "s.cta_id is not null and s.cta_id != '' and f.created_at >= ? and "
                            "f.created_at < ? group by 1", "f.created_at", start, end)


def clicks_per_quarter(db: Database, start: datetime, end: datetime
                       ) -> list[tuple[datetime, int]]:
    """(start of a UTC quarter hour, counted clicks in it), for [start, end)."""
    return _per_quarter(db, "select {bucket}, count(*) from clicks where at >= ? and at < ? "
                            "group by 1", "at", start, end)


# --- the digest and the Home tab --------------------------------------------------------------

@dataclass(frozen=True)
class WaitingConversation:
    """A conversation whose customer spoke last and has had no reply from the team."""

    platform: str
    workspace: str
    channel: str
    thread: str
    customer: str  # the customer's name, or their user id
    since: datetime  # the customer's latest message
    last_text: str  # what it said
    urgent: bool


def waiting_conversations(db: Database, *, platform: str | None = None,
                          limit: int | None = None, urgent_first: bool = False
                          ) -> list[WaitingConversation]:
    """Conversations waiting for the team, longest wait first (urgent ones before the rest
    with `urgent_first`), on one platform or all."""
    where, params = "", []
    if platform is not None:
        where, params = "and c.platform = ? ", [platform]
    order = "c.urgent desc, c.last_customer_message_at" if urgent_first else (
        "c.last_customer_message_at")
    rows = db.execute(
        "select c.platform, c.workspace, c.channel, c.thread, "
        "coalesce(nullif(cu.name, ''), cu.user_id, ''), c.last_customer_message_at, c.urgent, "
        "(select text from messages m where m.conversation_id = c.id "
        " and m.author_role = 'customer' order by m.id desc limit 1) "
        "from conversations c left join customers cu on cu.id = c.customer_id "
        "where c.status = 'waiting' and c.customer_id is not null "
        f"and c.last_customer_message_at is not null {where}order by {order}"
        + (" limit ?" if limit is not None else ""),
        [*params, *([limit] if limit is not None else [])]).fetchall()
    return [WaitingConversation(plat, workspace or "", channel, thread, customer, _at(since),
                                last_text or "", bool(urgent))
            for plat, workspace, channel, thread, customer, since, urgent, last_text in rows]


@dataclass(frozen=True)
class ReadyThread:
    """A thread where asking for the sale fits: a buying signal, or many messages since the
    last call to action."""

    platform: str
    workspace: str
    channel: str
    thread: str
    last_intent: str | None  # of the customer's latest message
    messages_since_cta: int


def threads_ready_for_sale(db: Database, buying_intents: tuple[str, ...], cadence: int
                           ) -> list[ReadyThread]:
    """Threads whose customer's latest message has one of `buying_intents`, or that have had
    `cadence` customer messages without a CTA, never a customer who opted out; oldest first."""
    marks = ", ".join("?" for _ in buying_intents)
    rows = db.execute(
        "select c.platform, c.workspace, c.channel, c.thread, m.intent, "
        "c.customer_messages_since_cta from conversations c "
        "join messages m on m.id = (select id from messages where conversation_id = c.id "
        "and author_role = 'customer' order by id desc limit 1) "
        "where c.customer_messages_since_cta > 0 "
        "and c.customer_id not in (select customer_id from opt_outs) "
        f"and (m.intent in ({marks}) or c.customer_messages_since_cta >= ?) "
        "order by c.last_customer_message_at", [*buying_intents, cadence]).fetchall()
    return [ReadyThread(platform, workspace or "", channel, thread, intent, since_cta)
            for platform, workspace, channel, thread, intent, since_cta in rows]


@dataclass(frozen=True)
class ComingPromotion:
    id: int
    text: str
    next_run_at: datetime
    schedule: str  # as the person typed it
    targets: str  # JSON: [{"platform": ..., "channel": ...}]


def active_promotions_between(db: Database, start: datetime, end: datetime | None = None,
                              limit: int | None = None) -> list[ComingPromotion]:
    """Active promotions whose next run falls in [start, end) (no end: any time from start),
    soonest first."""
    where, params = "next_run_at >= ?", [iso(start)]
    if end is not None:
        where, params = where + " and next_run_at < ?", [*params, iso(end)]
    sql = ("select id, text, next_run_at, schedule, targets from promotions "
           f"where status = 'active' and next_run_at is not null and {where} "
           "order by next_run_at")
    if limit is not None:
        sql, params = sql + " limit ?", [*params, limit]
    found = []
    for pid, text, next_run_at, schedule, targets in db.execute(sql, params).fetchall():
        try:
            moment = _at(next_run_at)
        except (TypeError, ValueError):  # a row edited by hand: leave it out, show the rest
            continue
        found.append(ComingPromotion(pid, text or "", moment, schedule or "", targets or "[]"))
    return found


@dataclass(frozen=True)
class DeliveryProblem:
    kind: str
    ref_id: str
    platform: str
    target: str
    status: str  # failed, missed or unconfirmed
    scheduled_for: datetime
    error: str | None


def delivery_problems(db: Database, since: datetime) -> list[DeliveryProblem]:
    """Deliveries due since `since` that failed, were missed, or were never confirmed."""
    rows = db.execute(
        "select kind, ref_id, platform, target, status, scheduled_for, error from deliveries "
        "where status in ('failed', 'missed', 'unconfirmed') and scheduled_for >= ? "
        "order by scheduled_for", [iso(since)]).fetchall()
    return [DeliveryProblem(kind, str(ref), platform or "", target or "", status, _at(due), error)
            for kind, ref, platform, target, status, due, error in rows]


# --- `nudge export` ------------------------------------------------------------------------

EXPORTABLE = (
    "customers", "conversations", "messages", "suggestions", "feedback", "promotions",
    "deliveries", "reminders", "opt_outs", "audit_log", "links", "clicks", "redemptions",
)


def export_columns(db: Database, table: str) -> list[str]:
    """The columns of one of the EXPORTABLE tables, in their order."""
    if table not in EXPORTABLE:
        raise ValueError(f"{table} cannot be exported")
    return list(db[table].columns_dict)


# How each exported table's rows are ordered on PostgreSQL, which keeps no insertion order:
# its key, which grows as rows are added (SQLite gives them in rowid order, the same thing).
_EXPORT_ORDER = {"customers": "first_seen, id", "opt_outs": "created_at, customer_id",
                 "links": "created_at, token"}


def export_rows(db: Database, table: str):
    """Every row of one of the EXPORTABLE tables, as dicts, in the order they were added."""
    if table not in EXPORTABLE:
        raise ValueError(f"{table} cannot be exported")
    if backend(db) == "sqlite":
        return db[table].rows
    return db[table].rows_where(order_by=_EXPORT_ORDER.get(table, "id"))
