"""Group commit: many small writes from concurrent tasks share one database transaction.

When a thousand promotions fall due in the same second, each claims its deliveries, counts an
attempt and records the outcome: three durable commits each. A commit waits for the disk
(about 2 ms with fsync; a round trip and a WAL flush on PostgreSQL), so one at a time they
would take seconds. Here every write requested during one turn of the event loop runs in a
single transaction; a write that fails does not undo the others (the batch runs again with
each write in its own savepoint), and every caller resumes only once the commit is durable:
"claimed" really is on disk before anything is sent. A write may therefore run twice: it must
be a function of the database alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from bot.store import Database, transaction
from bot.store.deliveries import RowBusy
from bot.store.savepoints import savepoint

log = logging.getLogger(__name__)

T = TypeVar("T")
Write = Callable[[Database], Any]


class BatchWriter:
    def __init__(self, db: Database):
        self.db = db
        self._pending: list[tuple[Write, asyncio.Future]] = []
        self._flush_scheduled = False
        self.commits = 0  # for benchmarks: how many transactions the writes took

    async def write(self, work: Callable[[Database], T]) -> T:
        """Run `work(db)` in the next shared transaction; return its result once committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self._pending.append((work, future))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        batch, self._pending, self._flush_scheduled = self._pending, [], False
        try:
            try:
                outcomes = self._run(batch, guarded=False)
            except _Undo:  # one write failed: undo them all, then each in its own savepoint
                outcomes = self._run(batch, guarded=True)
        except Exception as error:  # the commit itself failed: nothing in the batch happened
            log.exception("a batch of %d writes could not be committed", len(batch))
            outcomes = [(future, None, error) for _, future in batch]
        self.commits += 1
        for future, result, error in outcomes:
            if future.cancelled():
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

    def _run(self, batch: list[tuple[Write, asyncio.Future]], *, guarded: bool
             ) -> list[tuple[asyncio.Future, Any, BaseException | None]]:
        """Every write of the batch in one transaction. Unguarded, the first failure undoes
        the lot (_Undo); guarded, each write runs in a savepoint and fails alone. Writes almost
        never fail, and a savepoint is two more round trips to PostgreSQL per write, so the
        batch first runs without them. RowBusy is raised before a write has written anything,
        so it needs no undoing either way."""
        outcomes: list[tuple[asyncio.Future, Any, BaseException | None]] = []
        with transaction(self.db):
            for work, future in batch:
                try:
                    if guarded:
                        with savepoint(self.db):
                            result = work(self.db)
                    else:
                        result = work(self.db)
                except RowBusy as error:
                    outcomes.append((future, None, error))
                except Exception as error:
                    if not guarded:
                        raise _Undo from error
                    outcomes.append((future, None, error))
                else:
                    outcomes.append((future, result, None))
        return outcomes


class _Undo(Exception):
    """A write of an unguarded batch failed: the batch runs again, each write guarded."""
