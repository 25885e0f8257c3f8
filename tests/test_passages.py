"""Passages: one coherent point each, phone-sized, with heading path and stable ids."""

from __future__ import annotations

import statistics

from retrieval import load_corpus, parse_report
from retrieval.passages import MAX_CHARS, MIN_CHARS, plans_ahead

from .conftest import SEEDS


def test_length_bounds():
    lengths = [len(p.text) for p in load_corpus(SEEDS).passages]
    assert max(lengths) <= MAX_CHARS
    assert min(lengths) >= 20
    assert statistics.median(lengths) >= 120
    assert sum(n >= MIN_CHARS for n in lengths) / len(lengths) >= 0.9


def test_numbered_points_keep_their_heading_path():
    passages = load_corpus(SEEDS).passages
    p = next(p for p in passages if p.text.startswith("8.抓实落实法律顾问"))
    parts = p.section.split(" › ")
    assert parts[0].startswith("一、2021年推进法治政府建设")
    assert parts[1] == "(二)严格依法治理,规范行政行为"
    assert parts[2] == "8.抓实落实法律顾问"
    assert "驻村律师" in p.text


def test_a_year_written_with_a_space_stays_in_its_heading():
    """`一、2025 年推进…` (a space before 年, as some sites print years) was shown to users
    as the heading `一、2025`; a space still ends a label before the point's own text."""
    text = (
        "栗子乡2025年法治政府建设情况报告\n一、2025 年推进法治政府建设的主要举措和成效\n"
        "(一)强化学法 制定《领导干部年度学法清单》,组织干部职工学法4次,覆盖全体干部。\n"
    )
    (passage,) = parse_report("x.txt", text)[1]
    assert passage.section == "一、2025 年推进法治政府建设的主要举措和成效 › (一)强化学法"


def test_missing_dot_in_numbering_still_a_point():
    passages = load_corpus(SEEDS).passages
    p = next(p for p in passages if p.text.startswith("7完善工作机制"))
    assert p.section.endswith("7完善工作机制")


def test_no_bare_heading_is_a_passage():
    passages = load_corpus(SEEDS).passages
    for p in passages:
        last = p.section.split(" › ")[-1] if p.section else ""
        assert p.text.strip() != last.strip()
        assert len(p.text) > 30 or "。" in p.text


def test_long_paragraph_split_at_sentence_ends():
    body = "一、主要工作\n" + "".join(
        f"第{i}项工作按计划推进并取得实效，群众满意度提升。" for i in range(60)
    )
    _, passages = parse_report("x.txt", "青山镇2024年法治政府建设情况报告\n" + body)
    assert len(passages) > 3
    for p in passages:
        assert len(p.text) <= MAX_CHARS
        assert p.text.endswith("。")
        assert p.section == "一、主要工作"


def test_short_items_merged_under_their_parent():
    passages = [p for p in load_corpus(SEEDS).passages if p.source.startswith("004")]
    plan = [p for p in passages if p.section.startswith("五、2024年度推进法治政府建设")]
    assert plan and "（一）进一步加强重点对象法治宣传教育" in plan[0].text
    assert "（二）进一步搞好“法律七进”活动" in plan[0].text


def test_ids_are_stable_and_unique(corpus_copy):
    first = load_corpus(SEEDS).passages
    again = load_corpus(corpus_copy).passages
    assert [p.id for p in first] == [p.id for p in again]
    assert len({p.id for p in first}) == len(first)


def test_merged_points_keep_the_headings_that_stood_above_them():
    """Short points under bare headings (a `(二)…` line, then its text), merged under their
    parent, still show each heading: the passage read 我镇高度重视… under 一、 alone, with
    (二)深入学习贯彻习近平法治思想 lost. An inline heading is not repeated."""
    body = (
        "一、主要举措和成效\n"
        "(一)深入学习贯彻党的二十大精神\n"
        + "我镇深入学习贯彻党的二十大精神,部署安排全镇学习宣传贯彻工作。"
        * 4
        + "\n(二)深入学习贯彻习近平法治思想\n"
        "我镇高度重视法治建设,将习近平法治思想列为第一议题。\n"
        "(三)履行第一责任人职责\n"
        "党政主要负责人带头学法。\n"
        "二、存在的不足\n"
        "(一)法治意识不强,重视不够。\n"
        "(二)法治人才短缺。\n"
        "法治建设不足的原因在于培训不够。\n"
    )
    _, passages = parse_report("x.txt", "下太镇2022年法治政府建设情况报告\n" + body)
    merged = next(p for p in passages if "我镇高度重视" in p.text)
    assert merged.section == "一、主要举措和成效"
    assert merged.text.startswith("(一)深入学习贯彻党的二十大精神\n我镇深入学习")
    assert "\n(二)深入学习贯彻习近平法治思想\n我镇高度重视" in merged.text
    assert "\n(三)履行第一责任人职责\n党政主要负责人带头学法。" in merged.text
    shortfalls = next(p for p in passages if "法治人才短缺" in p.text)
    assert shortfalls.text.count("(二)法治人才短缺") == 1


def test_a_plan_is_told_by_its_top_heading():
    """A top-level heading of the coming year's plan, in either script, and what lies under
    it; not a heading of the year's work that says 规划 or 计划, nor a point under it."""
    for plan in (
        "六、下一步工作打算 › (一)持续提升依法行政水平",
        "四、2025年法治政府建設工作規劃",
        "五、2024年度推进法治政府建设的主要安排",
        "四、2022年及“十四五”期间推进法治政府建设的工作思路目标举措",
    ):
        assert plans_ahead(plan), plan
    for work in (
        "一、坚持规划引领",
        "一是制定年度工作计划",
        "一、主要举措 › 一是制定下一步工作计划",
    ):
        assert not plans_ahead(work), work
