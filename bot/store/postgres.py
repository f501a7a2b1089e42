"""PostgreSQL through psycopg 3 and a connection pool, answering the same calls as SQLite.

The store's modules speak one small dialect: `?` placeholders, `insert or ignore`, and the few
sqlite-utils table calls they use (`db["t"].insert`, `.get`, `.rows_where`, `.count_where`).
`PostgresDatabase` answers them on PostgreSQL, so a store function is written once and runs on
both backends. Timestamps are `timestamptz` columns here; they come back as the same ISO 8601
UTC text SQLite keeps, so code above the store sees one kind of value on either backend.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Dumper
from psycopg_pool import ConnectionPool
from sqlite_utils.db import NotFoundError

from bot.store.errors import DatabaseProblem
from bot.store.postgres_schema import KEYS, migrate

POOL_TIMEOUT_SECONDS = 10.0


class _Unknown(Dumper):
    """Numbers go to the server untyped, as SQLite takes them: `ref_id = ?` with an int matches
    a text column, and `count + ?` still adds. psycopg would otherwise send int8 and PostgreSQL
    refuse to compare it with text."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        if isinstance(obj, bool):
            return b"1" if obj else b"0"
        return str(obj).encode()


def _configure(conn: psycopg.Connection) -> None:
    for kind in (int, float, bool):
        conn.adapters.register_dumper(kind, _Unknown)
    conn.execute("set time zone 'UTC'")


def _storable(value: Any) -> Any:
    """PostgreSQL's text cannot hold a NUL character (SQLite's can): one in a customer's
    message, which no chat platform shows anyway, is dropped rather than losing the message."""
    return value.replace("\x00", "") if isinstance(value, str) and "\x00" in value else value


def mask(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _text_of(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="seconds" if moment.microsecond == 0 else "microseconds")


def _plain(value: Any) -> Any:
    """A value as SQLite would have given it back."""
    if isinstance(value, datetime):
        return _text_of(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


class Statement:
    def __init__(self, sql: str, returns_id: bool):
        self.sql = sql
        self.returns_id = returns_id


_INSERT = re.compile(r"^\s*insert\s+(or\s+(ignore|replace)\s+)?into\s+(\w+)\s*(\(([^)]*)\))?",
                     re.IGNORECASE)


def _placeholders(sql: str, named: bool) -> str:
    """`?` (or `:name`) to psycopg's `%s` (or `%(name)s`), and `%` doubled, outside quotes."""
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(sql):
        char = sql[i]
        if quote:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "%":
            out.append("%%")
        elif char == "?" and not named:
            out.append("%s")
        elif char == ":" and named and i + 1 < len(sql) and (sql[i + 1].isalpha() or
                                                             sql[i + 1] == "_"):
            match = re.match(r"[A-Za-z_]\w*", sql[i + 1:])
            assert match is not None
            out.append(f"%({match.group(0)})s")
            i += len(match.group(0))
        else:
            out.append(char)
        i += 1
    return "".join(out)


@lru_cache(maxsize=2048)
def translate(sql: str, named: bool = False) -> Statement:
    """The store's dialect in PostgreSQL's words."""
    text = sql.strip().rstrip(";")
    if re.match(r"(?i)\s*pragma\b", text):
        raise DatabaseProblem(f"PRAGMA is SQLite's own; the store must not send it to "
                              f"PostgreSQL: {text[:60]}")
    returns_id = False
    insert = _INSERT.match(text)
    if insert:
        verb, table, columns = (insert.group(2) or "").lower(), insert.group(3), insert.group(5)
        text = f"insert into {table}" + text[insert.end(3):]
        returning = re.search(r"(?i)\sreturning\s", text)
        head, tail = (text[:returning.start()], text[returning.start():]) if returning else (
            text, "")
        conflict = "on conflict" in head.lower()
        if verb == "ignore" and not conflict:
            head += " on conflict do nothing"
        elif verb == "replace" and not conflict:
            key = KEYS.get(table.lower(), ("id",))
            names = [c.strip() for c in (columns or "").split(",") if c.strip()]
            updates = ", ".join(f"{c} = excluded.{c}" for c in names if c not in key)
            head += (f" on conflict ({', '.join(key)}) do update set {updates}" if updates
                     else " on conflict do nothing")
        if not tail and KEYS.get(table.lower()) == ("id",):
            tail, returns_id = " returning id", True
        text = head + tail
    text = re.sub(r"(?i)\bbegin\s+immediate\b", "begin", text)
    text = re.sub(r"(?i)\bifnull\(", "coalesce(", text)
    text = re.sub(r"(?i)\binstr\(", "strpos(", text)
    text = re.sub(r"(?i)\bas\s+integer\)", "as bigint)", text)
    text = re.sub(r"(?i)(?<![\w.])like\b", "ilike", text)  # SQLite's LIKE ignores case
    return Statement(_placeholders(text, named), returns_id)


class Result:
    """What `execute` returns: the rows already read, so the connection goes back at once."""

    def __init__(self, rows: list[tuple], description: Sequence[Any] | None, rowcount: int,
                 lastrowid: int | None):
        self._rows = rows
        self._next = 0
        self.description = description
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> tuple | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[tuple]:
        rows, self._next = self._rows[self._next:], len(self._rows)
        return rows

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


class _Connection:
    """The few `db.conn` calls code above the store still makes (close, commit, executemany)."""

    def __init__(self, db: PostgresDatabase):
        self._db = db

    @property
    def in_transaction(self) -> bool:
        return self._db.held() is not None

    def commit(self) -> None:
        """Writes outside `transaction()` are already committed (autocommit, as on SQLite)."""

    def close(self) -> None:
        self._db.close()

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)


class PostgresDatabase:
    backend = "postgresql"

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 8):
        self.url = url
        self._local = threading.local()
        self.pool = ConnectionPool(url, min_size=min_size, max_size=max_size,
                                   kwargs={"autocommit": True}, configure=_configure,
                                   timeout=POOL_TIMEOUT_SECONDS, open=False)
        self.conn = _Connection(self)
        # One thread for the store work of a customer message (see connection.off_loop): in
        # order, one at a time, as on the event loop, but no round trip holds the loop up.
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nudge-store")

    def __repr__(self) -> str:
        return f"<PostgresDatabase {mask(self.url)}>"

    def open(self) -> PostgresDatabase:
        self.pool.open(wait=True, timeout=POOL_TIMEOUT_SECONDS)
        with self.pool.connection() as conn:
            migrate(conn)
        return self

    def close(self) -> None:
        self.worker.shutdown(wait=True)
        self.pool.close()

    def held(self) -> psycopg.Connection | None:
        return getattr(self._local, "conn", None)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """The transaction's connection inside `transaction()`, else one from the pool."""
        held = self.held()
        if held is not None:
            yield held
            return
        with self.pool.connection() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.held() is not None:
            yield  # already inside one: it stands or falls as a whole
            return
        with self.pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield
            finally:
                self._local.conn = None

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Result:
        named = isinstance(params, dict)
        statement = translate(sql, named)
        values = {k: _storable(v) for k, v in params.items()} if named else [
            _storable(v) for v in params]
        with self.connection() as conn:
            cursor = conn.execute(statement.sql, values)  # type: ignore[arg-type]
            rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()] if (
                cursor.description) else []
            if statement.returns_id:
                return Result([], None, cursor.rowcount, rows[0][0] if rows else None)
            return Result(rows, cursor.description, cursor.rowcount, None)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        statement = translate(sql)
        text = statement.sql.removesuffix(" returning id") if statement.returns_id else (
            statement.sql)
        with self.connection() as conn, conn.cursor() as cursor:
            cursor.executemany(text, [[_storable(v) for v in row] for row in rows])

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[dict]:
        result = self.execute(sql, params)
        names = [column.name for column in result.description or ()]
        for row in result.fetchall():
            yield dict(zip(names, row, strict=True))

    def table_names(self) -> list[str]:
        return [row[0] for row in self.execute(
            "select table_name from information_schema.tables where table_schema = "
            "current_schema() and table_name <> 'schema_migrations' order by table_name")]

    def __getitem__(self, name: str) -> Table:
        return Table(self, name)


class Table:
    """The sqlite-utils table calls the store makes, on PostgreSQL."""

    def __init__(self, db: PostgresDatabase, name: str):
        self.db = db
        self.name = name
        self.last_pk: Any = None
        self.last_rowid: int | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return KEYS.get(self.name, ("id",))

    @property
    def count(self) -> int:
        return self.count_where()

    @property
    def columns_dict(self) -> dict[str, type]:
        kinds = {"bigint": int, "integer": int, "double precision": float, "bytea": bytes}
        return {name: kinds.get(kind, str) for name, kind in self.db.execute(
            "select column_name, data_type from information_schema.columns where table_schema ="
            " current_schema() and table_name = ? order by ordinal_position", [self.name])}

    def exists(self) -> bool:
        return self.name in self.db.table_names()

    def count_where(self, where: str | None = None, where_args: Sequence[Any] = ()) -> int:
        sql = f"select count(*) from {self.name}" + (f" where {where}" if where else "")
        return self.db.execute(sql, where_args).fetchone()[0]  # type: ignore[index]

    def rows_where(self, where: str | None = None, where_args: Sequence[Any] = (), *,
                   order_by: str | None = None, select: str = "*", limit: int | None = None,
                   offset: int | None = None) -> Iterator[dict]:
        sql = f"select {select} from {self.name}"
        sql += f" where {where}" if where else ""
        sql += f" order by {order_by}" if order_by else ""
        sql += f" limit {int(limit)}" if limit is not None else ""
        sql += f" offset {int(offset)}" if offset is not None else ""
        return self.db.query(sql, where_args)

    @property
    def rows(self) -> Iterator[dict]:
        return self.rows_where()

    def get(self, pk: Any) -> dict:
        values = list(pk) if isinstance(pk, (list, tuple)) else [pk]
        where = " and ".join(f"{column} = ?" for column in self.key)
        row = next(self.db.query(f"select * from {self.name} where {where}", values), None)
        if row is None:
            raise NotFoundError
        return row

    def insert(self, record: dict[str, Any], *, pk: Any = None, ignore: bool = False,
               replace: bool = False, **_ignored: Any) -> Table:
        columns = list(record)
        verb = "insert or ignore" if ignore else "insert or replace" if replace else "insert"
        sql = (f"{verb} into {self.name} ({', '.join(columns)}) values "
               f"({', '.join('?' for _ in columns)})")
        result = self.db.execute(sql, [record[c] for c in columns])
        self.last_rowid = result.lastrowid
        self.last_pk = result.lastrowid if self.key == ("id",) and "id" not in record else (
            record.get(self.key[0]) if len(self.key) == 1 else tuple(record[k] for k in self.key))
        return self

    def insert_all(self, records: Iterable[dict[str, Any]], *, ignore: bool = False,
                   replace: bool = False, **_ignored: Any) -> Table:
        for record in records:
            self.insert(record, ignore=ignore, replace=replace)
        return self

    def upsert(self, record: dict[str, Any], *, pk: Any = None, **_ignored: Any) -> Table:
        return self.insert(record, replace=True)

    def update(self, pk: Any, updates: dict[str, Any] | None = None, **_ignored: Any) -> Table:
        if updates:
            values = list(pk) if isinstance(pk, (list, tuple)) else [pk]
            sets = ", ".join(f"{column} = ?" for column in updates)
            where = " and ".join(f"{column} = ?" for column in self.key)
            self.db.execute(f"update {self.name} set {sets} where {where}",
                            [*updates.values(), *values])
        return self

    def delete_where(self, where: str | None = None, where_args: Sequence[Any] = ()) -> Table:
        self.db.execute(f"delete from {self.name}" + (f" where {where}" if where else ""),
                        where_args)
        return self
