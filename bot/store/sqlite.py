"""The embedded default: one SQLite file, through sqlite-utils, in WAL mode with a busy timeout."""

from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import sqlite_utils

from bot.store.errors import DatabaseProblem
from bot.store.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 5000
MEMORY = ":memory:"
# The write-ahead log is copied into the database every this many pages (SQLite's own default,
# set here so that a build compiled otherwise cannot leave it growing), and cut back to this
# size when it starts over: one big transaction must not leave a huge file for good.
WAL_AUTOCHECKPOINT_PAGES = 1000
WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024
# In WAL mode, NORMAL commits without waiting for the disk (a commit survives Nudge crashing,
# not the machine losing power before the next sync): one disk sync per write on the event
# loop was most of what a customer message cost on a busy disk (issue 26). The inbox, whose
# write is what a platform's acknowledgement stands on, keeps FULL on its own connection; its
# sync also flushes every write made before it.
MAIN_SYNCHRONOUS = "NORMAL"



@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One atomic unit of work: every statement inside stands or falls together.

    sqlite-utils' table calls (insert(), upsert(), ...) may be used inside it too: with the
    pinned 4.2.1 they see the open transaction and nest as a savepoint, committing nothing
    early (tests/store/test_audit.py holds that). The connection runs in autocommit mode so a
    plain write is durable at once and no lock is held between statements; this opens an
    explicit IMMEDIATE transaction when several statements must stand or fall together.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        # Also when COMMIT itself failed (a full disk): a transaction left open would hold
        # the write lock and swallow every later statement of this connection.
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise



def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration newer than the file's version, each in its own transaction."""
    version = schema_version(db)
    for number, migration in enumerate(MIGRATIONS, start=1):
        if number <= version:
            continue
        with transaction(db):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    return schema_version(db)


@functools.cache
def expected_columns() -> dict[str, frozenset[str]]:
    """Every table and column the migrations create, read from a scratch in-memory database."""
    db = sqlite_utils.Database(sqlite3.connect(MEMORY, isolation_level=None))
    migrate(db)
    columns = {table: frozenset(db[table].columns_dict) for table in db.table_names()}
    db.conn.close()
    return columns




def _check_newer(db: sqlite_utils.Database, path: str | Path) -> None:
    version = schema_version(db)
    if version > len(MIGRATIONS):
        raise DatabaseProblem(
            f"{path}: was written by a newer version of Nudge (schema {version}; this version "
            f"knows up to {len(MIGRATIONS)}). Upgrade Nudge, or set storage.path to another file."
        )


def _check_intact(db: sqlite_utils.Database, path: str | Path) -> None:
    """PRAGMA quick_check: a damaged file is refused at start, not found out mid-send."""
    rows = [row[0] for row in db.execute("PRAGMA quick_check(3)").fetchall()]
    if rows != ["ok"]:
        raise DatabaseProblem(f"{path}: is damaged ({rows[0][:80]}). Restore it from a backup, "
                              "or move it aside to start with an empty database.")


def _check_schema(db: sqlite_utils.Database, path: str | Path) -> None:
    """Every table and column Nudge reads must be there (a file edited by hand may lack one)."""
    present = {table: set(db[table].columns_dict) for table in db.table_names()}
    for table, columns in sorted(expected_columns().items()):
        missing = sorted(columns - present.get(table, set()))
        if table not in present or missing:
            what = f"has no table {table}" if table not in present else (
                f"table {table} has no column {missing[0]}")
            raise DatabaseProblem(f"{path}: {what}, which Nudge needs; something else changed "
                                  "the file. Restore it from a backup, or move it aside to start "
                                  "with an empty database.")


def _explain(path: str | Path, error: sqlite3.Error) -> DatabaseProblem:
    """One line for a SQLite error met while opening `path`: what is wrong and what to do."""
    message = str(error)
    lowered = message.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseProblem(f"{path}: is read-only ({message}). Nudge writes to its database: "
                               "make the file and its folder writable for this user.")
    if "unable to open" in lowered or "disk i/o" in lowered or "permission" in lowered:
        return DatabaseProblem(f"{path}: cannot be opened ({message}). Check that the file and "
                               "its folder exist and are readable and writable for this user.")
    if "locked" in lowered or "busy" in lowered:
        return DatabaseProblem(f"{path}: is locked by another program ({message}). Close it "
                               "(a database browser, another Nudge) and try again.")
    return DatabaseProblem(f"{path}: is not a Nudge database or is damaged ({message}). Restore "
                           "it from a backup, or move it aside to start with an empty database.")


def _connect(path: str | Path) -> sqlite_utils.Database:
    if str(path) != MEMORY:
        folder = Path(path).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseProblem(f"{path}: its folder {folder} cannot be created "
                                  f"({error.strerror}). Check storage.path in the config."
                                  ) from None
        if Path(path).is_dir():
            raise DatabaseProblem(f"{path}: is a folder, not a database file. Set storage.path "
                                  "to a file, such as ./data/nudge.db.")
        # Reading would work, but the first write (a customer message, a claimed send) would
        # not: say so now. SQLite also writes its -wal and -shm files in the folder.
        for place in (Path(path), folder):
            if place.exists() and not os.access(place, os.W_OK):
                raise DatabaseProblem(f"{path}: is read-only ({place} cannot be written). Nudge "
                                      "writes to its database: make the file and its folder "
                                      "writable for this user.")
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    return sqlite_utils.Database(conn)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database file, in WAL mode with a busy timeout, migrated.

    A file Nudge cannot use (unreadable, damaged, read-only, from a newer Nudge, missing a
    column) raises DatabaseProblem with one line naming the file and what to do.
    """
    db = _connect(path)
    try:
        _check_newer(db, path)
        _check_intact(db, path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        if str(path) != MEMORY:
            db.enable_wal()
            db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
            db.execute(f"PRAGMA synchronous = {MAIN_SYNCHRONOUS}")
            db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT_BYTES}")
        migrate(db)
        _check_schema(db, path)
    except sqlite3.Error as error:
        db.conn.close()
        raise _explain(path, error) from None
    except DatabaseProblem:
        db.conn.close()
        raise
    return db


class ProcessLock:
    """One running Nudge per database: an exclusive lock on `<database>.lock` beside it.

    The operating system drops the lock when the process ends, however it ends (even SIGKILL),
    so a crash never leaves a stale lock behind. The file holds the holder's process id, for
    the message a second process shows.
    """

    def __init__(self, db_path: str | Path):
        self.db_path = db_path
        self.path = Path(f"{db_path}.lock")
        self.handle: IO[str] | None = None

    def acquire(self) -> None:
        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        except OSError as error:
            raise DatabaseProblem(f"{self.db_path}: its lock file {self.path} cannot be created "
                                  f"({error.strerror}). Make the folder writable.") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()[:20] or "unknown"
            handle.close()
            raise DatabaseProblem(
                f"{self.db_path}: another Nudge is already running on this file (process "
                f"{holder}). Stop it first, or give this one its own storage.path."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


