"""The coming posts of every active promotion, day by day, and as an iCalendar file.

One entry per scheduled post (a daily promotion is thirty entries in a month), computed from
the same triggers the scheduler fires, so the calendar shows exactly what will go out. The
iCalendar file (RFC 5545, written by the `icalendar` library) has one event per post, in UTC,
with a stable UID, so Google Calendar or Outlook can import it or subscribe to it and update
the same events when it changes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.promotions.store import Promotion
from bot.scheduling.triggers import next_fire
from bot.store import Database
from bot.store import promotions as rows

log = logging.getLogger(__name__)

# A calendar of a year of every-hour promotions would be unreadable and slow: cap each one.
MAX_POSTS_PER_PROMOTION = 500
POST_MINUTES = 15  # how long a post's event lasts in a calendar app


@dataclass(frozen=True)
class ComingPost:
    at: datetime
    promotion: Promotion
    run: int  # 1 for its next post, 2 for the one after...


def coming_posts(db: Database, start: datetime, end: datetime
                 ) -> list[ComingPost]:
    """Every post of an active promotion in [start, end), soonest first."""
    posts = []
    for row in rows.active_before(db, end):
        try:
            promotion = Promotion.from_row(row)
        except (TypeError, ValueError, KeyError):
            log.warning("promotion #%s cannot be read; left out of the calendar", row.get("id"))
            continue
        posts.extend(_posts_of(promotion, start, end))
    return sorted(posts, key=lambda post: (post.at, post.promotion.id))


def _posts_of(promotion: Promotion, start: datetime, end: datetime) -> list[ComingPost]:
    left = MAX_POSTS_PER_PROMOTION
    if promotion.max_runs:
        left = min(left, promotion.max_runs - promotion.runs)
    trigger = promotion.trigger() if promotion.recurring else None
    fire, run, posts = promotion.next_run_at, 0, []
    while fire is not None and fire < end and run < left:
        if promotion.ends_at and fire > promotion.ends_at:
            break
        run += 1
        if fire >= start:
            posts.append(ComingPost(fire, promotion, run))
        fire = next_fire(trigger, fire) if trigger is not None else None
    return posts


def by_day(posts: list[ComingPost], zone: ZoneInfo) -> dict[date, list[ComingPost]]:
    """The posts grouped by local day, days in order."""
    days: dict[date, list[ComingPost]] = defaultdict(list)
    for post in posts:
        days[post.at.astimezone(zone).date()].append(post)
    return dict(sorted(days.items()))


def to_ics(posts: list[ComingPost], *, name: str, now: datetime) -> bytes:
    """An iCalendar file with one event per post."""
    from icalendar import Calendar, Event  # imported on use: only the export needs it

    calendar = Calendar()
    calendar.add("prodid", "-//Nudge//Promotions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for post in posts:
        promotion = post.promotion
        event = Event()
        event.add("uid", f"promotion-{promotion.id}-{post.at.astimezone(UTC):%Y%m%dT%H%M%SZ}@nudge")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", post.at.astimezone(UTC))
        event.add("dtend", post.at.astimezone(UTC) + timedelta(minutes=POST_MINUTES))
        event.add("summary", f"Promotion #{promotion.id}: {_one_line(promotion.text, 60)}")
        where = ", ".join(str(target) for target in promotion.targets)
        event.add("description", f"{promotion.text}\n\nPosted in: {where}\n"
                                 f"Schedule: {promotion.summary} ({promotion.timezone})")
        event.add("location", where)
        event.add("categories", ["Nudge promotion"])
        calendar.add_component(event)
    return calendar.to_ical()


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
