"""`/nudge stats [today|7d|30d]`: what came in, what the team sent, and what it asked for."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.types import Reply, Request
from bot.results.outcomes import tally_line
from bot.results.redemptions import redemption_line
from bot.results.report import Figures, Report, report, span_ending
from handlers.router import Command, UsageError

PERIODS = {"today": 1, "7d": 7, "30d": 30}


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """"1 customer message", "3 customer messages": figures read as people write them."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def figures_line(figures: Figures) -> str:
    return (
        f"{counted(figures.customer_messages, 'customer message')}, "
        f"{counted(figures.suggestions_made, 'suggestion')}, "
        f"{figures.suggestions_sent} sent, {counted(figures.ctas_asked, 'CTA')} asked, "
        f"{counted(figures.promotions_sent, 'promotion')} sent"
    )


def render_report(result: Report) -> str:
    total = result.total
    lines = [f"*Results for {result.span.label()}*", figures_line(total)]
    lines.append(f"Mix of replies sent: {total.mix_text()}")
    lines.append(
        f"CTAs per conversation: {total.ctas_per_conversation:.2f} "
        f"({counted(total.conversations, 'conversation')})"
    )
    outcomes = result.outcomes
    if outcomes and outcomes.total.suggested:
        lines.append("*What happened to the suggestions, by intent*")
        lines += [f"• {intent}: {tally_line(t)}" for intent, t in outcomes.by_intent.items()]
        lines.append("*By CTA*")
        lines += [f"• {cta}: {tally_line(t)}" for cta, t in outcomes.by_cta.items()]
    if result.redemptions:
        lines.append("*Offer codes redeemed*")
        lines += [f"• {redemption_line(item)}" for item in result.redemptions]
    if result.by_platform:
        lines.append("*By platform*")
        lines += [f"• {name}: {figures_line(f)}" for name, f in result.by_platform.items()]
    if len(result.by_day) > 1:
        lines.append("*By day*")
        lines += [
            f"• {day.isoformat()}: {figures_line(f)}"
            for day, f in result.by_day.items()
            if not f.is_empty
        ] or ["• nothing yet"]
    return "\n".join(lines)


def parse_period(word: str) -> int:
    period = (word or "7d").strip().lower()
    if period not in PERIODS:
        raise UsageError(f'"{period[:20]}" is not a period: use today, 7d or 30d.')
    return PERIODS[period]


def run(request: Request, args: str, ctx: Context) -> Reply:
    days = parse_period(args)
    span = span_ending(ctx.local_now().date(), days, ctx.config.zone)
    return Reply(render_report(report(ctx.db, span)))


COMMAND = Command(
    name="stats",
    summary="Results for today, the last 7 or 30 days: messages, replies sent, CTAs, promotions.",
    usage="/nudge stats [today|7d|30d]",
    run=run,
)
