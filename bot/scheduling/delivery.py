"""Sending one claimed delivery: count the attempt, post, record the outcome, retry or report.

Passing platform errors (rate limits, time-outs: `DeliveryError(transient=True)`) are retried
with exponential backoff up to `scheduling.max_attempts`; permanent ones (channel not found, no
permission) fail at once. A failure is recorded in the ledger and the team is told in its review
channel, with what to do next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from bot.platforms.base import DeliveryError
from bot.scheduling import ledger
from bot.scheduling.writer import BatchWriter
from handlers.types import DIRECT, Field, Post, Reply

log = logging.getLogger(__name__)

Publish = Callable[[Post], Awaitable[str]]
Notify = Callable[[Reply, str | None], Awaitable[None]]
Observer = Callable[[str, int], None]


@dataclass(frozen=True)
class Delivery:
    """A claimed ledger row and the post it stands for."""

    id: int
    key: ledger.DeliveryKey
    post: Post
    label: str  # how people call it: "promotion #3"
    retry_hint: str = ""  # what a person can do after a failure


def describe_target(key: ledger.DeliveryKey) -> str:
    if key.target.startswith(DIRECT):
        return f"{key.platform} {key.target} (direct message)"
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
        attempt = 0
        while True:
            attempt = await self.writer.write(lambda db: ledger.start_attempt(db, delivery.id))
            self.observe("attempting", delivery.id)
            try:
                await self.publish(delivery.post)
            except DeliveryError as error:
                if error.transient and attempt < self.max_attempts:
                    wait = self.backoff(attempt)
                    log.warning("%s to %s: %s; retrying in %.0f s (attempt %d of %d)",
                                delivery.label, describe_target(delivery.key), error, wait,
                                attempt, self.max_attempts)
                    await self.sleep(wait)
                    continue
                reason = str(error) if not error.transient else (
                    f"{error} (gave up after {attempt} attempts)")
                return await self._failed(delivery, reason)
            except Exception as error:
                # An adapter bug, not a platform answer: still a failure the team must see.
                log.exception("%s to %s failed unexpectedly", delivery.label,
                              describe_target(delivery.key))
                return await self._failed(delivery, f"unexpected error ({type(error).__name__})")
            self.observe("posted", delivery.id)
            await self.writer.write(partial(ledger.finish, delivery_id=delivery.id,
                                            status="sent", now=self.clock()))
            self.observe("sent", delivery.id)
            return "sent"

    async def _failed(self, delivery: Delivery, reason: str) -> str:
        now = self.clock()
        await self.writer.write(lambda db: ledger.finish(db, delivery.id, "failed", now, reason))
        self.observe("failed", delivery.id)
        log.warning("%s to %s failed: %s", delivery.label, describe_target(delivery.key), reason)
        fields = [Field("Why", reason)]
        if delivery.retry_hint:
            fields.append(Field("What to do", delivery.retry_hint))
        await self.notify(
            Reply(f"Could not post {delivery.label} to {describe_target(delivery.key)}.",
                  fields=tuple(fields), private=False, ok=False,
                  meta={"delivery_id": delivery.id, "status": "failed"}),
            delivery.key.platform,
        )
        return "failed"
