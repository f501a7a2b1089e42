"""The labelled intent corpus, shipped as JSON Lines data in bot/data/intents/.

`train.jsonl` (and the optional hand-written `train_extra.jsonl`) teach the model; `dev.jsonl`
is held out to measure it and is never trained on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from bot.engine.text import normalise, tokens
from bot.engine.types import INTENTS

INTENTS_DIR = Path(__file__).resolve().parent.parent / "data" / "intents"
TRAIN_FILES = ("train.jsonl", "train_extra.jsonl")
DEV_FILE = "dev.jsonl"


class CorpusError(Exception):
    """The corpus is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str


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
            examples.append(Example(text, intent))
    return examples


def same_text_key(text: str) -> str:
    """Texts that differ only in case, spacing or punctuation count as the same text."""
    normalised = normalise(text)
    return " ".join(t for t in tokens(normalised) if t not in ("?", "!")) or normalised


def training_examples(directory: Path = INTENTS_DIR) -> list[Example]:
    """The training corpus: train.jsonl, then train_extra.jsonl when present.

    Any example whose text is also in the dev set is left out, so the dev figures always
    measure wording the model has never seen ("ok" or "hi" are easy to write twice).
    """
    paths = [directory / name for name in TRAIN_FILES if (directory / name).exists()]
    if not paths:
        raise CorpusError(f"no training corpus in {directory} (expected {TRAIN_FILES[0]})")
    held_out = {same_text_key(e.text) for e in dev_examples(directory)} \
        if (directory / DEV_FILE).exists() else set()
    return [example for path in paths for example in read_examples(path)
            if same_text_key(example.text) not in held_out]


def dev_examples(directory: Path = INTENTS_DIR) -> list[Example]:
    return read_examples(directory / DEV_FILE)


def corpus_hash(examples: list[Example]) -> str:
    """A fingerprint of the training data: any edit to the corpus means a new model."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(json.dumps([example.text, example.intent]).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()
