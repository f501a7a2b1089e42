"""What happened to each suggestion, honestly: sent as suggested, sent after an edit (and how
much the edit changed), another suggestion chosen, dismissed, or never handled.

Counted once per customer message that got suggestions (a message gets up to three; only one
can be sent), by intent and by CTA, with the clicks its tracked links earned beside it. An edit
is never "sent as suggested": the team rewrote it, and how much is measured by a similarity
ratio between the suggestion and what was sent (1.0 = unchanged, 0 = nothing in common).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import sqlite_utils

OUTCOMES = ("as_suggested", "edited", "another", "dismissed", "never")
LABELS = {"as_suggested": "sent as suggested", "edited": "sent after an edit",
          "another": "another chosen", "dismissed": "dismissed", "never": "never handled"}
NO_CTA = "(no CTA)"


@dataclass
class Tally:
    """Outcomes of the suggestions for some customer messages, and the clicks they earned."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    similarity_total: float = 0.0
    clicks: int = 0

    @property
    def suggested(self) -> int:
        return sum(self.counts.values())

    @property
    def sent(self) -> int:
        return self.counts["as_suggested"] + self.counts["edited"] + self.counts["another"]

    @property
    def kept(self) -> float | None:
        """How much of the suggestion an edit kept, on average (None without edits)."""
        edits = self.counts["edited"]
        return self.similarity_total / edits if edits else None

    def add(self, outcome: str, similarity: float | None, clicks: int) -> None:
        self.counts[outcome] += 1
        if similarity is not None:
            self.similarity_total += similarity
        self.clicks += clicks


@dataclass
class Outcomes:
    by_intent: dict[str, Tally]
    by_cta: dict[str, Tally]
    total: Tally


def similarity(suggested: str, sent: str) -> float:
    """1.0 when the edit changed nothing, towards 0 as less of the suggestion is left."""
    return round(SequenceMatcher(None, suggested or "", sent or "", autojunk=False).ratio(), 3)


def _rows(db: sqlite_utils.Database, sql: str, params: list) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _classify(group: list[dict], actions: dict[int, list[tuple[str, str]]]
              ) -> tuple[str, dict, float | None]:
    """(outcome, the suggestion it is credited to, similarity of an edit) for one message."""
    for row in group:
        if row["status"] != "sent":
            continue
        done = [a for a in actions.get(row["id"], []) if a[0] in ("send", "edit")]
        action, text = done[-1] if done else ("send", None)
        if action == "edit":
            return "edited", row, similarity(row["text"], text)
        return ("as_suggested" if row["rank"] == 0 else "another"), row, None
    first = group[0]
    dismissed = any(a[0] == "dismiss" for row in group for a in actions.get(row["id"], []))
    return ("dismissed" if dismissed else "never"), first, None


def outcomes(db: sqlite_utils.Database, start: str, end: str) -> Outcomes:
    """Outcomes of the suggestions made between the UTC ISO bounds [start, end)."""
    suggestions = _rows(
        db, "select id, message_id, rank, intent, cta_id, text, status from suggestions "
            "where created_at >= ? and created_at < ? order by message_id, rank", [start, end])
    actions: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(db, "select f.suggestion_id, f.action, f.text from feedback f "
                         "join suggestions s on s.id = f.suggestion_id "
                         "where s.created_at >= ? and s.created_at < ? order by f.id",
                     [start, end]):
        actions[row["suggestion_id"]].append((row["action"], row["text"]))
    clicks = dict(db.execute(
        "select cast(l.ref_id as integer), count(c.id) from links l join clicks c on "
        "c.token = l.token where l.kind = 'reply' group by l.ref_id").fetchall())
    groups: dict[int, list[dict]] = defaultdict(list)
    for row in suggestions:
        groups[row["message_id"]].append(row)
    by_intent: dict[str, Tally] = defaultdict(Tally)
    by_cta: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for group in groups.values():
        outcome, credited, ratio = _classify(group, actions)
        earned = sum(clicks.get(row["id"], 0) for row in group)
        for tally in (total, by_intent[credited["intent"]],
                      by_cta[credited["cta_id"] or NO_CTA]):
            tally.add(outcome, ratio, earned)
    return Outcomes(dict(sorted(by_intent.items())), dict(sorted(by_cta.items())), total)


def tally_line(tally: Tally) -> str:
    """"5 suggested: 2 sent as suggested, 1 sent after an edit (71% kept), ... · 3 clicks"."""
    parts = []
    for outcome in OUTCOMES:
        text = f"{tally.counts[outcome]} {LABELS[outcome]}"
        if outcome == "edited" and tally.kept is not None:
            text += f" ({tally.kept:.0%} kept)"
        parts.append(text)
    clicks = f" · {tally.clicks} click{'s' if tally.clicks != 1 else ''}"
    return f"{tally.suggested} suggested: " + ", ".join(parts) + clicks
