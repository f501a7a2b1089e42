"""The morning digest as a scheduled job: every day at `digest.time` in the team's time zone,
posted to the review channel of each connected platform.

Like a promotion, the job lives in a row (the `routines` table, name "digest") holding its
trigger and next run; the row follows the config (a new time or time zone moves it) and is the
source of truth at every start. A fire advances the row and claims one delivery per review
channel in one transaction, then builds and posts the digest (handlers/digest.py). The ledger
key is (digest, the local date, the run, platform, channel), and a channel that already has a
digest row for that date is never claimed again, so the team gets at most one digest a day,
even across a restart at the digest minute or a change of `digest.time`. A run missed while
Nudge was down is posted late, once, within `scheduling.grace_minutes`; later than that it is
recorded as missed (and listed in the next digest).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.core.context import Context
from bot.core.types import Image, Post, Reply
from bot.scheduling.delivery import Delivery
from bot.scheduling.service import SchedulerService, Wanted
from bot.scheduling.triggers import DueRun, build_trigger, first_fire, plan_due, spec_text
from bot.store import Database, daily, iso, reading, routines
from bot.store import deliveries as ledger

log = logging.getLogger(__name__)

KIND = "digest"
ROUTINE = "digest"
KEY = "daily"


def _missed_reason(plan: DueRun, grace: timedelta, zone: ZoneInfo) -> str:
    late = int(plan.lateness.total_seconds() // 60)
    return (f"Nudge was not running at {plan.scheduled_for.astimezone(zone):%a %d %b %H:%M}; "
            f"{late} min late is past the {int(grace.total_seconds() // 60)} min grace period")


def digest_chart(db: Database, config: Config, today: date) -> Image | None:
    """The 14 days up to yesterday as a picture for the digest; None when they were empty
    or the chart cannot be drawn (the digest's text matters more than its picture)."""
    from bot.results.charts import chart_png

    series = _chart_series(db, config, today)
    return _drawn(series, today, chart_png) if series is not None else None


async def digest_chart_off_loop(db: Database, config: Config,
                                today: date) -> Image | None:
    """digest_chart, with the drawing (and matplotlib's first import, about a second) in a
    worker thread, so the adapters sharing the event loop keep answering meanwhile."""
    from bot.results.charts import chart_png

    series = _chart_series(db, config, today)  # a few SQL reads: on the loop's connection
    if series is None:
        return None
    return await asyncio.to_thread(_drawn, series, today, chart_png)


def _chart_series(db: Database, config: Config, today: date):
    from bot.results.charts import daily_series

    try:
        series = daily_series(db, today - timedelta(days=1), config.zone)
    except Exception:
        log.exception("could not count the digest's chart; the digest goes without it")
        return None
    return None if series.is_empty else series


def _drawn(series, today: date, draw) -> Image | None:
    from bot.results.charts import chart_filename

    yesterday = today - timedelta(days=1)
    try:
        return Image(chart_filename(yesterday), draw(series, "Last 14 days"),
                     f"Nudge: the 14 days to {yesterday:%a %d %b}")
    except Exception:
        log.exception("could not draw the digest's chart; the digest goes without it")
        return None


DigestBuilder = Callable[[Context, datetime], Reply]


async def build_digest_off_loop(db: Database, config: Config, when: datetime,
                                build_digest: DigestBuilder) -> Reply:
    """build_digest in a worker thread, reading apart from the loop's connection (see
    bot/store/reading.py): with hundreds of waiting conversations it reads for 100 ms or more,
    which on the loop would hold up every acknowledgement. (On the loop when the database is
    in memory: nothing to share.)"""
    if reading.target_of(db) is None:
        return build_digest(Context(config=config, db=db, clock=lambda: when), when)
    return await asyncio.to_thread(_build_digest_reading, db, config, when, build_digest)


def _build_digest_reading(db: Database, config: Config, when: datetime,
                          build_digest: DigestBuilder) -> Reply:
    with reading.apart(db) as reader:
        return build_digest(Context(config=config, db=reader, clock=lambda: when), when)


class DailyDigest:
    kind = KIND

    def __init__(self, db: Database, config: Config, build_digest: DigestBuilder):
        """`build_digest` words the digest (handlers.digest.build_digest, passed in by the
        application: the handlers sit above the scheduler)."""
        self.db = db
        self.config = config
        self.build_digest = build_digest
        self.service: SchedulerService | None = None

    def bind(self, service: SchedulerService) -> None:
        self.service = service

    def _now(self) -> datetime:
        return self.service.clock() if self.service else datetime.now(UTC)

    def spec(self) -> dict:
        at = self.config.digest_time()
        return {"type": "cron", "fields": {"hour": str(at.hour), "minute": str(at.minute),
                                           "second": "0"},
                "summary": f"every day at {at:%H:%M}"}

    # --- what should be scheduled ---------------------------------------------------------

    def routine(self) -> daily.Routine | None:
        return daily.routine(self.db, ROUTINE)

    def _follow_config(self) -> daily.Routine:
        """The digest's row, created or moved when the configured time or zone changed."""
        spec, zone = spec_text(self.spec()), self.config.timezone
        row = self.routine()
        if row and row.trigger == spec and row.timezone == zone and row.next_run_at:
            return row
        now = self._now()
        first = first_fire(build_trigger(self.spec(), self.config.zone), now)
        return daily.schedule_routine(self.db, ROUTINE, spec, zone, first, now)

    def wanted(self) -> dict[str, Wanted]:
        wanted = self.wanted_one(KEY)
        return {KEY: wanted} if wanted else {}

    def wanted_one(self, key: str) -> Wanted | None:
        if key != KEY or not self.config.digest.enabled:
            return None
        row = self._follow_config()
        assert row.next_run_at is not None  # _follow_config sets it
        return Wanted(row.trigger, row.timezone, row.next_run_at)

    def describe(self, ref_id: str) -> str:
        return f"the digest for {ref_id}"

    # --- running --------------------------------------------------------------------------

    def targets(self, platforms) -> list[tuple[str, str]]:
        """(platform, review channel) for each connected platform; "" where none is set."""
        return [(platform, self.config.review_channel(platform)) for platform in platforms]

    def claim_due(self, db: Database, now: datetime, grace: timedelta,
                  targets: list[tuple[str, str]], owner: str | None = None
                  ) -> list[tuple[int, ledger.DeliveryKey]]:
        """Inside the caller's transaction: advance the row past what is due and claim one
        delivery per review channel (or record it as missed or impossible). RowBusy when
        another process is doing the same right now (PostgreSQL)."""
        row = routines.for_claim(db, ROUTINE)
        if row is None or not row["next_run_at"]:
            return []
        due = datetime.fromisoformat(row["next_run_at"])
        if due > now:
            return []  # woken early, or the time changed since the job was set
        zone = ZoneInfo(row["timezone"])
        plan = plan_due(build_trigger(json.loads(row["trigger"]), zone), due, now, grace)
        routines.advance(db, ROUTINE, plan.following,
                         plan.scheduled_for if plan.on_time else None, now)
        day = plan.scheduled_for.astimezone(zone).date().isoformat()
        claims = []
        for platform, channel in targets:
            key = ledger.DeliveryKey(KIND, day, plan.scheduled_for, platform, channel)
            if ledger.any_for(db, KIND, day, platform, channel):
                continue  # this channel has had (or missed) its digest for the day
            if not channel:
                ledger.record(db, key, "failed", now,
                              f"no review channel is set: add platforms.{platform}."
                              "review_channel to the config")
                log.warning("digest not posted on %s: no review channel is set", platform)
            elif plan.on_time:
                delivery_id = ledger.claim(db, key, now, owner=owner)
                if delivery_id is not None:
                    claims.append((delivery_id, key))
            else:
                ledger.record(db, key, "missed", now, _missed_reason(plan, grace, zone))
        if plan.lateness > timedelta(minutes=1):
            log.warning("digest due %s: %s", iso(plan.scheduled_for),
                        "sent late" if plan.on_time else "missed")
        return claims

    async def fire(self, key: str, service: SchedulerService) -> None:
        now = service.clock()
        targets = self.targets(service.platforms())
        claims = await service.writer.write(
            lambda db: self.claim_due(db, now, service.grace, targets, service.owner))
        if claims:
            # One chart for every review channel, drawn off the loop.
            day = claims[0][1].scheduled_for.astimezone(self.config.zone).date()
            image = await digest_chart_off_loop(self.db, self.config, day)
            when = max(self._now(), claims[0][1].scheduled_for)
            digest = await build_digest_off_loop(self.db, self.config, when, self.build_digest)
            await service.send_all([self.delivery(did, dkey, image, digest)
                                    for did, dkey in claims])

    def delivery(self, delivery_id: int, key: ledger.DeliveryKey,
                 chart: Image | None | bool = True, digest: Reply | None = None) -> Delivery:
        """The digest post; `chart` is the picture drawn already, or True to draw it now;
        `digest` the digest built already, or None to build it now."""
        if digest is None:
            ctx = Context(config=self.config, db=self.db, clock=self._now)
            digest = self.build_digest(ctx, max(self._now(), key.scheduled_for))
        if chart is True:
            chart = digest_chart(self.db, self.config,
                                 key.scheduled_for.astimezone(self.config.zone).date())
        image = None if digest.meta.get("empty") else chart
        return Delivery(id=delivery_id, key=key,
                        post=Post(key.platform, key.target, digest.text, image=image),
                        label=self.describe(key.ref_id),
                        retry_hint="`/nudge digest` shows today's digest now.")

    def delivery_for(self, delivery_id: int, key: ledger.DeliveryKey) -> Delivery | None:
        return self.delivery(delivery_id, key)
