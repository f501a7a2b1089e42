"""Intent classification: the model's best guess, or small talk when it is unsure."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from bot.engine.corpus import training_examples
from bot.engine.model import IntentModel, load_or_train
from bot.engine.text import normalise
from bot.engine.types import STAGES, Classification

FALLBACK_INTENT = "chit_chat"

_shared: dict[Path | None, IntentModel] = {}
_shared_lock = threading.Lock()


def shared_model(cache_dir: Path | None = None) -> IntentModel:
    """One model per process: loaded (or trained) on first use, then reused by every engine."""
    with _shared_lock:
        if cache_dir not in _shared:
            _shared[cache_dir] = load_or_train(training_examples(), cache_dir=cache_dir)
        return _shared[cache_dir]


class IntentClassifier:
    def __init__(self, threshold: float, cache_dir: Path | None = None):
        self.threshold = threshold
        self.cache_dir = cache_dir

    @property
    def model(self) -> IntentModel:
        return shared_model(self.cache_dir)

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
