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
from bot.results import Figures, report, span_ending
from bot.store import iso
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


@dataclass(frozen=True)
class WaitingThread:
    platform: str
    workspace: str
    channel: str
    thread: str
    customer: str  # the customer's name, or their id
    since: datetime  # the customer's latest message
    last_text: str
    urgent: bool


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


def _parse(moment: str | None) -> datetime | None:
    if not moment:
        return None
    try:
        return datetime.fromisoformat(moment)
    except ValueError:
        return None


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
    rows = ctx.db.execute(
        "select id, text, next_run_at, schedule, targets from promotions "
        "where status = 'active' and next_run_at is not null and next_run_at >= ? "
        "order by next_run_at limit ?",
        [iso(ctx.now()), limit],
    ).fetchall()
    promotions = []
    for promo_id, text, next_run_at, schedule, targets in rows:
        moment = _parse(next_run_at)
        if moment is not None:
            promotions.append(
                UpcomingPromotion(promo_id, text or "", moment, schedule or "", _targets(targets))
            )
    return promotions


def waiting_threads(ctx: Context, limit: int = 10, platform: str | None = None
                    ) -> list[WaitingThread]:
    """Threads whose customer spoke last, longest wait first (urgent ones before the rest)."""
    rows = ctx.db.execute(
        "select c.platform, c.workspace, c.channel, c.thread, "
        "coalesce(nullif(cu.name, ''), cu.user_id, ''), c.last_customer_message_at, c.urgent, "
        "(select text from messages m where m.conversation_id = c.id "
        " and m.author_role = 'customer' order by m.id desc limit 1) "
        "from conversations c left join customers cu on cu.id = c.customer_id "
        "where c.status = 'waiting' and c.customer_id is not null "
        "and c.last_customer_message_at is not null "
        "and (? is null or c.platform = ?) "
        "order by c.urgent desc, c.last_customer_message_at limit ?",
        [platform, platform, limit],
    ).fetchall()
    threads = []
    for plat, workspace, channel, thread, customer, since, urgent, last_text in rows:
        moment = _parse(since)
        if moment is not None:
            threads.append(WaitingThread(plat, workspace or "", channel, thread, customer, moment,
                                         last_text or "", bool(urgent)))
    return threads


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
