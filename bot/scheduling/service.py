"""The scheduler service: APScheduler 3 jobs rebuilt from Nudge's own tables.

Each scheduled kind (promotions, reminders, the digest, waiting-customer pings) is a
JobSource whose table is the source of truth. At start the service
  1. settles deliveries a stopped process left claimed (see ledger.py),
  2. reconciles the AsyncIOScheduler's in-memory job store with the sources: a job for every
     active row (at its stored next run, even a past one, so missed runs are caught up at once),
     no job for anything else,
  3. starts the scheduler in the running event loop, next to the chat adapters.
When a job fires, the source works out from its table what is due (coalescing missed runs,
applying the grace period), claims the deliveries and sends them; the service then moves the
job to the table's new next run. Changes made by handlers are applied at once with `sync()`;
changes made by another process (the `nudge promo` CLI, another `nudge run` on the same
PostgreSQL) are picked up by a periodic reconcile that runs only when the store reports a
change (`routines.changes_seen`).

Several processes may share one PostgreSQL database. Each claims through the ledger's unique
key, and reads the row it is about to move with a lock that the others skip (RowBusy: that run
is being delivered elsewhere, look again in a second), so every run goes out once. Each process
names itself on its claims (bot/store/workers.py); what a stopped process held is settled by
another within a second, exactly as at a restart: sent when no attempt had started, reported as
unconfirmed otherwise.

Why jobs are rebuilt rather than kept in APScheduler's SQLAlchemy job store: the table already
holds everything a job needs, and a second, pickled copy could drift from it (a crash between
the two writes, a renamed function breaking unpickling) with no way to commit both at once.
Rebuilding 10,000 jobs takes well under a second (bench/scheduler_scale.py).

Adding a kind (reminders, the digest): implement JobSource (bot/promotions/jobs.py is the
example), claim through bot.store.deliveries (naming `service.owner`), send with `send_all`,
and add one line to bot/scheduling/sources.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config
from bot.core.types import Field, Reply
from bot.scheduling.delivery import Delivery, Notify, Publish, Sender, describe_target
from bot.scheduling.triggers import cached_trigger
from bot.scheduling.writer import BatchWriter
from bot.store import Database, routines
from bot.store import deliveries as ledger
from bot.store.deliveries import RowBusy
from bot.store.workers import Presence

log = logging.getLogger(__name__)

RECONCILE_JOB = "nudge:reconcile"
ORPHANS_JOB = "nudge:orphans"
RETRY_AFTER_ERROR = timedelta(seconds=30)
# Another process holds the row (PostgreSQL): it is delivering this run; look again soon.
RETRY_WHEN_BUSY = timedelta(seconds=0.25)
# How often a process sharing PostgreSQL looks for claims left by one that stopped.
ORPHAN_SECONDS = 0.5


@dataclass(frozen=True)
class Wanted:
    """A job the source of truth asks for: its trigger spec (JSON text) and next run."""

    spec: str
    timezone: str
    next_run_at: datetime

    @property
    def fingerprint(self) -> str:
        return f"{self.timezone} {self.spec}"


class JobSource(Protocol):
    """One kind of scheduled work, backed by a table."""

    kind: str  # also the deliveries.kind of what it sends

    def wanted(self) -> dict[str, Wanted]:
        """Every job that should exist now, by key (the row id as text)."""

    def wanted_one(self, key: str) -> Wanted | None:
        """The job for one row, or None when the row is not (or no longer) scheduled."""

    async def fire(self, key: str, service: SchedulerService) -> None:
        """Do whatever is due for this row by `service.clock()`: claim, then send."""

    def delivery_for(self, delivery_id: int, key: ledger.DeliveryKey) -> Delivery | None:
        """Rebuild the post of a claimed delivery (to send one a crash left unstarted)."""

    def describe(self, ref_id: str) -> str:
        """How people call one row: "promotion #3"."""


async def _run_job(service: SchedulerService, kind: str, key: str) -> None:
    # A module-level function, so APScheduler can reference the job's callable cheaply.
    await service.run_job(kind, key)


async def _run_once(service: SchedulerService, work: Callable[..., Awaitable[Any]],
                    args: tuple) -> None:
    with service.under_way():
        await work(*args)


class SchedulerService:
    def __init__(self, db: Database, config: Config, *,
                 clock: Callable[[], datetime], publish: Publish, notify: Notify,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                 reconcile_seconds: float = 30.0,
                 platforms: Callable[[], Iterable[str]] = tuple):
        self.db = db
        self.config = config
        self.clock = clock
        self.grace = timedelta(minutes=config.scheduling.grace_minutes)
        self.writer = BatchWriter(db)
        # This process on the shared database: its name goes on every claim it makes.
        self.presence = Presence(db)
        self.owner = self.presence.name
        self.sender = Sender(self.writer, publish, notify, clock,
                             max_attempts=config.scheduling.max_attempts, sleep=sleep)
        self.notify = notify
        # The chat platforms connected now: where the digest and pings can be delivered.
        self.platforms = platforms
        self.reconcile_seconds = reconcile_seconds
        self.sources: dict[str, JobSource] = {}
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            # Missed runs are judged by the sources against the table (grace period,
            # coalescing), so APScheduler itself runs a late job whatever its lateness.
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        # APScheduler logs every job added and run at INFO: 10,000 lines at start. The service
        # logs a summary instead; APScheduler's warnings and errors still show.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        self._fingerprints: dict[str, str] = {}
        self._inflight: set[asyncio.Task] = set()
        self._changes: int | None = None
        self._once = 0
        self._told: set[asyncio.Task] = set()  # notices under way (see tell_team)
        self._resumed: set[asyncio.Task] = set()  # retries a stopped process left (recover)

    # --- lifecycle ------------------------------------------------------------------------

    def register(self, source: JobSource) -> None:
        self.sources[source.kind] = source
        bind = getattr(source, "bind", None)
        if bind is not None:
            # Sources whose jobs depend on the running service (its clock, the connected
            # platforms) rather than on their table alone: the digest and the pings.
            bind(self)

    @property
    def running(self) -> bool:
        return self.scheduler.running

    async def start(self, *, paused: bool = False) -> None:
        """Settle leftovers, build the jobs from the tables and start firing.

        `paused` starts with the jobs in place but without firing them by the wall clock:
        tests then move an injected clock and call `run_due()`.
        """
        self.presence.start()
        await self.recover()
        self.scheduler.start(paused=True)
        self._changes = routines.changes_seen(self.db)
        summary = self.reconcile()
        self.scheduler.add_job(self._reconcile_if_changed, IntervalTrigger(
            seconds=self.reconcile_seconds), id=RECONCILE_JOB, replace_existing=True)
        if self.presence.shared:
            self.scheduler.add_job(self._settle_orphans, IntervalTrigger(
                seconds=ORPHAN_SECONDS), id=ORPHANS_JOB, replace_existing=True)
        if not paused:
            self.scheduler.resume()
        log.info("scheduler started: %s", summary)
        if await self.send_queued():
            log.info("sent the test sends queued while Nudge was stopped")

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop firing, let deliveries under way finish (within `timeout`), shut down."""
        if not self.running:
            return
        self.scheduler.pause()
        pending = {task for task in self._inflight if not task.done()}
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        self.scheduler.shutdown(wait=False)
        # From here on, what this process still holds is for another process to settle.
        self.presence.stop()
        # AsyncIOScheduler completes its shutdown on the next turn of the loop.
        await asyncio.sleep(0)

    # --- jobs -----------------------------------------------------------------------------

    def job_id(self, kind: str, key: str) -> str:
        return f"{kind}:{key}"

    def job(self, kind: str, key: str):
        """The APScheduler job for a row, or None."""
        return self.scheduler.get_job(self.job_id(kind, key))

    def sync(self, kind: str, key: str | int, *, retry_at: datetime | None = None) -> None:
        """Make the job for one row match its table (after a handler changed the row)."""
        if not self.running:
            return
        key = str(key)
        self._apply(kind, key, self.sources[kind].wanted_one(key), retry_at)

    def _apply(self, kind: str, key: str, wanted: Wanted | None,
               retry_at: datetime | None = None) -> str:
        job_id = self.job_id(kind, key)
        if wanted is None:
            self._fingerprints.pop(job_id, None)
            try:
                self.scheduler.remove_job(job_id)
            except JobLookupError:
                return "same"
            return "removed"
        next_run = retry_at or wanted.next_run_at
        job = self.scheduler.get_job(job_id)
        if job is None or self._fingerprints.get(job_id) != wanted.fingerprint:
            trigger = cached_trigger(wanted.spec, wanted.timezone)
            self.scheduler.add_job(_run_job, trigger, args=(self, kind, key), id=job_id,
                                   name=f"{kind} {key}", replace_existing=True,
                                   next_run_time=next_run)
            self._fingerprints[job_id] = wanted.fingerprint
            return "added" if job is None else "updated"
        if job.next_run_time != next_run:
            job.modify(next_run_time=next_run)
            return "updated"
        return "same"

    def reconcile(self) -> dict[str, int]:
        """Add missing jobs, remove orphans, fix changed ones; returns how many of each."""
        counts = {"added": 0, "removed": 0, "updated": 0, "same": 0}
        for kind, source in self.sources.items():
            wanted = source.wanted()
            prefix = kind + ":"
            for job in self.scheduler.get_jobs():
                if job.id.startswith(prefix) and job.id[len(prefix):] not in wanted:
                    counts[self._apply(kind, job.id[len(prefix):], None)] += 1
            for key, job_wanted in wanted.items():
                counts[self._apply(kind, key, job_wanted)] += 1
        return counts

    async def _reconcile_if_changed(self) -> None:
        # The number moves when another process (the CLI, another `nudge run`) changed a
        # schedule or queued a delivery.
        version = routines.changes_seen(self.db)
        if version != self._changes:
            self._changes = version
            summary = self.reconcile()
            log.info("picked up changes made elsewhere: %s", summary)
            await self.send_queued()

    async def send_queued(self) -> int:
        """Send the deliveries another process queued (`nudge promo send-now`); returns how
        many. Taking them turns them into claims in one statement, so each is sent once."""
        if not ledger.any_queued(self.db):
            return 0  # the usual case: no write, so the start and the reconcile stay cheap
        rows = await self.writer.write(lambda db: ledger.take_queued(db, self.owner))
        deliveries = []
        now = self.clock()
        for row in rows:
            if now - datetime.fromisoformat(row["scheduled_for"]) > self.grace:
                ledger.finish(self.db, row["id"], "missed", now,
                              "asked for while Nudge was stopped; too late to send now")
                continue
            source = self.sources.get(row["kind"])
            delivery = source.delivery_for(row["id"], ledger.key_of(row)) if source else None
            if delivery is None:
                ledger.finish(self.db, row["id"], "failed", self.clock(),
                              "nothing to send any more (cancelled or removed)")
                continue
            deliveries.append(delivery)
        if deliveries:
            with self.under_way():
                await self.send_all(deliveries)
        return len(deliveries)

    async def run_job(self, kind: str, key: str) -> None:
        """What a firing job does: let the source deliver what is due, then move the job."""
        with self.under_way():
            retry_at = None
            try:
                await self.sources[kind].fire(key, self)
            except RowBusy:  # another process is delivering this very run
                retry_at = datetime.now(UTC) + RETRY_WHEN_BUSY
            except Exception:
                log.exception("%s could not run; trying again shortly",
                              self.sources[kind].describe(key))
                retry_at = datetime.now(UTC) + RETRY_AFTER_ERROR
            self.sync(kind, key, retry_at=retry_at)

    @contextmanager
    def under_way(self) -> Iterator[None]:
        """Mark the current task as work under way, which `stop()` waits for: cancelling a
        send half-way would leave a delivery to be reported as unconfirmed."""
        task = asyncio.current_task()
        self._inflight.add(task)
        try:
            yield
        finally:
            self._inflight.discard(task)

    def run_once(self, work: Callable[..., Awaitable[Any]], *args: Any) -> str:
        """Run `work(*args)` in the scheduler's loop as soon as possible (for handlers, which
        are synchronous, to start a send). Returns the one-off job's id."""
        self._once += 1
        job_id = f"nudge:once:{self._once}"
        self.scheduler.add_job(_run_once, DateTrigger(), args=(self, work, args), id=job_id)
        return job_id

    def tell_team(self, reply: Reply, platform: str | None = None) -> None:
        """Show `reply` in the review channel soon, from a synchronous handler: at once in the
        running event loop (the chat adapters' own), else as a one-off job."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.run_once(self.notify, reply, platform)
            return

        async def tell() -> None:
            with self.under_way():
                await self.notify(reply, platform)

        task = loop.create_task(tell())
        self._told.add(task)
        task.add_done_callback(self._told.discard)

    async def run_due(self, now: datetime | None = None) -> int:
        """Fire every job whose next run has come by the service clock, as the running
        scheduler does by the wall clock. Tests use it to travel in time; returns the count."""
        now = now or self.clock()
        due = []
        for job in self.scheduler.get_jobs():
            kind, _, key = job.id.partition(":")
            if kind in self.sources and job.next_run_time and job.next_run_time <= now:
                due.append(self.run_job(kind, key))
        await asyncio.gather(*due)
        return len(due)

    # --- deliveries -----------------------------------------------------------------------

    async def send_all(self, deliveries: list[Delivery]) -> list[str]:
        """Send claimed deliveries concurrently; returns each final status."""
        for delivery in deliveries:
            self.sender.observe("claimed", delivery.id)
        return list(await asyncio.gather(*(self.sender.send(d) for d in deliveries)))

    def _adopt_orphans(self) -> list[dict]:
        """The claimed and retrying rows of processes that have stopped, now held by this one
        (each taken by one process only, whichever finds it first)."""
        gone = self.presence.gone(ledger.holders(self.db, self.owner))
        return [row for row in ledger.orphans(self.db, gone)
                if ledger.adopt(self.db, row, self.owner)]

    async def _settle_orphans(self) -> None:
        # Several processes on PostgreSQL: one may stop (or be killed) at any time.
        with self.under_way():
            await self.recover()

    async def recover(self) -> dict[str, int]:
        """Settle the deliveries a stopped process left claimed: at start, before anything
        else runs, and every few seconds when other processes share the database.

        Never started (attempts = 0): nothing reached the platform, so it is sent now if still
        within the grace period, else recorded as missed. Started: the post may or may not
        have gone out, so it is marked unconfirmed and the team is asked to check; it is never
        resent blindly, except by a source that says a repeat is harmless
        (`resend_unconfirmed`: the review of a customer message, shown to the team).
        Retrying (the platform refused the last attempt for a passing reason): the retry goes
        on in the background, at its `retry_at`.
        """
        counts = {"resent": 0, "missed": 0, "unconfirmed": 0, "retrying": 0}
        now = self.clock()
        to_send = []
        orphans = self._adopt_orphans()
        for row in (row for row in orphans if row["status"] == "claimed"):
            key = ledger.key_of(row)
            source = self.sources.get(row["kind"])
            # A review shown twice costs the team a glance; one never shown costs a customer.
            safe = row["attempts"] == 0 or getattr(source, "resend_unconfirmed", False)
            if safe and self._still_wanted(key, source, now):
                delivery = source.delivery_for(row["id"], key)
                if delivery is not None:
                    to_send.append(delivery)
                    counts["resent"] += 1
                    continue
            if safe:
                why = "there is nothing to send any more" if \
                    self._still_wanted(key, source, now) else "too late to send now"
                ledger.finish(self.db, row["id"], "missed", now,
                              f"Nudge stopped before sending it; {why}")
                counts["missed"] += 1
                continue
            ledger.finish(self.db, row["id"], "unconfirmed", now,
                          "Nudge stopped while sending it; it may or may not have been posted")
            counts["unconfirmed"] += 1
            await self._report_unconfirmed(row, key, source)
        counts["retrying"] = await self._resume_retries(
            [row for row in orphans if row["status"] == "retrying"], now)
        if to_send:
            await self.send_all(to_send)
        if any(counts.values()):
            log.warning("deliveries left by the previous run: %s", counts)
        return counts

    def _still_wanted(self, key: ledger.DeliveryKey, source: JobSource | None,
                      now: datetime) -> bool:
        """Whether a delivery left by a stopped process may still go out now: within the grace
        period, or at any time for the outbox's reviews and replies (a person is waiting)."""
        if source is None:
            return False
        return getattr(source, "late_is_fine", False) or now - key.scheduled_for <= self.grace

    async def _resume_retries(self, rows: list[dict], now: datetime) -> int:
        """Start again, in the background, the retries a stopped process was waiting on."""
        resumed = 0
        for row in rows:
            key = ledger.key_of(row)
            source = self.sources.get(row["kind"])
            delivery = source.delivery_for(row["id"], key) \
                if self._still_wanted(key, source, now) else None
            if delivery is None:
                await self._give_up_retry(row, key, source, now)
                continue
            retry_at = datetime.fromisoformat(row["retry_at"]) if row["retry_at"] else now
            task = asyncio.get_running_loop().create_task(
                self._resume_one(delivery, retry_at))
            self._resumed.add(task)
            task.add_done_callback(self._resumed.discard)
            resumed += 1
        return resumed

    async def resumed_retries(self) -> None:
        """Wait for the retries `recover` resumed in the background (tests, and a stop)."""
        while self._resumed:
            await asyncio.gather(*self._resumed, return_exceptions=True)

    async def _give_up_retry(self, row: dict, key: ledger.DeliveryKey,
                             source: JobSource | None, now: datetime) -> None:
        """A retry left by a stopped process that is too late (or has nothing left to send):
        failed, and the team told unless nothing was wanted any more."""
        late = not self._still_wanted(key, source, now)
        why = "too late to send now" if late else "there is nothing to send any more"
        reason = (f"{row['error'] or 'a passing error'}; Nudge stopped before trying again, "
                  f"and {why}")
        ledger.finish(self.db, row["id"], "failed", now, reason)
        if late:
            label = source.describe(key.ref_id) if source else f"{key.kind} #{key.ref_id}"
            await self.notify(
                Reply(f"Could not post {label} to {describe_target(key)}.",
                      fields=(Field("Why", reason),), private=False, ok=False,
                      meta={"delivery_id": row["id"], "status": "failed"}),
                key.platform,
            )

    async def _resume_one(self, delivery: Delivery, retry_at: datetime) -> None:
        with self.under_way():
            await self.sender.resume(delivery, retry_at)

    async def _report_unconfirmed(self, row: dict, key: ledger.DeliveryKey,
                                  source: JobSource | None) -> None:
        label = source.describe(key.ref_id) if source else f"{key.kind} #{key.ref_id}"
        zone = self.config.zone
        due = key.scheduled_for.astimezone(zone)
        await self.notify(
            Reply(
                f"Please check {key.platform} #{key.target}: {label} (due {due:%a %d %b %H:%M})"
                " may or may not have been posted. Nudge stopped while sending it, so it will "
                "not be sent again automatically.",
                fields=(Field("Delivery", f"#{row['id']}, {row['attempts']} attempt(s)"),),
                private=False, ok=False,
                meta={"delivery_id": row["id"], "status": "unconfirmed"},
            ),
            key.platform,
        )
