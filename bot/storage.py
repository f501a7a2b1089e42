"""Nudge's one SQLite file, through sqlite-utils.

Plain tables with plain column names, so the team can read them with the `sqlite-utils` CLI or
Datasette. The schema is built by numbered migrations recorded in PRAGMA user_version: opening
the same file twice, or an older file, brings it to the current version and does nothing more.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlite_utils

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


class DatabaseProblem(Exception):
    """The database file cannot be used; the message is one line naming the file and the fix."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Timestamps are stored as ISO 8601 text in UTC so they sort and read the same everywhere."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be time-zone aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _v1_core(db: sqlite_utils.Database) -> None:
    db["customers"].create(
        {
            "id": str,  # "<platform>:<user id>", stable across channels
            "platform": str,
            "user_id": str,
            "name": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
    )
    db["conversations"].create(
        {
            "id": int,
            "platform": str,
            "workspace": str,
            "channel": str,
            "thread": str,
            "customer_id": str,
            "started_at": str,
            "last_message_at": str,
            "last_customer_message_at": str,
            "answered_at": str,
            "status": str,  # waiting (customer spoke last) or answered
            "customer_messages_since_cta": int,
            "last_cta_at": str,
            "urgent": int,
            "waiting_pinged_at": str,
        },
        pk="id",
        not_null={"platform", "channel", "thread"},
        defaults={"customer_messages_since_cta": 0, "urgent": 0, "status": "waiting",
                  "workspace": ""},
    )
    db["conversations"].create_index(
        ["platform", "workspace", "channel", "thread"], unique=True
    )
    db["messages"].create(
        {
            "id": int,
            "conversation_id": int,
            "platform": str,
            "event_key": str,  # the platform's id for this message, to drop redeliveries
            "author_id": str,
            "author_role": str,  # customer, team or bot
            "text": str,
            "created_at": str,
            "intent": str,
            "stage": str,
            "confidence": float,
        },
        pk="id",
        foreign_keys=[("conversation_id", "conversations", "id")],
    )
    db["messages"].create_index(["platform", "event_key"], unique=True)
    db["messages"].create_index(["conversation_id", "created_at"])
    db["suggestions"].create(
        {
            "id": int,
            "message_id": int,
            "conversation_id": int,
            "rank": int,
            "intent": str,
            "stage": str,
            "confidence": float,
            "text": str,
            "cta_id": str,
            "cta_url": str,
            "cta_kind": str,
            "offer_id": str,
            "rationale": str,
            "urgent": int,
            "source": str,  # template or llm
            "status": str,  # pending, sent, dismissed
            "created_at": str,
            "review_ref": str,  # where the review message lives, for updating it
        },
        pk="id",
        foreign_keys=[("message_id", "messages", "id")],
        defaults={"status": "pending", "source": "template", "urgent": 0},
    )
    db["feedback"].create(
        {
            "id": int,
            "suggestion_id": int,
            "action": str,  # send, another, edit, dismiss
            "platform": str,
            "user_id": str,
            "text": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("suggestion_id", "suggestions", "id")],
    )
    db["promotions"].create(
        {
            "id": int,
            "text": str,
            "targets": str,  # JSON list of {"platform", "channel"}
            "schedule": str,  # what the person typed, for display
            "trigger": str,  # JSON description of the APScheduler trigger
            "timezone": str,
            "cta_id": str,
            "offer_id": str,
            "status": str,  # active, paused, cancelled, finished
            "created_by": str,
            "created_at": str,
            "updated_at": str,
            "next_run_at": str,
            "last_run_at": str,
            "runs": int,
            "max_runs": int,
            "ends_at": str,
        },
        pk="id",
        defaults={"status": "active", "runs": 0},
    )
    db["deliveries"].create(
        {
            "id": int,
            "kind": str,  # promotion, reminder, digest, ping
            "ref_id": str,
            "scheduled_for": str,
            "platform": str,
            "target": str,
            "status": str,  # claimed, retrying, sent, failed, missed, unconfirmed, queued
            "attempts": int,
            "claimed_at": str,
            "finished_at": str,
            "error": str,
        },
        pk="id",
        defaults={"attempts": 0},
    )
    db["deliveries"].create_index(
        ["kind", "ref_id", "scheduled_for", "platform", "target"], unique=True
    )
    db["reminders"].create(
        {
            "id": int,
            "platform": str,
            "user_id": str,
            "target": str,  # "me" (a direct message) or a channel
            "text": str,
            "schedule": str,
            "trigger": str,
            "timezone": str,
            "status": str,
            "created_at": str,
            "next_run_at": str,
        },
        pk="id",
        defaults={"status": "active"},
    )
    db["opt_outs"].create(
        {
            "customer_id": str,
            "platform": str,
            "user_id": str,
            "created_at": str,
            "message": str,
        },
        pk="customer_id",
    )
    db["audit_log"].create(
        {
            "id": int,
            "at": str,
            "platform": str,
            "user_id": str,
            "action": str,
            "subject": str,
            "details": str,  # JSON
        },
        pk="id",
    )


def _v2_suggestion_facts(db: sqlite_utils.Database) -> None:
    # What a suggestion may state and its CTA label, kept so an LLM draft made after the
    # review was shown can still be checked against exactly the engine's facts.
    db.execute("alter table suggestions add column facts text")  # JSON list of strings
    db.execute("alter table suggestions add column cta_label text")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One atomic unit of work. Inside it use db.execute(): sqlite-utils' insert() commits early.

    The connection runs in autocommit mode so a plain write is durable at once and no lock is
    held between statements; this opens an explicit IMMEDIATE transaction when several
    statements must stand or fall together.
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


def _v3_routines_and_reminder_runs(db: sqlite_utils.Database) -> None:
    # The team's own scheduled routines (the daily digest): like a promotion, each keeps its
    # trigger and next run in a row, so a run missed while Nudge was down is still seen.
    # Written so that it can run in any order with other branches' migrations.
    if "routines" not in db.table_names():
        db["routines"].create(
            {
                "name": str,  # "digest"
                "trigger": str,  # JSON trigger spec, as for promotions
                "timezone": str,
                "next_run_at": str,
                "last_run_at": str,
                "updated_at": str,
            },
            pk="name",
        )
    # Reminders repeat like promotions do: `until`, `times N`, and who set them.
    columns = db["reminders"].columns_dict
    for name, kind in (("created_by", str), ("updated_at", str), ("last_run_at", str),
                       ("runs", int), ("max_runs", int), ("ends_at", str)):
        if name not in columns:
            db["reminders"].add_column(name, kind, not_null_default=0 if name == "runs" else None)


def _v4_platform_errors(db: sqlite_utils.Database) -> None:
    # Problems a platform reported that a person must fix (a missing permission, an unknown
    # channel): one row per platform, channel and problem, counted, for the digest to list.
    if "platform_errors" in db.table_names():
        return
    db["platform_errors"].create(
        {
            "id": int,
            "platform": str,
            "channel": str,
            "problem": str,  # missing_permissions, unknown_channel, commands_not_synced, ...
            "detail": str,  # what is missing, in words a team member can act on
            "first_at": str,
            "last_at": str,
            "count": int,
        },
        pk="id",
        not_null={"platform", "channel", "problem"},
        defaults={"count": 1},
    )
    db["platform_errors"].create_index(["platform", "channel", "problem"], unique=True)


def _v5_feedback_problem(db: sqlite_utils.Database) -> None:
    # Why a Send or Edit did not reach the customer (the platform refused the post); the row's
    # action is then send_failed or edit_failed.
    if "problem" not in db["feedback"].columns_dict:
        db["feedback"].add_column("problem", str)


def _v6_links_tests_redemptions(db: sqlite_utils.Database) -> None:
    # Tracked CTA links and their clicks (no IP address, no user agent: only the time), the
    # wording a suggestion or promotion post used (A/B tests), and offer codes redeemed.
    tables = db.table_names()
    if "links" not in tables:
        db["links"].create(
            {
                "token": str,  # unguessable, the path of <public_url>/r/<token>
                "kind": str,  # reply or promotion
                "ref_id": str,  # the suggestion id or promotion id
                "delivery_id": int,  # the promotion post's delivery, when kind is promotion
                "cta_id": str,
                "variant": str,  # the wording used: "a", "b", ... ("" when not a test)
                "platform": str,
                "channel": str,
                "url": str,  # where the link leads: the catalog URL with its UTM tags
                "created_at": str,
            },
            pk="token",
        )
        db["links"].create_index(["kind", "ref_id"])
    if "clicks" not in tables:
        db["clicks"].create({"id": int, "token": str, "at": str}, pk="id",
                            foreign_keys=[("token", "links", "token")])
        db["clicks"].create_index(["token"])
        db["clicks"].create_index(["at"])
    if "redemptions" not in tables:
        db["redemptions"].create(
            {
                "id": int,
                "code": str,  # as the offer spells it in the config
                "offer_id": str,
                "day": str,  # the local date it was redeemed, YYYY-MM-DD
                "count": int,
                "amount": float,  # takings, when the till export has them
                "source": str,  # chat or the imported file's name
                "recorded_by": str,
                "recorded_at": str,
            },
            pk="id",
            defaults={"count": 1},
        )
        db["redemptions"].create_index(["day"])
    if "variant" not in db["suggestions"].columns_dict:
        db["suggestions"].add_column("variant", str)
    if "variants" not in db["promotions"].columns_dict:
        db["promotions"].add_column("variants", str)  # JSON list of wordings, for an A/B test
    if "variant" not in db["deliveries"].columns_dict:
        db["deliveries"].add_column("variant", str)


def _v7_inbox(db: sqlite_utils.Database) -> None:
    # Customer messages as the platform delivered them, written before the delivery is
    # acknowledged: a crash after the acknowledgement loses nothing, the next start handles
    # what is still `new` (see bot/platforms/inbox.py).
    if "inbox" in db.table_names():
        return
    db["inbox"].create(
        {
            "id": int,
            "platform": str,
            "event_key": str,  # the platform's id for the message ("C0123:1790000000.0001")
            "body": str,  # JSON, the event as delivered
            "received_at": str,
            "status": str,  # new (not handled yet) or done
            "attempts": int,
        },
        pk="id",
        not_null={"platform", "event_key", "body"},
        defaults={"status": "new", "attempts": 0},
    )
    db["inbox"].create_index(["platform", "event_key"], unique=True)
    db["inbox"].create_index(["status"])


def _promotion_planning(db: sqlite_utils.Database) -> None:
    # A test send (send-now) is a delivery like any other but is not a promotion sent;
    # "queued" deliveries wait for the running Nudge (asked from the `nudge` command line).
    if "test" not in db["deliveries"].columns_dict:
        db["deliveries"].add_column("test", int, not_null_default=0)
    # An image posted with the promotion (a URL, or a file uploaded in the Slack modal), and
    # who approved a promotion drafted by someone who may not schedule one on their own.
    columns = db["promotions"].columns_dict
    for name in ("image_url", "image_name", "approved_by"):
        if name not in columns:
            db["promotions"].add_column(name, str)


def _message_alternatives(db: sqlite_utils.Database) -> None:
    # When the engine was unsure: the two likeliest intents with their probabilities, as JSON
    # [[intent, probability], ...] (empty when it was sure), so the review can ask the team.
    if "alternatives" not in db["messages"].columns_dict:
        db["messages"].add_column("alternatives", str)


def _promotion_uploads(db: sqlite_utils.Database) -> None:
    # Images attached to a `promo add` (a Discord attachment): kept here, because the
    # platform's own link to the file expires long before a promotion planned for next month.
    if "uploads" in db.table_names():
        return
    db["uploads"].create(
        {
            "id": int,
            "platform": str,
            "user_id": str,
            "filename": str,
            "content_type": str,
            "data": bytes,
            "created_at": str,
        },
        pk="id",
    )


def _corrections_and_refits(db: sqlite_utils.Database) -> None:
    # The team's "wrong intent?" choices: who said which intent a customer message really was.
    # They become training data for this install (bot/engine/refit.py); `fingerprint` (text,
    # intents, who and when) keeps an import from adding the same correction twice.
    if "corrections" not in db.table_names():
        db["corrections"].create(
            {
                "id": int,
                "fingerprint": str,
                "text": str,  # the customer's words, as corrected
                "from_intent": str,  # what the engine had said
                "to_intent": str,  # what the team says it is
                "platform": str,
                "user_id": str,
                "created_at": str,
                "message_id": int,  # null for an imported correction
                "suggestion_id": int,  # the suggestion the review showed when corrected
                "conversation_id": int,
                "source": str,  # review or import
            },
            pk="id",
            not_null={"fingerprint", "text", "to_intent", "created_at"},
            defaults={"source": "review"},
        )
        db["corrections"].create_index(["fingerprint"], unique=True)
    # Every refit of the intent model on the corrections: what it was measured at, and whether
    # it replaced the model in use. The newest accepted row names the model to load at start.
    if "model_refits" not in db.table_names():
        db["model_refits"].create(
            {
                "id": int,
                "started_at": str,
                "finished_at": str,
                "last_correction_id": int,  # corrections up to this id were considered
                "trained_on": int,  # corrections trained on (the rest were held back)
                "held_back": int,
                "old_score": float,  # accuracy on dev.jsonl (detail: the full verdict)
                "new_score": float,
                "status": str,  # accepted, refused, failed
                "model_key": str,
                "model_path": str,
                "detail": str,
            },
            pk="id",
        )


def _outbox(db: sqlite_utils.Database) -> None:
    # Reviews and replies join the ledger (kinds "review" and "reply"). A delivery that failed
    # for a passing reason waits as "retrying" until `retry_at`, so a restart resumes it; the
    # payload is what a review or reply needs to be rebuilt then (JSON).
    columns = db["deliveries"].columns_dict
    for name in ("retry_at", "payload"):
        if name not in columns:
            db["deliveries"].add_column(name, str)
    db["deliveries"].create_index(["status"], if_not_exists=True)


def _hot_query_indexes(db: sqlite_utils.Database) -> None:
    # What each customer message, review and Send looks up, so that none of them reads a whole
    # table that grows with every message (issue 26: `suggestions` and `feedback` had no index
    # at all, and each message cost more than the one before). tests/test_query_plans.py
    # fails on any hot query that scans a growing table.
    for table, columns in (
        ("suggestions", ["message_id", "rank"]),  # a message's alternatives, its review
        ("suggestions", ["conversation_id", "status"]),  # what was said in a thread
        ("feedback", ["suggestion_id"]),  # the edited wording of a sent reply
        ("corrections", ["message_id"]),  # the review's "corrected" line
        ("conversations", ["status", "last_customer_message_at"]),  # who is waiting
        ("opt_outs", ["platform", "user_id"]),  # may this person be messaged
        ("links", ["delivery_id"]),  # a promotion post's tracked link
        ("inbox", ["status", "received_at"]),  # handled messages old enough to forget
    ):
        db[table].create_index(columns, if_not_exists=True)
    # The inbox's retry loop looks for messages not handled yet every two seconds: only those
    # are in this index, however many the inbox has handled.
    db.execute("create index if not exists idx_inbox_waiting on inbox (platform, id) "
               "where status = 'new'")


# Append new migrations; never edit one that has shipped.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_core,
    _v2_suggestion_facts,
    _v3_routines_and_reminder_runs,
    _v4_platform_errors,
    _v5_feedback_problem,
    _v6_links_tests_redemptions,
    _v7_inbox,
    _promotion_planning,
    _message_alternatives,
    _promotion_uploads,
    _corrections_and_refits,
    _outbox,
    _hot_query_indexes,
]


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


def audit(db: sqlite_utils.Database, platform: str, user_id: str, action: str, subject: str,
          details: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """Record who did what, for the team to look back on."""
    db["audit_log"].insert(
        {
            "at": iso(at or utc_now()),
            "platform": platform,
            "user_id": user_id,
            "action": action,
            "subject": subject,
            "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        }
    )
