"""Heavy reads off the event loop: the digest, stats and the Home tab run in a reader process.

Every adapter shares one asyncio loop, so a command that reads for 100 ms holds up every
acknowledgement behind it (Slack and Discord give three seconds). Commands that only read run
in a separate process instead, with a read-only database of its own on the same target (see
bot/store/reading.py; on SQLite, WAL lets it read while the loop writes): neither the loop nor
the GIL is held up, so 200 digests at once leave customer messages acknowledged in
milliseconds (bench/delivery_faults.py).

The reader gets the application's config and the time of the request (so a test clock holds
there too); it has no engine, scheduler or LLM: only what reading needs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from bot.config import Config
from bot.core.context import Context
from bot.core.types import Reply, Request
from bot.store import reading
from handlers.router import strip_prefix

T = TypeVar("T")

# Commands that only read the database, and are the slow ones: run in the reader.
# gaps: the knowledge gaps, grouped by sentence embeddings (tens of ms to a second).
READ_ONLY_COMMANDS = frozenset({"digest", "stats", "tests", "gaps"})  # tests: the A/B tests
# Commands that run the suggestion engine and write nothing: in the engine's worker thread.
ENGINE_COMMANDS = frozenset({"suggest"})

_reader_ctx: Context | None = None  # in the reader process


def command_name(text: str) -> str:
    return strip_prefix(text).partition(" ")[0].lower() or "help"


def _open_reader(config: Config, target: str) -> None:
    """The reader process's start: a read-only database and the command router."""
    global _reader_ctx
    from handlers.registry import build_router

    _reader_ctx = Context(config=config, db=reading.open_reader(target), router=build_router())


def _in_reader(work: Callable[..., T], args: tuple, now: datetime) -> T:
    ctx = dataclasses.replace(_reader_ctx, clock=lambda: now)
    with reading.read_only(ctx.db):
        return work(ctx, *args)


def dispatch_command(ctx: Context, request: Request) -> Reply:
    return ctx.router.dispatch(request, ctx)


class Readers:
    """Runs `work(ctx, *args)` (a module-level function) in the reader process, which reads
    the same database as `ctx.db`."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.target = reading.target_of(ctx.db)  # None: in memory, read on the loop
        self._pool: ProcessPoolExecutor | None = None

    @property
    def usable(self) -> bool:
        return self.target is not None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_open_reader, initargs=(self.ctx.config, self.target))
        return self._pool

    async def read(self, work: Callable[..., T], *args: Any) -> T:
        """`work(ctx, *args)` in the reader (on the loop when the database is in memory)."""
        if not self.usable:
            return work(self.ctx, *args)
        return await asyncio.get_running_loop().run_in_executor(
            self._executor(), _in_reader, work, args, self.ctx.now())

    async def dispatch(self, request: Request) -> Reply:
        """Run a command: read-only ones in the reader, the rest on the loop (they write, and
        the loop's connection is the one writer)."""
        if command_name(request.text) in READ_ONLY_COMMANDS:
            return await self.read(dispatch_command, request)
        return dispatch_command(self.ctx, request)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
