"""Savepoints: one write inside a shared transaction that may fail alone.

The scheduler's group commit (bot/scheduling/writer.py) runs many small writes in one
transaction; each runs inside a savepoint, so one that fails is undone without undoing the
others. The same SQL on SQLite and PostgreSQL (where a failed statement would otherwise
poison the whole transaction).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.store.connection import Database


@contextmanager
def savepoint(db: Database, name: str = "write") -> Iterator[None]:
    """Run the block's writes as one unit inside the caller's transaction: kept when it ends
    normally, undone (and the error raised again) when it raises."""
    db.execute(f"savepoint {name}")
    try:
        yield
    except BaseException:
        db.execute(f"rollback to {name}")
        db.execute(f"release {name}")
        raise
    db.execute(f"release {name}")
