"""Where a passage answers: the share of a question's content its best sentence holds.

A passage is a report's section or its merged points, and holds a question's words as often
scattered (执法 in one sentence, 记录 in the next, 文件 in a third) as together. Staff asking in
their own words describe one practice, and a report writes a practice in one sentence. So
among the best passages by words, those whose best sentence covers more of the question
move up: reciprocal-rank fusion of the words' order with the sentences' (`Index.search`).
README, "Best sentence"; the figures in data/calibration/sentences.tsv.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence

import numpy as np

from .relevance import ContentWord
from .text import normalize

# Sentences end at these marks (and at a merged point's line break); a comma does not end one
SENTENCE_END = re.compile(r"[。；;！!？?\n]")

# A content word as the sentences see it: its weight and, per part, the term, the forms text
# may write it in (a synonym group's members) and the share of the word that part covers.
Sought = tuple[float, tuple[tuple[str, tuple[str, ...], float], ...]]


def sought(
    words: Iterable[ContentWord], forms: Callable[[Iterable[str]], Sequence[str]]
) -> list[Sought]:
    """The question's content words to look for, as relevance weighs them (words for a kind
    of township, 街道 and 乡镇, left out: every sentence of those reports may hold them)."""
    return [
        (w.weight, tuple((token, tuple(forms([token])), share) for token, share, _ in w.parts))
        for w in words
        if not w.kind and w.weight > 0
    ]


def best_coverage(text: str, words: Sequence[Sought], held_terms: Container[str]) -> float:
    """The largest share of the words' weight one sentence of `text` holds (credit as in
    `relevance`: the word or its parts, related words at their share, at most the word).
    Only the terms the passage holds (`held_terms`, from the index) are looked for, each
    form by substring in each sentence (a passage has a dozen sentences at most; 18 µs a
    passage against 28 for finding every place of each form in the whole text and mapping
    places to sentences, same coverage for the 3,175 passages the benchmark's questions
    reorder at 100k)."""
    total = sum(weight for weight, _ in words)
    norm = normalize(text)
    if not total or not norm:
        return 0.0
    sentences = SENTENCE_END.split(norm)
    held = [0.0] * len(sentences)
    for weight, parts in words:
        credit = None
        for term, forms, share in parts:
            if term not in held_terms:
                continue
            credit = credit or [0.0] * len(sentences)
            for k, sentence in enumerate(sentences):
                for form in forms:  # a loop, not any(): a generator per sentence costs more
                    if form in sentence:
                        credit[k] += share
                        break
        for k, c in enumerate(credit or ()):
            if c:
                held[k] += weight * min(c, 1.0)
    return max(held) / total


def fused_order(coverage: Sequence[float], weight: float, k: int) -> np.ndarray:
    """Positions of passages given best first by words, reordered by reciprocal-rank fusion
    with their order by best-sentence coverage (ties keep the words' order)."""
    n = len(coverage)
    by_sentence = np.empty(n, dtype=np.float64)
    by_sentence[np.argsort(-np.asarray(coverage, dtype=np.float64), kind="stable")] = np.arange(n)
    fused = 1 / (k + np.arange(n)) + weight / (k + by_sentence)
    return np.argsort(-fused, kind="stable")
