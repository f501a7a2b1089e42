"""The team's intent corrections as stored, the same on SQLite and on PostgreSQL."""

from __future__ import annotations

from bot.store import corrections
from bot.store.corrections import NewCorrection


def made(n: int, **changes) -> NewCorrection:
    fields = {"fingerprint": f"print-{n}", "text": f"words {n}", "to_intent": "pricing",
              "from_intent": "chit_chat", "platform": "slack", "user_id": "UTEAM",
              "created_at": f"2026-11-23T10:{n:02d}:00+00:00"} | changes
    return NewCorrection(**fields)


def test_a_correction_is_stored_once_however_often_it_comes(any_db):
    first = corrections.record(any_db, made(1))
    assert first is not None
    assert corrections.record(any_db, made(1, source="import")) is None
    assert corrections.count(any_db) == 1
    assert corrections.fingerprints(any_db) == {"print-1"}


def test_they_read_back_oldest_first_or_newest_first(any_db):
    ids = [corrections.record(any_db, made(n)) for n in range(1, 4)]
    assert [row["text"] for row in corrections.stored(any_db)] == \
        ["words 1", "words 2", "words 3"]
    assert [row["id"] for row in corrections.stored(any_db, up_to=ids[1])] == ids[:2]
    assert [row["id"] for row in corrections.newest(any_db, 2)] == [ids[2], ids[1]]
    assert corrections.latest_id(any_db) == ids[2]
    assert corrections.count_between(any_db, ids[0], ids[2]) == 2


def test_an_empty_store_has_no_latest_correction(any_db):
    assert corrections.latest_id(any_db) == 0
    assert corrections.stored(any_db) == []
    assert corrections.of_message(any_db, 1) is None


def test_a_message_corrected_twice_reads_from_the_first_intent_to_the_last(any_db):
    corrections.record(any_db, made(1, message_id=7, from_intent="pricing",
                                    to_intent="store_visit"))
    corrections.record(any_db, made(2, message_id=7, from_intent="store_visit",
                                    to_intent="complaint", user_id="UMANAGER"))
    assert corrections.of_message(any_db, 7) == ("pricing", "complaint", "UMANAGER")


def test_very_long_words_are_cut_to_what_the_store_keeps(any_db):
    corrections.record(any_db, made(1, text="x" * (corrections.MAX_TEXT + 10)))
    assert len(corrections.stored(any_db)[0]["text"]) == corrections.MAX_TEXT
