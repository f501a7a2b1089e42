"""What a database's failure looks like, on either backend, for code that must outlive one.

Code above the store does not import sqlite3 or psycopg to catch their errors: the inbox, the
click writer and the like catch these tuples instead, and ask `passes()` whether a failure is
one that goes away by itself (a full disk, a lock held too long, a server restarting) rather
than a mistake in what was asked.
"""

from __future__ import annotations

import sqlite3

import psycopg
from psycopg_pool import PoolTimeout

from bot.store.errors import DatabaseProblem

# Any failure of the database (or of opening it) on either backend.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.Error, psycopg.Error, PoolTimeout, DatabaseProblem)

# Failures that pass: SQLite's "database is locked" and "disk is full", PostgreSQL's lock and
# statement timeouts, a lost connection, no free connection in the pool.
PASSING_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.OperationalError, psycopg.OperationalError, PoolTimeout)


def passes(error: BaseException) -> bool:
    """Whether `error` is the database being unavailable for a while, not a wrong request."""
    return isinstance(error, PASSING_ERRORS)
