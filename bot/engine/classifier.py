"""Intent classification: the model's best guess, or small talk when it is unsure."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

from bot.engine.corpus import training_examples
from bot.engine.model import IntentModel, default_cache_dir, load_cached, load_or_train
from bot.engine.text import normalise
from bot.engine.types import STAGES, Classification

log = logging.getLogger(__name__)

FALLBACK_INTENT = "chit_chat"
CHILD_TIMEOUT_S = 300

_shared: dict[Path | None, IntentModel] = {}
_shared_lock = threading.Lock()


def shared_model(cache_dir: Path | None = None) -> IntentModel:
    """One model per process: loaded on first use, then reused by every engine.

    When nothing is cached yet, the model is trained in a short-lived child process: importing
    scikit-learn alone costs about 100 MB, which a long-running bot should not carry. If the
    child cannot do it, this process trains the model itself.
    """
    with _shared_lock:
        if cache_dir not in _shared:
            examples = training_examples()
            model = load_cached(examples, cache_dir=cache_dir)
            if model is None:
                train_in_child(cache_dir or default_cache_dir())
                model = load_or_train(examples, cache_dir=cache_dir)
            _shared[cache_dir] = model
        return _shared[cache_dir]


def train_in_child(cache_dir: Path) -> bool:
    """Run bot.engine.warm in its own process to fill the cache; True when it succeeded."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.engine.warm", str(cache_dir)],
            capture_output=True, text=True, timeout=CHILD_TIMEOUT_S,
            cwd=Path(__file__).resolve().parents[2],
        )
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("could not train the intent model in a child process (%s)",
                    error.__class__.__name__)
        return False
    if done.returncode != 0:
        log.warning("training the intent model in a child process failed: %s",
                    done.stderr.strip().splitlines()[-1:] or done.returncode)
    return done.returncode == 0


class IntentClassifier:
    def __init__(self, threshold: float, cache_dir: Path | None = None,
                 model: IntentModel | None = None):
        self.threshold = threshold
        self.cache_dir = cache_dir
        self._model = model  # given by benchmarks; otherwise the shared cached model
        self._swap = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def model(self) -> IntentModel:
        if self._model is None:
            shared = shared_model(self.cache_dir)
            with self._swap:  # a model handed over by use() meanwhile is kept
                if self._model is None:
                    self._model = shared
        return self._model

    def use(self, model: IntentModel) -> None:
        """Classify with `model` from now on (one refit on the team's corrections). A batch
        under way finishes with the model it started with."""
        with self._swap:
            self._model = model

    def classify(self, text: str) -> Classification:
        return self.classify_many([text])[0]

    def classify_many(self, texts: Iterable[str]) -> list[Classification]:
        normalised = [normalise(text) for text in texts]
        model = self.model
        results = []
        for text, row in zip(normalised, model.probabilities(normalised), strict=True):
            best = int(row.argmax())
            results.append(self._decide(text, model.classes[best], float(row[best])))
        return results

    def _decide(self, text: str, intent: str, confidence: float) -> Classification:
        if not text:
            return Classification(FALLBACK_INTENT, 0.0, STAGES[FALLBACK_INTENT], True)
        confidence = round(min(max(confidence, 0.0), 1.0), 4)
        if confidence < self.threshold:
            # Unsure: treat it as conversation, never as a reason to sell or to opt someone out.
            return Classification(FALLBACK_INTENT, confidence, STAGES[FALLBACK_INTENT], True)
        return Classification(intent, confidence, STAGES[intent])
