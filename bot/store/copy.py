"""Moving an install from its SQLite file into an empty PostgreSQL database, all or nothing.

Everything happens in one transaction on the target: the schema, every row (ids kept), each
identity sequence set past the highest id, and a check that every table holds as many rows
as the file. Any failure (a value PostgreSQL cannot hold, a row pointing at nothing, a lost
connection) undoes it all, so the target is left as it was. A target that already has rows is
refused: a copy never mixes two installs. The file is upgraded to this Nudge's schema first,
and no other Nudge may run on it meanwhile (its process lock is held), so no row is missed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

from bot.store import sqlite
from bot.store.errors import DatabaseProblem
from bot.store.maintenance import connect_postgres, postgres_counts


class TargetNotEmpty(DatabaseProblem):
    """The PostgreSQL database already holds rows; nothing was copied."""


@dataclass(frozen=True)
class Copied:
    source: str  # the SQLite file
    target: str  # the URL, password hidden
    counts: dict[str, int]  # rows per table, the same on both sides


def copy_to_postgres(source: str | Path, url: str) -> Copied:
    """Copy the Nudge database in the SQLite file `source` into the PostgreSQL database at
    `url`, which must have no rows. Raises TargetNotEmpty, or DatabaseProblem with one line
    (the password hidden) when the copy cannot be made; the target is then unchanged."""
    import psycopg

    from bot.store.postgres import mask
    from bot.store.postgres_schema import migrate

    if str(source) == sqlite.MEMORY or not Path(source).is_file():
        raise DatabaseProblem(f"{source}: there is no SQLite database there to copy. Check "
                              "storage.path in the config.")
    lock = sqlite.ProcessLock(source)
    lock.acquire()
    try:
        db = sqlite.open_db(source)  # upgraded to this Nudge's schema, like the target
        try:
            with connect_postgres(url) as conn:
                try:
                    with conn.transaction():
                        migrate(conn)
                        filled = {t: n for t, n in postgres_counts(conn).items() if n}
                        if filled:
                            raise TargetNotEmpty(_not_empty(mask(url), filled))
                        counts = _copy_rows(db.conn, conn)
                except psycopg.Error as error:
                    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
                    detail = getattr(getattr(error, "diag", None), "message_detail", None)
                    first += f": {detail}" if detail else ""
                    raise DatabaseProblem(
                        f"{mask(url)}: the copy failed and was undone, the database is as it "
                        f"was ({mask(first)[:200]}).") from None
        finally:
            db.conn.close()
    finally:
        lock.release()
    return Copied(str(source), mask(url), counts)


def _not_empty(where: str, filled: dict[str, int]) -> str:
    some = ", ".join(f"{table}: {count}" for table, count in sorted(filled.items())[:4])
    return (f"{where}: already has rows ({some}{', ...' if len(filled) > 4 else ''}); nothing "
            "was copied. Copy into an empty database (createdb a new one).")


def _copy_rows(source: sqlite3.Connection, conn) -> dict[str, int]:
    """Every Nudge table's rows from `source` into `conn` (inside its transaction); the counts,
    checked equal on both sides."""
    tables = _in_dependency_order(source, list(sqlite.expected_columns()))
    counts: dict[str, int] = {}
    # One read transaction: the rows copied are one moment of the file.
    source.execute("begin")
    try:
        for table in tables:
            kinds = _column_kinds(conn, table)
            missing = sorted(sqlite.expected_columns()[table] - set(kinds))
            if missing:  # the two schemas are kept in step; never drop a column silently
                raise DatabaseProblem(f"{table}: the PostgreSQL schema has no column "
                                      f"{missing[0]}; nothing was copied.")
            columns = sorted(sqlite.expected_columns()[table], key=list(kinds).index)
            counts[table] = _copy_table(source, conn, table, columns, kinds)
    finally:
        source.execute("commit")
    identities = {name for name, in conn.execute(
        "select table_name from information_schema.columns where table_schema = "
        "current_schema() and column_name = 'id' and is_identity = 'YES'")}
    for table, count in counts.items():
        row = conn.execute(f"select count(*), max({_key(table)}) from {table}").fetchone()
        if row[0] != count:
            raise DatabaseProblem(f"{table}: {count} rows in the file but {row[0]} copied; the "
                                  "copy was undone.")
        if table in identities and row[1] is not None:
            # The next row written gets a fresh id, past every copied one.
            conn.execute(f"select setval(pg_get_serial_sequence('{table}', 'id'), {int(row[1])})")
    return counts


def _key(table: str) -> str:
    from bot.store.postgres_schema import KEYS

    return KEYS.get(table, ("id",))[0]


def _in_dependency_order(source: sqlite3.Connection, tables: list[str]) -> list[str]:
    """Tables a row points into (messages -> conversations) before the tables pointing."""
    graph: dict[str, set[str]] = {}
    for table in tables:
        keys = source.execute(f"PRAGMA foreign_key_list({table})").fetchall()
        graph[table] = {row[2] for row in keys if row[2] in tables and row[2] != table}
    return list(TopologicalSorter(graph).static_order())


def _column_kinds(conn, table: str) -> dict[str, str]:
    """The target's columns of `table` and their PostgreSQL types, in table order."""
    return {name: kind for name, kind in conn.execute(
        "select column_name, data_type from information_schema.columns where table_schema = "
        "current_schema() and table_name = %s order by ordinal_position", [table])}


def _copy_table(source: sqlite3.Connection, conn, table: str, columns: list[str],
                kinds: dict[str, str]) -> int:
    converters = [_CONVERT.get(kinds[column], _text) for column in columns]
    key = _key(table)
    rows = source.execute(f"select {', '.join(columns)} from {table} order by {key}")
    count = 0
    with conn.cursor() as cursor, cursor.copy(
            f"copy {table} ({', '.join(columns)}) from stdin") as copy:
        for row in _converted(rows, table, columns, converters, columns.index(key)):
            copy.write_row(row)
            count += 1
    return count


def _converted(rows: Iterator[tuple], table: str, columns: list[str],
               converters: list[Callable[[Any], Any]], key_at: int) -> Iterator[list[Any]]:
    for row in rows:
        out = []
        for column, convert, value in zip(columns, converters, row, strict=True):
            try:
                out.append(None if value is None else convert(value))
            except (TypeError, ValueError, UnicodeDecodeError):
                raise DatabaseProblem(
                    f"{table} {columns[key_at]} {row[key_at]!r}: {column} holds {value!r:.60}, "
                    "which PostgreSQL cannot keep as that column's type; nothing was copied. "
                    "Correct that row in the file (sqlite-utils, Datasette) and copy again."
                ) from None
        yield out


def _timestamp(value: Any) -> datetime | None:
    """ISO 8601 text (as Nudge writes it, UTC) to an aware datetime; naive text is UTC."""
    if value == "":
        return None  # an empty text meant "not yet": timestamptz says so with NULL
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: Any) -> date | None:
    return None if value == "" else date.fromisoformat(str(value))


def _integer(value: Any) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    number = float(value)  # 3.0 kept as a real by SQLite; 3.5 is refused below
    if not number.is_integer():
        raise ValueError("not a whole number")
    return int(number)


def _text(value: Any) -> str:
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if "\x00" in text:
        raise ValueError("PostgreSQL text cannot hold a NUL character")
    return text


def _blob(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "timestamp with time zone": _timestamp, "date": _day, "bigint": _integer,
    "integer": _integer, "double precision": float, "bytea": _blob, "text": _text,
}
