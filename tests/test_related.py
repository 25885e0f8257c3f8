"""Related words: a question in everyday words finds the report that words it otherwise,
and never at the cost of the asker's own words or of refusing off-topic questions."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval import to_simplified
from retrieval.paths import CALIBRATION_DIR
from retrieval.related import (
    MAX_TERMS,
    MIN_SIMILARITY,
    PER_WORD,
    TABLE,
    RelatedWords,
    related_words,
)

from .conftest import towns_index

CALIBRATION = CALIBRATION_DIR / "relevance.jsonl"

REPORT = "{town}2024年法治政府建设情况报告\n一、主要做法\n(一)普法宣传\n{body}\n"


def test_table_lists_nearest_words_above_the_threshold():
    table = related_words()
    assert len(table) > 50_000
    near = table.of("过期")
    assert ("失效", 0.61) in near
    similarities = [s for _, s in near]
    assert similarities == sorted(similarities, reverse=True)
    assert min(similarities) >= MIN_SIMILARITY
    assert table.of("不是一个词") == ()


def test_table_is_sorted_one_line_per_word_so_every_word_is_found():
    """The lookup is a binary search over the file: it needs the lines in code-point order,
    one per word; every listed word must then be found, first and last included."""
    lines = TABLE.read_text("utf-8").splitlines()
    words = [line.split("\t", 1)[0] for line in lines]
    assert words == sorted(set(words))
    table = related_words()
    for word in [*words[:3], *words[len(words) // 2 : len(words) // 2 + 3], *words[-3:]]:
        assert table.of(word), word


def test_everyday_words_find_the_words_reports_use(seed_index):
    """押韵的小段子 is what a report calls 顺口溜: without related words this question found
    nothing at all."""
    result = seed_index.search("村里用广播放押韵的小段子宣传法律，有这么搞的镇吗？")
    top = result.hits[0]
    assert top.report.township_simplified == "峰灵镇"
    assert "顺口溜" in top.passage.text and "押韵" not in top.passage.text
    assert "顺口溜" in top.matched


def test_related_words_weigh_below_the_askers_own_words(tmp_path: Path):
    """A passage with the asker's word ranks above one with a related word (律师 → 法官),
    and a passage holding only related words is not an answer: at most shown as the one
    nearest in meaning, marked so."""
    bodies = {
        "青山镇": "组织律师进村开展法治讲座12场。",
        "绿水镇": "组织法官进村开展法治讲座12场。",
        "白石镇": "组织法官进村开展调研。",
    }
    index = towns_index(tmp_path / "corpus", bodies, REPORT)
    assert ("法官", 0.79) in related_words().of("律师")
    towns = [h.report.township for h in index.search("律师讲座").hits]
    assert towns[:2] == ["青山镇", "绿水镇"]
    assert index.search("律师").hits[0].report.township == "青山镇"
    result = index.search("律师")
    assert [h.report.township for h in result.hits if not h.near] == ["青山镇"]
    assert result.total - result.near == 1


def test_off_topic_questions_stay_refused_with_related_words(seed_index):
    """Related words of 贷款, 天气, 比分… exist in the reports' vocabulary (信贷, 气候…),
    but relevance still needs one of the asker's own words."""
    for question in (
        "想办个人消费贷款，哪家银行利息最低？",
        "明天县城下不下雨，要不要带伞？",
        "昨晚国足那场比赛比分是多少？",
    ):
        assert seed_index.search(question).hits == (), question


def test_a_question_word_brings_at_most_per_word_related_words_the_corpus_holds(seed_index):
    query = seed_index.parse("律师怎么讲课")
    own = {g[-1][0] for g in query.groups}
    brought = [t for t, _ in query.weights]
    assert brought and not own & set(brought)
    assert all(t in seed_index.bm25.vocab for t in brought)
    assert len(brought) <= PER_WORD * len(own)


def test_long_questions_bring_related_words_only_up_to_max_terms(seed_index):
    """Related words stop at MAX_TERMS distinct terms (search cost doubles per term), and
    the words the corpus uses least get theirs first."""
    question = "让老百姓进机关参观、当面听街道汇报工作的活动，谁搞过？"
    query = seed_index.parse(question)
    assert query.weights
    assert len(set(query.terms)) <= MAX_TERMS
    frequency = seed_index.bm25.frequency
    served = [frequency(g[-1][0]) for g in query.groups if not g[0][2]]  # led by a related word
    unserved = [frequency(g[-1][0]) for g in query.groups if g[0][2]]
    assert served and unserved  # the cap left some words without related words
    assert max(served) <= max(unserved)


def test_missing_table_means_no_related_words(tmp_path: Path):
    empty = related_words(tmp_path / "absent.tsv")
    assert len(empty) == 0 and empty.near("律师", lambda w: True) == []
    (tmp_path / "empty.tsv").write_bytes(b"")
    assert related_words(tmp_path / "empty.tsv").of("律师") == ()


def test_near_skips_what_the_corpus_lacks_and_stops_at_the_limit():
    table = RelatedWords("律师\t法官:0.79 检察官:0.70 法庭:0.69 法律:0.55\n".encode())
    assert table.near("律师", lambda w: w != "法官", limit=1) == [("检察官", 0.7)]
    assert table.near("律师", lambda w: True) == [("法官", 0.79), ("检察官", 0.7), ("法庭", 0.69)]
    assert table.near("律师", lambda w: w == "法律") == []  # below MIN_SIMILARITY


def test_generator_refuses_a_file_it_does_not_know(tmp_path: Path):
    from retrieval.related import read_vectors

    bogus = tmp_path / "test.model"
    bogus.write_bytes(gzip.compress(b"not a pickle"))
    with pytest.raises(ValueError, match="sha256"):
        read_vectors(bogus)


def test_related_words_answer_calibration_questions_plain_words_miss(seed_index, monkeypatch):
    """The gap behind the setting (data/calibration/related.tsv): related words answer a
    calibration question that the asker's words alone do not, and the off-topic ones
    stay refused either way."""
    import json

    from retrieval import related

    questions = [json.loads(line) for line in CALIBRATION.read_text("utf-8").splitlines()]

    def answered() -> set[str]:
        return {
            q["id"]
            for q in questions
            if q["gold"]
            and any(
                g["has"] in to_simplified(h.passage.text)
                and (h.report.township_simplified or "").startswith(g["town"].rstrip("镇乡"))
                for h in seed_index.search(q["q"]).hits
                for g in q["gold"]
            )
        }

    def refused() -> bool:
        return all(not seed_index.search(q["q"]).hits for q in questions if not q["gold"])

    with_related = answered()
    assert refused()
    monkeypatch.setattr(related, "MIN_SIMILARITY", 2.0)  # no word is that similar
    without = answered()
    assert refused()
    assert without < with_related


@given(st.sets(st.text(alphabet="律师法官押韵ab", min_size=1, max_size=4), max_size=30), st.data())
def test_binary_search_finds_exactly_the_listed_words(words, data):
    listed = sorted(words)
    table = RelatedWords("".join(f"{w}\t近:0.70\n" for w in listed).encode())
    for word in listed:
        assert table.of(word) == (("近", 0.7),)
    other = data.draw(st.text(alphabet="律师法官押韵abc", min_size=1, max_size=5))
    assert bool(table.of(other)) == (other in words)


def test_a_pair_across_a_word_the_reports_never_use_finds_how_reports_write_it(
    tmp_path: Path, monkeypatch
):
    """开会前 is cut 开会 | 前; reports write 会前学法. The pair 会前 joins the question as a
    related word: the report that does it ranks first, and without the pair it does not.
    A pair alone never makes a passage relevant (an off-topic question stays refused)."""
    from retrieval import query as query_module

    bodies = {
        "青山镇": "坚持党委会会前学法律制度，全年开展活动十二次。",
        "绿水镇": "组织干部学法律，讲法律，全年开展活动十二次。",
        "白石镇": "开展普法宣传进村入户活动。",
    }
    index = towns_index(tmp_path / "corpus", bodies, REPORT)
    question = "有没有镇开会前先学法律的"
    assert "会前" in index.parse(question).terms
    assert index.search(question).hits[0].report.township == "青山镇"
    assert not index.search("开会前先吃点东西").hits
    monkeypatch.setattr(query_module, "_with_bridging_pairs", lambda g, w, *a: (g, w))
    assert index.search(question).hits[0].report.township != "青山镇"
