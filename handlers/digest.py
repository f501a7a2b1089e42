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
from bot.daily.wording import describe_wait, message_link
from bot.results.experiments import all_tests
from bot.results.redemptions import redemption_line
from bot.results.report import Span, report
from bot.store import reports
from bot.store.problems import platform_errors_since
from handlers.formatting import short
from handlers.router import Command
from handlers.stats import figures_line

BUYING_INTENTS = ("purchase_intent", "pricing")
CLOSING_QUESTION = "What are you testing today?"
MAX_LISTED = 10


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


def _where(place: reports.WaitingConversation | reports.ReadyThread) -> str:
    link = message_link(place.platform, place.workspace, place.channel, place.thread)
    where = f"{place.platform} #{place.channel}"
    return f"{where} <{link}>" if link else where


def waiting_customers(ctx: Context, now: datetime) -> list[str]:
    lines = []
    for waiting in reports.waiting_conversations(ctx.db):
        waited = (now - waiting.since).total_seconds()
        text = short(waiting.last_text, 80)
        urgent = "urgent: " if waiting.urgent else ""
        lines.append(
            f"{urgent}{describe_wait(waited / 60)} waiting, {_where(waiting)}: \"{text}\""
        )
    return lines


def ready_for_sale(ctx: Context) -> list[str]:
    """Threads with a buying signal, or the CTA cadence reached, and no CTA asked since."""
    lines = []
    for thread in reports.threads_ready_for_sale(ctx.db, BUYING_INTENTS,
                                                 ctx.config.engine.cta_cadence):
        if thread.last_intent in BUYING_INTENTS:
            why = ("asked about "
                   f"{'buying' if thread.last_intent == 'purchase_intent' else 'price'}")
        else:
            why = f"{thread.messages_since_cta} messages without a CTA"
        lines.append(f"{_where(thread)}: {why}")
    return lines


def promotions_today(ctx: Context, day_start: datetime, day_end: datetime) -> list[str]:
    zone = ctx.config.zone
    return [f"{promotion.next_run_at.astimezone(zone):%H:%M} #{promotion.id}: "
            f"{short(promotion.text, 80)}"
            for promotion in reports.active_promotions_between(ctx.db, day_start, day_end)]


def delivery_problems(ctx: Context, since: datetime) -> list[str]:
    zone = ctx.config.zone
    lines = []
    for problem in reports.delivery_problems(ctx.db, since):
        at = problem.scheduled_for.astimezone(zone)
        reason = f" ({problem.error})" if problem.error else ""
        place = " ".join(part for part in (problem.platform, problem.target) if part)
        lines.append(
            f"{problem.status}: {problem.kind} #{problem.ref_id} to {place} due {at:%a %H:%M}"
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


def knowledge_gaps(ctx: Context, now: datetime) -> str:
    """"3 questions you could not answer this week, asked 11 times; ..." ("" when none)."""
    from handlers.gaps import report_for, summary_line

    line = summary_line(report_for(ctx, 7, now=now))
    return f"{line}. `/nudge gaps` lists them, each with an FAQ entry to add." if line else ""


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
    gaps = knowledge_gaps(ctx, now)
    if all(not section.lines for section in sections) and results.is_empty and not gaps:
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
    if gaps:
        parts.append(f"*Could not answer*: {gaps}")
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
