"""Promotions as a JobSource: what the scheduler asks of the promotions table when a job fires.

A fire reads the row, works out the run that is due (several missed runs coalesce into the
latest; one later than the grace period is recorded as missed instead of sent), moves the row
to its next run and claims one delivery per target channel, all in one transaction. Only then
are the posts rendered and sent.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.types import Post
from bot.promotions import images
from bot.promotions.render import cta_url, render_promotion
from bot.promotions.store import Promotion
from bot.promotions.variants import variant_for
from bot.scheduling.delivery import Delivery
from bot.scheduling.service import SchedulerService
from bot.scheduling.table_jobs import TableJobs
from bot.scheduling.triggers import DueRun, plan_due
from bot.store import Database, iso, scheduled
from bot.store import deliveries as ledger
from bot.store import promotions as rows
from bot.store.links import LinkInfo
from bot.tracking import link_for_delivery

log = logging.getLogger(__name__)

KIND = "promotion"


def _missed_reason(plan: DueRun, grace: timedelta, zone: ZoneInfo) -> str:
    late = int(plan.lateness.total_seconds() // 60)
    reason = (f"Nudge was not running at {plan.scheduled_for.astimezone(zone):%a %d %b %H:%M}; "
              f"{late} min late is past the {int(grace.total_seconds() // 60)} min grace period")
    if plan.coalesced > 1:
        reason += f" ({plan.coalesced} runs missed, counted as one)"
    return reason


def mark_variant(db: Database, delivery_id: int, promotion: Promotion, run: int,
                 target_index: int) -> None:
    """Record on the claimed delivery which wording it posts (A/B tests; nothing otherwise)."""
    variant = variant_for(run, target_index, len(promotion.variants))
    if variant:
        ledger.set_variant(db, delivery_id, variant)


def claim_test_send(db: Database, promotion_id: int, at: datetime, status: str = "claimed",
                    owner: str | None = None
                    ) -> tuple[Promotion | None, list[tuple[int, ledger.DeliveryKey]]]:
    """Claim a test send to every target, outside the schedule: runs and next run stay as
    they are, and the deliveries are marked as tests (not promotions sent). `at` (the
    request time) keys them, so a repeated click is sent once. Status "queued" leaves them
    for the running Nudge (a send-now asked from the command line)."""
    row = rows.row(db, promotion_id)
    if row is None:
        return None, []
    promotion = Promotion.from_row(row)
    claims = []
    for index, target in enumerate(promotion.targets):
        key = ledger.DeliveryKey(KIND, str(promotion_id), at, target.platform,
                                 target.channel)
        delivery_id = ledger.claim(db, key, at, test=True, status=status, owner=owner)
        if delivery_id is not None:
            mark_variant(db, delivery_id, promotion, promotion.runs, index)
            claims.append((delivery_id, key))
    return promotion, claims


class PromotionJobs(TableJobs):
    kind = KIND
    table = "promotions"
    noun = "promotion"

    # --- running --------------------------------------------------------------------------

    def claim_due(self, db: Database, promotion_id: int, now: datetime, grace: timedelta,
                  owner: str | None = None
                  ) -> tuple[Promotion | None, list[tuple[int, ledger.DeliveryKey]]]:
        """Inside the caller's transaction: advance the row past what is due, claim its
        deliveries (or record them as missed). Returns the row as it was, and the claims.
        RowBusy when another process is doing the same right now (PostgreSQL)."""
        row = scheduled.for_claim(db, self.table, promotion_id)
        if row is None or row["status"] != "active" or not row["next_run_at"]:
            return None, []
        promotion = Promotion.from_row(row)
        if promotion.next_run_at > now:
            return promotion, []  # woken early, or the row moved since the job was set
        plan = plan_due(promotion.trigger(), promotion.next_run_at, now, grace,
                        promotion.ends_at)
        runs = promotion.runs + 1
        finished = plan.following is None or bool(promotion.max_runs and
                                                  runs >= promotion.max_runs)
        scheduled.advance(db, self.table, promotion_id, None if finished else plan.following,
                          runs, "finished" if finished else "active",
                          plan.scheduled_for if plan.on_time else None)
        claims = []
        for index, target in enumerate(promotion.targets):
            key = ledger.DeliveryKey(KIND, str(promotion_id), plan.scheduled_for,
                                     target.platform, target.channel)
            if plan.on_time:
                delivery_id = ledger.claim(db, key, now, owner=owner)
                if delivery_id is not None:
                    mark_variant(db, delivery_id, promotion, promotion.runs, index)
                    claims.append((delivery_id, key))
            else:
                ledger.record(db, key, "missed", now,
                              _missed_reason(plan, grace, self.config.zone))
        if plan.coalesced > 1 or not plan.on_time:
            log.warning("promotion #%s: %d run(s) due by %s, %s", promotion_id, plan.coalesced,
                        iso(plan.scheduled_for), "sent late" if plan.on_time else "missed")
        return promotion, claims

    async def fire(self, key: str, service: SchedulerService) -> None:
        now = service.clock()
        promotion, claims = await service.writer.write(
            lambda db: self.claim_due(db, int(key), now, service.grace, service.owner))
        if claims:
            await service.send_all([self.delivery(promotion, did, dkey) for did, dkey in claims])

    def delivery(self, promotion: Promotion, delivery_id: int,
                 key: ledger.DeliveryKey) -> Delivery:
        day = key.scheduled_for.astimezone(self.config.zone).date()
        variant = ledger.variant_of(self.db, delivery_id) if promotion.variants else ""
        url = cta_url(self.config, promotion, key.platform)
        if url and self.config.links.tracking.enabled:
            url = link_for_delivery(self.config, self.db, delivery_id, url, LinkInfo(
                "promotion", str(promotion.id), promotion.cta_id, variant, key.platform,
                key.target, delivery_id), datetime.now(UTC))
        text = render_promotion(self.config, promotion, key.platform, day, variant=variant,
                                url=url)
        return Delivery(
            id=delivery_id, key=key,
            post=Post(key.platform, key.target, text,
                      image=images.upload(self.db, promotion.image_url),
                      image_url=images.public_url(promotion.image_url) or (
                          promotion.image_url if images.is_slack_file(promotion.image_url)
                          else ""),
                      image_alt=images.alt_text(promotion.text, promotion.image_name)),
            label=f"promotion #{promotion.id}",
            retry_hint=f"Fix the cause, then `/nudge promo send-now {promotion.id}` posts it "
                       "again.",
        )

    def delivery_for(self, delivery_id: int, key: ledger.DeliveryKey) -> Delivery | None:
        row = rows.row(self.db, int(key.ref_id))
        if row is None or row["status"] == "cancelled":
            return None
        return self.delivery(Promotion.from_row(row), delivery_id, key)

    async def send_now(self, promotion_id: int, at: datetime, service: SchedulerService
                       ) -> list[str]:
        """A test send to every target, at once (see `claim_test_send`)."""
        promotion, claims = await service.writer.write(
            lambda db: claim_test_send(db, promotion_id, at, owner=service.owner))
        if not claims:
            return []
        return await service.send_all([self.delivery(promotion, did, k) for did, k in claims])
