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


def test_terms_in_most_passages_score_the_same_from_dense_columns(tmp_path, seed_index, docs):
    """A term held by half the passages or more is added as a dense column: the same scores
    and presence bits as scattering its postings, in memory and from a saved index."""
    params = BM25Params()
    built = SparseBM25.from_tokens(docs, params)
    terms = sorted(built.vocab, key=built.vocab.__getitem__)
    dense = [terms[t] for t in built.dense_terms()]
    assert dense  # the seeds have such words (法治…)
    n = built.n_docs
    sparse_only = SparseBM25(
        built.vocab, built.starts, built.post_docs, built.post_tf, built.doc_len, params,
        dense=(np.empty(0, np.int64), np.empty((0, n)), np.empty((0, n), np.uint8)),
    )  # fmt: skip
    SparseBM25.from_tokens(docs, params).save(tmp_path)  # as a build saves: not yet weighed
    names = ["starts", "post_docs", "post_tf", "doc_len", "post_weight", "term_base"]
    names += ["dense_terms", "dense_weight", "dense_held"]
    arrays = {name: np.load(tmp_path / f"bm25_{name}.npy") for name in names}
    loaded = SparseBM25.from_arrays(terms, arrays, params)
    # the dev questions, and one of ours that names a dense word whether or not ../shared
    # is beside the repository (its fallback questions name none)
    asked = [q["q"] for q in dev_questions()] + ["法治宣传教育怎么开展"]
    questions = [list(seed_index.parse(q).terms) for q in asked]
    questions += [dense, [dense[0], "调解", dense[-1]]]
    for question in questions:
        presence = [np.zeros(n, dtype=np.uint64) for _ in range(3)]
        weights = {question[-1]: 0.3} if question else {}
        got = [
            bm25.score(question, p, weights)
            for bm25, p in zip((sparse_only, built, loaded), presence, strict=True)
        ]
        for scores, constant in got[1:]:
            assert np.array_equal(scores, got[0][0]) and constant == got[0][1], question
        assert all(np.array_equal(p, presence[0]) for p in presence[1:]), question
    assert any(set(q) & set(dense) for q in questions[:-2])  # questions do use them
