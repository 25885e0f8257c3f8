"""Updating an index in place of rebuilding it: keep unchanged reports' postings.

When a few reports are added, changed or removed, the previous index already holds the
postings of every other report. They are renumbered to the new passage order (an order-
keeping map, so each term's postings stay sorted), the postings of removed reports are
dropped, and the new reports' postings are inserted where they belong: one pass over the
old postings, no sort of them. The result scores exactly like a full rebuild (tested);
only the order of the vocabulary differs (new words come last).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .bm25 import BM25Params, SparseBM25
from .corpus import Corpus, Origin, Repeats
from .index import Index
from .models import Report, SkippedFile
from .reports import ReportTable
from .table import PassageTable
from .text import TextPipeline

# A plan step per corpus file, in file-name order: a report kept from the old index (its
# position there), a newly analysed report (its FileEntry), or a file to skip (its reason).
Step = tuple[str, object]


def update(
    old: Index,
    plan: Sequence[Step],
    skipped: Sequence[SkippedFile],
    pipeline: TextPipeline,
    params: BM25Params,
    origin: Origin,
) -> Index:
    walk = _walk(old, plan, skipped, pipeline)
    of = np.asarray(old.report_of)
    moved = np.arange(len(old.corpus.passages)) + walk.moved_by[of]
    new_of_old = np.where(walk.kept[of], moved, -1).astype(np.int32)
    words, starts, docs, tf = _merge(old.bm25, new_of_old, walk.vocab, walk.added)
    new_bm25 = SparseBM25(
        {w: i for i, w in enumerate(words)},
        starts,
        docs,
        tf,
        np.concatenate(walk.lengths) if walk.lengths else np.empty(0),
        params,
        weigh_when_asked=True,  # saved next, a chunk at a time: 739 MB never held at 1M
    )
    new_bm25.prepare()  # now, not in the first question after the swap
    table_of_reports = ReportTable.picked(old.corpus.reports, walk.reports)
    sources = list(table_of_reports.column("source"))
    corpus = Corpus(
        table_of_reports,
        PassageTable.gather(walk.runs, sources),
        tuple(sorted(walk.errors, key=lambda s: s.source)),
        origin,
    )
    return Index(corpus, pipeline, new_bm25)


@dataclass
class _Walk:
    """What a plan keeps and adds, in corpus order (`_walk`): per report, an old report's
    position or a new Report; the passage-table runs and passage lengths; the new reports'
    postings; the files skipped; per old report, whether it is kept and how far its
    passages move; the vocabulary, new words appended."""

    vocab: dict[str, int]
    errors: list[SkippedFile]
    moved_by: np.ndarray
    kept: np.ndarray
    reports: list[int | Report] = field(default_factory=list)
    runs: list[tuple[PassageTable, int, int]] = field(default_factory=list)
    lengths: list[np.ndarray] = field(default_factory=list)
    added: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)


def _walk(
    old: Index, plan: Sequence[Step], skipped: Sequence[SkippedFile], pipeline: TextPipeline
) -> _Walk:
    """Each step of the plan in order: an old report's passages kept where they move to, a
    new report's passages added (placed by meaning), a file skipped with its reason (also a
    report repeated under another name)."""
    table = old.corpus.passages
    bounds = np.searchsorted(old.report_of, np.arange(len(old.corpus.reports) + 1))
    doc_len = np.asarray(old.bm25.doc_len)  # read once: 50,000 slices of a memory map take 0.4 s
    n = len(old.corpus.reports)
    walk = _Walk(dict(old.bm25.vocab), list(skipped), np.zeros(n, np.int64), np.zeros(n, bool))
    repeats = Repeats()
    # two columns read once: a Report object per old report costs 16 µs (0.8 s at 50,000)
    sources, digests = old.corpus.reports.column("source"), old.corpus.reports.column("digest")
    offset = 0
    for kind, value in plan:
        if kind == "skip":
            walk.errors.append(value)
            continue
        if kind == "old":
            source, digest = sources[int(value)], digests[int(value)]
        else:
            source, digest = value.report.source, value.report.digest
        if repeat := repeats.skip(source, digest):
            walk.errors.append(repeat)
            continue
        if kind == "old":
            j = int(value)
            start, end = int(bounds[j]), int(bounds[j + 1])
            walk.moved_by[j], walk.kept[j] = offset - start, True
            walk.reports.append(j)
            walk.runs.append((table, start, end))
            walk.lengths.append(doc_len[start:end])
            offset += end - start
            continue
        walk.added.append(_postings(value, walk.vocab, offset))
        walk.reports.append(value.report)
        meaning = pipeline.meaning.passages(value.vocab, value.token_ids, value.lengths)
        walk.runs.append((value.table.with_meaning(meaning), 0, len(value.lengths)))
        walk.lengths.append(value.lengths.astype(np.float64))
        offset += len(value.lengths)
    return walk


def _postings(
    entry: object, vocab: dict[str, int], offset: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A new report's (term, passage, tf) triples in (term, passage) order; its passages
    numbered from `offset`, its new words added to `vocab`."""
    remap = np.array([vocab.setdefault(t, len(vocab)) for t in entry.vocab], dtype=np.int64)
    n = max(len(entry.lengths), 1)
    local_doc = np.repeat(np.arange(len(entry.lengths), dtype=np.int64), entry.lengths)
    keys, tf = np.unique(remap[entry.token_ids] * n + local_doc, return_counts=True)
    return keys // n, keys % n + offset, tf


def _merge(
    bm25: SparseBM25,
    new_of_old: np.ndarray,
    vocab: dict[str, int],
    added: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The old postings renumbered (removed passages dropped) with the new ones inserted;
    words no passage uses any more are dropped."""
    tf = np.asarray(bm25.post_tf, dtype=np.int32)
    starts = np.asarray(bm25.starts, dtype=np.int64)
    if np.array_equal(new_of_old, np.arange(len(new_of_old))):
        docs = np.asarray(bm25.post_docs)  # reports only added after the old ones
    else:
        docs = new_of_old[bm25.post_docs]
    if (new_of_old < 0).any():  # reports removed or changed: drop their postings
        keep = docs >= 0
        # each term's start moves back by the postings dropped before it: counted among
        # the few dropped ones (a running count of the kept ones, 92M int64 twice over,
        # was 1.5 GB of a 1M update's 2.9 GB peak)
        starts = starts - np.searchsorted(np.flatnonzero(~keep), starts)
        docs, tf = docs[keep], tf[keep]
    # new words have no old postings: they start (and end) after the last old one
    starts = np.concatenate([starts, np.full(len(vocab) + 1 - len(starts), starts[-1])])
    if added:
        terms = np.concatenate([a[0] for a in added])
        order = np.lexsort((np.concatenate([a[1] for a in added]), terms))
        terms = terms[order]
        new_docs = np.concatenate([a[1] for a in added])[order].astype(np.int32)
        new_tf = np.concatenate([a[2] for a in added])[order].astype(np.int32)
        where = np.empty(len(terms), dtype=np.int64)
        distinct, first = np.unique(terms, return_index=True)
        for t, a, b in zip(distinct, first, [*first[1:], len(terms)], strict=True):
            lo, hi = starts[t], starts[t + 1]
            where[a:b] = lo + np.searchsorted(docs[lo:hi], new_docs[a:b])
        docs = _insert(docs, where, new_docs)
        tf = _insert(tf, where, new_tf)
        grown = np.concatenate([[0], np.cumsum(np.bincount(terms, minlength=len(vocab)))])
        starts = starts + grown
    used = np.diff(starts) > 0
    words = list(vocab)
    if not used.all():
        words = [w for w, u in zip(words, used, strict=True) if u]
        starts = np.concatenate([starts[:-1][used], starts[-1:]])
    return words, starts, docs, tf


def _insert(old: np.ndarray, where: np.ndarray, new: np.ndarray) -> np.ndarray:
    """`np.insert(old, where, new)` for sorted `where`: the old values are copied in runs
    between insertion points (twice as fast as np.insert at 92M postings)."""
    out = np.empty(len(old) + len(new), dtype=old.dtype)
    out[where + np.arange(len(new))] = new
    cuts = [0, *np.unique(where).tolist(), len(old)]
    shift = np.searchsorted(where, cuts[:-1], side="right")  # new values before each run
    for (a, b), k in zip(itertools.pairwise(cuts), shift.tolist(), strict=True):
        out[a + k : b + k] = old[a:b]
    return out
