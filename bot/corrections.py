"""The team's intent corrections, as stored rows and as JSON Lines.

A correction says "this customer message was really <intent>": made with the review's
"wrong intent?" menu, or imported from another install with `nudge corrections import`.
They are training data for this install (see bot/engine/refit.py).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.engine.types import GUARDED, INTENTS
from bot.store import Database, iso, transaction
from bot.store import corrections as rows

MAX_TEXT = rows.MAX_TEXT
# GUARDED: corrections into or out of these need a manager in chat; an import counts them apart.
EXPORTED = ("text", "from_intent", "to_intent", "platform", "user_id", "created_at")


class CorrectionError(ValueError):
    """A correction that cannot be stored; the message names the line and the problem."""


@dataclass(frozen=True)
class Correction:
    text: str
    to_intent: str
    from_intent: str | None = None
    platform: str = ""
    user_id: str = ""
    created_at: str = ""  # ISO 8601 in UTC, as every timestamp Nudge stores


def fingerprint(c: Correction) -> str:
    """Who said what about which words, when: the same correction twice has the same print."""
    parts = [c.text, c.from_intent or "", c.to_intent, c.platform, c.user_id, c.created_at]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def record(db: Database, correction: Correction, *, message_id: int | None = None,
           suggestion_id: int | None = None, conversation_id: int | None = None,
           source: str = "review") -> int | None:
    """Store one correction; its id, or None when the very same one is already stored."""
    return rows.record(db, rows.NewCorrection(
        fingerprint=fingerprint(correction), text=correction.text,
        to_intent=correction.to_intent, from_intent=correction.from_intent,
        platform=correction.platform, user_id=correction.user_id,
        created_at=correction.created_at, message_id=message_id, suggestion_id=suggestion_id,
        conversation_id=conversation_id, source=source))


def stored(db: Database, up_to: int | None = None) -> list[dict]:
    """Every stored correction, oldest first (only ids up to `up_to` when given)."""
    return rows.stored(db, up_to)


def latest_id(db: Database) -> int:
    return rows.latest_id(db)


def export_lines(db: Database) -> Iterator[str]:
    """The corrections as JSON Lines, one object per correction, oldest first."""
    for row in stored(db):
        yield json.dumps({key: row[key] for key in EXPORTED}, ensure_ascii=False)



def parse_line(line: str, number: int) -> Correction:
    """One exported line back as a Correction; CorrectionError names what is wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise CorrectionError(f"line {number}: not valid JSON ({error.msg})") from None
    if not isinstance(row, dict):
        raise CorrectionError(f"line {number}: expected a JSON object")
    text, to_intent = row.get("text"), row.get("to_intent")
    if not isinstance(text, str) or not text.strip():
        raise CorrectionError(f'line {number}: "text" must be the customer\'s words')
    if to_intent not in INTENTS:
        raise CorrectionError(f'line {number}: "to_intent" must be one of {", ".join(INTENTS)}')
    from_intent = row.get("from_intent")
    if from_intent is not None and from_intent not in INTENTS:
        raise CorrectionError(f'line {number}: "from_intent" must be an intent or null')
    for key in ("platform", "user_id"):
        if not isinstance(row.get(key, ""), str):
            raise CorrectionError(f'line {number}: "{key}" must be a string')
    created_at = row.get("created_at")
    try:
        moment = datetime.fromisoformat(created_at) if isinstance(created_at, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise CorrectionError(f'line {number}: "created_at" must be an ISO 8601 time with a '
                              'zone, such as "2026-11-29T15:00:00+00:00"')
    return Correction(text=text[:MAX_TEXT], to_intent=to_intent, from_intent=from_intent,
                      platform=row.get("platform") or "", user_id=row.get("user_id") or "",
                      created_at=iso(moment))


def guarded(was: str | None, now_is: str) -> bool:
    """Whether correcting `was` to `now_is` moves a message into or out of a guarded intent."""
    return was != now_is and (was in GUARDED or now_is in GUARDED)


def read_lines(lines: Iterable[str]) -> list[Correction]:
    """Every correction in the lines; CorrectionError at the first bad one."""
    return [parse_line(line, number) for number, line in enumerate(lines, start=1)
            if line.strip()]


def not_stored(db: Database, wanted: list[Correction]) -> list[Correction]:
    """The corrections an import would add: not stored yet, and each once."""
    seen = rows.fingerprints(db)
    fresh = []
    for correction in wanted:
        print_ = fingerprint(correction)
        if print_ not in seen:
            seen.add(print_)
            fresh.append(correction)
    return fresh


def changes(wanted: list[Correction]) -> Counter[tuple[str | None, str]]:
    """How many corrections go from which intent to which (None: not said)."""
    return Counter((c.from_intent, c.to_intent) for c in wanted)


def import_lines(db: Database, lines: Iterable[str]) -> tuple[int, int]:
    """Read every line first (a bad one stores nothing), then store them in one transaction;
    (added, already there)."""
    wanted = read_lines(lines)
    added = store(db, wanted)
    return added, len(wanted) - added


def store(db: Database, wanted: list[Correction]) -> int:
    """Store imported corrections in one transaction; how many were new."""
    added = 0
    with transaction(db):
        for correction in wanted:
            if record(db, correction, source="import") is not None:
                added += 1
    return added
