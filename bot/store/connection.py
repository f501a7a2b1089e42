"""The one place that opens a database: a SQLite file by default, PostgreSQL by URL.

`open_db(target)` takes what `database_target()` in bot/config.py gives: the config's
storage.path, or the NUDGE_DATABASE_URL secret (`postgresql://…`) when it is set. Both kinds of
database answer the same calls, so nothing above the store asks which one it has.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from bot.store import sqlite
from bot.store.errors import DatabaseProblem

T = TypeVar("T")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# A SQLite database (sqlite_utils.Database) or a PostgresDatabase: the same calls on both.
Database = Any


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(POSTGRES_SCHEMES)


def backend(db: Database) -> str:
    """"sqlite" or "postgresql"."""
    return getattr(db, "backend", "sqlite")


def open_db(target: str | Path, *, pool_size: int = 8) -> Database:
    """Open (creating and migrating if needed) the database at `target`: a path or a URL.

    A database Nudge cannot use raises DatabaseProblem with one line saying what to do; a
    PostgreSQL URL's password never appears in it.
    """
    if not is_postgres(target):
        return sqlite.open_db(target)
    import psycopg
    from psycopg_pool import PoolTimeout

    from bot.store.postgres import PostgresDatabase, mask

    db = PostgresDatabase(str(target), max_size=pool_size)
    try:
        return db.open()
    except (psycopg.Error, PoolTimeout) as error:
        db.close()
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DatabaseProblem(f"{mask(str(target))}: cannot be used ({mask(first)[:160]}). "
                              "Check NUDGE_DATABASE_URL and that the server is running.") from None
    except DatabaseProblem:
        db.close()
        raise


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    """One atomic unit of work: every statement inside stands or falls together."""
    if isinstance(db, sqlite_utils.Database):
        with sqlite.transaction(db):
            yield
    else:
        with db.transaction():
            yield


async def off_loop(db: Database, work: Callable[[], T]) -> T:
    """Run `work` (store calls) without holding up the event loop where that matters.

    On PostgreSQL each call is a network round trip, so the work runs in the database's own
    worker thread, one piece at a time and in order, as it would on the loop. On SQLite it
    runs right here: its calls take microseconds and its one connection belongs to the loop.
    """
    if backend(db) != "postgresql":
        return work()
    return await asyncio.get_running_loop().run_in_executor(db.worker, work)


def close(db: Database) -> None:
    db.conn.close()
