"""The intent model: trained with scikit-learn, kept as plain arrays, cached on disk.

Training is a scikit-learn pipeline: word and character n-gram TF-IDF (each block L2-normalised)
beside multilingual sentence embeddings (bot.engine.embedding), all into one multinomial
logistic regression. The TF-IDF blocks catch the exact words a shop's customers use; the
embeddings carry meaning across wording and languages. Training takes a few seconds, so the
fitted numbers (vocabularies, idf weights, coefficients) are saved as a NumPy .npz file keyed
by a hash of the corpus, the settings, the embedding model and the library versions. The file
holds arrays only, loaded with pickles disabled, so a tampered cache can at worst give wrong
intents, never run code. Prediction is the same arithmetic in numpy (tests check it matches
scikit-learn), which keeps scikit-learn out of a serving process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import zipfile
from collections import OrderedDict
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from bot.engine.corpus import Example, corpus_hash
from bot.engine.embedding import Embedder, embedder
from bot.engine.text import char_features, for_embedding, normalise, word_features

log = logging.getLogger(__name__)

# Bump when the arithmetic below changes meaning, so old caches are not reused. (Any edit to
# text.py, which makes the features, changes the cache key by itself.)
MODEL_FORMAT = "2"
TEXT_SOURCE = Path(__file__).with_name("text.py")
CACHE_PREFIX = "intents-"


@dataclass(frozen=True)
class ModelSettings:
    """Checked by 5-fold cross-validation on the training set, never on the dev set (see
    `bench/engine_quality.py --compare`): C between 5 and 50 scores about the same there, and
    an embedding block weighted like one TF-IDF block beats weighting it 1.5 or 2.
    `embedding_weight` 0 leaves the embeddings out (TF-IDF only)."""

    c: float = 20.0
    char_min_df: int = 2
    word_min_df: int = 1
    char_weight: float = 1.0
    embedding_weight: float = 1.0
    max_iter: int = 500


@dataclass
class IntentModel:
    key: str
    classes: tuple[str, ...]
    word_vocab: dict[str, int]
    char_vocab: dict[str, int]
    word_idf: np.ndarray
    char_idf: np.ndarray
    char_weight: float
    embedding_weight: float
    embedding_dim: int
    # (words + chars + embedding_dim + 1, classes); the last row is zeros, for empty texts
    coef_t: np.ndarray
    intercept: np.ndarray
    embedder: Embedder | None = None  # loaded alongside, never saved; None without embeddings

    def _block(self, features: list[str], vocab: dict[str, int], idf: np.ndarray,
               offset: int, weight: float) -> tuple[list[int], np.ndarray]:
        counts: dict[int, int] = {}
        for feature in features:
            index = vocab.get(feature)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return [], np.empty(0)
        indices = list(counts)
        values = (1.0 + np.log(np.fromiter(counts.values(), float, len(counts)))) * idf[indices]
        values *= weight / np.sqrt(values @ values)
        return [offset + i for i in indices], values

    def features(self, normalised: str) -> tuple[list[int], np.ndarray]:
        """The text's sparse TF-IDF row: column indices and their weights."""
        word_idx, word_val = self._block(word_features(normalised), self.word_vocab,
                                         self.word_idf, 0, 1.0)
        char_idx, char_val = self._block(char_features(normalised), self.char_vocab,
                                         self.char_idf, len(self.word_vocab), self.char_weight)
        return word_idx + char_idx, np.concatenate((word_val, char_val))

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Class probabilities, one row per text (as the customer wrote it), in the order of
        `classes`."""
        if not texts:
            return np.empty((0, len(self.classes)))
        scores = self._tfidf_scores([normalise(text) for text in texts])
        if self.embedding_dim:
            if self.embedder is None:
                raise ValueError("this model needs its embedding model loaded")
            start = len(self.word_vocab) + len(self.char_vocab)
            block = self.coef_t[start : start + self.embedding_dim]
            vectors = self.embedder.embed([for_embedding(text) for text in texts])
            scores += (vectors * self.embedding_weight) @ block
        scores += self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def _tfidf_scores(self, normalised_texts: list[str]) -> np.ndarray:
        """Each text's TF-IDF row times the coefficients (no intercept yet)."""
        sentinel = self.coef_t.shape[0] - 1
        indices: list[int] = []
        weights: list[np.ndarray] = []
        starts = []
        for text in normalised_texts:
            starts.append(len(indices))
            idx, val = self.features(text)
            # Every text gets at least the all-zero sentinel row, so reduceat sees no empty run.
            indices += idx + [sentinel]
            weights += [val, np.zeros(1)]
        rows = self.coef_t[indices] * np.concatenate(weights)[:, None]
        return np.add.reduceat(rows, starts, axis=0)

    # Saving and loading: arrays only, no pickles.

    def save(self, path: Path) -> None:
        """Write atomically: a reader sees the old file or the new one, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                np.savez(
                    handle,
                    key=np.array(self.key),
                    classes=np.array(self.classes),
                    word_terms=_terms(self.word_vocab),
                    char_terms=_terms(self.char_vocab),
                    word_idf=self.word_idf,
                    char_idf=self.char_idf,
                    char_weight=np.array(self.char_weight),
                    embedding_weight=np.array(self.embedding_weight),
                    embedding_dim=np.array(self.embedding_dim),
                    coef_t=self.coef_t,
                    intercept=self.intercept,
                )
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path, key: str, embedder: Embedder | None = None) -> IntentModel:
        """Read a cached model; ValueError when it is unreadable or made for another corpus.

        `embedder` is the embedding model it was trained with (the key covers that)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["key"]) != key:
                    raise ValueError("cache key does not match")
                word_terms, char_terms = data["word_terms"].tolist(), data["char_terms"].tolist()
                model = cls(
                    key=key,
                    classes=tuple(data["classes"].tolist()),
                    word_vocab={term: i for i, term in enumerate(word_terms)},
                    char_vocab={term: i for i, term in enumerate(char_terms)},
                    word_idf=data["word_idf"],
                    char_idf=data["char_idf"],
                    char_weight=float(data["char_weight"]),
                    embedding_weight=float(data["embedding_weight"]),
                    embedding_dim=int(data["embedding_dim"]),
                    coef_t=data["coef_t"],
                    intercept=data["intercept"],
                    embedder=embedder,
                )
        except (OSError, KeyError, EOFError, zipfile.BadZipFile) as error:
            raise ValueError(f"unreadable model cache ({error.__class__.__name__})") from None
        features = len(model.word_vocab) + len(model.char_vocab) + model.embedding_dim
        if model.embedding_dim and (embedder is None or embedder.dim != model.embedding_dim):
            raise ValueError("model cache was made with another embedding model")
        if (model.coef_t.shape != (features + 1, len(model.classes))
                or model.word_idf.shape != (len(model.word_vocab),)
                or model.char_idf.shape != (len(model.char_vocab),)
                or model.intercept.shape != (len(model.classes),)):
            raise ValueError("model cache arrays have inconsistent shapes")
        return model


def _terms(vocab: dict[str, int]) -> np.ndarray:
    terms = [""] * len(vocab)
    for term, index in vocab.items():
        terms[index] = term
    return np.array(terms, dtype=str)


def model_key(examples: list[Example], settings: ModelSettings,
              vectors: Embedder | None = None) -> str:
    """What the cached model depends on: the corpus, the settings, the code, the embedding
    model's files and the library versions."""
    parts = [corpus_hash(examples), repr(sorted(asdict(settings).items())), MODEL_FORMAT,
             hashlib.sha256(TEXT_SOURCE.read_bytes()).hexdigest(), version("scikit-learn"),
             version("numpy"), vectors.fingerprint if vectors is not None else "no-embeddings"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _embedder_for(settings: ModelSettings, embedding_dir: str | Path | None) -> Embedder | None:
    return embedder(embedding_dir) if settings.embedding_weight > 0 else None


def _word_analyzer(text: str) -> list[str]:
    return word_features(normalise(text))


def _char_analyzer(text: str) -> list[str]:
    return char_features(normalise(text))


# Sentence vectors by (model directory, text): training and cross-validation embed each text
# once. Every customer message the running engine classifies passes through here too, so the
# memo keeps only the texts used last (room for the shipped training set and the corrections):
# a Nudge running for months does not hold a vector for every message it ever read.
MAX_REMEMBERED_VECTORS = 20_000
_memo: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
VECTORS_PREFIX = "embeddings-"


def vectors_path(vectors: Embedder, cache_dir: Path) -> Path:
    return cache_dir / f"{VECTORS_PREFIX}{vectors.fingerprint[:24]}.npz"


def recall_vectors(vectors: Embedder, cache_dir: Path) -> None:
    """Add the vectors kept by an earlier training run to this process's memo (a missing or
    unreadable file only means embedding again)."""
    path = vectors_path(vectors, cache_dir)
    try:
        with np.load(path, allow_pickle=False) as data:
            texts, rows = data["texts"].tolist(), data["vectors"]
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
        return
    if rows.shape != (len(texts), vectors.dim):
        return
    directory = str(vectors.directory)
    for text, row in zip(texts, rows, strict=True):
        if (directory, text) not in _memo:
            _remember((directory, text), row)


def _remember(key: tuple[str, str], row: np.ndarray) -> None:
    _memo[key] = row
    _memo.move_to_end(key)
    while len(_memo) > MAX_REMEMBERED_VECTORS:
        _memo.popitem(last=False)


def keep_vectors(vectors: Embedder, cache_dir: Path, texts: list[str]) -> None:
    """Save the vectors of these training texts (arrays only, written atomically), replacing
    the file of an earlier run; a cache folder that cannot be written is only logged."""
    directory = str(vectors.directory)
    readable = [t for t in dict.fromkeys(for_embedding(text) for text in texts)
                if (directory, t) in _memo]
    if not readable:
        return
    path = vectors_path(vectors, cache_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                np.savez(handle, texts=np.array(readable, dtype=str),
                         vectors=np.array([_memo[(directory, t)] for t in readable],
                                          dtype=np.float32).reshape(len(readable), -1))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        log.warning("could not keep the training texts' vectors in %s (%s)", cache_dir,
                    error.__class__.__name__)


def _embedding_block(texts, directory: str, weight: float) -> np.ndarray:
    """The embedding features of a training pipeline. Vectors are remembered by text, so
    cross-validation embeds each training text once, not once per fold."""
    vectors = embedder(directory)
    readable = [for_embedding(text) for text in texts]
    rows = {t: _memo.get((directory, t)) for t in readable}
    todo = [t for t, row in rows.items() if row is None]
    if todo:
        rows.update(zip(todo, vectors.embed(todo), strict=True))
    for text, row in rows.items():
        _remember((directory, text), row)
    return np.vstack([rows[t] for t in readable]) * weight \
        if len(texts) else np.empty((0, vectors.dim))


def build_pipeline(settings: ModelSettings, embedding_dir: str | Path | None = None):
    """The scikit-learn pipeline that is trained: TF-IDF blocks and sentence embeddings into
    logistic regression. Its inputs are texts as written (each block cleans or normalises).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    blocks = [
        ("words", TfidfVectorizer(analyzer=_word_analyzer, sublinear_tf=True,
                                  min_df=settings.word_min_df)),
        ("chars", TfidfVectorizer(analyzer=_char_analyzer, sublinear_tf=True,
                                  min_df=settings.char_min_df)),
    ]
    vectors = _embedder_for(settings, embedding_dir)
    if vectors is not None:
        blocks.append(("embedding", FunctionTransformer(
            _embedding_block, kw_args={"directory": str(vectors.directory),
                                       "weight": settings.embedding_weight})))
    return Pipeline([
        ("features", FeatureUnion(blocks,
                                  transformer_weights={"words": 1.0,
                                                       "chars": settings.char_weight})),
        # newton-cg converges in a handful of steps here, and deterministically.
        ("classifier", LogisticRegression(C=settings.c, solver="newton-cg",
                                          max_iter=settings.max_iter)),
    ])


def train(examples: list[Example], settings: ModelSettings | None = None,
          embedding_dir: str | Path | None = None, cache_dir: Path | None = None) -> IntentModel:
    """Fit the pipeline on the examples and keep only the numbers prediction needs.

    The training texts' sentence vectors are kept in `cache_dir` too (see keep_vectors), so
    training again in another process (a refit with a few more examples) skips most of the
    embedding work."""
    from threadpoolctl import threadpool_limits

    settings = settings or ModelSettings()
    vectors = _embedder_for(settings, embedding_dir)
    pipeline = build_pipeline(settings, embedding_dir)
    if vectors is not None:
        recall_vectors(vectors, cache_dir or default_cache_dir())
    # One BLAS thread: the problem is small, extra threads only fight over a busy machine's
    # cores, and a single thread gives bit-for-bit the same model every time.
    with threadpool_limits(limits=1):
        pipeline.fit([e.text for e in examples], [e.intent for e in examples])
    if vectors is not None:
        keep_vectors(vectors, cache_dir or default_cache_dir(), [e.text for e in examples])
    words = pipeline.named_steps["features"].transformer_list[0][1]
    chars = pipeline.named_steps["features"].transformer_list[1][1]
    classifier = pipeline.named_steps["classifier"]
    coef_t = np.vstack([classifier.coef_.T, np.zeros((1, len(classifier.classes_)))])
    return IntentModel(
        key=model_key(examples, settings, vectors),
        classes=tuple(str(c) for c in classifier.classes_),
        word_vocab={str(t): int(i) for t, i in words.vocabulary_.items()},
        char_vocab={str(t): int(i) for t, i in chars.vocabulary_.items()},
        word_idf=np.asarray(words.idf_, dtype=float),
        char_idf=np.asarray(chars.idf_, dtype=float),
        char_weight=settings.char_weight,
        embedding_weight=settings.embedding_weight,
        embedding_dim=vectors.dim if vectors is not None else 0,
        coef_t=np.ascontiguousarray(coef_t),
        intercept=np.asarray(classifier.intercept_, dtype=float),
        embedder=vectors,
    )


def default_cache_dir() -> Path:
    """$NUDGE_CACHE_DIR, else $XDG_CACHE_HOME/nudge, else ~/.cache/nudge."""
    if os.environ.get("NUDGE_CACHE_DIR"):
        return Path(os.environ["NUDGE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nudge"


def cache_path(key: str, cache_dir: Path) -> Path:
    return cache_dir / f"{CACHE_PREFIX}{key[:24]}.npz"


def load_cached(examples: list[Example], settings: ModelSettings | None = None,
                cache_dir: Path | None = None,
                embedding_dir: str | Path | None = None) -> IntentModel | None:
    """The cached model for this corpus, or None when there is none or it cannot be read.

    Raises EmbeddingModelError when the embedding model itself cannot be loaded."""
    settings = settings or ModelSettings()
    vectors = _embedder_for(settings, embedding_dir)
    key = model_key(examples, settings, vectors)
    path = cache_path(key, cache_dir or default_cache_dir())
    if not path.exists():
        return None
    try:
        return IntentModel.load(path, key, vectors)
    except ValueError as error:
        log.warning("the cached intent model will be rebuilt: %s", error)
        return None


def load_or_train(examples: list[Example], settings: ModelSettings | None = None,
                  cache_dir: Path | None = None,
                  embedding_dir: str | Path | None = None) -> IntentModel:
    """The cached model for this corpus, training (and caching) it when there is none."""
    settings = settings or ModelSettings()
    cache_dir = cache_dir or default_cache_dir()
    cached = load_cached(examples, settings, cache_dir, embedding_dir)
    if cached is not None:
        return cached
    log.info("training the intent model on %d examples", len(examples))
    model = train(examples, settings, embedding_dir, cache_dir)
    path = cache_path(model.key, cache_dir)
    try:
        model.save(path)
        for stale in cache_dir.glob(f"{CACHE_PREFIX}*.npz"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not cache the intent model in %s (%s); it will be retrained next "
                    "time", cache_dir, error.__class__.__name__)
    return model
