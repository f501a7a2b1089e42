"""Cells for a spreadsheet: `nudge export` writes machine CSV as it is stored, and with
`--excel` the same rows as a person opening them in Excel or Sheets wants them.

For Excel: headers in words ("conversation_id" -> "Conversation ID"), times in the team's
time zone ("2026-11-22 10:00", the header naming the zone) instead of UTC ISO text, and the
JSON some columns hold (a promotion's targets and wordings, a reply's facts) written out as
text ("slack C1; discord 555"). Both ways, a cell a spreadsheet would run as a formula is
made text first.
"""

from __future__ import annotations

import json
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...), +cmd|...):
# customers write the messages, so such a cell is written with an apostrophe first, which
# spreadsheets take as "this is text" and do not show.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ACRONYMS = {"id": "ID", "cta": "CTA", "url": "URL", "llm": "LLM", "utm": "UTM", "ab": "A/B"}
# The columns holding JSON that Nudge wrote (never a customer's words, which stay as written).
JSON_COLUMNS = {"targets", "trigger", "variants", "payload", "details", "facts", "alternatives"}
TIME_COLUMNS = {"at", "first_seen", "last_seen", "scheduled_for"}


def spreadsheet_cell(value: Any) -> Any:
    """`value` as a spreadsheet should show it: text that would be evaluated, made text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def human_header(column: str) -> str:
    """"conversation_id" -> "Conversation ID", "created_at" -> "Created at"."""
    words = [ACRONYMS.get(word, word) for word in column.split("_")]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def is_time(column: str) -> bool:
    return column in TIME_COLUMNS or column.endswith("_at")


def excel_header(column: str, zone: ZoneInfo) -> str:
    """"created_at" -> "Created at (Europe/London)": the zone its times are written in."""
    return f"{human_header(column)} ({zone.key})" if is_time(column) else human_header(column)


def readable(value: Any) -> str:
    """JSON as a person reads it: a list item by item ("; "), an object as "key: value"
    pairs, nested ones the same way in brackets."""
    if isinstance(value, dict):
        return ", ".join(f"{key.replace('_', ' ')}: {_inner(item)}" for key, item in
                         value.items())
    if isinstance(value, list):
        return "; ".join(_inner(item) if isinstance(item, list) else readable(item)
                         for item in value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _inner(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(readable(item) for item in value)
    if isinstance(value, dict):
        return f"({readable(value)})"
    return readable(value)


def local_time(text: str, zone: ZoneInfo) -> str:
    """"2026-11-22T10:00:00+00:00" -> "2026-11-22 10:00" in `zone` (a stored time without an
    offset is UTC, as Nudge writes them); anything else is left as it is."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def excel_cell(column: str, value: Any, zone: ZoneInfo) -> Any:
    """One cell for Excel: a time in the team's zone, JSON as words, formulas made text."""
    if isinstance(value, str) and value:
        if is_time(column):
            value = local_time(value, zone)
        elif column in JSON_COLUMNS and value.startswith(("[", "{")):
            with suppress(ValueError):  # not JSON after all: shown as stored
                value = readable(json.loads(value))
    return spreadsheet_cell(value)
