"""Grouping the questions nothing in the config answered (knowledge gaps) by meaning.

Each question becomes a vector: the engine's multilingual sentence embedding
(bot.engine.embedding, Universal Sentence Encoder multilingual v3: English, Spanish, French and
German questions that mean the same land close together). When the embedding model cannot be
loaded, the engine's word vectors stand in (TF-IDF over word stems plus the shared concepts of
bot.engine.knowledge, which tie "dog", "perro", "chien" and "Hund" together); the grouping then
says so, since words find fewer paraphrases than meaning does.

Questions are grouped by average linkage: the two groups whose members are closest on average
merge while that average cosine reaches the threshold. Each listing groups the questions of the
last weeks afresh (the same questions always give the same groups), so a group made of two
questions that were alike by chance splits again once more questions show what each is about;
a group is named by its oldest question, which a new question never changes.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

# The mean cosine of sentence embeddings two groups must reach to merge. On the test set (56
# questions, 7 topics, 4 languages: tests/gaps_questions.py, bench/gaps_grouping.py) 0.40 to
# 0.50 keep every topic apart (9 or 10 groups: the job questions split by wording); at 0.38
# and below two topics share a group; above 0.50 topics split into more and more groups.
EMBEDDING_THRESHOLD = 0.45
# TF-IDF cosines of word vectors are lower for paraphrases (few words in common).
WORD_THRESHOLD = 0.3
_CACHE_LIMIT = 20_000


@dataclass(frozen=True)
class Vectors:
    """One unit row per text, and how they were made (said in every report)."""

    rows: np.ndarray
    method: str  # "embeddings" or "words"
    note: str  # one line for people: which vectors, and why words when they are words

    @property
    def threshold(self) -> float:
        return EMBEDDING_THRESHOLD if self.method == "embeddings" else WORD_THRESHOLD


_cache: dict[tuple[str | None, str], np.ndarray] = {}


def vectors(texts: Sequence[str], model_dir: str | None = None) -> Vectors:
    """The texts' vectors: sentence embeddings, else word vectors (and the reason)."""
    from bot.engine.embedding import EmbeddingModelError, embed

    try:
        missing = [t for t in dict.fromkeys(texts) if (model_dir, t) not in _cache]
        if missing:
            if len(_cache) + len(missing) > _CACHE_LIMIT:
                _cache.clear()
            for text, row in zip(missing, embed(missing, model_dir), strict=True):
                _cache[(model_dir, text)] = np.asarray(row, dtype=np.float32)
        rows = np.stack([_cache[(model_dir, t)] for t in texts]) if texts else \
            np.empty((0, 1), dtype=np.float32)
        return Vectors(rows, "embeddings",
                       "grouped by meaning (multilingual sentence embeddings)")
    except EmbeddingModelError as error:
        log.warning("knowledge gaps grouped by words: %s", error)
        return word_vectors(texts, f"grouped by words, not meaning: the sentence embeddings "
                                   f"are unavailable ({error})")


def word_vectors(texts: Sequence[str], note: str = "grouped by words") -> Vectors:
    """TF-IDF rows over the engine's stems and concepts, normalised."""
    from bot.engine.knowledge import concept_terms

    documents = [concept_terms(text) for text in texts]
    frequency = Counter(term for doc in documents for term in set(doc))
    vocabulary = {term: n for n, term in enumerate(sorted(frequency))}
    rows = np.zeros((len(texts), max(len(vocabulary), 1)), dtype=np.float32)
    for i, doc in enumerate(documents):
        for term, count in Counter(doc).items():
            idf = math.log((1 + len(texts)) / (1 + frequency[term])) + 1
            rows[i, vocabulary[term]] = (1 + math.log(count)) * idf
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return Vectors(rows / np.where(norms == 0, 1, norms), "words", note)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def cluster(rows: np.ndarray, threshold: float) -> list[int]:
    """Average-linkage grouping: the two closest clusters (by the mean cosine between their
    members) merge while that mean reaches `threshold`. The same rows always give the same
    groups. Returns one cluster number per row: the smallest row index of its cluster.

    Each cluster's closest other cluster is remembered, so a merge updates two rows of the
    table rather than searching all of it again (1,000 questions group in about 0.2 s)."""
    count = len(rows)
    if count == 0:
        return []
    members = [[index] for index in range(count)]
    sizes = np.ones(count)
    link = (rows @ rows.T).astype(np.float64)  # mean cosine between every two clusters
    np.fill_diagonal(link, -np.inf)
    nearest = np.argmax(link, axis=1)
    closest = link[np.arange(count), nearest]
    while True:
        a = int(np.argmax(closest))
        b = int(nearest[a])
        if not closest[a] >= threshold:
            break
        # Lance-Williams for average linkage: the merged cluster's mean cosine to each other.
        merged = (sizes[a] * link[a] + sizes[b] * link[b]) / (sizes[a] + sizes[b])
        merged[a] = merged[b] = -np.inf
        link[a], link[:, a] = merged, merged
        link[b], link[:, b] = -np.inf, -np.inf
        sizes[a] += sizes[b]
        members[a] += members[b]
        members[b] = []
        closest[b] = -np.inf
        # Clusters whose closest was a or b look again; the others compare with the new a.
        stale = np.flatnonzero((nearest == a) | (nearest == b))
        for row in (a, *stale):
            if members[row]:
                nearest[row] = int(np.argmax(link[row]))
                closest[row] = link[row, nearest[row]]
        better = merged > closest
        nearest[better], closest[better] = a, merged[better]
    labels = [0] * count
    for group in members:
        for index in group:
            labels[index] = min(group)
    return labels


def most_typical(rows: np.ndarray, among: Sequence[bool] | None = None) -> int:
    """The index of the row closest to the rows' centroid: the group's example. `among`:
    only the rows marked True may be picked (all when none is)."""
    if len(rows) <= 2 and among is None:
        return 0
    closeness = rows @ _unit(rows.sum(axis=0))
    if among is not None and any(among):
        closeness = np.where(np.asarray(among, dtype=bool), closeness, -np.inf)
    return int(np.argmax(closeness))
