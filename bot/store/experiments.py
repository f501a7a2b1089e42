"""The figures behind the A/B tests: how often each wording was sent, and what it earned.

Two kinds of test: a promotion with several wordings (variants a, b, ... in the order the
promotion lists them), and an intent whose reply templates have variants (pricing.b.j2
beside pricing.j2). A send is a delivery or a sent suggestion; a click counts on the tracked
link the send carried. The statistics (rates, intervals, the winner) are worked out above
the store, in bot/results/experiments.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.store.connection import Database
from bot.store.times import iso


@dataclass(frozen=True)
class PromotionUnderTest:
    id: int
    status: str  # active, paused, finished, ...
    variants: int  # how many wordings it has
    wordings: tuple[str, ...] = ()  # their texts, in order (a, b, ...)


@dataclass(frozen=True)
class Clicks:
    """What the links of one wording earned."""

    clicked: int  # links clicked at least once: one per send that earned a click
    clicks: int  # every counted click


def _wordings(raw: str | None) -> list:
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return []
    return items if isinstance(items, list) else []


def tested_promotions(db: Database) -> list[PromotionUnderTest]:
    """Every promotion with wordings to compare, newest first."""
    rows = db.execute("select id, status, variants from promotions where variants is not null "
                      "order by id desc").fetchall()
    return [PromotionUnderTest(pid, status, len(_wordings(variants)),
                               tuple(str(text) for text in _wordings(variants)))
            for pid, status, variants in rows]


def promotion_sends(db: Database, promotion_id: int) -> dict[str, int]:
    """wording -> posts of the promotion sent in it (test posts to the team left out)."""
    return dict(db.execute(
        "select variant, count(*) from deliveries where kind = 'promotion' and ref_id = ? "
        "and status = 'sent' and coalesce(test, 0) = 0 group by variant",
        [str(promotion_id)]).fetchall())


def promotion_clicks(db: Database, promotion_id: int) -> dict[str, Clicks]:
    """wording -> what the promotion's links in it earned (wordings never clicked left out)."""
    return {variant: Clicks(clicked, clicks) for variant, clicked, clicks in db.execute(
        "select l.variant, count(distinct l.token), count(c.id) from links l join clicks c on "
        "c.token = l.token where l.kind = 'promotion' and l.ref_id = ? group by l.variant",
        [str(promotion_id)]).fetchall()}


def reply_sends(db: Database) -> dict[str, dict[str, int]]:
    """intent -> template wording -> replies sent in it (replies from one template left out)."""
    found: dict[str, dict[str, int]] = {}
    for intent, variant, sends in db.execute(
            "select intent, variant, count(*) from suggestions where variant is not null and "
            "status = 'sent' group by intent, variant").fetchall():
        found.setdefault(intent, {})[variant] = sends
    return found


def reply_clicks(db: Database) -> dict[str, dict[str, Clicks]]:
    """intent -> template wording -> what the links of the replies sent in it earned."""
    found: dict[str, dict[str, Clicks]] = {}
    for intent, variant, clicked, clicks in db.execute(
            "select s.intent, l.variant, count(distinct l.token), count(c.id) from links l "
            "join clicks c on c.token = l.token join suggestions s on s.id = "
            "cast(l.ref_id as integer) where l.kind = 'reply' and l.variant != '' "
            "group by s.intent, l.variant").fetchall():
        found.setdefault(intent, {})[variant] = Clicks(clicked, clicks)
    return found


def reply_examples(db: Database) -> dict[str, dict[str, str]]:
    """intent -> template wording -> the latest reply sent in it, to show what it says."""
    found: dict[str, dict[str, str]] = {}
    for intent, variant, text in db.execute(
            "select intent, variant, text from suggestions where id in (select max(id) from "
            "suggestions where variant is not null and status = 'sent' "
            "group by intent, variant)").fetchall():
        found.setdefault(intent, {})[variant] = text or ""
    return found


def intents_tested_since(db: Database, since: datetime) -> set[str]:
    """Intents given a suggestion from a template variant since `since`: their test runs."""
    return {intent for (intent,) in db.execute(
        "select distinct intent from suggestions where variant is not null and created_at >= ?",
        [iso(since)]).fetchall()}
