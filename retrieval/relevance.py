"""Whether a passage answers a question: evidence from the question's content words.

A question is scaffolding (有没有, 别的镇, 怎么, 做法: `data/question_words.txt`, dropped when
the question is parsed) plus content words. Each content word weighs by its rarity in the
corpus; a word the corpus never uses still weighs (the passage cannot hold it, which is
evidence against), unless no dictionary knows it, jieba's or ours (a fragment such as 前先
left by a run of single characters; our 八五普法 weighs). A passage is

- **relevant** when it holds at least one content word (the word, or its head: 调解 for
  人民调解, but not 信用 for 信用卡 or 十九 for 三十九度; not a word for a kind of
  township, 街道 or 乡镇, which says which reports and is in nearly every passage of
  theirs, unless the question has no other) and covers at least
  `STRONG_COVERAGE` of the content weight (sub-words give partial credit: 调解 covers
  part of 人民调解). It is relevant **in full** when it covers that much counting each
  sub-word or related word at most at its own weight against the word's: 制度 is half of
  三项制度 by its characters but says little of it, and 建设 (a word related to 设施) is in
  every report. Only passages relevant in full are counted as found (找到 N 段); the others
  are shown as 部分相关, ranked as before (`Index.search`; data/calibration/counts.tsv);
- **possibly relevant** (shown as 可能相关) when it covers less, but at least
  `WEAK_COVERAGE`, and one of the words it holds is a domain word: used in the
  corpus at least e^`DOMAIN_SPECIFICITY` times as often as in everyday Chinese (执法, 普法,
  调解 are; 县城, 春节, 办公室 are not). When the question names a town, any passage of that
  town holding a content word is possibly relevant.

The thresholds come from `data/calibration/relevance.jsonl` (questions staff might ask about
the seeds, and off-topic ones); `tests/test_relevance.py` recomputes them and asserts the
gap, and the README gives the figures.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np

from .bm25 import SparseBM25
from .gazetteer import TOWN_KINDS
from .models import Query
from .text import LATIN_WORD, TextPipeline

STRONG_COVERAGE = 0.3
WEAK_COVERAGE = 0.15
DOMAIN_SPECIFICITY = 2.5


@dataclass(frozen=True)
class ContentWord:
    """One content word of a question, with what relevance needs to know about it."""

    parts: tuple[tuple[str, float, bool], ...]  # (token, share, is head), the word last
    weight: float  # rarity in the corpus; 0 for fragments nobody uses
    specificity: float  # log of corpus frequency over everyday frequency
    kind: bool = False  # a kind of township (街道, 乡镇): says which reports, not what about
    # per part, its credit toward relevance in full: its share, at most its own weight over
    # the word's (`content_words`); empty: the shares
    strict: tuple[float, ...] = ()


def content_words(query: Query, bm25: SparseBM25, pipeline: TextPipeline) -> list[ContentWord]:
    """The question's content words, weighed against this corpus."""
    corpus_tokens = max(bm25.avgdl * bm25.n_docs, 1.0)  # not a sum over every passage
    words = []
    for group in query.groups:
        token = group[-1][0]
        t = bm25.vocab.get(token)
        df = float(bm25.df[t]) if t is not None else 0.0
        # a word of jieba's dictionary or ours (八五普法, which reports write “八五”普法)
        # weighs though no passage holds it whole, as does a word in Latin letters (AI,
        # APP: typed as a word, never a fragment of a cut); a fragment no dictionary has
        # does not
        known = df > 0 or pipeline.in_dictionary(token) or LATIN_WORD.fullmatch(token)
        weight = bm25.term_weight(token) if known else 0.0
        specificity = math.log((df + 0.5) / corpus_tokens / pipeline.general_share(token))
        strict = tuple(
            min(share, bm25.term_weight(part) / weight) if weight else share
            for part, share, _ in group
        )
        words.append(ContentWord(group, weight, specificity, token in TOWN_KINDS, strict))
    if all(w.kind for w in words):  # 街道有哪些 asks about the kind itself
        words = [replace(w, kind=False) for w in words]
    return words


@dataclass(frozen=True)
class Verdict:
    """Per candidate passage: relevant, or only possibly relevant, and why."""

    strong: np.ndarray  # bool
    weak: np.ndarray  # bool, disjoint from strong
    coverage: np.ndarray  # share of the question's content weight each passage covers
    full: np.ndarray  # bool, within strong: relevant in full


def judge(
    words: list[ContentWord], distinct: list[str], presence: np.ndarray, town_named: bool
) -> Verdict:
    """Relevance of candidate passages from their presence bits.

    `presence` has bit k set where `distinct[k]` occurs in the passage. The verdict
    depends only on those bits, so it is computed once per distinct bit pattern.
    """
    patterns, inverse = np.unique(presence, return_inverse=True)
    strong, weak, coverage, full = _verdicts(
        words, distinct, patterns.astype(np.uint64), town_named
    )
    return Verdict(strong[inverse], weak[inverse], coverage[inverse], full[inverse])


# Questions with at most this many distinct terms are judged by a table over every
# possible presence pattern (2^16 entries at most), one lookup per passage.
TABLE_BITS = 16
NONE, WEAK, STRONG, FULL = 0, 1, 2, 3  # FULL: relevant in full (STRONG: only partly)


def levels(
    words: list[ContentWord], distinct: list[str], town_named: bool
) -> tuple[np.ndarray, np.ndarray]:
    """For every presence pattern of up to TABLE_BITS terms: NONE, WEAK, STRONG or FULL,
    and the share of the question's content weight it covers."""
    if len(distinct) > TABLE_BITS:
        raise ValueError(f"a table for {len(distinct)} terms would be too large")
    patterns = np.arange(1 << len(distinct), dtype=np.uint64)
    bits = _bits(len(distinct))
    strong, weak, coverage, full = _verdicts(words, distinct, patterns, town_named, bits)
    # NONE 0, WEAK 1, STRONG 2, FULL 3: weak and strong are disjoint, full within strong
    level = weak.view(np.uint8) + strong.view(np.uint8) * np.uint8(STRONG) + full.view(np.uint8)
    return level, coverage


@functools.lru_cache(maxsize=TABLE_BITS + 1)
def _bits(n: int) -> np.ndarray:
    """Row k: whether bit k is set in each of the numbers 0 .. 2^n - 1 (the table's
    patterns); made once per size instead of shifting and masking for every term of
    every question (a third of a question's judging)."""
    patterns = np.arange(1 << n, dtype=np.uint64)
    return np.array([(patterns >> np.uint64(k)) & np.uint64(1) for k in range(n)], dtype=bool)


def _verdicts(
    words: list[ContentWord],
    distinct: list[str],
    patterns: np.ndarray,
    town_named: bool,
    bits: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per presence pattern (uint64): relevant, possibly relevant, content covered, and
    relevant in full. `bits`, when given, holds each term's bit of every pattern (`_bits`).

    The credit a part loses toward relevance in full (its share over its own weight's
    cap) is summed only for parts it binds; most words have none, and their credit in
    full is their credit (a question's table took 0.10 ms, 0.24 with every part summed
    twice, at most 2^16 patterns)."""
    bit = {t: k for k, t in enumerate(distinct)}
    covered = np.zeros(len(patterns))
    covered_strictly = np.zeros(len(patterns))
    whole = np.zeros(len(patterns), dtype=bool)
    domain = np.zeros(len(patterns), dtype=bool)
    total = sum(w.weight for w in words)
    for word in words:
        if not any(token in bit for token, _, _ in word.parts):
            continue  # holds no term with a bit (a pasted text's 64th word on): adds 0
        credit = np.zeros(len(patterns))
        lost = None  # credit beyond the parts' own weight, where a part holds it
        held = np.zeros(len(patterns), dtype=bool)
        firm_shares = word.strict or tuple(share for _, share, _ in word.parts)
        for (token, share, head), firm in zip(word.parts, firm_shares, strict=True):
            if token in bit:
                k = bit[token]
                has = bits[k] if bits is not None else (patterns >> np.uint64(k)) & np.uint64(1)
                has = has.astype(bool, copy=False)
                credit += share * has
                if firm < share:
                    lost = (share - firm) * has + (0.0 if lost is None else lost)
                if head:
                    held |= has
        if not word.kind:
            whole |= held
        if word.specificity >= DOMAIN_SPECIFICITY:
            domain |= held
        gained = word.weight * np.minimum(credit, 1.0)
        covered += gained
        if lost is None:
            covered_strictly += gained
        else:
            covered_strictly += word.weight * np.minimum(credit - lost, 1.0)
    coverage = covered / (total or 1.0)
    strong = whole & (coverage >= STRONG_COVERAGE)
    weak = whole & ~strong & ((domain & (coverage >= WEAK_COVERAGE)) | town_named)
    full = strong & (covered_strictly >= STRONG_COVERAGE * (total or 1.0))
    return strong, weak, np.where(whole, coverage, 0.0), full
