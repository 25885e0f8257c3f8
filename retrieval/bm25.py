"""Sparse BM25 scoring that reproduces rank-bm25 exactly, in a fraction of the time.

rank-bm25 (the reference) loops over every passage for every query term. Here each
term keeps a postings list (passage ids and term frequencies, as numpy arrays), so a
query touches only the passages that contain its terms. For BM25Plus and BM25L a
passage without the term still gets a constant `idf * f(0)`; that constant is the same
for every passage, so it is added to the returned scores and never changes the order.
`tests/test_bm25.py` checks scores and order against rank-bm25 on the seeds.
"""

from __future__ import annotations

import functools
import math
import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VARIANTS = ("okapi", "plus", "l")
# A term held by at least this share of the passages is also kept as a dense column (its
# weight, and whether it is held, for every passage): a query adds the column instead of
# scattering the postings, 3x faster for such a term. Its dense column costs 9 bytes a
# passage, about what its postings already take (16 bytes each, for half the passages or
# more). Measured at 100k passages (235 bench questions, scoring alone, medians of five
# alternating rounds, p50/p95 ms): all sparse 1.00/2.28 → dense from 1/2 of the passages
# 0.80/1.60 (12 terms, 11 MB); from 1/3 1.23/2.74 → 0.92/1.76 (37 terms, 35 MB); from 1/4
# 1.02/2.26 → 0.89/1.63 (56 terms, 53 MB). At 1M passages, three rounds in one process:
# all sparse 13.7/26.4 → from 1/2 9.3/16.8 (11 terms), 1/3 9.3/18.0 (37), 1/4 10.3/19.2
# (57). Half: the gain for the least memory (at 1M ~9 MB a term, mapped where touched).
DENSE_SHARE = 0.5
WEIGHT_CHUNK = 1 << 18  # postings weighed at a time (~9 MB of temporaries per core; 4× that
# made a 100k build's peak ~40 MB higher, and was no faster)


@dataclass(frozen=True)
class BM25Params:
    variant: str = "plus"
    k1: float = 1.2
    b: float = 0.75
    delta: float = 1.0  # BM25Plus / BM25L lower bound
    epsilon: float = 0.25  # BM25Okapi floor for negative IDF


class SparseBM25:
    """Immutable postings index. Build with `from_token_ids` or `from_tokens`."""

    def __init__(
        self,
        vocab: dict[str, int],
        starts: np.ndarray,
        post_docs: np.ndarray,
        post_tf: np.ndarray,
        doc_len: np.ndarray,
        params: BM25Params,
        weights: tuple[np.ndarray, np.ndarray] | None = None,
        dense: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        weigh_when_asked: bool = False,
    ) -> None:
        """`weigh_when_asked`: weigh a question's postings as it asks, never all of them
        in memory (an updated index, until it is saved and mapped: `update`)."""
        self.vocab = vocab
        self.starts = starts  # postings of term t: [starts[t], starts[t + 1])
        self.post_docs = post_docs
        self.post_tf = post_tf
        self.doc_len = doc_len
        self.params = params
        self.n_docs = len(doc_len)
        self.avgdl = float(doc_len.sum()) / max(self.n_docs, 1)
        self.df = np.diff(starts).astype(np.float64)
        self.idf = self._idf()
        p = params
        self._norm = p.k1 * (1 - p.b + p.b * doc_len / self.avgdl) if self.n_docs else doc_len
        self._weigh_when_asked = weigh_when_asked and weights is None
        if weights is not None:
            self.__dict__["_weight_arrays"] = weights
        if dense is not None:
            self.__dict__["_dense"] = dense

    @functools.cached_property
    def _weight_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return self._weights()

    @property
    def post_weight(self) -> np.ndarray:
        return self._weight_arrays[0]

    @functools.cached_property
    def term_base(self) -> np.ndarray:
        """Per term, the constant it adds to every passage (saved, or computed alone)."""
        if "_weight_arrays" in self.__dict__:
            return self._weight_arrays[1]
        return self._term_base()

    @functools.cached_property
    def _dense(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(terms, weights, held): the terms kept dense (`DENSE_SHARE`), and per such term
        a row over every passage of its posting weights (0 where absent) and of 0/1."""
        terms = self.dense_terms()
        weights = np.zeros((len(terms), self.n_docs), dtype=np.float64)
        held = np.zeros((len(terms), self.n_docs), dtype=np.uint8)
        for row, t in enumerate(terms.tolist()):
            weights[row], held[row] = self._dense_row(t)
        return terms, weights, held

    @functools.cached_property
    def _dense_row_of(self) -> dict[int, int]:
        return {t: row for row, t in enumerate(self._dense[0].tolist())}

    def dense_terms(self) -> np.ndarray:
        """Ids of the terms held by at least `DENSE_SHARE` of the passages."""
        return np.flatnonzero(self.df >= max(DENSE_SHARE * self.n_docs, 1)).astype(np.int64)

    def _dense_row(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = int(self.starts[t]), int(self.starts[t + 1])
        docs = np.asarray(self.post_docs[lo:hi])
        weights = np.zeros(self.n_docs, dtype=np.float64)
        # a build saves before it weighs every posting: this term's weights alone are the
        # same numbers (weighing is element by element)
        computed = "_weight_arrays" in self.__dict__
        weights[docs] = self.post_weight[lo:hi] if computed else self._weigh(t, t + 1)
        held = np.zeros(self.n_docs, dtype=np.uint8)
        held[docs] = 1
        return weights, held

    def prepare(self) -> None:
        """Weigh the postings (unless weighed when asked) and lay out the dense columns
        now, not in the first question (after a reload, before the new index is swapped
        in)."""
        if not self._weigh_when_asked:
            self.post_weight  # noqa: B018
        self._dense  # noqa: B018

    @classmethod
    def from_tokens(cls, docs: Sequence[Sequence[str]], params: BM25Params) -> SparseBM25:
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in docs]
        return cls.from_token_ids(vocab, ids, params)

    @classmethod
    def from_token_ids(
        cls, vocab: dict[str, int], docs: Sequence[Sequence[int]], params: BM25Params
    ) -> SparseBM25:
        from .postings import PostingsBuilder  # it builds this class

        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        flat = np.fromiter((t for d in docs for t in d), dtype=np.int64, count=int(lengths.sum()))
        builder = PostingsBuilder()
        builder.add(list(vocab), flat, lengths)
        return builder.build(params)

    @classmethod
    def from_arrays(
        cls, terms: Sequence[str], arrays: dict[str, np.ndarray], params: BM25Params
    ) -> SparseBM25:
        """Rebuild from saved arrays; saved weights are used as they are (no recompute)."""
        arrays = dict(arrays)
        if len(arrays["starts"]) != len(terms) + 1:
            raise ValueError("postings do not match the vocabulary")
        weights = (arrays.pop("post_weight"), arrays.pop("term_base"))
        if len(weights[0]) != len(arrays["post_docs"]) or len(weights[1]) != len(terms):
            raise ValueError("weights do not match the postings")
        dense = (arrays.pop("dense_terms"), arrays.pop("dense_weight"), arrays.pop("dense_held"))
        n_docs = len(arrays["doc_len"])
        if any(a.shape != (len(dense[0]), n_docs) for a in dense[1:]):
            raise ValueError("dense columns do not match the postings")
        vocab = {t: i for i, t in enumerate(terms)}
        return cls(vocab, **arrays, params=params, weights=weights, dense=dense)

    def _idf(self) -> np.ndarray:
        n, df, p = self.n_docs, self.df, self.params
        if p.variant == "okapi":
            idf = np.log(n - df + 0.5) - np.log(df + 0.5)
            floor = p.epsilon * (idf.sum() / len(idf)) if len(idf) else 0.0
            return np.where(idf < 0, floor, idf)
        if p.variant == "plus":
            return np.log((n + 1) / np.maximum(df, 1e-12))
        if p.variant == "l":
            return np.log(n + 1) - np.log(df + 0.5)
        raise ValueError(f"unknown BM25 variant {p.variant!r}; choose one of {VARIANTS}")

    def term_weight(self, term: str) -> float:
        """How much a term says about relevance (rare terms more); unknown terms the most."""
        t = self.vocab.get(term)
        df = self.df[t] if t is not None else 0.0
        return math.log((self.n_docs + 1) / (df + 0.5))

    def frequency(self, term: str) -> int:
        """How many passages hold the term."""
        t = self.vocab.get(term)
        return 0 if t is None else int(self.df[t])

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        t = self.vocab.get(term)
        if t is None:
            return np.empty(0, np.int32), np.empty(0, np.int32)
        lo, hi = self.starts[t], self.starts[t + 1]
        return self.post_docs[lo:hi], self.post_tf[lo:hi]

    def _weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Per posting, the score it adds beyond the constant; per term, that constant.

        Computed once for the whole index, so a query only gathers and adds: vectorised,
        a few million postings at a time (small temporaries), on every core (numpy lets
        go of Python's lock; 2.7 s → 1.1 s at a million passages on 2 cores).
        """
        out = np.empty(len(self.post_docs), dtype=np.float64)
        chunks = list(self._chunks())
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            weighed = pool.map(lambda c: self._weigh(*c), chunks)
            for (first, last), weights in zip(chunks, weighed, strict=True):
                out[int(self.starts[first]) : int(self.starts[last])] = weights
        return out, self._term_base()

    def save(self, folder: Path) -> None:
        """Write the postings and their weights as `bm25_*.npy` (see `from_arrays`).
        Weights not computed yet (a build's) are computed and written a chunk at a time,
        so a build never holds them all (740 MB at a million passages)."""
        for name in ("starts", "post_docs", "post_tf", "doc_len"):
            np.save(folder / f"bm25_{name}.npy", np.asarray(getattr(self, name)))
        np.save(folder / "bm25_term_base.npy", self._term_base())
        self._save_dense(folder)
        path = folder / "bm25_post_weight.npy"
        if "_weight_arrays" in self.__dict__:
            np.save(path, self.post_weight)
            return
        header = {"descr": "<f8", "fortran_order": False, "shape": (len(self.post_docs),)}
        workers = os.cpu_count() or 1
        chunks = list(self._chunks())
        with path.open("wb") as out, ThreadPoolExecutor(workers) as pool:
            np.lib.format.write_array_header_1_0(out, header)
            for k in range(0, len(chunks), workers):  # a few chunks in memory at a time
                for weights in pool.map(lambda c: self._weigh(*c), chunks[k : k + workers]):
                    out.write(weights.data)

    def _save_dense(self, folder: Path) -> None:
        """Write the dense columns as `bm25_dense_*.npy`, a row at a time when they were
        not laid out in memory (a build's)."""
        if "_dense" in self.__dict__:
            for name, array in zip(("terms", "weight", "held"), self._dense, strict=True):
                np.save(folder / f"bm25_dense_{name}.npy", array)
            return
        terms = self.dense_terms()
        np.save(folder / "bm25_dense_terms.npy", terms)
        shape = (len(terms), self.n_docs)
        paths = [folder / "bm25_dense_weight.npy", folder / "bm25_dense_held.npy"]
        with paths[0].open("wb") as weights, paths[1].open("wb") as held:
            for out, descr in ((weights, "<f8"), (held, "|u1")):
                header = {"descr": descr, "fortran_order": False, "shape": shape}
                np.lib.format.write_array_header_1_0(out, header)
            for t in terms.tolist():
                for out, row in zip((weights, held), self._dense_row(t), strict=True):
                    out.write(row.data)

    def _term_base(self) -> np.ndarray:
        plus = self.params.variant == "plus"
        return self.idf * self.params.delta if plus else np.zeros_like(self.idf)

    def _chunks(self) -> Iterator[tuple[int, int]]:
        """Term ranges of about WEIGHT_CHUNK postings, in order."""
        bounds = np.searchsorted(
            self.starts, np.arange(0, max(len(self.post_docs), 1), WEIGHT_CHUNK)
        )
        yield from zip(bounds.tolist(), [*bounds[1:].tolist(), len(self.df)], strict=True)

    def _weigh(self, first: int, last: int) -> np.ndarray:
        """Weights of the postings of terms first..last-1."""
        p = self.params
        lo, hi = int(self.starts[first]), int(self.starts[last])
        counts = np.diff(self.starts[first : last + 1])
        tf = np.asarray(self.post_tf[lo:hi], dtype=np.float64)
        if p.variant in ("okapi", "plus"):
            # BM25+ is Okapi's saturation plus idf * delta for every term of the question,
            # held or not: that part is the per-term constant. Computed in place.
            w = self._norm[self.post_docs[lo:hi]]
            w += tf
            np.divide(tf, w, out=w)
            w *= np.repeat(self.idf[first:last] * (p.k1 + 1), counts)
            return w
        # rank-bm25's BM25L multiplies by tf (unlike the paper), so absent terms add 0.
        idf = np.repeat(self.idf[first:last], counts)
        ctd = tf / (self._norm[self.post_docs[lo:hi]] / p.k1)
        return idf * tf * (p.k1 + 1) * (ctd + p.delta) / (p.k1 + ctd + p.delta)

    def score(
        self,
        terms: Sequence[str],
        presence: np.ndarray | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> tuple[np.ndarray, float]:
        """Sparse scores of all passages (0 where no term occurs) and the shared constant.

        A passage's rank-bm25 score is `scores[i] + constant` when it holds a query term,
        and `constant` otherwise. Repeated terms count repeatedly, as in rank-bm25;
        `weights` overrides that count for some terms (related words weigh less).
        With `presence` (an unsigned integer array, one per passage), bit k is set where
        the k-th distinct term occurs.
        """
        scores = np.zeros(self.n_docs, dtype=np.float64)
        constant = 0.0
        counts: Mapping[str, float] = Counter(terms)
        if weights:
            counts = {t: weights.get(t, c) for t, c in counts.items()}
        dense = self._dense_row_of
        for bit, (term, count) in enumerate(counts.items()):
            t = self.vocab.get(term)
            if t is None:
                continue
            constant += count * float(self.term_base[t])
            if (row := dense.get(t)) is not None:  # adding 0 where absent changes nothing
                _, weights_of, held_of = self._dense
                scores += count * weights_of[row] if count != 1 else weights_of[row]
                if presence is not None:
                    presence |= np.left_shift(held_of[row], bit, dtype=presence.dtype)
                continue
            lo, hi = self.starts[t], self.starts[t + 1]
            docs = self.post_docs[lo:hi].astype(np.intp)
            weight = self._weigh(t, t + 1) if self._weigh_when_asked else self.post_weight[lo:hi]
            # add.at is numpy's fast scatter-add (a fancy-indexed += measured 1.5x slower
            # at p95, 100k passages); docs are distinct within a term, so adding a bit is
            # the same as or-ing it in. Given int32 positions it converts them on each
            # call: converted once here, scoring's p50 fell 1.39 -> 1.22 ms at 100k
            # passages (medians of six alternating rounds)
            np.add.at(scores, docs, count * weight if count != 1 else weight)
            if presence is not None:
                np.add.at(presence, docs, presence.dtype.type(1 << bit))
        return scores, constant
