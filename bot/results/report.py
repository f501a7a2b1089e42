"""Results: what the team did with Nudge over a span of local days, read from the database.

Each figure is counted from plain rows the store gives (bot/store/reports.py), which keeps
every number explainable; the digest, `/nudge stats`, the Slack App Home and `nudge stats` all
read from here so they never disagree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.results.outcomes import Outcomes, outcomes
from bot.store import Database, reports
from bot.store.redemptions import OfferRedemptions, by_offer

STAGES = ("information", "conversation", "promotion")


@dataclass(frozen=True)
class Span:
    """Local days [first, last] in the team's zone, and the moments they start and end."""

    first: date
    last: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        """The first day's midnight, in the team's zone."""
        return datetime.combine(self.first, time(0), self.zone)

    @property
    def end(self) -> datetime:
        """The midnight after the last day: the span is [start, end)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), self.zone)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def label(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def span_ending(today: date, days: int, zone: ZoneInfo) -> Span:
    return Span(today - timedelta(days=days - 1), today, zone)


@dataclass
class Figures:
    customer_messages: int = 0
    suggestions_made: int = 0
    suggestions_sent: int = 0
    ctas_asked: int = 0
    promotions_sent: int = 0
    conversations: int = 0
    mix: Counter = field(default_factory=Counter)  # stage -> replies sent

    @property
    def is_empty(self) -> bool:
        return not (self.customer_messages or self.suggestions_made or self.suggestions_sent
                    or self.promotions_sent)

    @property
    def ctas_per_conversation(self) -> float:
        return self.ctas_asked / self.conversations if self.conversations else 0.0

    def mix_text(self) -> str:
        total = sum(self.mix[stage] for stage in STAGES)
        if not total:
            return "no replies sent"
        return ", ".join(f"{stage} {self.mix[stage] * 100 // total}%" for stage in STAGES)


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _events(db: Database, span: Span) -> dict[str, list]:
    """Every counted event in the span, each with its time, platform and what it counts for."""
    start, end = span.start, span.end
    return {
        "customer_messages": reports.customer_messages(db, start, end),
        "suggestions_made": reports.suggestions_made(db, start, end),
        "suggestions_sent": reports.replies_sent(db, start, end),
        "promotions_sent": reports.promotions_sent(db, start, end),
    }


def _add(figures: Figures, kind: str, event) -> None:
    if kind == "customer_messages":
        figures.customer_messages += 1
    elif kind == "suggestions_made":
        figures.suggestions_made += 1
    elif kind == "promotions_sent":
        figures.promotions_sent += 1
    else:
        figures.suggestions_sent += 1
        figures.mix[event.stage] += 1
        if event.cta_id:
            figures.ctas_asked += 1


@dataclass
class Report:
    span: Span
    total: Figures
    by_day: dict[date, Figures]
    by_platform: dict[str, Figures]
    acceptance: dict[str, tuple[int, int]]  # intent -> (sent, made), edits included
    outcomes: Outcomes | None = None  # sent as suggested, edited, ... by intent and CTA
    redemptions: list[OfferRedemptions] = field(default_factory=list)


def report(db: Database, span: Span) -> Report:
    """All the figures for the span: in total, per local day, per platform, per intent."""
    total = Figures()
    by_day = {day: Figures() for day in span.days()}
    by_platform: dict[str, Figures] = defaultdict(Figures)
    conversations: dict[str, set] = defaultdict(set)
    made: Counter = Counter()
    sent: Counter = Counter()
    for kind, events in _events(db, span).items():
        for event in events:
            day = _local_day(event.at, span.zone)
            for figures in (total, by_day[day], by_platform[event.platform]):
                _add(figures, kind, event)
            if kind == "customer_messages":
                conversations["*"].add(event.conversation_id)
                conversations[event.platform].add(event.conversation_id)
            elif kind == "suggestions_made":
                made[event.intent] += 1
            elif kind == "suggestions_sent":
                sent[event.intent] += 1
    total.conversations = len(conversations["*"])
    for platform, figures in by_platform.items():
        figures.conversations = len(conversations[platform])
    acceptance = {intent: (sent[intent], made[intent]) for intent in sorted(made)}
    return Report(span, total, by_day, dict(sorted(by_platform.items())), acceptance,
                  outcomes(db, span.start, span.end), by_offer(db, span.first, span.last))
