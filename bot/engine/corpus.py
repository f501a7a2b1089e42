"""The labelled intent corpus, shipped as JSON Lines data in bot/data/intents/.

The files in TRAIN_FILES teach the model: `train.jsonl`, the hand-written `train_extra.jsonl`,
`train_realworld_wording.jsonl` (how real customers write: typos, sarcasm, opt-outs worded as
"cancel", questions to the bot) and `train_multilingual.jsonl` (Spanish, French, German).
`dev.jsonl`, `multilingual_test.jsonl` and `contact_vs_optout.jsonl` are held out to measure it
and are never trained on. `guard.jsonl` is held out too: opt-outs and complaints in en/de/es/fr
that a model refit on the team's corrections must never lose (bot/engine/refit.py).
A line may carry a `"lang"` key ("es", "fr", "de"; absent means English or unknown).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from bot.engine.text import normalise, tokens
from bot.engine.types import INTENTS

INTENTS_DIR = Path(__file__).resolve().parent.parent / "data" / "intents"
TRAIN_FILES = ("train.jsonl", "train_extra.jsonl", "train_realworld_wording.jsonl",
               "train_multilingual.jsonl")
DEV_FILE = "dev.jsonl"
# Every intent in es, fr and de, written apart from the training lines: a test set, never trained
# on.
MULTILINGUAL_TEST_FILE = "multilingual_test.jsonl"
# Requests to be contacted or added to a list (never an opt-out) beside real opt-outs, in en, de,
# es and fr; each line's "kind" is "contact" or "opt_out". A test set, never trained on.
CONTACT_OPTOUT_FILE = "contact_vs_optout.jsonl"
# Opt-outs and complaints no refit may lose: never trained on, so corrections cannot reach it.
GUARD_FILE = "guard.jsonl"
HELD_OUT_FILES = (DEV_FILE, MULTILINGUAL_TEST_FILE, CONTACT_OPTOUT_FILE, GUARD_FILE)
# Marks that tokens() keeps as words but that never make two texts different ("¿qué?" = "qué").
_PUNCTUATION_TOKENS = ("?", "!", "¿", "¡")


class CorpusError(Exception):
    """The corpus is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    lang: str | None = None


def read_examples(path: Path) -> list[Example]:
    """Every example in one JSON Lines file, checked: a text and one of the known intents."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, intent = row["text"], row["intent"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise CorpusError(f"{path.name}:{number}: expected {{\"text\", \"intent\"}}") \
                    from None
            if intent not in INTENTS or not isinstance(text, str) or not text.strip():
                raise CorpusError(f"{path.name}:{number}: unknown intent or empty text")
            lang = row.get("lang")
            if lang is not None and not isinstance(lang, str):
                raise CorpusError(f"{path.name}:{number}: \"lang\" must be a language code")
            examples.append(Example(text, intent, lang))
    return examples


def same_text_key(text: str) -> str:
    """Texts that differ only in case, spacing or punctuation count as the same text."""
    normalised = normalise(text)
    return " ".join(t for t in tokens(normalised) if t not in _PUNCTUATION_TOKENS) or normalised


def training_examples(directory: Path = INTENTS_DIR) -> list[Example]:
    """The training corpus: the files of `training_files`, in that order.

    Only those files are read (never the held-out dev or test sets), and any example whose
    text is also in a held-out file is left out, so their figures always measure wording the
    model has never seen ("ok" or "hi" are easy to write twice).
    """
    paths = training_files(directory)
    if not paths:
        raise CorpusError(f"no training corpus in {directory} (expected {TRAIN_FILES[0]})")
    held_out = {same_text_key(e.text) for name in HELD_OUT_FILES
                if (directory / name).exists() for e in read_examples(directory / name)}
    return [example for path in paths for example in read_examples(path)
            if same_text_key(example.text) not in held_out]


def training_files(directory: Path = INTENTS_DIR) -> list[Path]:
    """TRAIN_FILES that are present, in that order, then any other train*.jsonl by name: a
    training file added later is never silently ignored (a held-out file never matches)."""
    named = [directory / name for name in TRAIN_FILES if (directory / name).exists()]
    others = sorted(path for path in directory.glob("train*.jsonl")
                    if path not in named and path.name not in HELD_OUT_FILES)
    return named + others


def dev_examples(directory: Path = INTENTS_DIR) -> list[Example]:
    return read_examples(directory / DEV_FILE)


def guard_examples(directory: Path = INTENTS_DIR) -> list[Example]:
    """The opt-out and complaint lines a refit must keep (see bot/engine/refit.py)."""
    return read_examples(directory / GUARD_FILE)


def multilingual_test_examples(directory: Path = INTENTS_DIR) -> list[Example]:
    """The Spanish, French and German test set (each line has its `lang`); never trained on."""
    return read_examples(directory / MULTILINGUAL_TEST_FILE)


def corpus_hash(examples: list[Example]) -> str:
    """A fingerprint of the training data: any edit to the corpus means a new model."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(json.dumps([example.text, example.intent]).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
