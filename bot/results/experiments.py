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
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.store import Database, experiments
from bot.store.experiments import Clicks

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
    # variant -> what it says: a promotion's wording, or the latest reply sent in a template
    wordings: dict[str, str] = field(default_factory=dict, compare=False)

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


def _arms(variants: list[str], sends: dict[str, int], clicks: dict[str, Clicks]
          ) -> tuple[Arm, ...]:
    none = Clicks(0, 0)
    return tuple(Arm(v, sends.get(v, 0), min(clicks.get(v, none).clicked, sends.get(v, 0)),
                     clicks.get(v, none).clicks) for v in variants)


def promotion_tests(db: Database) -> list[ABTest]:
    """Every promotion with two or more wordings, newest first."""
    tests = []
    for promotion in experiments.tested_promotions(db):
        variants = [chr(ord("a") + n) for n in range(promotion.variants)]
        tests.append(ABTest("promotion", str(promotion.id), f"promotion #{promotion.id}",
                            promotion.status in ("active", "paused"),
                            _arms(variants, experiments.promotion_sends(db, promotion.id),
                                  experiments.promotion_clicks(db, promotion.id)),
                            dict(zip(variants, promotion.wordings, strict=False))))
    return tests


def reply_tests(db: Database, now: datetime) -> list[ABTest]:
    """Every intent whose replies were sent in two or more template wordings."""
    clicks = experiments.reply_clicks(db)
    examples = experiments.reply_examples(db)
    recent = experiments.intents_tested_since(db, now - RUNNING_WINDOW)
    tests = []
    for intent, sends in sorted(experiments.reply_sends(db).items()):
        variants = sorted(sends)
        if len(variants) < 2:
            continue
        tests.append(ABTest("reply", intent, f"{intent} replies", intent in recent,
                            _arms(variants, sends, clicks.get(intent, {})),
                            examples.get(intent, {})))
    return tests


def all_tests(db: Database, now: datetime) -> list[ABTest]:
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
