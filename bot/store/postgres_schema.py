"""PostgreSQL's schema: numbered SQL files in bot/store/migrations/, recorded in schema_migrations.

The same tables and columns as SQLite's (tests/store/test_schemas.py keeps them in step), with
PostgreSQL's own types. Several Nudge processes may start at once against one server: the
first to take the advisory lock migrates, the others wait for it and find nothing left to do.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

FOLDER = Path(__file__).with_name("migrations")
# Any number both sides agree on; only Nudge's migrations take this lock.
MIGRATION_LOCK = 7_265_111_001

# Each table's primary key, for upserts and `get`.
KEYS: dict[str, tuple[str, ...]] = {
    "customers": ("id",), "conversations": ("id",), "messages": ("id",),
    "suggestions": ("id",), "feedback": ("id",), "promotions": ("id",),
    "deliveries": ("id",), "reminders": ("id",), "opt_outs": ("customer_id",),
    "audit_log": ("id",), "routines": ("name",), "platform_errors": ("id",),
    "links": ("token",), "clicks": ("id",), "redemptions": ("id",), "inbox": ("id",),
    "uploads": ("id",), "corrections": ("id",), "model_refits": ("id",),
    "knowledge_gaps": ("id",),
}


def migrations() -> list[tuple[int, str, str]]:
    """(number, name, SQL) for every file, in order; a file is never edited once shipped."""
    found = []
    for path in sorted(FOLDER.glob("*.sql")):
        number, _, name = path.stem.partition("_")
        found.append((int(number), name, path.read_text(encoding="utf-8")))
    return found


def schema_version(conn: psycopg.Connection) -> int:
    exists = conn.execute("select to_regclass('schema_migrations')").fetchone()
    if exists is None or exists[0] is None:
        return 0
    row = conn.execute("select coalesce(max(version), 0) from schema_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: psycopg.Connection) -> int:
    """Apply every migration newer than the database's, each in its own transaction."""
    from bot.store.errors import DatabaseProblem

    conn.execute("select pg_advisory_lock(%s)", [MIGRATION_LOCK])
    try:
        conn.execute("create table if not exists schema_migrations (version integer primary key,"
                     " name text not null, applied_at timestamptz not null default now())")
        known = migrations()
        version = schema_version(conn)
        if version > len(known):
            raise DatabaseProblem(
                f"the PostgreSQL database was written by a newer version of Nudge (schema "
                f"{version}; this version knows up to {len(known)}). Upgrade Nudge.")
        for number, name, sql in known:
            if number <= version:
                continue
            with conn.transaction():
                conn.execute(sql)  # type: ignore[arg-type]
                conn.execute("insert into schema_migrations (version, name) values (%s, %s)",
                             [number, name])
        return schema_version(conn)
    finally:
        conn.execute("select pg_advisory_unlock(%s)", [MIGRATION_LOCK])
