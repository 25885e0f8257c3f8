"""Updating an index in place of rebuilding it: keep unchanged reports' postings.

When a few reports are added, changed or removed, the previous index already holds the
postings of every other report. They are renumbered to the new passage order, the new
reports' postings are appended, and one nearly-sorted sort restores term order. The
result scores exactly like a full rebuild (tested); only the order of the vocabulary
differs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .bm25 import BM25Params, SparseBM25
from .corpus import Corpus
from .index import Index
from .models import Report, SkippedFile
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
) -> Index:
    bm25, table = old.bm25, old.corpus.passages
    bounds = np.searchsorted(old.report_of, np.arange(len(old.corpus.reports) + 1))
    new_of_old = np.full(len(table), -1, dtype=np.int64)
    vocab = dict(bm25.vocab)
    reports: list[Report] = []
    runs: list[tuple[PassageTable, int, int]] = []
    lengths: list[np.ndarray] = []
    new_terms, new_docs, new_tf = [], [], []
    errors = list(skipped)
    offset = 0
    for kind, value in plan:
        if kind == "skip":
            errors.append(value)
            continue
        if kind == "old":
            j = int(value)
            start, end = int(bounds[j]), int(bounds[j + 1])
            new_of_old[start:end] = np.arange(offset, offset + end - start)
            reports.append(old.corpus.reports[j])
            runs.append((table, start, end))
            lengths.append(np.asarray(bm25.doc_len[start:end]))
            offset += end - start
            continue
        entry = value
        remap = np.array([vocab.setdefault(t, len(vocab)) for t in entry.vocab], dtype=np.int64)
        n = len(entry.lengths)
        local_doc = np.repeat(np.arange(n, dtype=np.int64), entry.lengths)
        keys, tf = np.unique(remap[entry.token_ids] * max(n, 1) + local_doc, return_counts=True)
        new_terms.append(keys // max(n, 1))
        new_docs.append(keys % max(n, 1) + offset)
        new_tf.append(tf)
        reports.append(entry.report)
        runs.append((entry.table, 0, n))
        lengths.append(entry.lengths.astype(np.float64))
        offset += n

    old_terms = np.repeat(np.arange(len(bm25.df), dtype=np.int64), np.diff(bm25.starts))
    moved = new_of_old[bm25.post_docs]
    keep = moved >= 0
    terms = np.concatenate([old_terms[keep], *new_terms])
    docs = np.concatenate([moved[keep], *new_docs])
    tf = np.concatenate([np.asarray(bm25.post_tf)[keep], *new_tf])
    # old postings are already in (term, doc) order; a stable sort of a mostly sorted key
    order = np.argsort(terms * max(offset, 1) + docs, kind="stable")
    terms, docs, tf = terms[order], docs[order], tf[order]
    used = np.bincount(terms, minlength=len(vocab)) > 0  # drop words no passage uses now
    renumber = np.cumsum(used) - 1
    words = [w for w, u in zip(vocab, used, strict=True) if u]
    terms = renumber[terms]
    starts = np.searchsorted(terms, np.arange(len(words) + 1)).astype(np.int64)
    new_bm25 = SparseBM25(
        {w: i for i, w in enumerate(words)},
        starts,
        docs.astype(np.int32),
        tf.astype(np.int32),
        np.concatenate(lengths) if lengths else np.empty(0),
        params,
    )
    sources = [r.source for r in reports]
    corpus = Corpus(
        tuple(reports),
        PassageTable.gather(runs, sources),
        tuple(sorted(errors, key=lambda s: s.source)),
    )
    return Index(corpus, pipeline, new_bm25)
