"""Sending one claimed delivery: count the attempt, post, record the outcome, retry or report.

Passing platform errors (rate limits, time-outs: `DeliveryError(transient=True)`) are retried
with exponential backoff up to `scheduling.max_attempts`; permanent ones (channel not found, no
permission) fail at once. While it waits, the row is "retrying" with its `retry_at`, so a restart
picks the retry up (SchedulerService.recover). A failure is recorded in the ledger and the team is
told in its review channel, with what to do next (or, for the outbox's reviews and replies, by the
delivery's own `on_done`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from bot.core.errors import DeliveryError
from bot.core.types import Field, Place, Post, Reply
from bot.scheduling.writer import BatchWriter
from bot.store import deliveries as ledger

log = logging.getLogger(__name__)

Publish = Callable[[Post], Awaitable[str]]
Notify = Callable[[Reply, str | None], Awaitable[None]]
Observer = Callable[[str, int], None]


@dataclass(frozen=True)
class Outcome:
    """How a delivery ended: "sent" (with the platform's answer) or "failed" (with why)."""

    status: str
    reason: str = ""
    transient: bool = False  # failed only after every retry of a passing error
    answer: object = None  # what the platform answered: a message id, (channel, ts) ...
    parts_sent: int = 0  # a long text's messages that went out before a refusal


@dataclass(frozen=True)
class Delivery:
    """A claimed ledger row and the post it stands for.

    A scheduled delivery is a `post` made through the service's publish. The outbox's reviews
    and replies bring their own `attempt` instead, and an `on_done` that records the outcome
    where it belongs (the suggestion, the review message); `report` False leaves telling the
    team about a failure to that `on_done`."""

    id: int
    key: ledger.DeliveryKey
    post: Post | None
    label: str  # how people call it: "promotion #3"
    retry_hint: str = ""  # what a person can do after a failure
    attempt: Callable[[], Awaitable[object]] | None = None
    on_done: Callable[[Outcome], Awaitable[None]] | None = None
    report: bool = True


def describe_target(key: ledger.DeliveryKey) -> str:
    place = Place.from_target(key.platform, key.target)
    if place.is_direct:
        return f"{key.platform} @{place.user} (direct message)"
    return f"{key.platform} #{key.target}"


class Sender:
    def __init__(self, writer: BatchWriter, publish: Publish, notify: Notify,
                 clock: Callable[[], datetime], *, max_attempts: int = 4,
                 backoff_seconds: float = 1.0, max_backoff_seconds: float = 60.0,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep):
        self.writer = writer
        self.publish = publish
        self.notify = notify
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.sleep = sleep
        # Called with (step, delivery id) at "claimed", "attempting", "posted", "sent" and
        # "failed"; used for logging hooks and by the crash tests to stop at an exact point.
        self.observer: Observer | None = None

    def observe(self, step: str, delivery_id: int) -> None:
        if self.observer is not None:
            self.observer(step, delivery_id)

    def backoff(self, attempt: int) -> float:
        return min(self.max_backoff_seconds, self.backoff_seconds * 2 ** (attempt - 1))

    async def send(self, delivery: Delivery) -> str:
        """Deliver a claimed row; returns its final status: sent or failed."""
        return (await self.deliver(delivery)).status

    async def resume(self, delivery: Delivery, retry_at: datetime) -> Outcome:
        """Carry on with a row a stopped process left retrying: wait until its `retry_at`
        (by the service clock), then go on counting attempts where it stopped."""
        wait = (retry_at - self.clock()).total_seconds()
        if wait > 0:
            await self.sleep(min(wait, self.max_backoff_seconds))
        return await self.deliver(delivery)

    async def deliver(self, delivery: Delivery) -> Outcome:
        """Deliver a claimed row, retrying passing errors; returns how it ended."""
        while True:
            attempt = await self.writer.write(lambda db: ledger.start_attempt(db, delivery.id))
            self.observe("attempting", delivery.id)
            try:
                if delivery.attempt is not None:
                    answer = await delivery.attempt()
                else:
                    answer = await self.publish(delivery.post)
            except DeliveryError as error:
                if error.transient and attempt < self.max_attempts:
                    await self._wait_to_retry(delivery, error, attempt)
                    continue
                reason = str(error) if not error.transient else (
                    f"{error} (gave up after {attempt} attempts)")
                return await self._failed(delivery, Outcome("failed", reason, error.transient,
                                                            parts_sent=error.parts_sent))
            except Exception as error:
                # An adapter bug, not a platform answer: still a failure the team must see.
                log.exception("%s to %s failed unexpectedly", delivery.label,
                              describe_target(delivery.key))
                return await self._failed(
                    delivery, Outcome("failed", f"unexpected error ({type(error).__name__})"))
            self.observe("posted", delivery.id)
            await self.writer.write(partial(ledger.finish, delivery_id=delivery.id,
                                            status="sent", now=self.clock()))
            self.observe("sent", delivery.id)
            outcome = Outcome("sent", answer=answer)
            if delivery.on_done is not None:
                await delivery.on_done(outcome)
            return outcome

    async def _wait_to_retry(self, delivery: Delivery, error: DeliveryError,
                             attempt: int) -> None:
        wait = self.backoff(attempt)
        retry_at = self.clock() + timedelta(seconds=wait)
        await self.writer.write(lambda db: ledger.defer(db, delivery.id, retry_at, str(error)))
        self.observe("retrying", delivery.id)
        log.warning("%s to %s: %s; retrying in %.0f s (attempt %d of %d)",
                    delivery.label, describe_target(delivery.key), error, wait,
                    attempt, self.max_attempts)
        await self.sleep(wait)

    async def _failed(self, delivery: Delivery, outcome: Outcome) -> Outcome:
        now = self.clock()
        await self.writer.write(
            lambda db: ledger.finish(db, delivery.id, "failed", now, outcome.reason))
        self.observe("failed", delivery.id)
        log.warning("%s to %s failed: %s", delivery.label, describe_target(delivery.key),
                    outcome.reason)
        if delivery.report:
            fields = [Field("Why", outcome.reason)]
            if delivery.retry_hint:
                fields.append(Field("What to do", delivery.retry_hint))
            await self.notify(
                Reply(f"Could not post {delivery.label} to {describe_target(delivery.key)}.",
                      fields=tuple(fields), private=False, ok=False,
                      meta={"delivery_id": delivery.id, "status": "failed"}),
                delivery.key.platform,
            )
        if delivery.on_done is not None:
            await delivery.on_done(outcome)
        return outcome
