"""The store's calls answer the same on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import pytest
from sqlite_utils.db import NotFoundError

from bot.store import backend, iso, transaction, utc_now
from bot.store.sqlite import expected_columns


def test_both_backends_have_every_table_and_column(any_db):
    present = {table: set(any_db[table].columns_dict) for table in any_db.table_names()}
    assert present == {table: set(columns) for table, columns in expected_columns().items()}


def test_an_insert_gives_back_its_id_and_the_row_reads_back_the_same(any_db):
    now = iso(utc_now())
    first = any_db.execute(
        "insert into audit_log (at, platform, user_id, action, subject, details) "
        "values (?, ?, ?, ?, ?, ?)", [now, "slack", "U1", "promo.add", "1", "{}"]).lastrowid
    second = any_db["audit_log"].insert({"at": now, "platform": "slack", "user_id": "U2",
                                         "action": "promo.add", "subject": "2",
                                         "details": "{}"}).last_pk
    assert second == first + 1
    row = any_db["audit_log"].get(first)
    assert row["at"] == now  # a timestamp reads back as the ISO text it was written as
    assert [r["user_id"] for r in any_db["audit_log"].rows_where(
        "action = ?", ["promo.add"], order_by="id")] == ["U1", "U2"]
    assert any_db["audit_log"].count_where("subject = ?", [2]) == 1  # an int finds text
    with pytest.raises(NotFoundError):
        any_db["audit_log"].get(999)


def test_insert_or_ignore_keeps_the_first_row(any_db):
    sql = ("insert or ignore into opt_outs (customer_id, platform, user_id, created_at, message)"
           " values (?, ?, ?, ?, ?)")
    any_db.execute(sql, ["slack:U1", "slack", "U1", iso(utc_now()), "stop"])
    again = any_db.execute(sql, ["slack:U1", "slack", "U1", iso(utc_now()), "stop again"])
    assert again.rowcount == 0
    assert [r["message"] for r in any_db["opt_outs"].rows_where()] == ["stop"]


def test_a_failed_transaction_leaves_nothing_behind(any_db):
    with pytest.raises(RuntimeError), transaction(any_db):
        any_db.execute("insert into routines (name, trigger, timezone) values (?, ?, ?)",
                       ["digest", "{}", "UTC"])
        raise RuntimeError("half-way")
    assert any_db["routines"].count == 0
    with transaction(any_db):
        any_db.execute("insert into routines (name, trigger, timezone) values (?, ?, ?)",
                       ["digest", "{}", "UTC"])
    assert any_db["routines"].count == 1


def test_like_ignores_case_on_both(any_db):
    any_db["audit_log"].insert({"at": iso(utc_now()), "platform": "slack", "user_id": "U1",
                                "action": "Promo.Add", "subject": "1", "details": "{}"})
    assert any_db["audit_log"].count_where("action like ?", ["promo.%"]) == 1
    assert backend(any_db) in ("sqlite", "postgresql")


def test_a_nul_character_in_a_message_does_not_lose_the_message(any_db):
    any_db["audit_log"].insert({"at": iso(utc_now()), "platform": "slack", "user_id": "U1",
                                "action": "note", "subject": "1", "details": "a\x00b"})
    kept = any_db["audit_log"].get(1)["details"]
    assert kept == ("ab" if backend(any_db) == "postgresql" else "a\x00b")


def indexes(db) -> set[tuple[str, tuple[str, ...], bool]]:
    """(table, columns, unique) of every index Nudge made, on either backend."""
    if backend(db) == "postgresql":
        rows = db.execute("select tablename, indexdef from pg_indexes where schemaname = "
                          "current_schema() and indexname like 'idx_%'").fetchall()
        return {(table, tuple(c.strip() for c in definition.split("(", 1)[1].split(")")[0]
                              .split(",")), " UNIQUE " in definition.upper())
                for table, definition in rows}
    found = set()
    for table in db.table_names():
        for _, name, unique, *_ in db.execute(f"pragma index_list({table})").fetchall():
            if name.startswith("idx_"):
                columns = tuple(row[2] for row in db.execute(f"pragma index_info({name})"))
                found.add((table, columns, bool(unique)))
    return found


def test_both_backends_have_the_same_indexes(tmp_path, postgres_url):
    from bot.store import open_db

    sqlite, postgres = open_db(str(tmp_path / "nudge.db")), open_db(postgres_url)
    try:
        assert indexes(sqlite) == indexes(postgres)
        assert ("deliveries", ("kind", "ref_id", "scheduled_for", "platform", "target"),
                True) in indexes(postgres)
    finally:
        sqlite.conn.close()
        postgres.conn.close()
