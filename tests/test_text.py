"""Segmentation: rjieba's words are jieba's words, on every report we have."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import default_pipeline
from retrieval.paths import CORPUS_REAL
from retrieval.reading import read_report_text
from retrieval.text import normalize

from .conftest import SEEDS


def _same_words(paths: list[Path]) -> int:
    pipeline = default_pipeline()
    words = 0
    for path in paths:
        norm = normalize(read_report_text(path))
        assert pipeline.segmenter.words(norm) == pipeline.segmenter.reference_words(norm), path.name
        words += len(pipeline.segmenter.words(norm))
    return words


def test_native_segmentation_equals_jieba_on_the_seeds():
    assert _same_words(sorted(SEEDS.glob("*.txt"))) > 5_000


@pytest.mark.skipif(not CORPUS_REAL.is_dir(), reason="../shared/corpus-real is not beside the repo")
def test_native_segmentation_equals_jieba_on_the_real_reports():
    assert _same_words(sorted(CORPUS_REAL.glob("*.txt"))) > 5_000


@pytest.mark.parametrize(
    "text",
    [
        "2021-2025年规划，第3.5条，A+B类，C#语言，a_b，100%完成",
        "网址http://www.example.gov.cn/a-b_c.html?x=1&y=2，邮箱 sfs@town.gov.cn",
        "“七五”普法、“八五”普法，12345热线，110联动，B超、T恤",
        "一村一法律顾问\r\n  驻村律师\t人民调解",
    ],
)
def test_native_segmentation_equals_jieba_on_ascii_runs(text: str):
    pipeline = default_pipeline()
    norm = normalize(text)
    assert pipeline.segmenter.words(norm) == pipeline.segmenter.reference_words(norm)


def _indexed_as_asked(paths: list[Path]) -> int:
    """A build's tokens (`tokens_of_normalized`, its own loop for speed) are exactly the
    tokens of the words a question is read as (`_scan`): passages and questions agree."""
    pipeline = default_pipeline()
    tokens = 0
    for path in paths:
        for line in normalize(read_report_text(path)).splitlines():
            asked = [t for word in pipeline._scan(line) for t in word.tokens]
            assert pipeline.tokens_of_normalized(line) == asked, (path.name, line)
            tokens += len(asked)
    return tokens


@pytest.mark.parametrize("text", ["一村一法律顾问，驻村律师“七进”、a b。", "镇 村 组", "", "。"])
def test_a_build_tokenises_as_a_question_is_read(text: str):
    pipeline = default_pipeline()
    norm = normalize(text)
    asked = [t for word in pipeline._scan(norm) for t in word.tokens]
    assert pipeline.tokens_of_normalized(norm) == asked


def test_a_build_tokenises_the_seeds_as_questions_are_read():
    assert _indexed_as_asked(sorted(SEEDS.glob("*.txt"))) > 5_000


@pytest.mark.skipif(not CORPUS_REAL.is_dir(), reason="../shared/corpus-real is not beside the repo")
def test_a_build_tokenises_the_real_reports_as_questions_are_read():
    assert _indexed_as_asked(sorted(CORPUS_REAL.glob("*.txt"))) > 5_000


def test_a_clause_end_ends_a_run_of_single_characters():
    """各位领导好，打12345热线… made 好打 a word of the question (and ，急 after a question
    made 条急), words no report uses that weighed against every passage; 公、检、法 and
    宪法“七进” still pair (no clause ends inside them)."""
    pipeline = default_pipeline()
    tokens = pipeline.tokens_of_normalized(
        normalize("领导好，打电话；公开多少条，急。公、检、法“七进”")
    )
    assert "好打" not in tokens and "条急" not in tokens
    assert {"公检", "检法", "七进"} <= set(tokens)
