"""What `nudge db status` and `nudge db upgrade` ask of a database, on either backend.

Status only looks: it never creates a file or applies a migration (opening a database the usual
way, with open_db, migrates it). Upgrade applies what is pending and says what it applied;
run twice, it applies nothing the second time.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from bot.store import postgres_schema, sqlite
from bot.store.connection import is_postgres, open_db
from bot.store.errors import DatabaseProblem
from bot.store.schema import MIGRATIONS


@dataclass(frozen=True)
class Status:
    """Where the database is, how far its schema is, and how many rows each table holds."""

    backend: str  # "sqlite" or "postgresql"
    where: str  # the file's path, or the URL with its password hidden
    exists: bool  # False: a SQLite file not created yet (the first start creates it)
    version: int  # migrations applied
    newest: int  # migrations this Nudge knows
    pending: list[str] = field(default_factory=list)  # names of those not applied yet
    counts: dict[str, int] = field(default_factory=dict)  # rows per table, by name


def migration_names(backend: str) -> list[str]:
    """Every migration's name, oldest first, as the backend numbers them."""
    if backend == "postgresql":
        return [name for _, name, _ in postgres_schema.migrations()]
    return [migration.__name__.lstrip("_") for migration in MIGRATIONS]


def status(target: str | Path) -> Status:
    """The database at `target` as it is now; nothing is created or changed."""
    return _postgres_status(str(target)) if is_postgres(target) else _sqlite_status(target)


def upgrade(target: str | Path) -> tuple[Status, Status]:
    """Apply every pending migration; the status before and after."""
    if not is_postgres(target) and str(target) == sqlite.MEMORY:
        raise DatabaseProblem(f"{target}: an in-memory database keeps nothing between runs; "
                              "there is nothing to upgrade. Set storage.path to a file.")
    before = status(target)
    open_db(target).conn.close()  # opening migrates, under each backend's own lock
    return before, status(target)


def _status(backend: str, where: str, exists: bool, version: int,
            counts: dict[str, int]) -> Status:
    names = migration_names(backend)
    return Status(backend, where, exists, version, len(names), names[version:], counts)


def _sqlite_status(path: str | Path) -> Status:
    if str(path) == sqlite.MEMORY:
        return _status("sqlite", str(path), False, 0, {})
    if not Path(path).exists():
        return _status("sqlite", str(path), False, 0, {})
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True,
                               timeout=sqlite.BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise sqlite._explain(path, error) from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = [row[0] for row in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
            "order by name")]
        counts = {table: conn.execute(f'select count(*) from "{table}"').fetchone()[0]
                  for table in tables}
    except sqlite3.Error as error:
        raise sqlite._explain(path, error) from None
    finally:
        conn.close()
    return _status("sqlite", str(path), True, version, counts)


def connect_postgres(url: str):
    """A plain psycopg connection (autocommit) to `url`; one line without the password when
    it cannot be made."""
    import psycopg

    from bot.store.postgres import mask

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise DatabaseProblem(f"{mask(url)}: cannot be used ({mask(first)[:160]}). Check the "
                              "URL and that the server is running.") from None


def postgres_counts(conn) -> dict[str, int]:
    """Rows per table in the current schema (the migrations' own record aside)."""
    tables = [row[0] for row in conn.execute(
        "select table_name from information_schema.tables where table_schema = "
        "current_schema() and table_type = 'BASE TABLE' and table_name <> 'schema_migrations' "
        "order by table_name")]
    return {table: conn.execute(f'select count(*) from "{table}"').fetchone()[0]
            for table in tables}


def _postgres_status(url: str) -> Status:
    from bot.store.postgres import mask

    with connect_postgres(url) as conn:
        version = postgres_schema.schema_version(conn)
        counts = postgres_counts(conn)
    return _status("postgresql", mask(url), True, version, counts)
