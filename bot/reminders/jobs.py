"""Reminders as a JobSource, the same way promotions are scheduled and delivered.

A fire reads the row, coalesces missed runs into the latest (later than the grace period it is
recorded as missed instead), moves the row to its next run and claims the delivery, all in one
transaction; only then is the reminder posted. The ledger key (reminder, id, run, platform,
channel) makes each run go out at most once, across restarts.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.core.types import Place, Post
from bot.reminders.store import Reminder
from bot.scheduling.delivery import Delivery
from bot.scheduling.service import SchedulerService
from bot.scheduling.table_jobs import TableJobs
from bot.scheduling.triggers import plan_due
from bot.store import Database, iso, scheduled
from bot.store import deliveries as ledger
from bot.store import reminders as rows

log = logging.getLogger(__name__)

KIND = "reminder"


def reminder_text(reminder: Reminder) -> str:
    text = f"⏰ Reminder: {reminder.text}"
    if reminder.recurring:
        text += (f"\n_{reminder.summary}; `/nudge remind cancel {reminder.id}` stops it._")
    return text


class ReminderJobs(TableJobs):
    kind = KIND
    table = "reminders"
    noun = "reminder"

    # --- running --------------------------------------------------------------------------

    def claim_due(self, db: Database, reminder_id: int, now: datetime, grace: timedelta,
                  owner: str | None = None
                  ) -> tuple[Reminder | None, tuple[int, ledger.DeliveryKey] | None]:
        """Inside the caller's transaction: advance the row past what is due and claim its
        delivery (or record it as missed). Returns the row as it was, and the claim.
        RowBusy when another process is doing the same right now (PostgreSQL)."""
        row = scheduled.for_claim(db, self.table, reminder_id)
        if row is None or row["status"] != "active" or not row["next_run_at"]:
            return None, None
        reminder = Reminder.from_row(row)
        if reminder.next_run_at > now:
            return reminder, None
        plan = plan_due(reminder.trigger(), reminder.next_run_at, now, grace, reminder.ends_at)
        runs = reminder.runs + 1
        finished = plan.following is None or bool(reminder.max_runs
                                                  and runs >= reminder.max_runs)
        scheduled.advance(db, self.table, reminder_id, None if finished else plan.following,
                          runs, "finished" if finished else "active",
                          plan.scheduled_for if plan.on_time else None)
        place = reminder.destination
        key = ledger.DeliveryKey(KIND, str(reminder_id), plan.scheduled_for, place.platform,
                                 place.as_target())
        if not plan.on_time:
            late = int(plan.lateness.total_seconds() // 60)
            ledger.record(db, key, "missed", now,
                          f"Nudge was not running when it was due; {late} min late is past "
                          f"the {int(grace.total_seconds() // 60)} min grace period")
            log.warning("reminder #%s due %s: missed", reminder_id, iso(plan.scheduled_for))
            return reminder, None
        delivery_id = ledger.claim(db, key, now, owner=owner)
        return reminder, (delivery_id, key) if delivery_id is not None else None

    async def fire(self, key: str, service: SchedulerService) -> None:
        now = service.clock()
        reminder, claim = await service.writer.write(
            lambda db: self.claim_due(db, int(key), now, service.grace, service.owner))
        if claim is not None:
            await service.send_all([self.delivery(reminder, *claim)])

    def delivery(self, reminder: Reminder, delivery_id: int,
                 key: ledger.DeliveryKey) -> Delivery:
        hint = ("Check that Nudge may write there, or set it again with `/nudge remind`."
                if not reminder.is_direct else
                "Check that the person accepts direct messages from Nudge.")
        return Delivery(id=delivery_id, key=key,
                        post=Post.to(Place.from_target(key.platform, key.target),
                                     reminder_text(reminder)),
                        label=f"reminder #{reminder.id}", retry_hint=hint)

    def delivery_for(self, delivery_id: int, key: ledger.DeliveryKey) -> Delivery | None:
        row = rows.row(self.db, int(key.ref_id))
        if row is None or row["status"] == "cancelled":
            return None
        return self.delivery(Reminder.from_row(row), delivery_id, key)
