"""A/B tests and their results: promotions with several wordings, reply templates with
variants (pricing.b.j2 beside pricing.j2).

For each variant: how many times it was sent, how many of those sends earned at least one click
(the click-through rate, a true proportion, so its 95% Wilson interval is sound; the total of
clicks is shown beside it, since one promotion post can be clicked by many people), and a
winner only when the best variant's interval lies wholly above every other's: until then the
difference may be chance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.store import iso

Z95 = 1.959964  # the normal quantile for a two-sided 95% interval
RUNNING_WINDOW = timedelta(days=7)  # a reply test with no suggestion for a week has finished


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for successes/trials; (0, 1) when nothing was tried yet."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Arm:
    """One variant of a test and what it earned."""

    variant: str
    sends: int
    clicked: int  # sends with at least one click
    clicks: int  # every counted click

    @property
    def rate(self) -> float:
        return self.clicked / self.sends if self.sends else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.clicked, self.sends)


@dataclass(frozen=True)
class ABTest:
    kind: str  # promotion or reply
    subject: str  # the promotion id, or the intent
    title: str  # "promotion #3", "pricing replies"
    running: bool
    arms: tuple[Arm, ...]

    @property
    def winner(self) -> Arm | None:
        """The variant whose interval lies above every other's, or None (not yet, or never)."""
        if len(self.arms) < 2:
            return None
        best = max(self.arms, key=lambda arm: arm.rate)
        low = best.interval[0]
        if all(low > arm.interval[1] for arm in self.arms if arm is not best):
            return best
        return None


def _rows(db: sqlite_utils.Database, sql: str, params: list | None = None) -> list[tuple]:
    return db.execute(sql, params or []).fetchall()


def _arms(variants: list[str], sends: dict[str, int], clicked: dict[str, int],
          clicks: dict[str, int]) -> tuple[Arm, ...]:
    return tuple(Arm(v, sends.get(v, 0), min(clicked.get(v, 0), sends.get(v, 0)),
                     clicks.get(v, 0)) for v in variants)


def promotion_tests(db: sqlite_utils.Database) -> list[ABTest]:
    """Every promotion with two or more wordings, newest first."""
    tests = []
    for pid, status, count in _rows(
            db, "select id, status, json_array_length(variants) from promotions "
                "where variants is not null order by id desc"):
        variants = [chr(ord("a") + n) for n in range(count)]
        sends = dict(_rows(db, "select variant, count(*) from deliveries where kind = "
                               "'promotion' and ref_id = ? and status = 'sent' "
                               "and not coalesce(test, 0) group by variant",
                           [str(pid)]))
        clicked = dict(_rows(db, "select l.variant, count(distinct l.token) from links l join "
                                 "clicks c on c.token = l.token where l.kind = 'promotion' and "
                                 "l.ref_id = ? group by l.variant", [str(pid)]))
        clicks = dict(_rows(db, "select l.variant, count(c.id) from links l join clicks c on "
                                "c.token = l.token where l.kind = 'promotion' and l.ref_id = ? "
                                "group by l.variant", [str(pid)]))
        tests.append(ABTest("promotion", str(pid), f"promotion #{pid}",
                          status in ("active", "paused"), _arms(variants, sends, clicked,
                                                                 clicks)))
    return tests


def reply_tests(db: sqlite_utils.Database, now: datetime) -> list[ABTest]:
    """Every intent whose replies were sent in two or more template wordings."""
    by_intent: dict[str, dict[str, dict[str, int]]] = {}
    for intent, variant, sends in _rows(
            db, "select s.intent, s.variant, count(*) from suggestions s where s.variant is "
                "not null and s.status = 'sent' group by s.intent, s.variant"):
        by_intent.setdefault(intent, {"sends": {}, "clicked": {}, "clicks": {}})
        by_intent[intent]["sends"][variant] = sends
    for intent, variant, clicked, clicks in _rows(
            db, "select s.intent, l.variant, count(distinct l.token), count(c.id) from links l "
                "join clicks c on c.token = l.token join suggestions s on s.id = "
                "cast(l.ref_id as integer) where l.kind = 'reply' and l.variant != '' "
                "group by s.intent, l.variant"):
        if intent in by_intent:
            by_intent[intent]["clicked"][variant] = clicked
            by_intent[intent]["clicks"][variant] = clicks
    recent = {intent for (intent,) in _rows(
        db, "select distinct intent from suggestions where variant is not null and "
            "created_at >= ?", [iso(now - RUNNING_WINDOW)])}
    tests = []
    for intent, figures in sorted(by_intent.items()):
        variants = sorted(figures["sends"])
        if len(variants) < 2:
            continue
        tests.append(ABTest("reply", intent, f"{intent} replies", intent in recent,
                          _arms(variants, figures["sends"], figures["clicked"],
                                figures["clicks"])))
    return tests


def all_tests(db: sqlite_utils.Database, now: datetime) -> list[ABTest]:
    return promotion_tests(db) + reply_tests(db, now)


def arm_line(arm: Arm, winner: Arm | None) -> str:
    """"B: 40 sent, 9 clicked (23 clicks), CTR 22% (95%: 12–37%) ← winner"."""
    low, high = arm.interval
    mark = " ← winner" if arm is winner else ""
    return (f"{arm.variant.upper()}: {arm.sends} sent, {arm.clicked} clicked ({arm.clicks} "
            f"click{'s' if arm.clicks != 1 else ''}), CTR {arm.rate:.0%} "
            f"(95%: {low:.0%}–{high:.0%}){mark}")


def verdict(test: ABTest) -> str:
    winner = test.winner
    if winner is not None:
        return f"wording {winner.variant.upper()} wins"
    if sum(arm.sends for arm in test.arms) == 0:
        return "nothing sent yet"
    return "no winner yet: the intervals overlap"
