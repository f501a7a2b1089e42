"""The delivery ledger's contract (bot/store/deliveries.py), on SQLite and on PostgreSQL.

Read top to bottom, this is how a scheduled post goes out exactly once: it is claimed, its
attempts are counted before each send, its outcome is recorded; a claim left by a process that
stopped is taken over by one other process only; and the scheduler learns of changes made by
another process without reading every table.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import backend, close, open_db, promotions, routines, scheduled, transaction
from bot.store import deliveries as ledger
from bot.store.deliveries import DeliveryKey, RowBusy
from bot.store.workers import Presence

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def key(ref_id: str = "1", target: str = "customers") -> DeliveryKey:
    return DeliveryKey("promotion", ref_id, NOW, "console", target)


def another_handle(db):
    """A second connection to the same database, as another process would have."""
    if backend(db) == "postgresql":
        return open_db(db.url)
    return open_db(db.execute("pragma database_list").fetchone()[2])


def add_promotion(db) -> int:
    values = {"text": "Doors open at 9", "targets": "[]", "schedule": "at 9", "trigger": "{}",
              "timezone": "UTC", "status": "active", "next_run_at": "2026-12-07T09:00:00+00:00",
              "runs": 0}
    return promotions.add(db, values, ("cli", "test"), NOW, {"text": values["text"]})


def test_a_delivery_is_claimed_once_and_a_second_claim_or_record_gets_nothing(any_db):
    delivery_id = ledger.claim(any_db, key(), NOW)
    assert delivery_id is not None
    assert ledger.claim(any_db, key(), NOW + timedelta(seconds=5)) is None
    assert ledger.record(any_db, key(), "missed", NOW) is None
    row = ledger.get(any_db, delivery_id)
    assert (row["status"], row["attempts"], row["scheduled_for"]) == (
        "claimed", 0, "2026-12-07T09:00:00+00:00")
    assert ledger.key_of(row) == key()
    # Another target, or another run, is another delivery.
    assert ledger.claim(any_db, key(target="offers"), NOW) is not None


def test_each_attempt_is_counted_before_it_is_made_and_the_outcome_closes_the_row(any_db):
    delivery_id = ledger.claim(any_db, key(), NOW)
    assert ledger.start_attempt(any_db, delivery_id) == 1
    ledger.defer(any_db, delivery_id, NOW + timedelta(seconds=2), "rate limited")
    row = ledger.get(any_db, delivery_id)
    assert (row["status"], row["retry_at"], row["error"]) == (
        "retrying", "2026-12-07T09:00:02+00:00", "rate limited")
    assert ledger.start_attempt(any_db, delivery_id) == 2
    ledger.finish(any_db, delivery_id, "sent", NOW + timedelta(seconds=3))
    row = ledger.get(any_db, delivery_id)
    assert (row["status"], row["attempts"], row["retry_at"]) == ("sent", 2, None)
    assert ledger.count(any_db, "sent") == 1


def test_a_missed_run_is_recorded_without_a_send(any_db):
    delivery_id = ledger.record(any_db, key(), "missed", NOW, "Nudge was not running")
    row = ledger.get(any_db, delivery_id)
    assert (row["status"], row["attempts"], row["error"]) == (
        "missed", 0, "Nudge was not running")
    assert ledger.find(any_db, "promotion", 1, status="missed") == [row]
    assert ledger.any_for(any_db, "promotion", "1", "console", "customers")
    assert not ledger.any_for(any_db, "promotion", "1", "console", "elsewhere")


def test_a_queued_delivery_is_taken_by_one_taker_only(any_db):
    ledger.claim(any_db, key(), NOW, test=True, status="queued")
    assert ledger.any_queued(any_db)
    taken = ledger.take_queued(any_db, owner="7")
    assert [(row["status"], row["claimed_by"], row["test"]) for row in taken] == [
        ("claimed", "7", 1)]
    assert ledger.take_queued(any_db, owner="8") == []
    assert not ledger.any_queued(any_db)


def test_a_long_text_cut_short_keeps_how_many_parts_went_out(any_db):
    delivery_id = ledger.claim(any_db, DeliveryKey("reply", "4", NOW, "console", "C1"), NOW,
                               payload=json.dumps({"post": {"text": "..."}}))
    ledger.partly_sent(any_db, delivery_id, 2)
    row = ledger.get(any_db, delivery_id)
    assert row["status"] == "partial"
    assert json.loads(row["payload"]) == {"post": {"text": "..."}, "parts_sent": 2}


def test_a_promotion_shows_its_outcomes_with_test_sends_apart(any_db):
    sent = ledger.claim(any_db, key(), NOW)
    ledger.finish(any_db, sent, "sent", NOW)
    test = ledger.claim(any_db, key(target="offers"), NOW, test=True)
    ledger.finish(any_db, test, "sent", NOW)
    ledger.record(any_db, DeliveryKey("promotion", "1", NOW + timedelta(days=1), "console",
                                      "customers"), "missed", NOW)
    ledger.set_variant(any_db, sent, "b")
    assert ledger.outcomes(any_db, "promotion", 1) == {"sent": 1, "test sends": 1, "missed": 1}
    assert ledger.variant_of(any_db, sent) == "b"
    assert ledger.variant_of(any_db, test) == ""


def test_claims_name_their_process_and_only_a_stopped_process_leaves_orphans(any_db):
    running, other = Presence(any_db), Presence(any_db)
    running.start()
    other.start()
    try:
        mine = ledger.claim(any_db, key(), NOW, owner=running.name)
        assert ledger.holders(any_db, other.name) == [running.name]
        assert ledger.holders(any_db, running.name) == []
        if backend(any_db) == "postgresql":
            # Processes share the database: one still running is never judged stopped.
            assert other.gone([running.name]) == []
            running.stop()
        # SQLite admits one process per file, so any other holder has stopped.
        assert other.gone([running.name]) == [running.name]
        orphans = ledger.orphans(any_db, [running.name])
        assert [row["id"] for row in orphans] == [mine]
        # Two processes that find the same orphan: one takes it over.
        assert ledger.adopt(any_db, orphans[0], other.name)
        assert not ledger.adopt(any_db, orphans[0], "3")
        assert ledger.get(any_db, mine)["claimed_by"] == other.name
    finally:
        running.stop()
        other.stop()


def test_a_claim_from_before_owners_were_kept_is_an_orphan_of_no_one(any_db):
    old = ledger.claim(any_db, key(), NOW)  # claimed_by null, as rows from older versions
    presence = Presence(any_db)
    presence.start()
    try:
        assert presence.gone(ledger.holders(any_db, presence.name)) == [None]
        assert [row["id"] for row in ledger.orphans(any_db, [None])] == [old]
    finally:
        presence.stop()


def test_the_row_being_claimed_is_read_once_and_busy_for_others_meanwhile(any_db):
    promotion_id = add_promotion(any_db)
    assert scheduled.for_claim(any_db, "promotions", 999) is None
    if backend(any_db) == "sqlite":
        # One writer at a time on SQLite: the whole claim is serialized, the read is plain.
        assert scheduled.for_claim(any_db, "promotions", promotion_id)["id"] == promotion_id
        return
    other = another_handle(any_db)
    held, release, seen = threading.Event(), threading.Event(), []

    def claim_elsewhere() -> None:
        with transaction(other):
            seen.append(scheduled.for_claim(other, "promotions", promotion_id)["id"])
            held.set()
            release.wait(10)

    thread = threading.Thread(target=claim_elsewhere)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(RowBusy), transaction(any_db):
            scheduled.for_claim(any_db, "promotions", promotion_id)
    finally:
        release.set()
        thread.join()
        close(other)
    assert seen == [promotion_id]
    with transaction(any_db):
        assert scheduled.for_claim(any_db, "promotions", promotion_id)["id"] == promotion_id


def test_a_change_made_by_another_process_is_seen_and_nothing_else_moves_the_number(any_db):
    before = routines.changes_seen(any_db)
    assert routines.changes_seen(any_db) == before  # reading changes nothing
    other = another_handle(any_db)
    try:
        add_promotion(other)
    finally:
        close(other)
    assert routines.changes_seen(any_db) != before
