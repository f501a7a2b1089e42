"""`/nudge promo calendar [week|month]`: the coming posts day by day, in the team's time zone.

The same days feed the Slack App Home (the next 14 days) and `nudge promo calendar --ics`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.core.context import Context
from bot.core.types import Reply
from bot.promotions.agenda import ComingPost, by_day, coming_posts
from bot.promotions.store import Actor
from handlers.formatting import short
from handlers.router import UsageError

SPANS = {"week": 7, "fortnight": 14, "month": 31}
HOME_DAYS = 14


def window(ctx: Context, days: int) -> tuple[datetime, datetime]:
    """From now to the end of the local day `days - 1` days from today."""
    today = ctx.local_now().date()
    end = datetime.combine(today + timedelta(days=days), time(0), ctx.config.zone)
    return ctx.now(), end


def calendar_days(ctx: Context, days: int) -> dict[date, list[ComingPost]]:
    start, end = window(ctx, days)
    return by_day(coming_posts(ctx.db, start, end), ctx.config.zone)


def day_title(ctx: Context, day: date) -> str:
    """"Mon 30 Nov" ("Today", "Tomorrow" for the first two), with the year when not this one."""
    today = ctx.local_now().date()
    label = f"{day:%a %d %b}" + (f" {day.year}" if day.year != today.year else "")
    if day == today:
        return f"Today, {label}"
    if day == today + timedelta(days=1):
        return f"Tomorrow, {label}"
    return label


def post_line(ctx: Context, post: ComingPost) -> str:
    promotion = post.promotion
    where = ", ".join(str(target) for target in promotion.targets)
    return (f"{post.at.astimezone(ctx.config.zone):%H:%M} #{promotion.id} "
            f"\"{short(promotion.text, 70)}\" → {where}")


def calendar(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    span = words[0].lower() if words else "week"
    if span not in SPANS or len(words) > 1:
        raise UsageError("Say how far ahead: `/nudge promo calendar week` (the default) or "
                         "`/nudge promo calendar month`.")
    days = calendar_days(ctx, SPANS[span])
    heading = f"*Coming posts, next {SPANS[span]} days* (times in {ctx.config.timezone})"
    if not days:
        return Reply(f"{heading}\nNothing is scheduled. Add a promotion: "
                     '`/nudge promo add "10% off today" in #customers at tomorrow 9am`.',
                     meta={"days": {}})
    lines = [heading]
    for day, posts in days.items():
        lines.append(f"\n*{day_title(ctx, day)}*")
        lines += [f"• {post_line(ctx, post)}" for post in posts]
    total = sum(len(posts) for posts in days.values())
    lines.append(f"\n{total} post(s). `nudge promo calendar --ics > promotions.ics` exports "
                 "them for Google Calendar or Outlook.")
    return Reply("\n".join(lines), meta={"days": {day.isoformat(): [p.promotion.id for p in
                                                                      posts]
                                                  for day, posts in days.items()}})
