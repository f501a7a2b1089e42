"""The SQLite schema, built by numbered migrations recorded in PRAGMA user_version.

Plain tables with plain column names, so the team can read them with the `sqlite-utils` CLI or
Datasette. Opening the same file twice, or an older file, brings it to the current version and
does nothing more. PostgreSQL's schema (bot/store/postgres_schema.py) has the same tables and
columns; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


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


def _delivery_owners(db: sqlite_utils.Database) -> None:
    # Which process holds a claimed or retrying delivery (bot/store/workers.py), so that
    # with several processes on one database only a stopped one's rows are settled by another.
    if "claimed_by" not in db["deliveries"].columns_dict:
        db["deliveries"].add_column("claimed_by", str)


def _knowledge_gaps(db: sqlite_utils.Database) -> None:
    # The questions nothing in the config answered (bot/store/gaps.py), grouped by meaning
    # for `nudge gaps`, `/nudge gaps`, the digest and the report.
    db["knowledge_gaps"].create(
        {
            "id": int,
            "message_id": int,
            "conversation_id": int,
            "platform": str,
            "text": str,  # the customer's whole message
            "question": str,  # the part nothing in the config answers
            "lang": str,
            "shop": str,  # the shop it is about, when the engine knew one ("" otherwise)
            "asked_at": str,
            "group_id": int,  # the id of the question that started its group; null: not yet
        },
        pk="id",
        not_null={"message_id", "asked_at"},
        if_not_exists=True,
    )
    db["knowledge_gaps"].create_index(["message_id"], unique=True, if_not_exists=True)
    db["knowledge_gaps"].create_index(["asked_at"], if_not_exists=True)


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
    _delivery_owners,
    _knowledge_gaps,
]
