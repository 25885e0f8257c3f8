"""Assembling postings one batch of passages at a time (a report's, in file order).

A build used to hold every token of the corpus at once (the token ids, their passage
numbers, and numpy's sort of both: 1.1 GB at 100k passages, 9.7 GB at 1M). Here each
report's tokens become its postings as it arrives (a small sort), the report's tokens are
dropped, and the postings are laid out by term at the end by counting: each term's place
is known from its document frequency, and batches arrive in passage order, so each term's
passages stay sorted without sorting them all. Memory is the postings themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from .bm25 import BM25Params, SparseBM25
from .columns import Spill

# Postings placed per step when laying them out: the step's temporaries are ~60 bytes a
# posting (15 MB). A million a step made the builder's peak at 100k passages 281 MB
# instead of 224 (with `bm25.WEIGHT_CHUNK`), and was no faster (~350 steps at 1M).
STEP = 1 << 18


class PostingsBuilder:
    """Batches of passages in, one `SparseBM25` out."""

    def __init__(self, spill_to: Path | None = None) -> None:
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []  # by term number
        self._df = np.zeros(1024, dtype=np.int64)
        # each batch's terms, passages and counts (int32), in order, on disk (see Spill)
        self._spill = Spill(spill_to)
        self._sizes: list[int] = []  # postings per batch
        self._lengths: list[np.ndarray] = []
        self._n_docs = 0

    def add(self, words: Sequence[str], token_ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Passages whose tokens are `words[token_ids]`, back to back, `lengths` each;
        returns each of `words`' term number."""
        new = sorted(set(words).difference(self.vocab))  # numbered deterministically
        for word in new:
            self.vocab[word] = len(self.vocab)
        self.words += new
        remap = np.fromiter(map(self.vocab.__getitem__, words), np.int64, len(words))
        n = max(len(lengths), 1)
        local = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        ids = remap[np.asarray(token_ids, dtype=np.int64)]
        keys, tf = np.unique(ids * n + local, return_counts=True)
        terms = (keys // n).astype(np.int32)
        if len(self.vocab) > len(self._df):  # grown by doubling: amortised constant
            grown = np.zeros(2 * len(self.vocab), dtype=np.int64)
            grown[: len(self._df)] = self._df
            self._df = grown
        # one per (term, passage) pair: a bincount as long as the vocabulary cost 50 µs a
        # report at 1M passages, runs found with np.diff 30 µs at any size
        np.add.at(self._df, terms, 1)
        docs = (keys % n + self._n_docs).astype(np.int32)
        self._spill.append(np.concatenate((terms, docs, tf.astype(np.int32))))  # one write
        self._sizes.append(len(terms))
        self._lengths.append(np.asarray(lengths, dtype=np.float64))
        self._n_docs += len(lengths)
        return remap

    def build(self, params: BM25Params) -> SparseBM25:
        """The postings laid out by term (once: the builder is spent afterwards)."""
        df = self._df[: len(self.vocab)]
        starts = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        post_docs = np.empty(int(starts[-1]), dtype=np.int32)
        post_tf = np.empty(int(starts[-1]), dtype=np.int32)
        cursor = starts[:-1].copy()  # where each term's next posting goes
        for terms, docs, tf in self._steps():
            order = np.argsort(terms, kind="stable")  # passages stay in order within a term
            terms = terms[order]
            first = np.flatnonzero(np.diff(terms, prepend=-1))  # where each term's run starts
            held = terms[first]
            counts = np.diff(first, append=len(terms))
            where = cursor[terms] + (np.arange(len(terms)) - np.repeat(first, counts))
            post_docs[where] = docs[order]
            post_tf[where] = tf[order]
            cursor[held] += counts
        lengths = np.concatenate(self._lengths) if self._lengths else np.empty(0)
        vocab, self.vocab, self.words, self._lengths = self.vocab, {}, [], []
        return SparseBM25(vocab, starts, post_docs, post_tf, lengths, params)

    def _steps(self) -> Iterator[tuple[np.ndarray, ...]]:
        """The batches read back in steps of about STEP postings, in passage order."""
        spilled = self._spill.bytes()
        sizes, self._sizes = self._sizes, []
        start = batch = 0
        while batch < len(sizes):
            end, count = batch + 1, sizes[batch]
            while end < len(sizes) and count + sizes[end] <= STEP:
                count += sizes[end]
                end += 1
            data = spilled[start : start + 12 * count].view(np.int32)
            columns: list[list[np.ndarray]] = [[], [], []]
            offset = 0
            for size in sizes[batch:end]:
                for k in range(3):
                    columns[k].append(data[offset + k * size : offset + (k + 1) * size])
                offset += 3 * size
            yield tuple(np.concatenate(column) for column in columns)
            start += 12 * count
            batch = end
