"""`python -m retrieval ablate`: each relevance idea switched off in turn, scored in one run.

Scores as `../shared/eval/score.py` does (a hit answers when its township names the gold
town and its text holds the gold phrase, both in Simplified script; an out-of-scope
question passes only with no hits), on the same index, so the rows compare like with like.
The README's ablation table is this command's output.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from . import index as index_module
from . import places as places_module
from . import query as query_module
from . import ranking, related, relevance
from .index import NEAR_PLACES, Index
from .models import Hit
from .text import to_simplified


def _norm(s: str | None) -> str:
    return re.sub(r"\s+", "", to_simplified(s or ""))


def _town_matches(gold: str, got: str | None) -> bool:
    gold, got = _norm(gold), _norm(got)
    stem = gold.rstrip("镇乡")
    return bool(got) and (gold in got or got in gold or (len(stem) >= 2 and stem in got))


def _answers(hit: Hit, gold: list[dict]) -> bool:
    """Whether a hit is one of a question's labelled answers (as ../shared/eval/score.py
    judges: the town, and the phrase in the text, in Simplified script)."""
    return any(
        _town_matches(g["town"], hit.report.township) and _norm(g["has"]) in _norm(hit.passage.text)
        for g in gold
    )


def counted(index: Index, questions: list[dict]) -> list[tuple[str, str, int, int, str]]:
    """Per question (id, question): how many passages its words found relevant, how many of
    them in full (`relevance`: what 找到 N 段 counts), and how its labelled answer among the
    first five was judged: in full, partial, near (by meaning), weak (可能相关), or "" when
    not there. data/calibration/counts.tsv."""
    rows = []
    for q in questions:
        result = index.search(q["q"])
        relevant = 0 if result.tentative else result.total - result.near
        answer = next((h for h in result.hits if _answers(h, q["gold"])), None)
        judged = (
            ""
            if answer is None
            else next(
                (flag for flag in ("near", "weak", "partial") if getattr(answer, flag)), "full"
            )
        )
        rows.append((q.get("id", ""), q["q"], relevant, relevant - result.partial, judged))
    return rows


def score(index: Index, questions: list[dict], top_k: int = 5) -> dict:
    """hit@5, mrr@5 and off-topic refusals of the index's search on the questions."""
    answerable = hits = 0
    rr = 0.0
    off = refused = 0
    for q in questions:
        found = index.search(q["q"], top_k=top_k).hits
        if not q["gold"]:
            off += 1
            refused += not found
            continue
        answerable += 1
        rank = next((n for n, h in enumerate(found, start=1) if _answers(h, q["gold"])), None)
        if rank:
            hits += 1
            rr += 1 / rank
    return {
        "hit@5": round(hits / max(answerable, 1), 3),
        "mrr@5": round(rr / max(answerable, 1), 3),
        "off_topic": f"{refused}/{off}",
    }


@contextlib.contextmanager
def _patched(obj: object, name: str, value: object) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def variants(index: Index) -> dict[str, Callable[[], contextlib.AbstractContextManager]]:
    """Each idea off, one at a time (and all thresholds off, for the ranking's ceiling)."""
    pipeline = index.pipeline

    def all_heads(group_fn):
        def groups(norm):
            return [tuple((t, s, True) for t, s, _ in g) for g in group_fn(norm)]

        return groups

    def report_year_only(self, candidates, years):
        return np.isin(self._year_of[self.report_of[candidates]], list(years))

    return {
        "all ideas on": contextlib.nullcontext,
        "no related words": lambda: _patched(related, "MIN_SIMILARITY", 2.0),
        "ranked by BM25 alone (not × coverage)": lambda: _patched(
            ranking, "rank_key", lambda scores, coverage: scores
        ),
        "no question scaffolding list": lambda: _stacked(
            _patched(pipeline, "question_words", frozenset()),
            _patched(query_module, "_framing", lambda pipeline: re.compile("(?!)")),
        ),
        "no function words (某些, 关于, 或者 as content)": lambda: _patched(
            pipeline, "_function_words", frozenset()
        ),
        "no possibly-relevant tier": lambda: _patched(relevance, "WEAK_COVERAGE", 2.0),
        "any sub-word holds a word (no heads)": lambda: _patched(
            pipeline, "word_groups", all_heads(pipeline.word_groups)
        ),
        "short names always places": lambda: _patched(
            places_module, "_names_place", lambda *a: True
        ),
        "no synonym-group sub-words": lambda: _patched(pipeline, "_subwords", lambda w: []),
        "no pairs across unused words": lambda: _patched(
            query_module, "_with_bridging_pairs", lambda groups, weights, *a: (groups, weights)
        ),
        "year = report year only": lambda: _patched(Index, "_in_years", report_year_only),
        "街道, 乡镇 as topic words (no kinds of township)": lambda: _stacked(
            _patched(relevance, "TOWN_KINDS", frozenset()),
            _patched(query_module, "TOWN_KINDS", frozenset()),
        ),
        "a kind of township asked for not ranked first": lambda: _patched(
            index_module, "OTHER_KIND", 1.0
        ),
        "no passage nearest in meaning": lambda: _patched(
            Index, "_nearest", lambda self, *args: []
        ),
        "fifth place by meaning alone (not with the words)": lambda: _patched(
            index_module, "NEAR_PLACES", tuple((place, 0.0) for place, _ in NEAR_PLACES)
        ),
        "no best-sentence order": lambda: _patched(index_module, "SENTENCE_POOL", 0),
        "明年 a word like any other (not the plans)": lambda: _patched(
            query_module, "_next_year_in", lambda text, pipeline: (False, text)
        ),
        "words in Latin letters weigh nothing (AI)": lambda: _patched(
            relevance, "LATIN_WORD", re.compile("(?!)")
        ),
        "no relevance threshold": lambda: _stacked(
            _patched(relevance, "STRONG_COVERAGE", 0.0),
            _patched(relevance, "WEAK_COVERAGE", 2.0),
        ),
    }


@contextlib.contextmanager
def _stacked(*managers: contextlib.AbstractContextManager) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for m in managers:
            stack.enter_context(m)
        yield


def ablate(sets: list[tuple[str, Index, list[dict]]]) -> list[dict]:
    """One row per variant: the score on each question set."""
    rows = []
    for name in variants(sets[0][1]):
        row: dict = {"variant": name}
        for label, index, questions in sets:
            with variants(index)[name]():
                row[label] = score(index, questions)
        rows.append(row)
    return rows


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
