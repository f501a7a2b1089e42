"""The durable inbox: a customer message is on disk before the platform is told "received".

Slack redelivers an event only while it is not acknowledged; once it is, a message that was
only in memory is lost with the process. So each customer message is written to the `inbox`
table (in a worker thread, with its own SQLite connection: a locked or slow disk never holds up
the event loop) before the acknowledgement, and marked done once handled (stored, suggested,
reviewed). Whatever is still `new` is handled again: at the next start, or by the retry loop
when handling failed.

When the write itself fails (disk full, the database locked past the busy timeout) the message
is not acknowledged: the adapter answers Slack with an error, and Slack delivers it again (a
few times over about five minutes), which is a better store than this process's memory, gone
with a kill. The team is told once per outage, in the review channel and in the log; once a
write succeeds again, `on_recovered` runs (the adapter reads back the channels' history, for
what Slack stopped retrying meanwhile).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.types import Reply
from bot.store import BUSY_TIMEOUT_MS, iso

log = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
# Handled messages are kept this long (to drop a late redelivery, and to look back on), then
# deleted, checked every PRUNE_SECONDS: the table does not grow with every message for good.
KEEP_HANDLED = timedelta(days=2)
PRUNE_SECONDS = 600.0
MAX_ATTEMPTS = 5
# Shorter than the database's usual wait: the acknowledgement waits for this write, and Slack
# gives three seconds.
WRITE_TIMEOUT_MS = min(BUSY_TIMEOUT_MS, 1500)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
Notify = Callable[[Reply], Awaitable[None]]


class Inbox:
    def __init__(self, path: str, platform: str, handler: Handler, notify: Notify, *,
                 retry_seconds: float = RETRY_SECONDS,
                 write_timeout_ms: int = WRITE_TIMEOUT_MS,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 on_recovered: Callable[[], Awaitable[None]] | None = None):
        self.path = path
        self.platform = platform
        self.handler = handler
        self.notify = notify
        self.retry_seconds = retry_seconds
        self.write_timeout_ms = write_timeout_ms
        self.clock = clock
        self.on_recovered = on_recovered
        self.refused = 0  # messages not acknowledged in this outage: the disk refused them
        self.failing = False  # the last write failed; the team was told
        self.outages = 0  # how many times the team was told
        self._active: set[str] = set()  # keys being handled right now
        self._held: set[str] = set()  # keys a catch-up handles in order: the loop leaves them
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"{platform}-inbox")
        self._conn: sqlite3.Connection | None = None
        self._task: asyncio.Task | None = None
        self._jobs: set[asyncio.Task] = set()

    # ---- the worker thread's connection ------------------------------------------------------

    async def _run(self, work: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._fresh_after_failure, work, args)

    def _fresh_after_failure(self, work: Callable[..., Any], args: tuple) -> Any:
        """Run `work` in the worker thread; after a database error the connection is
        reopened, as one that met a full disk can keep failing once space has returned."""
        try:
            return work(*args)
        except sqlite3.Error:
            self._close()
            raise

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = sqlite3.connect(self.path, timeout=self.write_timeout_ms / 1000,
                                         isolation_level=None, check_same_thread=False)
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.write_timeout_ms)}")
            # On disk, not only in the operating system's cache, before the acknowledgement
            # (the main connection commits without syncing: see bot/storage.py).
            self._conn.execute("PRAGMA synchronous = FULL")
        return self._conn

    def _insert(self, key: str, body: str, at: str) -> None:
        self._db().execute(
            "insert into inbox (platform, event_key, body, received_at, status, attempts) "
            "values (?, ?, ?, ?, 'new', 0) on conflict (platform, event_key) do nothing",
            [self.platform, key, body, at])

    def _insert_many(self, rows: list[tuple[str, str]], at: str) -> None:
        db = self._db()
        db.execute("begin immediate")
        try:
            db.executemany(
                "insert into inbox (platform, event_key, body, received_at, status, attempts) "
                "values (?, ?, ?, ?, 'new', 0) on conflict (platform, event_key) do nothing",
                [(self.platform, key, body, at) for key, body in rows])
        except BaseException:
            db.execute("rollback")
            raise
        db.execute("commit")

    def _mark(self, key: str, status: str) -> None:
        # Without waiting for the disk: a mark lost with the power only means the message is
        # handled again, which is harmless (messages are unique); the keep before the
        # acknowledgement is the write that must be on disk.
        db = self._db()
        db.execute("PRAGMA synchronous = NORMAL")
        try:
            db.execute("update inbox set status = ? where platform = ? and event_key = ?",
                       [status, self.platform, key])
        finally:
            db.execute("PRAGMA synchronous = FULL")

    def _count_attempt(self, key: str) -> int:
        db = self._db()
        db.execute("update inbox set attempts = attempts + 1 where platform = ? and "
                   "event_key = ?", [self.platform, key])
        row = db.execute("select attempts from inbox where platform = ? and event_key = ?",
                         [self.platform, key]).fetchone()
        return row[0] if row else 0

    def _prune(self, before: str) -> int:
        return self._db().execute(
            "delete from inbox where status = 'done' and received_at < ?", [before]).rowcount

    def _waiting(self, before: str) -> list[tuple[str, str]]:
        return self._db().execute(
            "select event_key, body from inbox where platform = ? and status = 'new' and "
            "received_at <= ? order by id", [self.platform, before]).fetchall()

    # ---- what the adapter calls ----------------------------------------------------------------

    async def keep(self, key: str, body: dict[str, Any]) -> bool:
        """Write the message before it is acknowledged. True once it is on disk; False when
        the disk refused it: then it must not be acknowledged (nothing holds it)."""
        try:
            await self._run(self._insert, key, json.dumps(body), iso(self.clock()))
        except sqlite3.Error as error:
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
        rows = [(key, json.dumps(body)) for key, body in items]
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                await self._run(self._insert_many, rows, iso(self.clock()))
                break
            except sqlite3.Error as error:
                log.warning("could not keep %d messages read back from %s's history (%s)%s",
                            len(rows), self.platform, error,
                            "; trying again" if attempt < MAX_ATTEMPTS else "")
                if attempt == MAX_ATTEMPTS:
                    return 0
                await asyncio.sleep(self.retry_seconds)
        keys = [key for key, _ in items]
        self._held.update(keys)
        try:
            for key, body in items:
                self._held.discard(key)
                await self.handle(key, body)
        finally:
            self._held.difference_update(keys)
        return len(items)

    async def handle(self, key: str, body: dict[str, Any]) -> None:
        """Handle a kept message once; done when the handler returns, else tried again."""
        if key in self._active:
            return
        self._active.add(key)
        try:
            await self.handler(body)
        except sqlite3.OperationalError as error:
            # The database is full or locked: it passes, so it does not count as an attempt.
            log.warning("%s message %s not handled yet (%s); it stays in the inbox and is "
                        "tried again", self.platform, key, error)
            return
        except Exception:
            log.exception("handling %s message %s failed; it stays in the inbox and is tried "
                          "again", self.platform, key)
            await self._after_failure(key)
            return
        finally:
            self._active.discard(key)
        try:
            await self._run(self._mark, key, "done")
        except sqlite3.Error as error:
            # Handled, but not marked: handling it again is harmless (messages are unique).
            log.warning("could not mark %s as handled: %s", key, error)

    async def _after_failure(self, key: str) -> None:
        try:
            attempts = await self._run(self._count_attempt, key)
            if attempts >= MAX_ATTEMPTS:
                await self._run(self._mark, key, "failed")
                log.error("%s message %s could not be handled after %d attempts; it is kept "
                          "in the inbox table (status failed)", self.platform, key, attempts)
        except sqlite3.Error as error:
            log.warning("could not count the attempt for %s: %s", key, error)

    def _failed(self, error: sqlite3.Error) -> None:
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
                await self.retry_once()
                if asyncio.get_running_loop().time() - pruned_at >= PRUNE_SECONDS:
                    pruned_at = asyncio.get_running_loop().time()
                    await self.prune()
            except Exception:  # the loop must outlive any one failure
                log.exception("the inbox retry round failed; trying again")
            await asyncio.sleep(self.retry_seconds)

    async def prune(self) -> int:
        """Delete the messages handled more than KEEP_HANDLED ago; how many were deleted."""
        try:
            return await self._run(self._prune, iso(self.clock() - KEEP_HANDLED))
        except sqlite3.Error as error:
            log.warning("could not delete old handled messages from the inbox: %s", error)
            return 0

    async def retry_once(self) -> None:
        """Handle what is waiting on disk (left by a failure, or by a previous run)."""
        before = iso(self.clock() - timedelta(seconds=self.retry_seconds))
        try:
            waiting = await self._run(self._waiting, before)
        except sqlite3.Error as error:
            log.warning("could not read the inbox: %s", error)
            return
        for key, body in waiting:
            if key not in self._active and key not in self._held:
                self._spawn(self.handle(key, json.loads(body)))

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
        await self._run(self._close)
        self._executor.shutdown(wait=False)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
