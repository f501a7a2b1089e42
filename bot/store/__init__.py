"""The only code that talks to a database: SQLite (sqlite-utils) or PostgreSQL (psycopg)."""

from bot.store.audit import audit
from bot.store.connection import Database, backend, close, is_postgres, open_db, transaction
from bot.store.errors import DatabaseProblem
from bot.store.schema import MIGRATIONS
from bot.store.sqlite import (
    BUSY_TIMEOUT_MS,
    MEMORY,
    WAL_SIZE_LIMIT_BYTES,
    ProcessLock,
    migrate,
    schema_version,
)
from bot.store.times import iso, utc_now

__all__ = [
    "BUSY_TIMEOUT_MS", "MEMORY", "MIGRATIONS", "WAL_SIZE_LIMIT_BYTES", "Database",
    "DatabaseProblem", "ProcessLock", "audit", "backend", "close", "is_postgres", "iso", "migrate",
    "open_db", "schema_version", "transaction", "utc_now",
]
