"""The daily digest: what needs the team this morning, and how yesterday went.

Sections: customers waiting (oldest first), threads ready for the sale, today's promotions,
deliveries that failed or were missed, yesterday's results; it ends with one question that
invites a test. A day with nothing to say says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.core.context import Context
from bot.core.types import Reply, Request
from bot.experiments import all_tests
from bot.redemptions import redemption_line
from bot.results import Span, report
from bot.store import iso
from bot.store.problems import platform_errors_since
from handlers.formatting import short
from handlers.links import describe_wait, message_link
from handlers.router import Command
from handlers.stats import figures_line

BUYING_INTENTS = ("purchase_intent", "pricing")
CLOSING_QUESTION = "What are you testing today?"
MAX_LISTED = 10


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


def _rows(ctx: Context, sql: str, params: list) -> list[dict]:
    cursor = ctx.db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _where(row: dict) -> str:
    link = message_link(row["platform"], row["workspace"], row["channel"], row["thread"])
    place = f"{row['platform']} #{row['channel']}"
    return f"{place} <{link}>" if link else place


def waiting_customers(ctx: Context, now: datetime) -> list[str]:
    rows = _rows(
        ctx,
        "select c.*, (select text from messages m where m.conversation_id = c.id and "
        "m.author_role = 'customer' order by m.id desc limit 1) as last_text "
        "from conversations c where c.status = 'waiting' and c.customer_id is not null "
        "and c.last_customer_message_at is not null order by c.last_customer_message_at",
        [],
    )
    lines = []
    for row in rows:
        waited = (now - datetime.fromisoformat(row["last_customer_message_at"])).total_seconds()
        text = short(row["last_text"] or "", 80)
        urgent = "urgent: " if row["urgent"] else ""
        lines.append(
            f"{urgent}{describe_wait(waited / 60)} waiting, {_where(row)}: \"{text}\""
        )
    return lines


def ready_for_sale(ctx: Context) -> list[str]:
    """Threads with a buying signal, or the CTA cadence reached, and no CTA asked since."""
    cadence = ctx.config.engine.cta_cadence
    rows = _rows(
        ctx,
        "select c.*, m.intent as last_intent from conversations c "
        "join messages m on m.id = (select id from messages where conversation_id = c.id "
        "and author_role = 'customer' order by id desc limit 1) "
        "where c.customer_messages_since_cta > 0 "
        "and c.customer_id not in (select customer_id from opt_outs) "
        "and (m.intent in (?, ?) or c.customer_messages_since_cta >= ?) "
        "order by c.last_customer_message_at",
        [*BUYING_INTENTS, cadence],
    )
    lines = []
    for row in rows:
        if row["last_intent"] in BUYING_INTENTS:
            why = f"asked about {'buying' if row['last_intent'] == 'purchase_intent' else 'price'}"
        else:
            why = f"{row['customer_messages_since_cta']} messages without a CTA"
        lines.append(f"{_where(row)}: {why}")
    return lines


def promotions_today(ctx: Context, day_start: datetime, day_end: datetime) -> list[str]:
    rows = _rows(
        ctx,
        "select id, text, next_run_at from promotions where status = 'active' "
        "and next_run_at >= ? and next_run_at < ? order by next_run_at",
        [iso(day_start), iso(day_end)],
    )
    zone = ctx.config.zone
    lines = []
    for row in rows:
        at = datetime.fromisoformat(row["next_run_at"]).astimezone(zone).strftime("%H:%M")
        lines.append(f"{at} #{row['id']}: {short(row['text'], 80)}")
    return lines


def delivery_problems(ctx: Context, since: datetime) -> list[str]:
    rows = _rows(
        ctx,
        "select kind, ref_id, platform, target, status, scheduled_for, error from deliveries "
        "where status in ('failed', 'missed', 'unconfirmed') and scheduled_for >= ? "
        "order by scheduled_for",
        [iso(since)],
    )
    zone = ctx.config.zone
    lines = []
    for row in rows:
        at = datetime.fromisoformat(row["scheduled_for"]).astimezone(zone)
        reason = f" ({row['error']})" if row["error"] else ""
        place = " ".join(part for part in (row["platform"], row["target"]) if part)
        lines.append(
            f"{row['status']}: {row['kind']} #{row['ref_id']} to {place} due {at:%a %H:%M}"
            f"{reason}"
        )
    return lines


def platform_problems(ctx: Context, since: datetime) -> list[str]:
    """What a chat platform refused lately that a person must fix (permissions, channels)."""
    lines = []
    for problem in platform_errors_since(ctx.db, since):
        times = f" ({problem.count} times)" if problem.count > 1 else ""
        lines.append(f"{problem.platform}: {problem.detail}{times}")
    return lines


def test_winners(ctx: Context, now: datetime) -> list[str]:
    """Running A/B tests that have a winner: the team can stop the losing wording."""
    lines = []
    for test in all_tests(ctx.db, now):
        winner = test.winner
        if test.running and winner is not None:
            others = ", ".join(f"{arm.variant.upper()} {arm.rate:.0%}" for arm in test.arms
                               if arm is not winner)
            lines.append(f"{test.title}: wording {winner.variant.upper()} wins (CTR "
                         f"{winner.rate:.0%} against {others}); `/nudge tests` has the details")
    return lines


def build_digest(ctx: Context, now: datetime | None = None) -> Reply:
    """The digest for the local day of `now` (default: the context's clock)."""
    zone = ctx.config.zone
    now = now or ctx.now()
    today = now.astimezone(zone).date()
    day_start = datetime.combine(today, time(0), zone)
    yesterday = today - timedelta(days=1)
    yesterdays = report(ctx.db, Span(yesterday, yesterday, zone))
    results = yesterdays.total
    sections = [
        Section("Customers waiting for a reply", waiting_customers(ctx, now)),
        Section("Ready for the sale", ready_for_sale(ctx)),
        Section("Promotions going out today",
                promotions_today(ctx, day_start, day_start + timedelta(days=1))),
        Section("Deliveries that need a look",
                delivery_problems(ctx, day_start - timedelta(days=1))),
        Section("Chat platform problems to fix",
                platform_problems(ctx, day_start - timedelta(days=1))),
        Section("A/B tests with a winner", test_winners(ctx, now)),
    ]
    title = f"Good morning! Nudge digest for {today:%A %d %B}"
    if all(not section.lines for section in sections) and results.is_empty:
        return Reply(f"{title}: a quiet day, nobody waiting and nothing scheduled.",
                     private=False, meta={"empty": True})
    parts = [f"*{title}*"]
    for section in sections:
        if section.lines:
            shown = section.lines[:MAX_LISTED]
            more = len(section.lines) - len(shown)
            parts.append(f"*{section.title} ({len(section.lines)})*")
            parts += [f"• {line}" for line in shown]
            if more:
                parts.append(f"• …and {more} more")
    parts.append(f"*Yesterday*: {figures_line(results)}; mix {results.mix_text()}.")
    if yesterdays.redemptions:
        parts.append("*Redeemed yesterday*: "
                     + "; ".join(redemption_line(item) for item in yesterdays.redemptions))
    parts.append(CLOSING_QUESTION)
    return Reply("\n".join(parts), private=False, meta={"empty": False})


def run(request: Request, args: str, ctx: Context) -> Reply:
    digest = build_digest(ctx)
    return Reply(digest.text, private=True)


COMMAND = Command(
    name="digest",
    summary="Show today's digest now: who is waiting, what is scheduled, yesterday's results.",
    usage="/nudge digest",
    run=run,
)
