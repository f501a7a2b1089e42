"""Learning from the team's corrections: the intent model is refit on them, in the background.

After every `engine.refit_after` new corrections (and at start when some are not in the model
yet) a child process (`python -m bot.engine.refit`, like bot.engine.warm) trains a candidate on
the shipped training data plus the corrections. It is judged on data the corrections cannot
touch: it must not lose any line of guard.jsonl (opt-outs and complaints in four languages),
nor any opt-out or complaint of dev.jsonl, that the model in use gets right; and it must score
no worse on dev.jsonl, give or take DEV_TOLERANCE. A held-back share of the corrections (one in
HOLD_BACK_EVERY, chosen by a hash of the words, so the split never changes) is measured too:
dev plus that share must not get worse either, but it never accepts a candidate on its own:
otherwise a few hundred poisoned corrections, say opt-outs relabelled as small talk, would
both teach the candidate and vouch for it. Either way the attempt is recorded in
`model_refits`. Nothing of this runs on the event loop: the child does the training and the
measuring, and the accepted model file is loaded in a worker thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.engine.corpus import (
    Example,
    dev_examples,
    guard_examples,
    same_text_key,
    training_examples,
)
from bot.engine.embedding import embedder
from bot.engine.model import IntentModel, load_or_train, train
from bot.engine.types import GUARDED

log = logging.getLogger(__name__)

HOLD_BACK_EVERY = 5  # one correction in five measures the refit instead of training it
# How much worse on dev.jsonl a candidate may score (about two lines of 452) when the held-back
# corrections more than make up for it: what the team taught may cost a borderline dev line,
# never more, whatever the corrections say about themselves.
DEV_TOLERANCE = 0.005
CHILD_TIMEOUT_S = 600
REFITS_DIR = "refits"
ROOT = Path(__file__).resolve().parents[2]


# ---- what a refit trains on and how it is measured (pure functions, used by the bench too) --

def latest_per_text(corrections: Iterable[tuple[str, str]]) -> list[Example]:
    """One example per text, the team's latest word on it winning; oldest first otherwise."""
    latest: dict[str, Example] = {}
    for text, intent in corrections:
        key = same_text_key(text)
        latest.pop(key, None)
        latest[key] = Example(text, intent)
    return list(latest.values())


def is_held_back(text: str) -> bool:
    """Whether this correction is kept out of training to measure the refit (deterministic)."""
    digest = hashlib.sha256(same_text_key(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % HOLD_BACK_EVERY == 0


def split(corrections: list[Example], dev: list[Example]) -> tuple[list[Example], list[Example]]:
    """(to train on, held back). A correction whose words are a dev (or guard) line is in
    neither: those lines judge the refit, and corrections must not be able to move them."""
    dev_keys = {same_text_key(e.text) for e in dev}
    usable = [c for c in corrections if same_text_key(c.text) not in dev_keys]
    return ([c for c in usable if not is_held_back(c.text)],
            [c for c in usable if is_held_back(c.text)])


def accuracy(model: IntentModel, examples: list[Example]) -> float:
    """The share of examples whose likeliest intent is the labelled one."""
    if not examples:
        return 0.0
    rows = model.probabilities([e.text for e in examples])
    right = sum(model.classes[int(row.argmax())] == e.intent
                for row, e in zip(rows, examples, strict=True))
    return right / len(examples)


def lost_lines(current: IntentModel, candidate: IntentModel,
               guard: list[Example]) -> list[Example]:
    """The guard lines the model in use reads right and the candidate reads wrong."""
    if not guard:
        return []
    texts = [e.text for e in guard]
    was, now = current.probabilities(texts), candidate.probabilities(texts)
    return [e for e, old, new in zip(guard, was, now, strict=True)
            if current.classes[int(old.argmax())] == e.intent
            and candidate.classes[int(new.argmax())] != e.intent]


@dataclass(frozen=True)
class Outcome:
    """What a refit found: both models on dev.jsonl (the deciding score), on the held-back
    corrections (reported only), and the guard lines the candidate would lose."""

    old_score: float  # dev.jsonl, the model in use
    new_score: float  # dev.jsonl, the candidate
    trained_on: int
    held_back: int
    model: IntentModel
    old_held_score: float = 0.0
    new_held_score: float = 0.0
    guard_lost: tuple[Example, ...] = ()
    guard_size: int = 0
    dev_size: int = 1

    def overall(self, dev: float, held: float) -> float:
        """Dev and the held-back corrections together, line for line."""
        return (dev * self.dev_size + held * self.held_back) / (self.dev_size + self.held_back)

    @property
    def accepted(self) -> bool:
        return (not self.guard_lost
                and self.new_score >= self.old_score - DEV_TOLERANCE
                and self.overall(self.new_score, self.new_held_score)
                >= self.overall(self.old_score, self.old_held_score))

    def verdict(self) -> str:
        """One line for `model_refits.detail` and the log: why it was accepted or refused."""
        held = f"held-back corrections {self.old_held_score:.3f} before, " \
               f"{self.new_held_score:.3f} after (never deciding alone)" \
            if self.held_back else "no corrections held back"
        dev = f"dev {self.old_score:.3f} before, {self.new_score:.3f} after"
        if self.guard_lost:
            shown = "; ".join(f"{e.text!r} ({e.intent})" for e in self.guard_lost[:3])
            guard = f"loses {len(self.guard_lost)} of {self.guard_size} guard lines: {shown}"
        else:
            guard = f"keeps every guard line the model in use reads right ({self.guard_size})"
        return f"{dev}; {guard}; {held}"


def refit(current: IntentModel, corrections: list[Example],
          base: list[Example] | None = None, dev: list[Example] | None = None,
          embedding_dir: str | None = None, guard: list[Example] | None = None) -> Outcome:
    """Train a candidate on `base` plus the corrections' training share, and judge it against
    `current` on dev and the guard lines (the held-back share is measured for the record).
    Needs scikit-learn: run it in a child process."""
    base = training_examples() if base is None else base
    dev = dev_examples() if dev is None else dev
    guard = guard_examples() if guard is None else guard
    guard = guard + [e for e in dev if e.intent in GUARDED]  # dev's opt-outs and complaints too
    to_train, held = split(latest_per_text((c.text, c.intent) for c in corrections),
                           dev + guard)
    candidate = train(base + to_train, embedding_dir=embedding_dir)
    return Outcome(old_score=accuracy(current, dev), new_score=accuracy(candidate, dev),
                   trained_on=len(to_train), held_back=len(held), model=candidate,
                   old_held_score=accuracy(current, held), new_held_score=accuracy(candidate, held),
                   guard_lost=tuple(lost_lines(current, candidate, guard)),
                   guard_size=len(guard), dev_size=len(dev))


# ---- the child process ----------------------------------------------------------------------

def load_model(path: Path, key: str, embedding_dir: str | None = None) -> IntentModel:
    """A refit model saved by the child, with the embedding model it was trained on (the
    process's one, already loaded by the engine)."""
    return IntentModel.load(path, key, embedder(embedding_dir))


def child_main(job: dict[str, Any]) -> dict[str, Any]:
    """Run one refit as the job describes; the answer says where an accepted model was saved.

    job: {"corrections": [[text, intent], ...], "current": {"path", "key"} or null for the
    shipped model, "cache_dir": where models are kept, "embedding_dir": the engine's
    engine.embedding_model or null}
    """
    cache_dir = Path(job["cache_dir"])
    embedding_dir = job.get("embedding_dir")
    base = training_examples()
    current_ref = job.get("current")
    if current_ref:
        current = load_model(Path(current_ref["path"]), current_ref["key"], embedding_dir)
    else:
        current = load_or_train(base, cache_dir=cache_dir, embedding_dir=embedding_dir)
    corrections = [Example(text, intent) for text, intent in job["corrections"]]
    outcome = refit(current, corrections, base, embedding_dir=embedding_dir)
    answer = {"old_score": outcome.old_score, "new_score": outcome.new_score,
              "trained_on": outcome.trained_on, "held_back": outcome.held_back,
              "old_held_score": outcome.old_held_score,
              "new_held_score": outcome.new_held_score,
              "guard_lost": [[e.text, e.intent] for e in outcome.guard_lost],
              "verdict": outcome.verdict(),
              "accepted": outcome.accepted, "key": outcome.model.key, "path": None,
              "pid": os.getpid()}
    if outcome.accepted:
        path = cache_dir / REFITS_DIR / f"intents-{outcome.model.key[:24]}.npz"
        outcome.model.save(path)
        answer["path"] = str(path)
    return answer


def main() -> int:
    """`python -m bot.engine.refit`: a job as JSON on stdin, the answer as JSON on stdout."""
    try:
        job = json.load(sys.stdin)
        answer = child_main(job)
    except Exception as error:  # noqa: BLE001 - the parent logs it and carries on
        print(json.dumps({"error": f"{error.__class__.__name__}: {error}"[:500]}))
        return 1
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
