"""Heavy reads off the event loop: the digest, stats and the Home tab run in a worker thread.

Every adapter shares one asyncio loop, so a command that reads for 100 ms holds up every
acknowledgement behind it (Slack and Discord give three seconds). Commands that only read run
here instead, in one worker thread with its own read-only SQLite connection (WAL lets it read
while the loop writes): the loop stays free to acknowledge.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import sqlite_utils

from bot.storage import BUSY_TIMEOUT_MS
from handlers.context import Context
from handlers.router import strip_prefix
from handlers.types import Reply, Request

T = TypeVar("T")

# Commands that only read the database (and are the slow ones): run off the loop.
READ_ONLY_COMMANDS = frozenset({"help", "digest", "stats", "experiments"})


def command_name(text: str) -> str:
    return strip_prefix(text).partition(" ")[0].lower() or "help"


class Readers:
    """One worker thread with a read-only connection, running `work(ctx)` off the loop."""

    def __init__(self, ctx: Context, path: str):
        self.ctx = ctx
        self.path = path
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="nudge-reader")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []

    @property
    def usable(self) -> bool:
        return self.path != ":memory:"

    def _reader_ctx(self) -> Context:
        ctx = getattr(self._local, "ctx", None)
        if ctx is None:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")  # a slip into writing fails, loudly
            self._connections.append(conn)
            ctx = dataclasses.replace(self.ctx, db=sqlite_utils.Database(conn))
            self._local.ctx = ctx
        return ctx

    async def read(self, work: Callable[[Context], T]) -> T:
        """`work(ctx)` in the reader thread (on the loop when the database is in memory)."""
        if not self.usable:
            return work(self.ctx)
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, lambda: work(self._reader_ctx()))

    async def dispatch(self, request: Request) -> Reply:
        """Run a command: read-only ones in the reader thread, the rest on the loop (they
        write, and the loop's connection is the one writer)."""
        router = self.ctx.router
        if command_name(request.text) in READ_ONLY_COMMANDS:
            return await self.read(lambda ctx: router.dispatch(request, ctx))
        return router.dispatch(request, self.ctx)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        for conn in self._connections:
            conn.close()
        self._connections.clear()
