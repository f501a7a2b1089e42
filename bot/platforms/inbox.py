"""The durable inbox: a customer message is on disk before the platform is told "received".

Slack redelivers an event only while it is not acknowledged; once it is, a message that was
only in memory is lost with the process. So each customer message is written to the `inbox`
table (in a worker thread, with its own database connection, see bot/store/inbox.py: a locked
or slow disk never holds up the event loop) before the acknowledgement, and marked done once
handled (stored, suggested, reviewed). Whatever is still `new` is handled again: at the next
start, or by the retry loop when handling failed.

When the write itself fails (disk full, the database locked past the busy timeout) the message
is not acknowledged: the adapter answers Slack with an error, and Slack delivers it again (a
few times over about five minutes), which is a better store than this process's memory, gone
with a kill. The team is told once per outage, in the review channel and in the log; once a
write succeeds again, `on_recovered` runs (the adapter reads back the channels' history, for
what Slack stopped retrying meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.types import Reply
from bot.store import BUSY_TIMEOUT_MS, close
from bot.store import inbox as store
from bot.store.connection import Database
from bot.store.failures import DATABASE_ERRORS, passes

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
# Handled messages are kept this long (to drop a late redelivery, and to look back on), then
# deleted, checked every PRUNE_SECONDS: the table does not grow with every message for good.
KEEP_HANDLED = timedelta(days=2)
PRUNE_SECONDS = 600.0
MAX_ATTEMPTS = 5
# How many messages are handled at once. The others wait in the inbox table (on disk, and
# acknowledged) and are taken in the order they came as handling frees up: a burst, or an
# engine slower than the messages arriving, costs disk rows, not a task and a request in
# memory for every message received (they piled up by the thousand, and memory with them).
MAX_IN_HAND = 32
# Shorter than the database's usual wait: the acknowledgement waits for this write, and Slack
# gives three seconds.
WRITE_TIMEOUT_MS = min(BUSY_TIMEOUT_MS, 1500)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
Notify = Callable[[Reply], Awaitable[None]]


class Inbox:
    def __init__(self, target: str, platform: str, handler: Handler, notify: Notify, *,
                 retry_seconds: float = RETRY_SECONDS,
                 write_timeout_ms: int = WRITE_TIMEOUT_MS,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 on_recovered: Callable[[], Awaitable[None]] | None = None,
                 max_in_hand: int = MAX_IN_HAND):
        self.target = target  # the database: a SQLite path or a PostgreSQL URL
        self.platform = platform
        self.handler = handler
        self.notify = notify
        self.retry_seconds = retry_seconds
        self.write_timeout_ms = write_timeout_ms
        self.clock = clock
        self.on_recovered = on_recovered
        self.max_in_hand = max_in_hand
        # Messages wait on disk for room: the loop takes them, oldest first, and new ones
        # queue behind them until none is left waiting.
        self.backlog = False
        self._taken_up_to = 0  # the inbox id of the last backlog message taken
        # The loop takes the backlog when this much room is free, not at every message done:
        # each round is a read of the database.
        self._room_to_take = max(1, max_in_hand // 4)
        self._wake = asyncio.Event()  # room was made, or a message went to the backlog
        self.refused = 0  # messages not acknowledged in this outage: the disk refused them
        self.failing = False  # the last write failed; the team was told
        self.outages = 0  # how many times the team was told
        self._active: set[str] = set()  # keys being handled right now
        self._held: set[str] = set()  # keys a catch-up handles in order: the loop leaves them
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"{platform}-inbox")
        self._conn: Database | None = None
        self._task: asyncio.Task | None = None
        self._jobs: set[asyncio.Task] = set()

    # ---- the worker thread's connection ------------------------------------------------------

    async def _run(self, work: Callable[..., Any], *args: Any) -> Any:
        """Run a bot.store.inbox function in the worker thread, on the inbox's connection."""
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._fresh_after_failure, work, args)

    def _fresh_after_failure(self, work: Callable[..., Any], args: tuple) -> Any:
        """After a database error the connection is reopened, as one that met a full disk
        can keep failing once space has returned."""
        try:
            return work(self._db(), self.platform, *args)
        except DATABASE_ERRORS:
            self._close()
            raise

    def _db(self) -> Database:
        if self._conn is None:
            self._conn = store.open_inbox(self.target, self.write_timeout_ms)
        return self._conn

    # ---- what the adapter calls ----------------------------------------------------------------

    async def keep(self, key: str, body: dict[str, Any]) -> bool:
        """Write the message before it is acknowledged. True once it is on disk; False when
        the disk refused it: then it must not be acknowledged (nothing holds it)."""
        try:
            await self._run(store.keep, key, body, self.clock())
        except DATABASE_ERRORS as error:
            self.refused += 1
            self._failed(error)
            return False
        if self.failing:
            self.failing = False
            log.warning("the database accepts customer messages again (%d were refused and "
                        "left to the platform's retries)", self.refused)
            self.refused = 0
            if self.on_recovered is not None:
                self._spawn(self.on_recovered())
        return True

    async def catch_up(self, items: list[tuple[str, dict[str, Any]]]) -> int:
        """Keep messages read back from history (oldest first) in one write, then handle them
        one at a time in that order; how many were kept (0 when the disk refused them: they
        are still in the platform's history for the next start). A stop in the middle leaves
        the rest `new`, for the next start's first round."""
        if not items:
            return 0
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                await self._run(store.keep_many, items, self.clock())
                break
            except DATABASE_ERRORS as error:
                log.warning("could not keep %d messages read back from %s's history (%s)%s",
                            len(items), self.platform, error,
                            "; trying again" if attempt < MAX_ATTEMPTS else "")
                if attempt == MAX_ATTEMPTS:
                    return 0
                await asyncio.sleep(self.retry_seconds)
        keys = [key for key, _ in items]
        self._held.update(keys)
        try:
            for key, body in items:
                self._held.discard(key)
                await self._handle(key, body)  # one at a time already: no room to wait for
        finally:
            self._held.difference_update(keys)
        return len(items)

    async def handle(self, key: str, body: dict[str, Any]) -> None:
        """Handle a kept message now, or leave it on disk for the loop to take in its turn
        when `max_in_hand` messages are being handled, or older ones wait there already."""
        if self.backlog or len(self._active) >= self.max_in_hand:
            self.backlog = True
            self._wake.set()
            return
        await self._handle(key, body)

    async def _handle(self, key: str, body: dict[str, Any]) -> None:
        """Handle a kept message once; done when the handler returns, else tried again. It
        stays in hand until marked, so no round reads it as still waiting."""
        if key in self._active:
            return
        self._active.add(key)
        try:
            await self._handle_and_mark(key, body)
        finally:
            self._active.discard(key)
            if self.backlog and self.max_in_hand - len(self._active) >= self._room_to_take:
                self._wake.set()

    async def _handle_and_mark(self, key: str, body: dict[str, Any]) -> None:
        try:
            await self.handler(body)
        except Exception as error:
            if passes(error):
                # The database is full or locked: it passes, so it does not count as an
                # attempt.
                log.warning("%s message %s not handled yet (%s); it stays in the inbox and "
                            "is tried again", self.platform, key, error)
                return
            log.exception("handling %s message %s failed; it stays in the inbox and is tried "
                          "again", self.platform, key)
            await self._after_failure(key)
            return
        try:
            await self._run(store.mark, key, store.DONE)
        except DATABASE_ERRORS as error:
            # Handled, but not marked: handling it again is harmless (messages are unique).
            log.warning("could not mark %s as handled: %s", key, error)

    async def _after_failure(self, key: str) -> None:
        try:
            attempts = await self._run(store.count_attempt, key)
            if attempts >= MAX_ATTEMPTS:
                await self._run(store.mark, key, store.FAILED)
                log.error("%s message %s could not be handled after %d attempts; it is kept "
                          "in the inbox table (status failed)", self.platform, key, attempts)
        except DATABASE_ERRORS as error:
            log.warning("could not count the attempt for %s: %s", key, error)

    def _failed(self, error: Exception) -> None:
        """A write failed: the first failure of an outage is told to the team, once."""
        if self.failing:
            return
        self.failing = True
        self.outages += 1
        log.error("could not store a customer message (%s); messages are not acknowledged, "
                  "so the platform delivers them again, until the disk accepts them", error)
        self._spawn(self._tell_team(str(error)))

    async def _tell_team(self, problem: str) -> None:
        try:
            await self.notify(Reply(
                f"Nudge cannot store customer messages right now ({problem}). They are not "
                "acknowledged, so Slack delivers them again for a few minutes, and the "
                "channels are read back once the database accepts them; please free disk "
                "space or close what holds the database.",
                private=False, ok=False, meta={"problem": "inbox_write_failed"}))
        except Exception:
            log.exception("could not tell the team that messages cannot be stored")

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._jobs.add(task)
        task.add_done_callback(self._jobs.discard)

    # ---- the retry loop ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the retry loop (its first round handles what a previous run left)."""
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=f"{self.platform}-inbox")

    async def _loop(self) -> None:
        pruned_at = float("-inf")
        while True:
            try:
                if self.backlog:
                    await self.take_backlog()
                else:
                    await self.retry_once()
                if asyncio.get_running_loop().time() - pruned_at >= PRUNE_SECONDS:
                    pruned_at = asyncio.get_running_loop().time()
                    await self.prune()
            except Exception:  # the loop must outlive any one failure
                log.exception("the inbox retry round failed; trying again")
            await self._rest()

    async def _rest(self) -> None:
        """Until room is made for the backlog, or the next retry round is due."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.retry_seconds)
        self._wake.clear()

    async def take_backlog(self) -> None:
        """Start handling the oldest messages waiting on disk, as many as there is room for;
        the backlog ends once none is left waiting."""
        room = self.max_in_hand - len(self._active)
        if room <= 0:
            return
        try:
            waiting = await self._run(store.waiting_after, self._taken_up_to, room)
        except DATABASE_ERRORS as error:
            log.warning("could not read the inbox: %s", error)
            return
        if waiting:
            self._taken_up_to = waiting[-1].id
        for message in waiting:
            if message.key in self._active or message.key in self._held:
                continue
            self._active.add(message.key)  # taken now: the next round must not take it too
            self._spawn(self._handle_taken(message.key, message.body))
        if len(waiting) < room:
            # Everything kept is taken; what failed meanwhile is the retry round's again.
            self.backlog = False

    async def _handle_taken(self, key: str, body: dict[str, Any]) -> None:
        self._active.discard(key)
        await self._handle(key, body)

    async def prune(self) -> int:
        """Delete the messages handled more than KEEP_HANDLED ago; how many were deleted."""
        try:
            return await self._run(store.prune, self.clock() - KEEP_HANDLED)
        except DATABASE_ERRORS as error:
            log.warning("could not delete old handled messages from the inbox: %s", error)
            return 0

    async def retry_once(self) -> None:
        """Handle what is waiting on disk (left by a failure, or by a previous run)."""
        before = self.clock() - timedelta(seconds=self.retry_seconds)
        try:
            waiting = await self._run(store.waiting, before)
        except DATABASE_ERRORS as error:
            log.warning("could not read the inbox: %s", error)
            return
        for message in waiting:
            if message.key not in self._active and message.key not in self._held:
                self._spawn(self.handle(message.key, message.body))
                if self.backlog:
                    return  # the rest are taken in turn

    async def finish(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) for the handling the retry loop started."""
        pending = [job for job in self._jobs if not job.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)

    async def stop(self, timeout: float = 5.0) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.finish(timeout)
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close)
        self._executor.shutdown(wait=False)

    def _close(self) -> None:
        if self._conn is not None:
            close(self._conn)
            self._conn = None
