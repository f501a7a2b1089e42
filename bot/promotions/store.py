"""Promotions in the database: the one source of truth for what is scheduled.

Every change goes through here, records who made it in the audit log, and leaves the row
consistent (status, next run, runs); the scheduler only ever reads these rows. The rows
themselves are read and written by bot/store/promotions.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from bot.config import Config
from bot.scheduling.table_jobs import ScheduledRow, numbered_row
from bot.scheduling.timeparse import Schedule
from bot.scheduling.triggers import next_after
from bot.store import Database, audit, iso
from bot.store import promotions as rows

MAX_TEXT = 1500  # leaves room for the offer, link and sign-off within Discord's 2,000
MAX_TARGETS = 20  # more than this is a broadcast to the whole workspace, not a promotion
PLATFORMS = ("console", "slack", "discord")
STATUSES = ("active", "paused", "cancelled", "finished", "draft", "rejected")
_CHANNEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
_MENTION = re.compile(r"^<#([A-Za-z0-9]+)(?:\|[^>]*)?>$")  # Slack and Discord channel mentions
# Slack ids of people (U…, W…) and of direct-message conversations (D…): posting there writes
# to one person. Channel names are lower case on Slack, so an upper-case id is never a name.
_SLACK_PERSON = re.compile(r"[UWD][A-Z0-9]{6,}")
CHANNELS_ONLY = ("promotions and reminders go to channels only (a reminder to yourself is "
                 "`remind me`)")


class PromotionError(Exception):
    """A request about promotions that cannot be done; the message is shown as is."""


@dataclass(frozen=True)
class Actor:
    """Who made a change, for the audit log: ("slack", "U123"), ("cli", "alice")."""

    platform: str
    user: str
    manager: bool = True  # in `team.managers` (the command line acts as one)


@dataclass(frozen=True)
class Target:
    platform: str
    channel: str

    def __str__(self) -> str:
        return f"{self.platform} #{self.channel}"


def parse_target(text: str, default_platform: str) -> Target:
    """"#name", "C123", "<#C123|name>", "slack:#C123" or "discord:123" as a Target."""
    value = text.strip()
    platform = default_platform
    prefix, colon, rest = value.partition(":")
    if colon and prefix.lower() in PLATFORMS:
        platform, value = prefix.lower(), rest.strip()
    elif colon:
        raise PromotionError(f'"{prefix}" is not a platform: write `slack:#C123`, '
                             "`discord:#123456789` or just `#channel`.")
    mention = _MENTION.match(value)
    channel = mention.group(1) if mention else value.removeprefix("#")
    if not _CHANNEL.fullmatch(channel):
        raise PromotionError(f'"{text}" is not a channel: write `#name` or the channel id, '
                             "such as `#C0123ABCD` on Slack or `#123456789012345678` on Discord.")
    if _SLACK_PERSON.fullmatch(channel):  # on the console too: it stands in for Slack
        raise PromotionError(f'"{text}" is a person or a direct message, not a channel: '
                             f"{CHANNELS_ONLY}. Write a channel such as `#C0123ABCD`.")
    if platform == "discord" and not channel.isdigit():
        raise PromotionError(f'Discord channels are given by id, not name ("{channel}"): turn on '
                             "Developer Mode, right-click the channel, Copy Channel ID.")
    return Target(platform, channel)


@dataclass(frozen=True)
class Promotion(ScheduledRow):
    id: int
    text: str
    targets: tuple[Target, ...]
    schedule: str  # what the person typed
    spec: dict[str, Any]
    timezone: str
    cta_id: str | None
    offer_id: str | None
    status: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    next_run_at: datetime | None
    last_run_at: datetime | None
    runs: int
    max_runs: int | None
    ends_at: datetime | None
    variants: tuple[str, ...] = ()  # two or more wordings under test; () for one text
    # An image posted with it: an http(s) URL, or "slack-file:F0123" (uploaded in the Slack
    # modal); see bot/promotions/images.py. image_name is its file name or description.
    image_url: str | None = None
    image_name: str | None = None
    approved_by: str | None = None  # who approved a draft (`promotions.require_approval`)

    @property
    def wordings(self) -> tuple[str, ...]:
        """The wordings runs alternate between: the variants, or just the text."""
        return self.variants or (self.text,)

    @classmethod
    def from_row(cls, row: dict) -> Promotion:
        def when(name: str) -> datetime | None:
            return datetime.fromisoformat(row[name]) if row[name] else None

        return cls(
            id=row["id"], text=row["text"],
            targets=tuple(Target(t["platform"], t["channel"]) for t in json.loads(row["targets"])),
            schedule=row["schedule"] or "", spec=json.loads(row["trigger"]),
            timezone=row["timezone"], cta_id=row["cta_id"] or None,
            offer_id=row["offer_id"] or None, status=row["status"],
            created_by=row["created_by"] or "", created_at=when("created_at"),
            updated_at=when("updated_at"), next_run_at=when("next_run_at"),
            last_run_at=when("last_run_at"), runs=row["runs"] or 0,
            max_runs=row["max_runs"] or None, ends_at=when("ends_at"),
            variants=tuple(json.loads(row.get("variants") or "[]")),
            image_url=row.get("image_url") or None, image_name=row.get("image_name") or None,
            approved_by=row.get("approved_by") or None,
        )



def refuse_people(db: Database, targets: list[Target]) -> None:
    """Refuse a target that is a customer's own id: a post there is a direct message to them."""
    for target in targets:
        if rows.is_customer(db, target.platform, target.channel):
            raise PromotionError(f"{target} is a customer, not a channel: {CHANNELS_ONLY}.")


def get(db: Database, promotion_id: int | str) -> Promotion:
    return Promotion.from_row(
        numbered_row(lambda number: rows.row(db, number), promotion_id, "promotion",
                     "`/nudge promo list` shows them.", PromotionError)
    )


def listed(db: Database, statuses: tuple[str, ...] = ("active", "paused")) -> list[Promotion]:
    """Promotions with these statuses, the next to go out first."""
    return [Promotion.from_row(row) for row in rows.with_statuses(db, statuses)]


def _check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise PromotionError('The promotion has no text: put it in quotes, such as '
                             '`promo add "10% off all loaves this weekend" in #customers ...`.')
    if len(text) > MAX_TEXT:
        raise PromotionError(f"The text is {len(text)} characters; keep it under {MAX_TEXT} so "
                             "the offer, link and sign-off still fit in one post.")
    return text


def _check_catalog(config: Config, cta_id: str | None, offer_id: str | None,
                   schedule: Schedule) -> str | None:
    """Check the CTA and offer exist; returns the CTA to use (the offer's own by default)."""
    if cta_id and config.cta(cta_id) is None:
        known = ", ".join(cta.id for cta in config.ctas) or "none yet"
        raise PromotionError(f'There is no CTA "{cta_id}" in the catalog (known: {known}).')
    if not offer_id:
        return cta_id
    offer = next((o for o in config.offers if o.id == offer_id), None)
    if offer is None:
        known = ", ".join(o.id for o in config.offers) or "none yet"
        raise PromotionError(f'There is no offer "{offer_id}" in the config (known: {known}).')
    first_day = schedule.first_run.astimezone(config.zone).date()
    if offer.end and first_day > offer.end:
        raise PromotionError(f"Offer {offer_id} ends on {offer.end:%a %d %b %Y}, before this "
                             f"promotion's first post ({first_day:%a %d %b %Y}).")
    return cta_id or offer.cta


def add(db: Database, config: Config, *, text: str, targets: list[Target],
        schedule: Schedule, schedule_text: str, actor: Actor, now: datetime,
        cta_id: str | None = None, offer_id: str | None = None,
        other_wordings: tuple[str, ...] = (), image_url: str | None = None,
        image_name: str | None = None, status: str = "active") -> Promotion:
    text = _check_text(text)
    wordings = [text, *(_check_text(wording) for wording in other_wordings)]
    if len(set(wordings)) != len(wordings):
        raise PromotionError("Two of the wordings are the same; an A/B test needs different "
                             "wordings.")
    if not targets:
        raise PromotionError("Say where to post it: `in #channel` (several: `in #a, #b`).")
    unique = list(dict.fromkeys(targets))
    if len(unique) > MAX_TARGETS:
        raise PromotionError(f"That is {len(unique)} channels; a promotion goes to at most "
                             f"{MAX_TARGETS}. Split it into several promotions.")
    refuse_people(db, unique)
    cta_id = _check_catalog(config, cta_id, offer_id, schedule)
    row = {
        "text": text,
        "targets": json.dumps([{"platform": t.platform, "channel": t.channel} for t in unique]),
        "schedule": schedule_text,
        "trigger": json.dumps(schedule.spec, sort_keys=True),
        "timezone": schedule.timezone,
        "cta_id": cta_id,
        "offer_id": offer_id,
        "status": status,
        "created_by": f"{actor.platform}:{actor.user}",
        "created_at": iso(now),
        "updated_at": iso(now),
        "next_run_at": iso(schedule.first_run),
        "runs": 0,
        "max_runs": schedule.max_runs,
        "ends_at": iso(schedule.ends_at) if schedule.ends_at else None,
        "variants": json.dumps(wordings, ensure_ascii=False) if len(wordings) > 1 else None,
        "image_url": image_url,
        "image_name": image_name,
    }
    promotion_id = rows.add(
        db, row, (actor.platform, actor.user), now, dict(
            text=text, targets=[str(t) for t in unique], schedule=schedule_text,
            first_run=row["next_run_at"], cta=cta_id, offer=offer_id,
            **({"image": image_url} if image_url else {}),
            **({"status": status} if status != "active" else {})))
    return get(db, promotion_id)


def _change(db: Database, promotion: Promotion, actor: Actor, action: str,
            now: datetime, changes: dict[str, Any], **details: Any) -> Promotion:
    """Change the row and record who did it, together (one transaction)."""
    rows.change(db, promotion.id, changes, (actor.platform, actor.user), action, now, details)
    return get(db, promotion.id)


def pause(db: Database, promotion_id: int | str, actor: Actor,
          now: datetime) -> Promotion:
    promotion = get(db, promotion_id)
    if promotion.status != "active":
        raise PromotionError(f"Promotion #{promotion.id} is {promotion.status}; only an active "
                             "one can be paused.")
    return _change(db, promotion, actor, "promotion.pause", now, {"status": "paused"})


def resume(db: Database, promotion_id: int | str, actor: Actor,
           now: datetime) -> Promotion:
    """Start a paused promotion again from its next run after now: runs that fell inside the
    pause are skipped, not caught up (a paused promotion is meant to stay quiet)."""
    promotion = get(db, promotion_id)
    if promotion.status != "paused":
        raise PromotionError(f"Promotion #{promotion.id} is {promotion.status}; only a paused "
                             "one can be resumed.")
    following = promotion.next_run_at
    if following is not None and following <= now:
        following = next_after(promotion.trigger(), following, now)
    if following is not None and promotion.ends_at and following > promotion.ends_at:
        following = None
    if following is None:
        raise PromotionError(
            f"Promotion #{promotion.id} has no run left: its time passed while it was paused. "
            f"Add it again with a new time, or use `/nudge promo send-now {promotion.id}`."
        )
    return _change(db, promotion, actor, "promotion.resume", now,
                   {"status": "active", "next_run_at": iso(following)},
                   next_run=iso(following))


def cancel(db: Database, promotion_id: int | str, actor: Actor,
           now: datetime) -> Promotion:
    promotion = get(db, promotion_id)
    if promotion.status in ("cancelled", "finished"):
        raise PromotionError(f"Promotion #{promotion.id} is already {promotion.status}.")
    return _change(db, promotion, actor, "promotion.cancel", now,
                   {"status": "cancelled", "next_run_at": None})


def edit(db: Database, promotion_id: int | str, text: str, actor: Actor,
         now: datetime) -> Promotion:
    promotion = get(db, promotion_id)
    if promotion.status in ("cancelled", "finished"):
        raise PromotionError(f"Promotion #{promotion.id} is {promotion.status}; add a new one "
                             "instead.")
    text = _check_text(text)
    changes: dict[str, Any] = {"text": text}
    if promotion.variants:  # the edit rewords variant A; the others stay under test
        changes["variants"] = json.dumps([text, *promotion.variants[1:]], ensure_ascii=False)
    return _change(db, promotion, actor, "promotion.edit", now, changes,
                   before=promotion.text, after=text)


def record_test_send(db: Database, promotion: Promotion, actor: Actor,
                     now: datetime) -> None:
    audit(db, actor.platform, actor.user, "promotion.send-now", f"promotion #{promotion.id}",
          {"targets": [str(t) for t in promotion.targets]}, now)


def live_until(promotion: Promotion) -> datetime | None:
    """When a promotion that has gone out stops being live; None means "while it is active".

    Live from its first post until its `until`; without one, an active promotion stays live
    and a finished one is live to the end of the local day of its last post.
    """
    if promotion.ends_at:
        return promotion.ends_at
    if promotion.status == "finished" and promotion.last_run_at:
        day = promotion.last_run_at.astimezone(promotion.zone).date()
        return datetime.combine(day + timedelta(days=1), time(0), promotion.zone)
    return None


def active_promotion_offers(db: Database, now: datetime,
                            config: Config | None = None) -> list[str]:
    """Offer ids of the promotions live now, most recently posted first, without repeats.

    A promotion counts once it has been posted and until it ends (see `live_until`); paused or
    cancelled ones never count. With `config`, offers that are unknown or not valid today (their
    own start and end dates, in the team's time zone) are left out, so an expired offer is
    never suggested.
    """
    offers: list[str] = []
    for row in rows.posted_with_offers(db):
        promotion = Promotion.from_row(row)
        until = live_until(promotion)
        if until is not None and now > until:
            continue
        if config is not None:
            offer = next((o for o in config.offers if o.id == promotion.offer_id), None)
            if offer is None or not offer.is_valid_on(now.astimezone(config.zone).date()):
                continue
        if promotion.offer_id not in offers:
            offers.append(promotion.offer_id)
    return offers
