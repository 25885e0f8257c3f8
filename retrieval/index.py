"""The searchable index: BM25 over all passages, question filters, spread across towns.

An `Index` is immutable. Reloading builds a new one and swaps a single reference, so a
search in progress always sees one consistent corpus.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import ranking, sentences
from .bm25 import SparseBM25
from .corpus import Corpus
from .gazetteer import of_kind
from .models import Elsewhere, Hit, Query
from .passages import plans_ahead
from .places import CorpusPlaces
from .query import parse_question
from .relevance import (
    DOMAIN_SPECIFICITY,
    FULL,
    STRONG,
    TABLE_BITS,
    WEAK,
    ContentWord,
    content_words,
    judge,
    levels,
)
from .text import TextPipeline

# Unless the question names a town, no report takes more than this many of each five places.
PER_REPORT = 2
WINDOW = 5
# Passages chosen by meaning (`meaning`) among those holding one of the question's terms
# (the NEAR_POOL of them with the best BM25 scores) are shown at these places (0-based: third
# and fifth, after the two best by words and between the next), each with how much the
# words' own ranking of the pool counts beside meaning's: the third is the nearest in
# meaning alone (what the words miss), the fifth the one meaning and words agree on best,
# by reciprocal-rank fusion (Cormack et al. 2009, constant FUSION_K): 1 / (k + rank by
# meaning) + weight / (k + rank by BM25). data/calibration/meaning.tsv; README, "Nearest in
# meaning".
NEAR_PLACES = ((2, 0.0), (4, 0.5))
NEAR_POOL = 256
FUSION_K = 60
# The best passages by words are reordered by how much of the question their best sentence
# holds (`sentences`): this many of them, the sentences' order weighing this much beside the
# words' in the fusion. data/calibration/sentences.tsv; README, "Best sentence".
SENTENCE_POOL = 15
SENTENCE_WEIGHT = 1.0
# A question that says 街道 (or 乡镇) beside its topic asks how sub-districts (or towns) do
# it: a passage of another kind's report keeps this share of its score. Every share from
# 0.1 to 0.8 ranks the same but for one question at 0.2; data/calibration/kinds.tsv; README,
# "A kind of township asked for".
OTHER_KIND = 0.5

# A question's verdicts (`Index._judge`): the passages at a level or above, and for given
# passages the share of the question's content each covers and its level.
Judged = tuple[Callable[[int], np.ndarray], Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]]


def _terms_held(distinct: list[str], bits: int) -> tuple[str, ...]:
    """The question's distinct terms a passage holds, from its presence bits."""
    return tuple(t for k, t in enumerate(distinct) if bits >> k & 1)


def _kind_bits(words: list[ContentWord], distinct: list[str]) -> list[int]:
    """The presence bits of the question's words for a kind of township (街道, 乡镇)."""
    kinds = {w.parts[-1][0] for w in words if w.kind}
    return [k for k, term in enumerate(distinct) if term in kinds]


@dataclass(frozen=True)
class SearchResult:
    query: Query
    hits: tuple[Hit, ...]
    # passages to page through: the relevant ones (possibly relevant ones when no other),
    # and `near` more shown only as nearest in meaning (`Hit.near`)
    total: int
    near: int = 0
    # of `total`, relevant only partly (`relevance`: not in full; `Hit.partial`)
    partial: int = 0

    @property
    def tentative(self) -> bool:
        """True when every hit is only possibly relevant (shown as 可能相关)."""
        return bool(self.hits) and all(h.weak for h in self.hits)


class Index:
    """Passages of a corpus with their BM25 postings. Immutable once built."""

    def __init__(
        self,
        corpus: Corpus,
        pipeline: TextPipeline,
        bm25: SparseBM25,
        located: CorpusPlaces | None = None,
    ) -> None:
        """`located`: the corpus's places as a snapshot kept them (made here when None)."""
        if bm25.n_docs != len(corpus.passages):
            raise ValueError("index and corpus differ in passage count")
        self.meaning = corpus.passages.placed  # each passage's meaning (`meaning`)
        self.corpus = corpus
        self.pipeline = pipeline
        self.bm25 = bm25
        self.params = bm25.params
        reports = corpus.reports
        towns, counties = reports.column("township_simplified"), reports.column("county")
        if located is None:
            provinces = reports.column("province")
            located = CorpusPlaces.of(towns, counties, provinces, reports.years.tolist())
        elif len(located.regions_of) != len(reports):
            raise ValueError("the places given are not this corpus's")
        self.located = located
        self.places = located.places
        self.report_of = np.asarray(corpus.passages.report_of)
        self._town_of = np.array([t or "" for t in towns], dtype=object)
        self._county_of = np.array([c or "" for c in counties], dtype=object)
        self._year_of = np.asarray(reports.years)
        self._years_named: dict[int, np.ndarray] = {}
        self._plan_flags = np.full(len(corpus.passages.sections), -1, dtype=np.int8)
        self._in_region: dict[str, np.ndarray] = {}
        self._kind_of: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.corpus.passages)

    def parse(self, question: str) -> Query:
        return parse_question(question, self.places, self.pipeline, self.bm25.frequency)

    def _allowed_reports(self, query: Query) -> np.ndarray | None:
        """Mask of reports the question's place filters allow (None: all). Years are
        checked per passage (`_in_years`)."""
        if not (query.names_place or query.excluded):
            return None
        mask = np.ones(len(self.corpus.reports), dtype=bool)
        if query.excluded:  # towns, counties, provinces and prefectures
            left_out = list(query.excluded)
            mask &= ~(np.isin(self._town_of, left_out) | np.isin(self._county_of, left_out))
            for region in set(left_out) & set(self.places.regions.values()):
                mask &= ~self._reports_in(region)
        if query.unknown_places and not query.townships:
            mask[:] = False  # a town we have no report for: say nothing rather than guess
        if query.townships:
            mask &= np.isin(self._town_of, list(query.townships))
        if query.counties:
            in_county = np.isin(self._county_of, list(query.counties))
            for county in query.counties:
                in_county[self.located.maybe_in.get(county, [])] = True
            mask &= in_county
        if query.regions:
            mask &= np.logical_or.reduce([self._reports_in(region) for region in query.regions])
        return mask

    def reports_named(self, query: Query, kinds: tuple[str, ...] = ()) -> list[int]:
        """The reports in the places and years a question names (every report when it
        names none), of one of `kinds` of township when given: what 湖北有哪些镇, 一共几个
        街道 (kinds 街道) or 2024年有哪些报告 lists."""
        allowed = self._allowed_reports(query)
        years = set(query.years)
        return [
            i
            for i in range(len(self.corpus.reports))
            if (allowed is None or allowed[i])
            and (not years or int(self._year_of[i]) in years)
            and (not kinds or any(of_kind(self._town_of[i], kind) for kind in kinds))
        ]

    def _reports_in(self, region: str) -> np.ndarray:
        """Mask of the reports in a province or prefecture; computed once per region (a
        memo, the index itself never changes)."""
        if region not in self._in_region:
            in_region = [region in regions for regions in self.located.regions_of]
            self._in_region[region] = np.array(in_region, dtype=bool)
        return self._in_region[region]

    def search(self, question: str | Query, top_k: int = 5, offset: int = 0) -> SearchResult:
        """The best relevant passages for a question, best first.

        Relevant passages come first; only when there are none, possibly relevant ones
        (see `relevance`). They rank by BM25 score times the share of the question's
        content they cover: a passage that repeats one word of the question does not
        outrank one that answers more of it; the best of them then by how much of it their
        best sentence holds too (`_by_sentences`).
        """
        query = self.parse(question) if isinstance(question, str) else question
        allowed = self._allowed_reports(query)
        terms = list(query.terms)
        if not terms or not len(self) or (allowed is not None and not allowed.any()):
            return SearchResult(query, (), 0)
        distinct = list(dict.fromkeys(terms))
        if len(distinct) > 63:
            distinct = distinct[:63]  # presence bits; no real question has more words
            terms = [t for t in terms if t in set(distinct)]
        bits = next(b for b in (8, 16, 32, 64) if len(distinct) <= b)  # narrow is faster
        presence = np.zeros(len(self), dtype=f"uint{bits}")
        # whole corpus, then filter
        scores, constant = self.bm25.score(terms, presence, dict(query.weights))
        words = content_words(query, self.bm25, self.pipeline)
        self._kinds_held(words, distinct, presence)
        self._prefer_kind(words, distinct, scores)
        wanted = offset + top_k
        found = self._found(query, words, distinct, presence, scores, allowed, wanted)
        ranked, weak = self._by_sentences(found.ranked, words, distinct, presence), found.weak
        spread = len(query.townships) != 1  # one town named is all its report says; two, both
        if spread:
            ranked = self._spread(ranked, wanted)
        if len(ranked):
            eligible = self._eligible(query, words, distinct, presence, allowed)
            best = found.best if eligible is None else None
            nearest = self._nearest(words, scores, eligible, best)
            ranked, outside = self._with_nearest(ranked, nearest, found.relevant, spread, wanted)
            ranked = self._distinct(ranked, wanted, spread)
            outside &= set(ranked[:wanted].tolist())
        else:
            outside = set()
        hits = tuple(
            self._hit(
                i,
                float(scores[i] + constant),
                distinct,
                int(presence[i]),
                weak,
                near=i in outside,
                partial=i not in outside and found.partly(i),
            )
            for i in ranked[offset:wanted].tolist()
        )
        total = found.total + len(outside)
        return SearchResult(query, hits, total, len(outside), found.partial)

    def _found(
        self,
        query: Query,
        words: list[ContentWord],
        distinct: list[str],
        presence: np.ndarray,
        scores: np.ndarray,
        allowed: np.ndarray | None,
        wanted: int,
    ) -> ranking.Found:
        """The passages to show: judged among the best-scoring ones when that is provably
        the same (`ranking.among_best`: a question naming no place or year, with few terms,
        in a corpus larger than that, scored by BM25+), else among all of them."""
        table = None
        if len(distinct) <= TABLE_BITS:
            table = levels(words, distinct, bool(query.townships))
        if (
            table is not None
            and allowed is None
            and not (query.years or query.ahead)
            and len(self) > ranking.BEST_SCORES
            and self.bm25.params.variant == "plus"
        ):
            found = ranking.among_best(scores, presence, table[0], table[1], wanted)
            if found is not None:
                return found
        judged = self._judge(words, distinct, presence, table, bool(query.townships))
        candidates, coverage, weak, full = self._relevant(query, judged, allowed)
        if not (positive := scores.take(candidates) > 0).all():  # > 0 except in Okapi
            candidates, coverage, full = candidates[positive], coverage[positive], full[positive]
        return ranking.found(candidates, scores.take(candidates), coverage, weak, wanted, full)

    def _by_sentences(
        self,
        ranked: np.ndarray,
        words: list[ContentWord],
        distinct: list[str],
        presence: np.ndarray,
    ) -> np.ndarray:
        """`ranked` with its first SENTENCE_POOL reordered by their best sentences: where
        one sentence holds more of the question, the passage answers it more surely."""
        pool = ranked[:SENTENCE_POOL]
        if len(pool) < 2:
            return ranked
        sought = sentences.sought(words, self.pipeline.surface_forms)
        text = self.corpus.passages.text
        coverage = [
            sentences.best_coverage(text(i), sought, _terms_held(distinct, int(presence[i])))
            for i in pool.tolist()
        ]
        order = sentences.fused_order(coverage, SENTENCE_WEIGHT, FUSION_K)
        return np.concatenate([pool[order], ranked[SENTENCE_POOL:]])

    def _eligible(
        self,
        query: Query,
        words: list[ContentWord],
        distinct: list[str],
        presence: np.ndarray,
        allowed: np.ndarray | None,
    ) -> np.ndarray | None:
        """Which passages may be shown as nearest in meaning, beyond holding one of the
        question's terms (a BM25 score above 0): None when that is all. Not those holding
        only a word for a kind of township (every passage of such a report holds it), and
        only those in the places the question names and of reports covering the years it
        names (not a 2023 report's 2024年工作安排, which words may find). Related words
        count: 答疑's 解答 brings 大河乡's 解答群众咨询100余人次 up for 村里请的律师一年下村讲课、
        答疑大概多少次 (real mrr@5 0.852 → 0.857, no other set changed; data/calibration/
        meaning.tsv). A question saying 街道 (哪个街道统计过…) is shown a sub-district's passage
        by meaning when any holds one of its other terms (since stop 27; it showed a 镇's
        third): a kind of township says which reports, for meaning as for words."""
        kinds = sum(1 << bit for bit in _kind_bits(words, distinct))
        mask = None
        if kinds:
            mask = (presence & presence.dtype.type(np.iinfo(presence.dtype).max ^ kinds)) != 0
            of_kind = mask & ((presence & presence.dtype.type(kinds)) != 0)
            mask = of_kind if of_kind.any() else mask
        if allowed is not None:
            mask = allowed[self.report_of] if mask is None else mask & allowed[self.report_of]
        if query.years:  # the report's own years: a plan for a later year is not enough
            years = np.isin(self._year_of, list(query.years))[self.report_of]
            mask = years if mask is None else mask & years
        if query.ahead:  # a plan, as for words
            plans = self._next_years_plans
            mask = plans if mask is None else mask & plans
        return mask

    def _nearest(
        self,
        words: list[ContentWord],
        scores: np.ndarray,
        eligible: np.ndarray | None,
        best: np.ndarray | None = None,
    ) -> list[list[int]]:
        """For each of NEAR_PLACES, the NEAR_POOL eligible passages with the best BM25
        scores in the order that place chooses from (`NEAR_PLACES`); none when no word of
        the question has a meaning. `best`, when given, holds the positions of the best
        scores in ascending order (every passage eligible); with NEAR_POOL or more of them,
        the pool is taken from it."""
        vector = self.pipeline.meaning.question(
            [
                (w.parts[-1][0], w.weight, [(t, share) for t, share, _ in w.parts[:-1]])
                for w in words
                if not w.kind
            ]
        )
        if vector is None:
            return []
        held = scores if eligible is None else np.where(eligible, scores, 0.0)
        if best is None or len(best) < NEAR_POOL:
            pool = np.sort(ranking.largest(held, NEAR_POOL))  # rows in file order
        else:
            pool = np.sort(best[ranking.largest(held.take(best), NEAR_POOL)])
        nearness = np.asarray(self.meaning[pool], dtype=np.float32) @ vector
        by_meaning = ranking.ranks(-nearness)
        by_words = ranking.ranks(-held[pool])
        return [
            pool[np.argsort(-fused, kind="stable")].tolist()
            for fused in (
                1 / (FUSION_K + by_meaning) + weight / (FUSION_K + by_words)
                for _, weight in NEAR_PLACES
            )
        ]

    def _with_nearest(
        self,
        ranked: np.ndarray,
        nearest: list[list[int]],
        relevant: Callable[[int], bool],
        spread: bool,
        wanted: int,
    ) -> tuple[np.ndarray, set[int]]:
        """`ranked` with, at each of NEAR_PLACES, the first passage of its order (`_nearest`)
        that is not shown before it (and, when answers are spread across towns, whose report
        has not filled its places there, if another's has not); and those of them the words
        had not found relevant."""
        outside: set[int] = set()
        shown = ranked.tolist()
        for (place, _), order in zip(NEAR_PLACES, nearest, strict=False):
            near = self._first_fresh(order, shown[:place], spread)
            if near is None:
                break
            if not relevant(near):
                outside.add(near)
            if near in shown:
                shown.remove(near)
            shown.insert(min(place, len(shown)), near)
            if spread:
                shown = self._spread(np.array(shown, dtype=np.int64), wanted).tolist()
        return np.array(shown, dtype=np.int64), outside

    def _first_fresh(self, order: list[int], before: list[int], spread: bool) -> int | None:
        """The first passage of `order` not in `before`; when answers are spread, the first
        whose report has fewer than PER_REPORT there, if there is one."""
        full = self.report_of.take(before).tolist() if spread else []
        first = None
        for i in order:
            if i in before:
                continue
            if not spread or full.count(self.report_of[i]) < PER_REPORT:
                return i
            if first is None:
                first = i
        return first

    def words_that_find(self, query: Query, limit: int = 2) -> tuple[tuple[str, int], ...]:
        """For a question that found nothing: its own domain words (`relevance`: 普法, 调解,
        not 县城 or 今天) that find relevant passages asked alone, in the places and years
        it names, with how many; most specific first. What a "not found" reply suggests
        (把普法节目放到村里的春晚上演: 普法, 76 passages); never a kind of township (密云区
        的街道法律顾问 suggested 街道 alone)."""
        found = []
        for word in content_words(query, self.bm25, self.pipeline):
            token = word.parts[-1][0]
            if word.kind or word.specificity < DOMAIN_SPECIFICITY or not self.bm25.frequency(token):
                continue
            if relevant := self._relevant_alone(query, token):
                found.append((word.specificity, token, relevant))
        found.sort(key=lambda f: -f[0])
        return tuple((token, total) for _, token, total in found[:limit])

    def topics_held(self, query: Query, topics: Sequence[str], limit: int = 2) -> tuple[str, ...]:
        """The first `limit` of `topics` that find relevant passages asked alone in the
        places and years `query` names: examples a reply can offer that do not come back
        empty (西兴街道's opening holds neither 普法 nor 法律顾问, the two every reply to a
        town named alone suggested: 61 of the 102 suggestions over the 55 reports did).
        Places with no report of the years named are looked at in the years they have
        (2021年峰灵镇: 峰灵镇's 2025 report)."""
        query = self.in_years_held(query)
        held: list[str] = []
        for topic in topics:
            if len(held) == limit:
                break
            if self._relevant_alone(query, topic):
                held.append(topic)
        return tuple(held)

    def in_years_held(self, query: Query) -> Query:
        """`query` without its years when the places it names have reports, but of none
        of those years (2021年峰灵镇 reads as 峰灵镇, whose one report is of 2025)."""
        return replace(query, years=()) if self._years_there(query) else query

    def _relevant_alone(self, query: Query, words: str) -> int:
        """How many passages `words` asked alone find relevant in the places and years
        `query` names (0 when only 可能相关 or nearest in meaning)."""
        alone = replace(self.parse(words), **query.filters(), ahead=query.ahead)
        result = self.search(alone, top_k=1)
        return 0 if not result.hits or result.tentative else result.total - result.near

    def found_elsewhere(self, query: Query, towns: int = 3) -> Elsewhere:
        """For a question naming places or years (or leaving some out) that found nothing
        there: what it finds without the years first (2023年峰灵镇的不足: 峰灵镇's 2025
        report), then without the places, then without either (殷祖镇有没有法律顾问: 29,
        安稳镇、留下街道、王团镇); and, when the places named have reports but none of the
        years named, which years they have. Nothing found: `Elsewhere()` with those years.
        A question about 明年 (`query.AHEAD`) tries its topic anywhere in the reports first."""
        places = {name: () for name in query.filters() if name != "years"}
        tries: list[tuple[tuple[str, ...], dict[str, object]]] = []
        if query.years:
            tries.append((("years",), {"years": ()}))
        if query.names_place or query.excluded:
            tries.append((("places",), places))
        if len(tries) == 2:
            tries.append((("places", "years"), {**places, "years": ()}))
        if query.ahead:  # 峰灵镇明年…: what the report says of it anywhere, first
            tries.insert(0, (("ahead",), {"ahead": False}))
        there = self._years_there(query)
        for without, dropped in tries:
            result = self.search(replace(query, **dropped), top_k=towns * PER_REPORT)
            if result.hits and not result.tentative:
                names = dict.fromkeys(hit.report.name for hit in result.hits if not hit.near)
                total = result.total - result.near
                return Elsewhere(total, tuple(names)[:towns], without, there)
        return Elsewhere(years_there=there)

    def _years_there(self, query: Query) -> tuple[int, ...]:
        """The years of the reports in the places a question names, when it names years
        and none of those reports covers one; else ()."""
        if not (query.years and query.names_place) or self.reports_named(query):
            return ()
        anywhen = self.reports_named(replace(query, years=()))
        return tuple(sorted({int(self._year_of[i]) for i in anywhen}))

    def _kinds_held(
        self, words: list[ContentWord], distinct: list[str], presence: np.ndarray
    ) -> None:
        """A word for a kind of township (街道) is held by the passages of reports of that
        kind, whatever their text says: a question that says 街道 wants sub-districts
        (街道出面牵线…贷款 ranked 保安镇's passage that names a 街道 above 中长街道's)."""
        for k in _kind_bits(words, distinct):
            bit = presence.dtype.type(k)
            presence &= ~(presence.dtype.type(1) << bit)
            presence |= self._of_kind(distinct[k]).astype(presence.dtype) << bit

    def _prefer_kind(
        self, words: list[ContentWord], distinct: list[str], scores: np.ndarray
    ) -> None:
        """Scale down, in place, the scores of passages whose report is not of the kind of
        township the question says (`OTHER_KIND`): 街道请的法律顾问一年参加几次重大事项讨论
        ranked two of 安稳镇's passages on 重大事项 above 徐家湾街道's answer. They stay
        relevant, counted and shown after, or before when they match far better; the score
        a hit reports is the scaled one, the one it was ranked by."""
        bits = _kind_bits(words, distinct)
        if bits:
            of_kind = np.logical_or.reduce([self._of_kind(distinct[k]) for k in bits])
            scores *= np.where(of_kind, 1.0, OTHER_KIND)

    def _of_kind(self, kind: str) -> np.ndarray:
        """Per passage, whether its report is a township of the kind; once per kind."""
        if kind not in self._kind_of:
            mine = np.array([of_kind(town, kind) for town in self._town_of], dtype=bool)
            self._kind_of[kind] = mine[self.report_of]
        return self._kind_of[kind]

    def _relevant(
        self,
        query: Query,
        judged: Judged,
        allowed: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray, bool, np.ndarray]:
        """The passages to show, in the places and years the question names: the relevant
        ones, or the possibly relevant ones when none is; the share of the question's
        content each covers; whether they are only possibly relevant (`_judge`); and
        whether each is relevant in full (all of them when only possibly relevant).

        Possibly relevant passages are asked for at WEAK or above, the relevant ones
        among them too: only when the filters leave no relevant passage, so they leave
        none of them either."""
        at_level, verdicts_of = judged
        weak = False
        for wanted in (STRONG, WEAK):
            shown = at_level(wanted)
            if allowed is not None:
                shown = shown[allowed[self.report_of[shown]]]
            if query.years:
                shown = shown[self._in_years(shown, query.years)]
            if query.ahead:
                shown = shown[self.next_years_plans(shown)]
            if len(shown):
                break
            weak = True
        coverage, levels = verdicts_of(shown)
        return shown, coverage, weak, np.ones(len(shown), dtype=bool) if weak else levels == FULL

    @staticmethod
    def _judge(
        words: list[ContentWord],
        distinct: list[str],
        presence: np.ndarray,
        table: tuple[np.ndarray, np.ndarray] | None,
        town_named: bool,
    ) -> Judged:
        """A function listing the passages at a level or above (WEAK, STRONG or FULL, see
        `relevance`), and one giving the share of the question's content given passages
        cover and their levels.

        When the question has few terms (nearly always), one lookup per passage in the
        `table` of every presence pattern (`relevance.levels`): `take` from a boolean table
        (is this pattern at the level?) costs half what indexing does (0.15 against 0.32
        ms at 100k passages), and `flatnonzero` of booleans a sixth of that of integers."""
        if table is not None:
            levels_of, covered = table

            def verdicts_of(shown: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                patterns = presence.take(shown)
                return covered.take(patterns), levels_of.take(patterns)

            return lambda wanted: np.flatnonzero((levels_of >= wanted).take(presence)), verdicts_of
        held = np.flatnonzero(presence != 0)
        verdict = judge(words, distinct, presence[held].astype(np.uint64), town_named)
        level = np.zeros(len(presence), dtype=np.uint8)
        level[held[verdict.weak]] = WEAK
        level[held[verdict.strong]] = STRONG
        level[held[verdict.full]] = FULL
        coverage = np.zeros(len(presence))
        coverage[held] = verdict.coverage
        return (
            lambda wanted: np.flatnonzero(level >= wanted),
            lambda shown: (coverage.take(shown), level.take(shown)),
        )

    def _in_years(self, candidates: np.ndarray, years: tuple[int, ...]) -> np.ndarray:
        """Candidates a year filter keeps: passages of reports covering one of the years,
        passages whose heading names one (a 2024 report's 2025年工作打算), and those of a
        plan that names no year in a report of the year before (a 2025 report's 下一步工作
        打算 for 2026: since stop 38; 2026年各镇有什么打算 found nothing)."""
        of_report = self._year_of[self.report_of[candidates]]
        sections = self.corpus.passages.section_of[candidates]
        named = np.zeros(len(self.corpus.passages.sections), dtype=bool)
        for year in years:
            named |= self._sections_naming(year)
        planned = np.isin(of_report + 1, list(years))  # a year after the report's
        planned[planned] = self._plans_ahead(sections[planned])
        return np.isin(of_report, list(years)) | named[sections] | planned

    def next_years_plans(self, candidates: np.ndarray) -> np.ndarray:
        """Candidates a question about 明年 keeps (`query.AHEAD`): passages of a report's
        plan (`_plans_ahead`) and those under a heading naming a year after the report's."""
        return self._next_years_plans[candidates]

    @functools.cached_property
    def _next_years_plans(self) -> np.ndarray:
        """`next_years_plans` of every passage, made on the first question about 明年 (it
        judges every heading path: 0.2-0.4 s at 100k passages) and kept (the index never
        changes), not redone for each such question's candidates and meaning pick."""
        of_report = self._year_of[self.report_of]
        sections = np.asarray(self.corpus.passages.section_of)
        kept = self._plans_ahead(sections)
        for year in np.unique(of_report[of_report > 0]).tolist():
            of_year = np.flatnonzero(of_report == year)
            kept[of_year] |= self._sections_naming(year + 1)[sections[of_year]]
        return kept

    def _plans_ahead(self, sections: np.ndarray) -> np.ndarray:
        """Whether each heading path is a report's plan (`passages.plans_ahead`); each path
        judged when first asked, into a memo (all 98,752 paths of 100k passages at once take
        0.2-0.4 s; a question judges only its candidates' paths, and each path only once)."""
        flags = self._plan_flags  # per path: 1 a plan, 0 not, -1 not judged yet
        for i in np.unique(sections[flags[sections] < 0]).tolist():
            flags[i] = plans_ahead(self.corpus.passages.sections[i])
        return flags[sections] == 1

    def _sections_naming(self, year: int) -> np.ndarray:
        """Per heading path, whether it names the year; computed once per year (a memo, the
        index itself never changes)."""
        if year not in self._years_named:
            self._years_named[year] = self.corpus.passages.sections.containing(str(year))
        return self._years_named[year]

    def _distinct(self, ranked: np.ndarray, wanted: int, spread: bool) -> np.ndarray:
        """`ranked` without the passages of a town whose text is word for word one of the
        same town's ranked before them, among the first `wanted`: a report saved twice (a
        county site's copy and the town's own, one cut shorter) showed each passage twice.
        Two towns writing the same paragraph are both shown: each answers for its town.
        Texts are read only where a town's two passages on the page are of one length."""
        ends, text = self.corpus.passages.text_ends, self.corpus.passages.text
        seen: dict[tuple[str, str, int], list[int]] = {}
        kept: list[int] = []
        for n, i in enumerate(ranked.tolist()):
            if len(kept) == wanted:
                if n == len(kept):
                    return ranked  # nothing repeated: the order as it was
                kept += ranked[n:].tolist()
                break
            report = self.report_of[i]
            size = int(ends[i]) - (int(ends[i - 1]) if i else 0)
            same = seen.setdefault((self._town_of[report], self._county_of[report], size), [])
            if not any(text(j) == text(i) for j in same):
                same.append(i)
                kept.append(i)
        out = np.array(kept, dtype=np.int64)
        return self._spread(out, wanted) if spread and len(out) < len(ranked) else out

    def _spread(self, ranked: np.ndarray, wanted: int) -> np.ndarray:
        """Reorder so that no report has more than PER_REPORT hits in any page of WINDOW.

        When too few other reports are relevant, the best remaining hit fills the place:
        relevant passages are never dropped to enforce the spread.
        """
        remaining = list(zip(ranked.tolist(), self.report_of.take(ranked).tolist(), strict=True))
        out: list[int] = []
        shown: list[int] = []  # their reports
        while remaining and len(out) < wanted:
            page = shown[len(shown) - len(shown) % WINDOW :]
            pick = next((n for n, (_, r) in enumerate(remaining) if page.count(r) < PER_REPORT), 0)
            i, report = remaining.pop(pick)
            out.append(i)
            shown.append(report)
        return np.array(out + [i for i, _ in remaining], dtype=np.int64)

    def _hit(
        self,
        i: int,
        score: float,
        distinct: list[str],
        presence: int,
        weak: bool,
        near: bool,
        partial: bool,
    ) -> Hit:
        passage = self.corpus.passages[i]
        matched = _terms_held(distinct, presence)
        report = self.corpus.reports[self.report_of[i]]
        return Hit(passage, report, score, matched, weak, near, partial)
