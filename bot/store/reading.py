"""Reading away from the event loop: the digest, stats and the Home tab read for 100 ms or
more on a busy database, which on the loop would hold up every acknowledgement.

They read through a database of their own, opened by `open_db` on the same target as the
loop's: on SQLite a second connection to the file (WAL lets it read while the loop writes);
on PostgreSQL a small pool of its own (in another process), or the loop's own pool (in
another thread: a transaction there holds a connection of its own). Either way they read
inside `read_only`, so that a slip into writing fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.store.connection import Database, backend, is_postgres, open_db, transaction
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
def read_only(db: Database) -> Iterator[None]:
    """Inside the block, any write through `db` fails, loudly: on SQLite the connection is
    query-only; on PostgreSQL the block is one read-only transaction, at repeatable read so
    that every figure of a report is counted at the same moment. (Inside a transaction
    already begun on PostgreSQL, it changes nothing: that one decides.)"""
    if backend(db) == "postgresql":
        if db.conn.in_transaction:
            yield
            return
        with transaction(db):
            db.execute("set transaction isolation level repeatable read, read only")
            yield
        return
    before = db.execute("PRAGMA query_only").fetchone()[0]
    db.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        db.execute(f"PRAGMA query_only = {int(before)}")


@contextmanager
def apart(db: Database) -> Iterator[Database]:
    """`db`'s data to read from another thread, read-only (see read_only). `db` itself when
    it is in memory (nothing else can open it: read it where it is). Leaving the block closes
    what it opened."""
    if backend(db) == "postgresql" or target_of(db) is None:
        with read_only(db):
            yield db
        return
    reader = open_reader(target_of(db))
    try:
        with read_only(reader):
            yield reader
    finally:
        reader.conn.close()
