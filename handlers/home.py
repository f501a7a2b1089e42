"""What the team wants at a glance: upcoming promotions, who is waiting, the last days' figures.

Plain data read from the database, so Slack's App Home, a Discord command or the morning digest
can each show it in their own way; `summary_reply` is the neutral text version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.context import Context
from bot.core.types import Field, Reply
from bot.promotions.agenda import ComingPost
from bot.results.report import Figures, report, span_ending
from bot.store import reports
from handlers import promo_calendar
from handlers.stats import figures_line

UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class UpcomingPromotion:
    id: int
    text: str
    next_run_at: datetime
    schedule: str  # as the person typed it
    targets: tuple[tuple[str, str], ...]  # (platform, channel)


# A thread whose customer spoke last: where, who, since when, what they said, how urgent.
WaitingThread = reports.WaitingConversation


@dataclass(frozen=True)
class HomeSummary:
    now: datetime
    promotions: list[UpcomingPromotion]
    waiting: list[WaitingThread]
    figures: Figures
    days: int
    # The coming posts of the next 14 days, by local day: [(day title, ["09:00 #3 ..."])],
    # and the same posts as data, for platforms that link channels (Slack's App Home).
    calendar: list[tuple[str, list[str]]] = field(default_factory=list)
    calendar_posts: list[tuple[str, list[ComingPost]]] = field(default_factory=list)
    zone: ZoneInfo = UTC_ZONE  # the team's, for the times of the posts


def _targets(raw: str | None) -> tuple[tuple[str, str], ...]:
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return ()
    if not isinstance(items, list):
        return ()
    return tuple(
        (str(item.get("platform", "")), str(item.get("channel", "")))
        for item in items
        if isinstance(item, dict)
    )


def upcoming_promotions(ctx: Context, limit: int = 10) -> list[UpcomingPromotion]:
    """Active promotions by their next run, soonest first."""
    return [UpcomingPromotion(row.id, row.text, row.next_run_at, row.schedule,
                              _targets(row.targets))
            for row in reports.active_promotions_between(ctx.db, ctx.now(), limit=limit)]


def waiting_threads(ctx: Context, limit: int = 10, platform: str | None = None
                    ) -> list[WaitingThread]:
    """Threads whose customer spoke last, longest wait first (urgent ones before the rest)."""
    return reports.waiting_conversations(ctx.db, platform=platform, limit=limit,
                                         urgent_first=True)


def figures(ctx: Context, days: int = 7) -> Figures:
    """The results of the last `days` local days, today included (the same numbers as
    `/nudge stats` and the digest)."""
    return report(ctx.db, span_ending(ctx.local_now().date(), days, ctx.config.zone)).total


def summary(ctx: Context, days: int = 7, limit: int = 10, platform: str | None = None
            ) -> HomeSummary:
    return HomeSummary(
        now=ctx.now(),
        promotions=upcoming_promotions(ctx, limit),
        waiting=waiting_threads(ctx, limit, platform),
        figures=figures(ctx, days),
        days=days,
        **coming_days(ctx),
        zone=ctx.config.zone,
    )


def coming_days(ctx: Context, days: int = promo_calendar.HOME_DAYS) -> dict[str, list]:
    """The next `days` days that have posts: as text lines ("calendar") and as data
    ("calendar_posts"), each day with its title."""
    by_day = [(promo_calendar.day_title(ctx, day), posts)
              for day, posts in promo_calendar.calendar_days(ctx, days).items()]
    return {
        "calendar": [(title, [promo_calendar.post_line(ctx, post) for post in posts])
                     for title, posts in by_day],
        "calendar_posts": by_day,
    }


def summary_reply(home: HomeSummary, zone) -> Reply:
    """The same summary as neutral text, for platforms without a home screen."""
    def local(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%a %d %b %H:%M")

    promos = "\n".join(
        f"{title}\n" + "\n".join(f"• {line}" for line in lines)
        for title, lines in home.calendar
    ) or "None scheduled."
    waiting = "\n".join(
        f"• {w.customer} in {w.channel} since {local(w.since)}: {w.last_text[:80]}"
        for w in home.waiting
    ) or "Nobody is waiting."
    return Reply(
        text="Nudge at a glance",
        fields=(
            Field(f"Next {promo_calendar.HOME_DAYS} days", promos),
            Field("Waiting for a reply", waiting),
            Field(f"Last {home.days} days", figures_line(home.figures)),
        ),
    )
