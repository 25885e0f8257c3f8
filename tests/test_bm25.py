"""The sparse scorer is rank-bm25, only faster: same scores, same order."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from retrieval import BM25Params, SparseBM25

from .conftest import dev_questions

REFERENCE = {"okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}


@pytest.fixture(scope="module")
def docs(seed_index):
    pipeline = seed_index.pipeline  # what build.py indexes: heading path, then text
    return [
        pipeline.tokens(p.section) + pipeline.tokens(p.text) for p in seed_index.corpus.passages
    ]


@pytest.mark.parametrize("variant", sorted(REFERENCE))
def test_same_scores_and_top10_as_rank_bm25(seed_index, docs, variant):
    params = BM25Params(variant=variant, k1=1.2, b=0.75)
    extra = {"epsilon": params.epsilon} if variant == "okapi" else {"delta": params.delta}
    reference = REFERENCE[variant](docs, k1=params.k1, b=params.b, **extra)
    fast = SparseBM25.from_tokens(docs, params)
    checked = 0
    for q in dev_questions():
        terms = list(seed_index.parse(q["q"]).terms)
        expected = reference.get_scores(terms)
        sparse, constant = fast.score(terms)
        holds = sparse != 0
        np.testing.assert_allclose(sparse[holds] + constant, expected[holds], rtol=1e-9)
        np.testing.assert_allclose(expected[~holds], constant, rtol=1e-9, atol=1e-12)
        top_ref = np.lexsort((np.arange(len(docs)), -expected))[:10]
        top_fast = np.lexsort((np.arange(len(docs)), -(sparse + constant)))[:10]
        assert list(top_fast) == list(top_ref), q["q"]
        checked += holds.any()
    assert checked >= 3


def test_unknown_terms_score_nothing(docs):
    fast = SparseBM25.from_tokens(docs, BM25Params())
    scores, constant = fast.score(["不存在的词"])
    assert not scores.any() and constant == 0
