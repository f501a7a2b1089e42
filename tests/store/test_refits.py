"""bot/store/refits.py answers the same on SQLite and PostgreSQL."""

from __future__ import annotations

from bot import corrections
from bot.store import corrections as stored
from bot.store import refits


def _correct(db, number: int, intent: str = "hours") -> int:
    return corrections.record(db, corrections.Correction(
        text=f"words {number}", to_intent=intent, user_id="U0MANAGER",
        created_at=f"2026-11-23T09:00:{number:02d}+00:00"))


def test_refits_record_what_was_learnt_and_the_newest_accepted_one_is_in_use(any_db):
    assert refits.active(any_db) is None
    assert stored.latest_id(any_db) == 0 and refits.considered_up_to(any_db) == 0
    ids = [_correct(any_db, n) for n in range(1, 6)]
    assert stored.latest_id(any_db) == ids[-1]
    assert [(x.text, x.to_intent) for x in refits.lessons(any_db, ids[2])] == [
        ("words 1", "hours"), ("words 2", "hours"), ("words 3", "hours")]

    first = refits.record(any_db, started_at="2026-11-23T10:00:00+00:00",
                          finished_at="2026-11-23T10:01:00+00:00", last_correction_id=ids[2],
                          status="accepted", trained_on=2, held_back=1, old_score=0.9,
                          new_score=0.91, model_key="k1", model_path="/m/1", detail="ok")
    refits.record(any_db, started_at="2026-11-23T11:00:00+00:00",
                  finished_at="2026-11-23T11:01:00+00:00", last_correction_id=ids[4],
                  status="failed", detail="the child died")
    in_use = refits.active(any_db)
    assert in_use is not None and in_use.id == first and in_use.model_key == "k1"
    assert in_use.finished_at == "2026-11-23T10:01:00+00:00" and in_use.new_score == 0.91
    # A failed refit taught nothing: its corrections are still to learn.
    assert refits.considered_up_to(any_db) == ids[2]
    assert stored.count_between(any_db, ids[2], ids[4]) == 2

    refits.record(any_db, started_at="2026-11-23T12:00:00+00:00",
                  finished_at="2026-11-23T12:01:00+00:00", last_correction_id=ids[4],
                  status="refused", old_score=0.9, new_score=0.5)
    assert refits.considered_up_to(any_db) == ids[4]
    assert refits.active(any_db).id == first  # a refused refit never replaces the model
