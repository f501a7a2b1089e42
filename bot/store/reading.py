"""Reading away from the event loop: the digest, stats and the Home tab read for 100 ms or
more on a busy database, which on the loop would hold up every acknowledgement.

They read through a database of their own, opened by `open_db` on the same target as the
loop's: on SQLite a second connection to the file (WAL lets it read while the loop writes),
made read-only so that a slip into writing fails loudly; on PostgreSQL a small pool of its
own (in another process), or the loop's own pool (in another thread: each statement borrows
a connection, and the loop's transactions keep theirs).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.store.connection import Database, backend, is_postgres, open_db
from bot.store.sqlite import MEMORY

READER_POOL_SIZE = 2


def target_of(db: Database) -> str | None:
    """What `db` was opened on (a SQLite file or a PostgreSQL URL), or None for a SQLite
    database in memory, which nothing else can open."""
    if backend(db) == "postgresql":
        return db.url
    path = db.execute("pragma database_list").fetchone()[2]
    return path or None


def open_reader(target: str | Path) -> Database:
    """A database for reading only, on `target`, for another process or thread."""
    if str(target) == MEMORY:
        raise ValueError("a database in memory cannot be read from elsewhere")
    if is_postgres(target):
        return open_db(target, pool_size=READER_POOL_SIZE)
    db = open_db(target)
    db.execute("PRAGMA query_only = ON")  # a slip into writing fails, loudly
    return db


@contextmanager
def apart(db: Database) -> Iterator[Database | None]:
    """A database to read `db`'s data from another thread (None when `db` is in memory: read
    it where it is). Close nothing yourself: leaving the block does."""
    if backend(db) == "postgresql":
        yield db
        return
    target = target_of(db)
    if target is None:
        yield None
        return
    reader = open_reader(target)
    try:
        yield reader
    finally:
        reader.conn.close()
