"""Corrections that teach: accuracy on one local register before and after 20, 50 and 100
corrections.

bench/data/neighbourhood_slang.jsonl holds 198 customer messages to a bakery written in one
neighbourhood's slang ("what's the damage on a large sourdough", "allow the texts bruv"), 22 per
intent, written for this benchmark (none is in the training, dev or real-world files). Per
seed, 8 messages of each intent are held back as the test set; the others, shuffled, are the
team's corrections in the order they are made. After N corrections the model is refit exactly
as the running bot does (bot.engine.refit.refit: shipped training data plus the corrections'
training share, kept only when it loses no opt-out or complaint of the guard list and dev.jsonl
and scores no worse on dev, the held-back fifth never deciding alone), then scored on the
held-back register messages and on dev.jsonl.

    .venv/bin/python bench/feedback_learning.py [--seeds 3]

Accuracy is "as Nudge uses it": an unsure guess counts as chit_chat.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import EngineSettings  # noqa: E402
from bot.engine.classifier import IntentClassifier  # noqa: E402
from bot.engine.corpus import Example, dev_examples, training_examples  # noqa: E402
from bot.engine.model import IntentModel, load_or_train  # noqa: E402
from bot.engine.refit import refit  # noqa: E402

REGISTER = Path(__file__).resolve().parent / "data" / "neighbourhood_slang.jsonl"
STEPS = (20, 50, 100)
TEST_PER_INTENT = 8


def register() -> list[Example]:
    return [Example(row["text"], row["intent"]) for row in map(json.loads, REGISTER.open())]


def split(examples: list[Example], seed: int) -> tuple[list[Example], list[Example]]:
    """(test, corrections): TEST_PER_INTENT of each intent held back, the rest shuffled."""
    rng = random.Random(seed)
    by_intent: dict[str, list[Example]] = {}
    for example in examples:
        by_intent.setdefault(example.intent, []).append(example)
    test, pool = [], []
    for intent in sorted(by_intent):
        group = by_intent[intent][:]
        rng.shuffle(group)
        test += group[:TEST_PER_INTENT]
        pool += group[TEST_PER_INTENT:]
    rng.shuffle(pool)
    return test, pool


def accuracy(model: IntentModel, examples: list[Example]) -> float:
    classifier = IntentClassifier(EngineSettings().confidence_threshold, model=model)
    guesses = classifier.classify_many([e.text for e in examples])
    return sum(g.intent == e.intent for g, e in zip(guesses, examples, strict=True)) / len(
        examples)


def run_seed(seed: int, shipped: IntentModel, base: list[Example], dev: list[Example]) -> list:
    test, pool = split(register(), seed)
    rows = [(0, accuracy(shipped, test), accuracy(shipped, dev), "shipped model", 0.0)]
    current = shipped
    for step in STEPS:
        started = time.perf_counter()
        outcome = refit(current, pool[:step], base, dev)
        seconds = time.perf_counter() - started
        verdict = f"{'kept' if outcome.accepted else 'refused'} ({outcome.verdict()})"
        if outcome.accepted:
            current = outcome.model
        rows.append((step, accuracy(current, test), accuracy(current, dev), verdict, seconds))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="different test/correction splits")
    args = parser.parse_args()
    base, dev = training_examples(), dev_examples()
    shipped = load_or_train(base)
    print(f"register: {REGISTER.name}, {len(register())} messages; per seed "
          f"{TEST_PER_INTENT * 9} held back for testing, the rest are corrections")
    table: dict[int, list[tuple[float, float]]] = {}
    for seed in range(1, args.seeds + 1):
        print(f"\nseed {seed}")
        print(f"{'corrections':>11}  {'register':>8}  {'dev':>6}  refit")
        for step, register_acc, dev_acc, verdict, seconds in run_seed(seed, shipped, base, dev):
            took = f", {seconds:.1f} s" if seconds else ""
            print(f"{step:>11}  {register_acc:>8.3f}  {dev_acc:>6.3f}  {verdict}{took}")
            table.setdefault(step, []).append((register_acc, dev_acc))
    print(f"\nmean over {args.seeds} seeds")
    print(f"{'corrections':>11}  {'register':>8}  {'dev':>6}")
    for step, values in table.items():
        register_mean = sum(v[0] for v in values) / len(values)
        dev_mean = sum(v[1] for v in values) / len(values)
        print(f"{step:>11}  {register_mean:>8.3f}  {dev_mean:>6.3f}")


if __name__ == "__main__":
    main()
