"""Ranking: the order of the passages a question found, and how many of them are kept.

Pure numpy over a question's per-passage arrays (BM25 scores, the share of the question's
content each passage covers, its presence bits); `index.Index` decides which passages are
relevant and calls these. Ties are broken the same way everywhere (by BM25 score, then by
position in the corpus), so judging only the best-scoring passages (`among_best`) gives
exactly the pages judging all of them gives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .relevance import FULL, STRONG

# Relevance is judged and ranked among this many best-scoring passages where that provably
# gives the same pages (`among_best`). At 1M passages judging and ranking every passage
# took 6.0 of a question's 18 ms (line profile); judged among the best, a question's p50
# fell 15.1 -> 12.4 ms (in process, alternating rounds), at 100k 1.56 -> 1.54. 2,048: the
# bound held for 204 of the 208 benchmark questions it may serve at 100k (512: 189, 1,024:
# 192, 4,096: 204). README, "Performance" (stop 26).
BEST_SCORES = 2048


def _none(i: int) -> bool:
    return False


@dataclass(frozen=True)
class Found:
    """The passages a question found: the best ranked, how many there are, whether only
    possibly relevant, whether one passage is among them, and (when judged from them) the
    positions of the best-scoring passages, ascending. Of those found, how many are
    relevant only partly (`relevance`: not in full), and whether one passage is."""

    ranked: np.ndarray
    total: int
    weak: bool
    relevant: Callable[[int], bool]
    best: np.ndarray | None = None
    partial: int = 0
    partly: Callable[[int], bool] = _none


def rank_key(scores: np.ndarray, coverage: np.ndarray) -> np.ndarray:
    """What relevant passages are ranked by (ties by BM25 score alone): BM25 times the
    share of the question's content covered. On the calibration set mrr@5 0.777 → 0.815
    against BM25 alone, dev unchanged at 1.000 (README, ablation table)."""
    return scores * coverage


def pool_size(wanted: int) -> int:
    """How many of the best-ranked passages are kept to spread a page across towns."""
    return max(wanted * 20, 100)


def ranked(
    candidates: np.ndarray, score: np.ndarray, coverage: np.ndarray, wanted: int
) -> np.ndarray:
    """Candidates (in ascending order) best first by `rank_key`, ties by BM25 score, then
    position; only enough of them to spread a page across towns (`pool_size`)."""
    pool = pool_size(wanted)
    rank = rank_key(score, coverage)
    if len(candidates) > pool:
        kth = np.partition(rank, len(rank) - pool)[len(rank) - pool]
        over = np.flatnonzero(rank > kth)
        tied = np.flatnonzero(rank == kth)
        tied = tied[np.lexsort((tied, -score[tied]))][: pool - len(over)]
        best = np.concatenate([over, tied])
        candidates, score, rank = candidates[best], score[best], rank[best]
    return candidates[np.lexsort((candidates, -score, -rank))]


def found(
    candidates: np.ndarray,
    score: np.ndarray,
    coverage: np.ndarray,
    weak: bool,
    wanted: int,
    full: np.ndarray,
) -> Found:
    """Every relevant passage judged: `candidates` ascending, with their scores, coverage
    and whether each is relevant in full."""
    partly = candidates[~full]
    return Found(
        ranked(candidates, score, coverage, wanted),
        len(candidates),
        weak,
        functools.partial(_holds, candidates),
        partial=len(partly),
        partly=functools.partial(_holds, partly),
    )


def among_best(
    scores: np.ndarray,
    presence: np.ndarray,
    level: np.ndarray,
    covered: np.ndarray,
    wanted: int,
) -> Found | None:
    """What `found` gives for the relevant passages (`level` STRONG or FULL, per presence
    pattern, with the content each pattern `covered`), from the BEST_SCORES best-scoring
    passages alone: every relevant passage is counted, in full or not (one lookup a
    passage), but only those are ranked. A
    passage's rank (`rank_key`) is at most its score (coverage ≤ 1), so when the last rank
    of the pool beats every score outside them, no passage outside could enter the pool.
    None (judge them all) when there is no relevant passage or the bound fails (4 of the
    235 benchmark questions at 100k). Scores must be > 0 wherever a term is held (BM25+)."""
    levels = level.take(presence)
    total = int(np.count_nonzero(levels >= STRONG))
    if not total:
        return None
    strong = level >= STRONG
    best = np.sort(largest(scores, BEST_SCORES))  # ascending: ties to the earlier
    candidates = best[strong.take(presence.take(best))]
    coverage = covered.take(presence.take(candidates))
    score = scores.take(candidates)
    pool = pool_size(wanted)
    if len(candidates) < total:  # some relevant passages are outside the best
        if len(candidates) < pool:
            return None
        rank = rank_key(score, coverage)
        last = np.partition(rank, len(rank) - pool)[len(rank) - pool]
        if last <= scores.take(best).min() * (1 + 1e-9):  # coverage ≤ 1, but rounded
            return None
    order = ranked(candidates, score, coverage, wanted)
    return Found(
        order,
        total,
        False,
        lambda i: bool(strong[presence[i]]),
        best,
        total - int(np.count_nonzero(levels == FULL)),
        lambda i: bool(level[presence[i]] == STRONG),
    )


def largest(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest positive values, ties to the earlier positions, in no
    order (every positive one when there are fewer). The few above a threshold guessed
    from every 16th value are partitioned, not all: at 100k passages 0.07 ms against
    0.2–0.45 for `argpartition` of a question's scores, most of them zeros."""
    if len(values) > 32 * k:
        sample = values[::16]
        guess = np.partition(sample, len(sample) - k // 8)[len(sample) - k // 8]
        above = np.flatnonzero(values >= guess) if guess > 0 else np.flatnonzero(values > 0)
        if len(above) < k:  # guessed too high
            above = np.flatnonzero(values > 0)
    else:
        above = np.flatnonzero(values > 0)
    if len(above) > k:
        held = values.take(above)
        kth = np.partition(held, len(held) - k)[len(held) - k]
        over = above[held > kth]
        above = np.concatenate([over, above[held == kth][: k - len(over)]])  # ascending
    return above


def ranks(keys: np.ndarray) -> np.ndarray:
    """Each value's rank (0 = smallest; ties by position)."""
    out = np.empty(len(keys), dtype=np.float64)
    out[np.argsort(keys, kind="stable")] = np.arange(len(keys))
    return out


def _holds(ascending: np.ndarray, i: int) -> bool:
    at = int(np.searchsorted(ascending, i))
    return at < len(ascending) and int(ascending[at]) == i
