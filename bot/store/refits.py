"""Refits of the intent model on the team's corrections: what was tried, what is in use.

Each refit leaves one `model_refits` row (accepted, refused or failed). The newest accepted
row names the model this install loads at start; corrections newer than the last completed
refit are what the next one learns from. The Refitter (bot/engine/refitter.py) asks these
questions; it never sees the tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.store.connection import Database


@dataclass(frozen=True)
class Refit:
    """One recorded refit: what it trained on, how it scored, and the model it made."""

    id: int
    started_at: str
    finished_at: str
    last_correction_id: int  # corrections up to this id were considered
    trained_on: int | None
    held_back: int | None
    old_score: float | None
    new_score: float | None
    status: str  # accepted, refused, failed
    model_key: str | None
    model_path: str | None
    detail: str | None


@dataclass(frozen=True)
class Lesson:
    """One correction as a refit learns it: the customer's words and their real intent."""

    id: int
    text: str
    to_intent: str


def record(db: Database, *, started_at: str, finished_at: str, last_correction_id: int,
           status: str, trained_on: int | None = None, held_back: int | None = None,
           old_score: float | None = None, new_score: float | None = None,
           model_key: str | None = None, model_path: str | None = None,
           detail: str | None = None) -> int:
    """Store one refit's outcome; its id."""
    return db.execute(
        "insert into model_refits (started_at, finished_at, last_correction_id, trained_on, "
        "held_back, old_score, new_score, status, model_key, model_path, detail) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [started_at, finished_at, last_correction_id, trained_on, held_back, old_score,
         new_score, status, model_key, model_path, detail]).lastrowid


def active(db: Database) -> Refit | None:
    """The newest accepted refit: the model this install should be using, if any."""
    rows = list(db.query("select * from model_refits where status = 'accepted' "
                         "order by id desc limit 1"))
    return _refit(rows[0]) if rows else None


def considered_up_to(db: Database) -> int:
    """Corrections up to this id were trained or measured in a refit that completed (accepted
    or refused; a failed one taught nothing)."""
    return db.execute("select coalesce(max(last_correction_id), 0) from model_refits "
                      "where status in ('accepted', 'refused')").fetchone()[0]


def lessons(db: Database, up_to: int) -> list[Lesson]:
    """Every correction up to id `up_to`, oldest first, as a refit trains on them."""
    return [Lesson(row["id"], row["text"], row["to_intent"]) for row in db.query(
        "select id, text, to_intent from corrections where id <= ? order by id", [up_to])]


def _refit(row: dict[str, Any]) -> Refit:
    return Refit(**{name: row[name] for name in Refit.__dataclass_fields__})
