"""Intent classification: the model's best guess, and what to do when it is unsure."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from bot.engine.corpus import training_examples
from bot.engine.model import IntentModel, default_cache_dir, load_cached, load_or_train
from bot.engine.negativity import angry_emoji_only, strongly_negative
from bot.engine.optout import asks_to_be_contacted, asks_to_stop
from bot.engine.text import normalise
from bot.engine.types import STAGES, Classification

log = logging.getLogger(__name__)

FALLBACK_INTENT = "chit_chat"
# The intents an unsure guess never gives up for small talk (see decide).
NEVER_SMALL_TALK = ("complaint", "unsubscribe")
# ... once one of them is this probable (chosen by 5-fold cross-validation on the training
# files, see bench/engine_quality.py --compare): below it, small talk still wins.
COSTLY_FLOOR = 0.15
CHILD_TIMEOUT_S = 300
# An opt-out with no words asking to stop is stored only when unsubscribe leads the next intent
# by this much: below it the team is asked (see _opt_out_checked).
OPT_OUT_MARGIN = 0.25
# A message that asks to stop (and to be contacted in no way) is an opt-out when the model puts
# unsubscribe second at least this likely (5-fold cross-validation on the training files: 10
# more opt-outs caught of 596, 3 more false ones of 5,100 other messages).
STOP_WORDS_FLOOR = 0.3

_shared: dict[tuple[Path | None, str | None], IntentModel] = {}
_shared_lock = threading.Lock()


def shared_model(cache_dir: Path | None = None,
                 embedding_dir: str | None = None) -> IntentModel:
    """One model per process: loaded on first use, then reused by every engine.

    When nothing is cached yet, the model is trained in a short-lived child process: importing
    scikit-learn alone costs about 100 MB, which a long-running bot should not carry. If the
    child cannot do it, this process trains the model itself. EmbeddingModelError (one line
    naming the fix) when the embedding model cannot be loaded.
    """
    with _shared_lock:
        key = (cache_dir, embedding_dir)
        if key not in _shared:
            examples = training_examples()
            model = load_cached(examples, cache_dir=cache_dir, embedding_dir=embedding_dir)
            if model is None:
                train_in_child(cache_dir or default_cache_dir(), embedding_dir)
                model = load_or_train(examples, cache_dir=cache_dir,
                                      embedding_dir=embedding_dir)
            _shared[key] = model
        return _shared[key]


def train_in_child(cache_dir: Path, embedding_dir: str | None = None) -> bool:
    """Run bot.engine.warm in its own process to fill the cache; True when it succeeded."""
    extra = [str(embedding_dir)] if embedding_dir else []
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.engine.warm", str(cache_dir), *extra],
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
                 model: IntentModel | None = None, embedding_dir: str | None = None):
        self.threshold = threshold
        self.cache_dir = cache_dir
        self.embedding_dir = embedding_dir
        self._model = model  # given by benchmarks; otherwise the shared cached model
        self._swap = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def model(self) -> IntentModel:
        if self._model is None:
            shared = shared_model(self.cache_dir, self.embedding_dir)
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
        texts = list(texts)
        model = self.model
        return [decide(text, model.classes, row, self.threshold)
                for text, row in zip(texts, model.probabilities(texts), strict=True)]


def decide(text: str, classes: tuple[str, ...], row: np.ndarray,
           threshold: float) -> Classification:
    """The intent Nudge acts on, given the model's probabilities for one text.

    Sure (best probability >= threshold): the best guess. Unsure: the two likeliest intents
    go along as `alternatives`, for the team to pick one, and the intent is
    - complaint or unsubscribe when either is one of the two and at least COSTLY_FLOOR likely:
      missing an angry customer or an opt-out costs far more than any other mistake, so
      neither is ever turned into small talk;
    - otherwise small talk, flagged unsure: the reply asks what they need and sells nothing.
    A strongly negative message (bot.engine.negativity) is flagged urgent whatever its intent;
    angry emoji alone ("😡", "👎👎") are an urgent complaint whatever the model says. An
    unsubscribe that may be a request to be contacted is checked by _opt_out_checked.
    """
    if not normalise(text):
        return Classification(FALLBACK_INTENT, 0.0, STAGES[FALLBACK_INTENT], True)
    if angry_emoji_only(text):
        return Classification("complaint", 1.0, STAGES["complaint"], urgent=True)
    return _opt_out_checked(text, classes, row, _decided(text, classes, row, threshold),
                            threshold)


def _decided(text: str, classes: tuple[str, ...], row: np.ndarray,
             threshold: float) -> Classification:
    order = np.argsort(-row, kind="stable")
    confidence = _rounded(row[order[0]])
    urgent = strongly_negative(text, float(row[classes.index("complaint")]),
                               float(row[classes.index("praise")]))
    if confidence >= threshold:
        intent = classes[order[0]]
        return Classification(intent, confidence, STAGES[intent], urgent=urgent)
    alternatives = tuple((classes[i], _rounded(row[i])) for i in order[:2])
    costly = [intent for intent, p in alternatives
              if intent in NEVER_SMALL_TALK and p >= COSTLY_FLOOR]
    if costly:
        intent, confidence = costly[0], _rounded(row[classes.index(costly[0])])
    else:  # small talk, with the best guess's confidence: how unsure the model was
        intent = FALLBACK_INTENT
    return Classification(intent, confidence, STAGES[intent], True, alternatives, urgent)


def _opt_out_checked(text: str, classes: tuple[str, ...], row: np.ndarray,
                     decided: Classification, threshold: float) -> Classification:
    """An opt-out is stored at once and silences offers for good, so an unsubscribe stands only
    when the customer asks to stop. A message asking to be contacted, sent something or added
    to a list ("email me the menu", "add me to your newsletter") with no words asking to stop,
    or one with both or neither that the model does not read clearly (unsure, or unsubscribe
    less than OPT_OUT_MARGIN ahead), is flagged `unsure_opt_out`: nothing is recorded, nothing
    is sold, and the review asks the team. Its reply is made for the likeliest other intent
    when the message asks for contact or that intent is itself sure; otherwise, as for any
    unsure guess, small talk that asks what they need (or a complaint, if that is the other).
    "STOP TEXTING ME", however angry, stays an opt-out."""
    unsubscribe = float(row[classes.index("unsubscribe")])
    if decided.intent != "unsubscribe":
        return _stop_words_heard(text, classes, row, decided, unsubscribe)
    others = [(p, intent) for intent, p in zip(classes, row, strict=True)
              if intent != "unsubscribe"]
    second_p, second = max(others)
    unclear = decided.low_confidence or unsubscribe - second_p < OPT_OUT_MARGIN
    stop, contact = asks_to_stop(text), asks_to_be_contacted(text)
    if (stop and not contact) or (stop == contact and not unclear):
        return decided
    alternatives = (("unsubscribe", _rounded(unsubscribe)), (second, _rounded(second_p)))
    acted = second if contact or second_p >= threshold or second == "complaint" \
        else FALLBACK_INTENT
    return Classification(acted, _rounded(second_p), STAGES[acted], True, alternatives,
                          decided.urgent, unsure_opt_out=True)


def _stop_words_heard(text: str, classes: tuple[str, ...], row: np.ndarray,
                      decided: Classification, unsubscribe: float) -> Classification:
    """Any "stop messaging me" is an opt-out, however it is worded: when the words ask to stop
    and to be contacted in no way, and the model puts unsubscribe second at STOP_WORDS_FLOOR or
    more, the opt-out is taken, flagged unsure with the two likeliest for the team."""
    order = np.argsort(-row, kind="stable")
    if unsubscribe < STOP_WORDS_FLOOR or classes[order[1]] != "unsubscribe" \
            or not asks_to_stop(text) or asks_to_be_contacted(text):
        return decided
    alternatives = tuple((classes[i], _rounded(row[i])) for i in order[:2])
    return Classification("unsubscribe", _rounded(unsubscribe), STAGES["unsubscribe"], True,
                          alternatives, decided.urgent)


def _rounded(probability: float) -> float:
    return round(min(max(float(probability), 0.0), 1.0), 4)
