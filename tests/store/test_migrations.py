"""Migrations on both backends and the `nudge db` commands, as a person runs them.

Every test here names its own databases (a SQLite file in tmp_path, PostgreSQL databases from
the test server), whichever backend the run is on: the source of a copy is always SQLite.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
import sqlite_utils
from click.testing import CliRunner

from bot.cli import cli
from bot.store import MIGRATIONS, open_db, postgres_schema, schema_version
from bot.store.sqlite import expected_columns
from tests.cli_helpers import nudge

PASSWORD = "s3cret-pw"


@pytest.fixture(autouse=True)
def no_database_url(monkeypatch):
    """The config's SQLite file unless a test sets NUDGE_DATABASE_URL itself."""
    monkeypatch.delenv("NUDGE_DATABASE_URL", raising=False)


def with_password(url: str) -> str:
    """The test server's URL with a password in it (the server trusts its socket and ignores
    it), to check that no command ever prints one."""
    return url.replace("postgres:@", f"postgres:{PASSWORD}@", 1)


def db_cli(config_file, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config_file), "db", *args])


def pg_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'public' "
            "and table_name <> 'schema_migrations'")]
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


# ---- from an empty database ----------------------------------------------------------------------

def test_an_empty_sqlite_install_is_described_created_by_upgrade_and_upgraded_once(
        config_file, config):
    path = config.storage.path
    shown = db_cli(config_file, "status")
    assert shown.exit_code == 0, shown.output
    assert f"database: SQLite file {path} (not created yet)" in shown.output
    assert f"schema: version 0 of {len(MIGRATIONS)}; {len(MIGRATIONS)} migration(s) pending " \
           "(v1_core, v2_suggestion_facts," in shown.output
    assert not Path(path).exists()  # looking creates nothing

    done = db_cli(config_file, "upgrade")
    assert done.exit_code == 0, done.output
    assert "applied: v1_core\n" in done.output and "applied: hot_query_indexes\n" in done.output
    assert f"schema: version 0 -> {len(MIGRATIONS)} (up to date)" in done.output
    again = db_cli(config_file, "upgrade")
    assert again.exit_code == 0 and "applied" not in again.output
    assert f"schema: version {len(MIGRATIONS)}, up to date; nothing to do." in again.output

    shown = db_cli(config_file, "status")
    assert f"schema: version {len(MIGRATIONS)} of {len(MIGRATIONS)}, up to date" in shown.output
    assert "  conversations  " in shown.output and "  uploads  " in shown.output


def test_an_empty_postgres_database_gets_its_schema_from_upgrade_and_the_password_stays_hidden(
        config_file, postgres_server, monkeypatch):
    url = with_password(postgres_server.empty_database())
    monkeypatch.setenv("NUDGE_DATABASE_URL", url)
    shown = nudge(config_file, "db", "status")
    assert shown.returncode == 0, shown.stderr
    assert "database: PostgreSQL postgresql://postgres:***@/" in shown.stdout
    known = postgres_schema.migrations()
    names = ", ".join(name for _, name, _ in known)
    assert (f"schema: version 0 of {len(known)}; {len(known)} migration(s) pending ({names})"
            in shown.stdout)

    done = nudge(config_file, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    applied = "".join(f"applied: {name}\n" for _, name, _ in known)
    assert f"{applied}schema: version 0 -> {len(known)} (up to date)" in done.stdout
    assert "nothing to do" in nudge(config_file, "db", "upgrade").stdout
    assert pg_counts(url) == dict.fromkeys(expected_columns(), 0)
    db = open_db(url)
    present = {table: set(db[table].columns_dict) for table in db.table_names()}
    db.conn.close()
    assert present == {table: set(columns) for table, columns in expected_columns().items()}

    shown = nudge(config_file, "db", "status")
    assert f"schema: version {len(known)} of {len(known)}, up to date" in shown.stdout
    assert PASSWORD not in shown.stdout + shown.stderr + done.stdout + done.stderr


# ---- from the oldest file Nudge has shipped ------------------------------------------------------

def oldest_file(path) -> None:
    """A file as the first Nudge wrote it: only the first migration, and rows in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    MIGRATIONS[0](old)
    old.execute("PRAGMA user_version = 1")
    at = "2026-01-05T09:30:00+00:00"
    old["customers"].insert({"id": "slack:U1", "platform": "slack", "user_id": "U1",
                             "name": "Anna", "first_seen": at, "last_seen": at})
    old["conversations"].insert({"id": 7, "platform": "slack", "channel": "C1", "thread": "1.0",
                                 "customer_id": "slack:U1", "started_at": at,
                                 "last_message_at": at, "status": "waiting"})
    old["messages"].insert({"id": 70, "conversation_id": 7, "platform": "slack",
                            "event_key": "C1:1.0", "author_id": "U1", "author_role": "customer",
                            "text": "are you open on sunday?", "created_at": at,
                            "intent": "store_visit", "stage": "consideration",
                            "confidence": 0.87})
    old["suggestions"].insert({"id": 700, "message_id": 70, "conversation_id": 7, "rank": 0,
                               "intent": "store_visit", "text": "We open at 10 on Sundays.",
                               "status": "sent", "created_at": at})
    old["feedback"].insert({"suggestion_id": 700, "action": "send", "platform": "slack",
                            "user_id": "U0TEAM", "created_at": at})
    old["reminders"].insert({"platform": "slack", "user_id": "U0TEAM", "target": "me",
                             "text": "order flour", "schedule": "every monday",
                             "trigger": "{}", "timezone": "Europe/London",
                             "created_at": at, "next_run_at": "2026-01-12T09:00:00+00:00"})
    old["opt_outs"].insert({"customer_id": "slack:U9", "platform": "slack", "user_id": "U9",
                            "created_at": at, "message": "stop"})
    conn.close()


def test_the_oldest_sqlite_file_is_upgraded_by_current_nudge_and_keeps_every_row(
        config_file, config):
    oldest_file(config.storage.path)
    shown = db_cli(config_file, "status")
    assert f"schema: version 1 of {len(MIGRATIONS)}; {len(MIGRATIONS) - 1} migration(s) " \
           "pending (v2_suggestion_facts," in shown.output
    assert "  messages  " in shown.output and "  routines" not in shown.output

    done = db_cli(config_file, "upgrade")
    assert done.exit_code == 0, done.output
    assert "applied: v1_core" not in done.output and "applied: v2_suggestion_facts" in done.output
    db = open_db(config.storage.path)
    assert schema_version(db) == len(MIGRATIONS)
    assert db["conversations"].get(7)["customer_id"] == "slack:U1"
    assert db["messages"].get(70)["confidence"] == 0.87
    assert db["suggestions"].get(700)["text"] == "We open at 10 on Sundays."
    assert db["suggestions"].get(700)["variant"] is None  # a column added later, empty
    reminder = next(db["reminders"].rows)
    assert reminder["text"] == "order flour" and reminder["runs"] == 0  # added with its default
    assert db["opt_outs"].get("slack:U9")["message"] == "stop"
    assert {t: db[t].count for t in ("customers", "feedback", "routines", "uploads")} == {
        "customers": 1, "feedback": 1, "routines": 0, "uploads": 0}
    db.conn.close()


def test_the_oldest_sqlite_file_moves_straight_to_postgres(config_file, config, postgres_server):
    oldest_file(config.storage.path)
    url = postgres_server.empty_database()
    copied = db_cli(config_file, "copy", "--to", url)
    assert copied.exit_code == 0, copied.output
    counts = pg_counts(url)
    assert (counts["messages"], counts["feedback"], counts["uploads"]) == (1, 1, 0)
    assert f"total: {sum(counts.values())} rows." in copied.output
    db = open_db(url)
    assert db["messages"].get(70)["text"] == "are you open on sunday?"
    assert db["messages"].get(70)["created_at"] == "2026-01-05T09:30:00+00:00"
    assert next(db["reminders"].rows)["runs"] == 0
    db.conn.close()


# ---- a populated install into PostgreSQL -------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def populate(config_file, config, tmp_path) -> None:
    """An install used as a team would: customers chatting in the console (suggestions, a
    Send, a correction), a promotion and redemptions from the command line, an image kept."""
    from bot.promotions.images import save_upload
    from tests.test_console import run_console

    session = run_console(config_file, "hi, do you deliver?\n/send\n/as bob\n"
                                       "how much are the mince pies?\n/intent pricing\n")
    assert session.returncode == 0, session.stderr
    added = CliRunner().invoke(cli, ["--config", str(config_file), "promo", "add",
                                     "Mince pies are back!", "in", "customers", "at",
                                     "2030-12-01", "09:00", "every", "day"])
    assert added.exit_code == 0, added.output
    till = tmp_path / "till.csv"
    till.write_text("date,code,amount\n2026-11-20,AUTUMN10,12.50\n2026-11-21,autumn10,8\n")
    imported = CliRunner().invoke(cli, ["--config", str(config_file), "redemptions", "import",
                                        str(till)])
    assert imported.exit_code == 0, imported.output
    db = open_db(config.storage.path)
    save_upload(db, "discord", "U0TEAM", "pies.png", "image/png", PNG,
                datetime.fromisoformat("2026-11-22T08:00:00+00:00"))
    db.conn.close()


def every_row(target) -> dict[str, list[dict]]:
    db = open_db(target)
    rows = {table: list(db[table].rows_where(order_by="1")) for table in expected_columns()}
    db.conn.close()
    return rows


def test_db_copy_moves_a_populated_install_into_postgres_keeping_every_value(
        config_file, config, tmp_path, postgres_server, monkeypatch):
    populate(config_file, config, tmp_path)
    before = every_row(config.storage.path)
    assert before["customers"] and before["suggestions"] and before["feedback"]
    assert before["corrections"] and before["redemptions"] and before["uploads"]
    url = with_password(postgres_server.empty_database())

    copied = nudge(config_file, "db", "copy", "--to", url)

    assert copied.returncode == 0, copied.stderr
    assert PASSWORD not in copied.stdout + copied.stderr
    for table, rows in before.items():
        assert re.search(rf"^  {table} +{len(rows):,}  \(same in both\)$", copied.stdout,
                         re.MULTILINE), table
    assert f"total: {sum(len(rows) for rows in before.values())} rows." in copied.stdout
    after = every_row(url)
    assert after == before  # every row, id and value, reads back the same
    with psycopg.connect(url) as conn:  # and PostgreSQL holds them as its own types
        day, = conn.execute("select day from redemptions order by id limit 1").fetchone()
        at, = conn.execute("select created_at from messages order by id limit 1").fetchone()
        data, = conn.execute("select data from uploads").fetchone()
    assert day == date(2026, 11, 20)
    assert isinstance(at, datetime) and at.tzinfo is not None
    assert at.isoformat() == before["messages"][0]["created_at"]
    assert bytes(data) == PNG

    # Nudge runs on it: the next row gets a fresh id past the copied ones.
    monkeypatch.setenv("NUDGE_DATABASE_URL", url)
    added = nudge(config_file, "promo", "add", "Carols on Sunday", "in", "customers", "at",
                  "2030-12-05", "10:00")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"Promotion #{before['promotions'][-1]['id'] + 1} scheduled")
    db = open_db(url)
    newest = db["audit_log"].insert({"at": "2026-12-01T09:00:00+00:00", "platform": "console",
                                     "user_id": "U0TEAM", "action": "copy.checked",
                                     "subject": "1", "details": "{}"}).last_pk
    assert newest > max([0, *(row["id"] for row in before["audit_log"])])
    db.conn.close()
    shown = nudge(config_file, "db", "status")
    assert "database: PostgreSQL postgresql://postgres:***@/" in shown.stdout
    assert re.search(rf"^  promotions +{len(before['promotions']) + 1}$", shown.stdout,
                     re.MULTILINE)


def test_a_copy_into_a_database_with_rows_is_refused_and_nothing_changes(
        config_file, config, postgres_url):
    oldest_file(config.storage.path)
    db = open_db(postgres_url)
    db.execute("insert into audit_log (at, platform, user_id, action, subject, details) "
               "values (?, ?, ?, ?, ?, ?)",
               ["2026-11-23T10:00:00+00:00", "slack", "U1", "promo.add", "1", "{}"])
    db.conn.close()
    before = pg_counts(postgres_url)

    refused = nudge(config_file, "db", "copy", "--to", postgres_url)

    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].endswith(
        "already has rows (audit_log: 1); nothing was copied. Copy into an empty database "
        "(createdb a new one).")
    assert "Traceback" not in refused.stderr
    assert pg_counts(postgres_url) == before


@pytest.mark.parametrize(("spoil", "says"), [
    # A Send recorded for a suggestion that is not there: PostgreSQL refuses the row, after
    # conversations, messages and suggestions were already copied (they point into each other).
    ("insert into feedback (suggestion_id, action, created_at) values (999, 'send', "
     "'2026-01-05T10:00:00+00:00')",
     ": the copy failed and was undone, the database is as it was (insert or update on table "
     "\"feedback\" violates foreign key constraint \"feedback_suggestion_id_fkey\": Key "
     "(suggestion_id)=(999) is not present in table \"suggestions\".)"),
    # A time no clock reads: refused by the conversion, whatever was copied before it.
    ("insert into model_refits (started_at, status) values ('last tuesday-ish', 'failed')",
     "model_refits id 1: started_at holds 'last tuesday-ish', which PostgreSQL cannot keep as "
     "that column's type; nothing was copied."),
])
def test_a_copy_that_fails_half_way_leaves_the_target_as_it_was(
        config_file, config, postgres_url, spoil, says):
    oldest_file(config.storage.path)
    open_db(config.storage.path).conn.close()  # today's schema, with every table
    conn = sqlite3.connect(config.storage.path, isolation_level=None)  # no foreign keys here
    conn.execute(spoil)
    conn.close()

    failed = nudge(config_file, "db", "copy", "--to", postgres_url)

    assert failed.returncode == 2, failed.stdout
    assert "Traceback" not in failed.stderr
    assert says in failed.stderr.strip().splitlines()[-1]
    assert pg_counts(postgres_url) == dict.fromkeys(expected_columns(), 0)

    # Put right in the file, the copy goes through.
    conn = sqlite3.connect(config.storage.path, isolation_level=None)
    conn.execute("delete from feedback where suggestion_id = 999")
    conn.execute("delete from model_refits")
    conn.close()
    again = nudge(config_file, "db", "copy", "--to", postgres_url)
    assert again.returncode == 0, again.stderr
    assert pg_counts(postgres_url)["suggestions"] == 1


@pytest.mark.parametrize(("args", "says"), [
    (("--to", f"mysql://nudge:{PASSWORD}@db.example/shop"),
     "Error: --to: 'mysql://nudge:***@db.example/shop' is not a PostgreSQL URL"),
    ((), "Error: say where to copy to: --to postgresql://"),
    (("--to", f"postgresql://nudge:{PASSWORD}@127.0.0.1:1/shop"),
     "postgresql://nudge:***@127.0.0.1:1/shop: cannot be used ("),
])
def test_bad_copy_input_ends_with_one_line_and_exit_code_2(config_file, config, args, says):
    oldest_file(config.storage.path)
    result = nudge(config_file, "db", "copy", *args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(says)
    assert "Traceback" not in result.stderr and PASSWORD not in result.stdout + result.stderr
