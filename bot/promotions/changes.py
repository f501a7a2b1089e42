"""Changing when a promotion runs (`promo edit N at|every|until|times ...`), audited.

A new schedule replaces the old one whole; `until` or `times` alone only change when the
current one stops. `times N` counts from now: N more posts, whatever ran before.
"""

from __future__ import annotations

import json
from datetime import datetime

from bot.promotions.store import Actor, Promotion, PromotionError, _change, get
from bot.scheduling.timeparse import Schedule
from bot.scheduling.triggers import next_after
from bot.store import Database, iso

LIMIT_WORDS = frozenset({"until", "times"})


def _changeable(promotion: Promotion) -> None:
    if promotion.status in ("cancelled", "finished", "rejected"):
        raise PromotionError(f"Promotion #{promotion.id} is {promotion.status}; add a new one "
                             "instead.")


def reschedule(db: Database, promotion_id: int | str, schedule: Schedule,
               schedule_text: str, actor: Actor, now: datetime) -> Promotion:
    """Replace the schedule: a new trigger, zone, first run, end and count."""
    promotion = get(db, promotion_id)
    _changeable(promotion)
    changes = {
        "schedule": schedule_text,
        "trigger": json.dumps(schedule.spec, sort_keys=True),
        "timezone": schedule.timezone,
        "next_run_at": iso(schedule.first_run),
        "ends_at": iso(schedule.ends_at) if schedule.ends_at else None,
        "max_runs": promotion.runs + schedule.max_runs if schedule.max_runs else None,
    }
    return _change(db, promotion, actor, "promotion.reschedule", now, changes,
                   before=promotion.schedule, after=schedule_text,
                   next_run=changes["next_run_at"])


def change_limits(db: Database, promotion_id: int | str,
                  ends_at: datetime | None, times: int | None, words: str, actor: Actor,
                  now: datetime) -> Promotion:
    """Change only when the current schedule stops: its `until`, its number of runs."""
    promotion = get(db, promotion_id)
    _changeable(promotion)
    if not promotion.recurring:
        raise PromotionError(f"Promotion #{promotion.id} runs once; `until` and `times` go "
                             "with a repeating schedule. Give it one: `promo edit "
                             f"{promotion.id} every day at 9:00 until ...`.")
    changes: dict = {"schedule": f"{promotion.schedule} {words}".strip()}
    spec = dict(promotion.spec)
    if ends_at is not None:
        spec["end"] = iso(ends_at)
        changes["ends_at"] = iso(ends_at)
        changes["trigger"] = json.dumps(spec, sort_keys=True)
        following = promotion.next_run_at
        if following is not None and following <= now:
            following = next_after(promotion.trigger(), following, now)
        if following is None or following > ends_at:
            raise PromotionError(f"Promotion #{promotion.id}'s next post is after that end: "
                                 "give a later `until`, or `promo cancel "
                                 f"{promotion.id}` to stop it now.")
    if times is not None:
        changes["max_runs"] = promotion.runs + times
    return _change(db, promotion, actor, "promotion.reschedule", now, changes,
                   before=promotion.schedule, after=changes["schedule"])


def approve(db: Database, promotion_id: int | str, actor: Actor,
            now: datetime) -> Promotion:
    """A manager approves a draft: it is scheduled from its first run still ahead."""
    promotion = _draft(db, promotion_id)
    following = promotion.next_run_at
    if following is not None and following <= now:
        following = next_after(promotion.trigger(), following, now) if promotion.recurring \
            else None
    if following is not None and promotion.ends_at and following > promotion.ends_at:
        following = None
    if following is None:
        raise PromotionError(f"Promotion #{promotion.id}'s time passed while it waited for "
                             f"approval: give it a new one first, `/nudge promo edit "
                             f"{promotion.id} at tomorrow 9am`, then approve it.")
    who = f"{actor.platform}:{actor.user}"
    return _change(db, promotion, actor, "promotion.approve", now,
                   {"status": "active", "next_run_at": iso(following), "approved_by": who},
                   next_run=iso(following))


def reject(db: Database, promotion_id: int | str, actor: Actor, now: datetime,
           reason: str = "") -> Promotion:
    """A manager rejects a draft: it is never scheduled."""
    promotion = _draft(db, promotion_id)
    return _change(db, promotion, actor, "promotion.reject", now,
                   {"status": "rejected", "next_run_at": None}, reason=reason[:300])


def _draft(db: Database, promotion_id: int | str) -> Promotion:
    promotion = get(db, promotion_id)
    if promotion.status != "draft":
        raise PromotionError(f"Promotion #{promotion.id} is {promotion.status}, not a draft "
                             "waiting for approval.")
    return promotion
