"""What happened to each suggestion, honestly: sent as suggested, sent after an edit (and how
much the edit changed), another suggestion chosen, dismissed, or never handled.

Counted once per customer message that got suggestions (a message gets up to three; only one
can be sent), by intent and by CTA, with the clicks its tracked links earned beside it. An edit
is never "sent as suggested": the team rewrote it, and how much is measured by a similarity
ratio between the suggestion and what was sent (1.0 = unchanged, 0 = nothing in common).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from bot.store import Database, reports
from bot.store.reports import Action, Suggestion

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


def _classify(group: list[Suggestion], actions: dict[int, list[Action]]
              ) -> tuple[str, Suggestion, float | None]:
    """(outcome, the suggestion it is credited to, similarity of an edit) for one message."""
    for row in group:
        if row.status != "sent":
            continue
        done = [a for a in actions.get(row.id, []) if a.action in ("send", "edit")]
        if done and done[-1].action == "edit":
            return "edited", row, similarity(row.text, done[-1].text or "")
        return ("as_suggested" if row.rank == 0 else "another"), row, None
    first = group[0]
    dismissed = any(a.action == "dismiss" for row in group for a in actions.get(row.id, []))
    return ("dismissed" if dismissed else "never"), first, None


def _graded(db: Database, start: datetime, end: datetime
            ) -> Iterator[tuple[str, Suggestion, float | None, int]]:
    """(outcome, the suggestion it is credited to, similarity of an edit, clicks earned) for
    each customer message given suggestions in [start, end)."""
    actions: dict[int, list[Action]] = defaultdict(list)
    for action in reports.actions_on_suggestions_between(db, start, end):
        actions[action.suggestion_id].append(action)
    clicks = reports.clicks_per_reply(db)
    groups: dict[int, list[Suggestion]] = defaultdict(list)
    for row in reports.suggestions_between(db, start, end):
        groups[row.message_id].append(row)
    for group in groups.values():
        outcome, credited, ratio = _classify(group, actions)
        yield outcome, credited, ratio, sum(clicks.get(row.id, 0) for row in group)


def outcomes(db: Database, start: datetime, end: datetime) -> Outcomes:
    """Outcomes of the suggestions made in [start, end)."""
    by_intent: dict[str, Tally] = defaultdict(Tally)
    by_cta: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for outcome, credited, ratio, earned in _graded(db, start, end):
        for tally in (total, by_intent[credited.intent],
                      by_cta[credited.cta_id or NO_CTA]):
            tally.add(outcome, ratio, earned)
    return Outcomes(dict(sorted(by_intent.items())), dict(sorted(by_cta.items())), total)


def outcomes_by_shop(db: Database, start: datetime, end: datetime,
                     shops_of: Callable[[Suggestion], Iterable[str]]
                     ) -> dict[str, dict[str, Tally]]:
    """shop -> intent -> outcomes, for the suggestions made in [start, end); `shops_of` says
    which shops a suggestion was about (a reply about two shops counts for both; one about
    none is left out)."""
    found: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for outcome, credited, ratio, earned in _graded(db, start, end):
        for shop in shops_of(credited):
            found[shop][credited.intent].add(outcome, ratio, earned)
    return {shop: dict(sorted(tallies.items())) for shop, tallies in found.items()}


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
