"""The searchable index: BM25 over all passages, question filters, spread across towns.

An `Index` is immutable. Reloading builds a new one and swaps a single reference, so a
search in progress always sees one consistent corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .bm25 import BM25Params, SparseBM25
from .corpus import Corpus
from .models import Hit, Passage, Query
from .query import Places, parse_question
from .text import TextPipeline

# Relevance: a passage must cover at least this share of the question's weight (see
# `_coverage`). Measured on 22 off-topic questions (天气, 火锅店, 身份证…) and 46 in-scope
# ones (the dev set plus paraphrases): off-topic ones reach at most 0.31 on any passage,
# in-scope ones at least 0.45 on their best; 0.4 sits in that gap.
MIN_COVERAGE = 0.4
# Unless the question names a town, no report takes more than this many of each five places.
PER_REPORT = 2
WINDOW = 5


@dataclass(frozen=True)
class SearchResult:
    query: Query
    hits: tuple[Hit, ...]
    total: int  # relevant passages before paging


def passage_tokens(pipeline: TextPipeline, passage: Passage) -> list[str]:
    """What a passage is matched on: its heading path and its text."""
    return pipeline.tokens(passage.section) + pipeline.tokens(passage.text)


class Index:
    """Passages of a corpus with their BM25 postings. Immutable once built."""

    def __init__(self, corpus: Corpus, pipeline: TextPipeline, bm25: SparseBM25) -> None:
        if bm25.n_docs != len(corpus.passages):
            raise ValueError("index and corpus differ in passage count")
        self.corpus = corpus
        self.pipeline = pipeline
        self.bm25 = bm25
        self.params = bm25.params
        self.places = Places.of(corpus.reports)
        self.report_of = np.asarray(corpus.passages.report_of)
        reports = corpus.reports
        self._town_of = np.array([r.township_simplified or "" for r in reports], dtype=object)
        self._county_of = np.array([r.county or "" for r in reports], dtype=object)
        self._year_of = np.array([r.year or 0 for r in reports], dtype=np.int32)

    @classmethod
    def from_corpus(
        cls, corpus: Corpus, pipeline: TextPipeline, params: BM25Params | None = None
    ) -> Index:
        tokens = [passage_tokens(pipeline, p) for p in corpus.passages]
        return cls(corpus, pipeline, SparseBM25.from_tokens(tokens, params or BM25Params()))

    def __len__(self) -> int:
        return len(self.corpus.passages)

    def parse(self, question: str) -> Query:
        return parse_question(question, self.places, self.pipeline)

    def _allowed_reports(self, query: Query) -> np.ndarray | None:
        """Mask of reports the question's filters allow (None: all)."""
        if not (query.names_place or query.years):
            return None
        mask = np.ones(len(self.corpus.reports), dtype=bool)
        if query.unknown_places and not query.townships:
            mask[:] = False  # a town we have no report for: say nothing rather than guess
        if query.townships:
            mask &= np.isin(self._town_of, list(query.townships))
        if query.counties:
            mask &= np.isin(self._county_of, list(query.counties))
        if query.years:
            mask &= np.isin(self._year_of, list(query.years))
        return mask

    def search(self, question: str | Query, top_k: int = 5, offset: int = 0) -> SearchResult:
        """The best relevant passages for a question, best first."""
        query = self.parse(question) if isinstance(question, str) else question
        allowed = self._allowed_reports(query)
        terms = list(query.terms)
        if not terms or not len(self) or (allowed is not None and not allowed.any()):
            return SearchResult(query, (), 0)
        scores, constant = self.bm25.score(terms)  # whole corpus first, then filter
        coverage = self._coverage(query)
        ok = (coverage >= MIN_COVERAGE) & (scores > 0)
        if allowed is not None:
            ok &= allowed[self.report_of]
        candidates = np.flatnonzero(ok)
        wanted = offset + top_k
        pool = max(wanted * 20, 100)  # enough to spread a page across towns
        if len(candidates) > pool:
            candidates = candidates[np.argpartition(-scores[candidates], pool - 1)[:pool]]
        ranked = candidates[np.lexsort((candidates, -scores[candidates]))]
        if not query.townships:
            ranked = self._spread(ranked, wanted)
        page = ranked[offset:wanted]
        hits = tuple(self._hit(int(i), float(scores[i] + constant), terms) for i in page)
        return SearchResult(query, hits, int(ok.sum()))

    def _coverage(self, query: Query) -> np.ndarray:
        """Per passage, the share of the question's weight it covers.

        Each word of the question weighs by its rarity (words the corpus never uses weigh
        the most). A passage covers a word fully when it holds it, and partly when it holds
        some of its sub-words (调解 covers half of 人民调解).
        """
        covered = np.zeros(len(self), dtype=np.float64)
        total = 0.0
        for group in query.groups:
            weight = self.bm25.term_weight(group[-1][0])
            total += weight
            credit = np.zeros(len(self), dtype=np.float64)
            for token, share in group:
                docs, _ = self.bm25.postings(token)
                credit[docs] += share
            covered += weight * np.minimum(credit, 1.0)
        return covered / (total or 1.0)

    def _spread(self, ranked: np.ndarray, wanted: int) -> np.ndarray:
        """Reorder so that no report has more than PER_REPORT hits in any page of WINDOW.

        When too few other reports are relevant, the best remaining hit fills the place:
        relevant passages are never dropped to enforce the spread.
        """
        remaining = [int(i) for i in ranked]
        out: list[int] = []
        while remaining and len(out) < wanted:
            page_start = len(out) - len(out) % WINDOW
            counts: dict[int, int] = {}
            for i in out[page_start:]:
                counts[self.report_of[i]] = counts.get(self.report_of[i], 0) + 1
            pick = next(
                (
                    n
                    for n, i in enumerate(remaining)
                    if counts.get(self.report_of[i], 0) < PER_REPORT
                ),
                0,
            )
            out.append(remaining.pop(pick))
        return np.array(out + remaining, dtype=np.int64)

    def _hit(self, i: int, score: float, terms: Sequence[str]) -> Hit:
        passage = self.corpus.passages[i]
        matched = tuple(t for t in dict.fromkeys(terms) if self._holds(t, i))
        report = self.corpus.reports[self.report_of[i]]
        return Hit(passage=passage, report=report, score=score, matched=matched)

    def _holds(self, term: str, i: int) -> bool:
        docs, _ = self.bm25.postings(term)
        at = np.searchsorted(docs, i)
        return bool(at < len(docs) and docs[at] == i)
