"""The audit log stands or falls with the change it records, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.store import audit, transaction

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_an_audit_row_written_in_a_failed_transaction_is_gone_with_it(any_db):
    # sqlite-utils' insert() inside transaction() nests as a savepoint: it commits nothing
    # early, so one audit() serves inside and outside a transaction.
    with pytest.raises(RuntimeError), transaction(any_db):
        audit(any_db, "slack", "U1", "promotion.add", "promotion #1", {"text": "hi"}, at=AT)
        raise RuntimeError("the change it records failed")
    assert any_db["audit_log"].count == 0


def test_an_audit_row_keeps_who_what_when_and_the_details(any_db):
    with transaction(any_db):
        audit(any_db, "slack", "U1", "reminder.add", "reminder #3", {"at": AT, "n": 2}, at=AT)
    [row] = any_db["audit_log"].rows
    assert (row["at"], row["platform"], row["user_id"], row["action"], row["subject"]) == \
        ("2026-11-23T10:00:00+00:00", "slack", "U1", "reminder.add", "reminder #3")
    # Details that JSON cannot hold as they are (a datetime) are written as text.
    assert row["details"] == '{"at": "2026-11-23 10:00:00+00:00", "n": 2}'
