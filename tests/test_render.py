"""Rendering is pure: escaping, length limit, excerpts, scripts, no-match messages."""

from __future__ import annotations

import dataclasses
import re

import pytest

from bot.querylog import Stats
from bot.render import (
    COMMANDS,
    EXAMPLE_TOPICS,
    MAX_MESSAGE,
    SIMPLIFIED,
    TRADITIONAL,
    answer_html,
    corpus_summary,
    excerpt,
    help_html,
    html_to_text,
    in_script,
    no_hits_html,
    source_line,
    stats_html,
    towns_messages,
    years_named,
)
from retrieval import Elsewhere, Report

from .conftest import ROOT, towns_index


def test_excerpt_bolds_matches_escapes_and_cuts_around_the_match():
    text = "前言<script>。" + "甲" * 300 + "落实执法记录仪制度" + "乙" * 300
    out = excerpt(text, ["执法记录仪"], limit=100)
    assert "<b>执法记录仪</b>" in out
    assert out.startswith("…") and out.endswith("…")
    assert "<script>" not in out
    assert len(html_to_text(out)) <= 104


def test_excerpt_starts_where_the_matched_sentence_does():
    """A long passage is cut at the start of the sentence holding the match, not a set
    number of characters before it (it began …待提高，执法程序有待…, mid-sentence)."""
    text = "甲" * 300 + "。执法人员素质有待提高,执法程序有待进一步规范。" + "乙" * 300
    out = excerpt(text, ["执法程序"], limit=100)
    assert out.startswith("…执法人员素质有待提高,<b>执法程序</b>")
    assert len(html_to_text(out)) <= 104
    unbroken = excerpt("甲" * 300 + "执法程序" + "乙" * 300, ["执法程序"], limit=100)
    assert unbroken.startswith("…" + "甲" * 25 + "<b>执法程序</b>")


def test_excerpt_escapes_corpus_text():
    assert excerpt("A<b>&B 普法", ["普法"]) == "A&lt;b&gt;&amp;B <b>普法</b>"


def test_excerpt_keeps_a_merged_passages_lines():
    """Merged points keep their heading lines (passages.py): shown as lines, not run
    together as (二)强化…管理 秉持…; spaces within a line still collapse."""
    text = (
        "(二)强化重点人群服务管理\n秉持  理念,推进管控。\n\n(三)推进治理数据法治化\n优化网格设置。"
    )
    out = excerpt(text, ["管理"])
    assert out == (
        "(二)强化重点人群服务<b>管理</b>\n秉持 理念,推进管控。\n"
        "(三)推进治理数据法治化\n优化网格设置。"
    )


def test_answer_fits_telegram_limit_even_for_huge_passages(seed_index):
    result = seed_index.search("法治宣传", top_k=3)
    long = tuple(
        dataclasses.replace(h, passage=dataclasses.replace(h.passage, text=h.passage.text * 30))
        for h in result.hits
    )
    message = answer_html(dataclasses.replace(result, hits=long), [["普法"]] * 3, SIMPLIFIED)
    assert len(message) <= MAX_MESSAGE
    assert message.count("<blockquote>") == 3


def test_answer_in_users_script(seed_index):
    result = seed_index.search("执法记录仪", top_k=1)
    simp = answer_html(result, [["执法记录仪"]], SIMPLIFIED)
    trad = answer_html(result, [["执法记录仪"]], TRADITIONAL)
    assert "潭湾镇" in simp and "<b>执法记录仪</b>" in simp
    assert "潭灣鎮" in trad and "<b>執法記錄儀</b>" in trad and "相關內容" in trad


def test_traditional_answers_use_the_characters_readers_write(seed_index):
    """Answers in Traditional read 峰靈鎮為群眾…, as people write, not OpenCC's standard
    forms (峯靈鎮爲羣衆…) that the first version showed."""
    result = seed_index.search("峰灵镇为群众提供法律服务", top_k=1)
    trad = answer_html(result, [["法律服务"]], TRADITIONAL)
    assert "<b>峰靈鎮</b>" in trad and "峯" not in trad
    assert in_script("峰灵镇为群众着力推进", TRADITIONAL) == "峰靈鎮為群眾著力推進"


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        ("除了我们安稳，其他镇普法咋弄的", "除安稳镇外，"),
        ("大冶下面的镇怎么宪法宣传", "大冶市，"),
        ("大冶市保安镇2023年法治建设存在的问题", "大冶市、保安镇2023年，"),
        ("峰灵镇和王团镇的普法", "峰灵镇、王团镇，"),
        ("普法", ""),
    ],
)
def test_an_answer_says_how_it_read_the_places(seed_index, question, read_as):
    """The header says which places and years the answer is limited to or leaves out, so a
    place read wrongly (or missed) shows at once; a question naming none says nothing.
    Several places are told apart, larger first (it said 保安镇大冶市, 峰灵镇王团镇)."""
    result = seed_index.search(question)
    forms = [[]] * len(result.hits)
    assert answer_html(result, forms, SIMPLIFIED).startswith(f"{read_as}找到 ")


def test_a_question_in_english_is_asked_in_chinese(seed_index):
    """The reports are Chinese: a question without a Chinese character that finds nothing
    is asked to be put in Chinese, not to be put another way."""
    query = seed_index.parse("how do towns do legal education")
    assert not seed_index.search(query).hits
    message = no_hits_html(query, seed_index.corpus.reports, SIMPLIFIED)
    assert "请用中文提问" in message and "换个说法" not in message
    chinese = no_hits_html(
        seed_index.parse("糖醋排骨怎么做"), seed_index.corpus.reports, SIMPLIFIED
    )
    assert "换个说法" in chinese and "请用中文提问" not in chinese


def test_no_hits_message_escapes_and_suggests(seed_index):
    query = seed_index.parse("<b>城关镇</b>的法律顾问")
    message = no_hits_html(query, seed_index.corpus.reports, SIMPLIFIED)
    assert "&lt;b&gt;城关镇&lt;/b&gt;" in message
    assert "语料中没有城关镇的报告" in message
    assert "王团镇（2024）" in message and "去掉镇名或年份" in message


def test_a_county_with_no_report_is_named_in_the_no_hits_message(seed_index):
    """凤阳县 is a real county the corpus has no report from: said plainly, not guessed."""
    query = seed_index.parse("凤阳县的镇普法怎么做")
    assert seed_index.search(query).hits == ()
    message = no_hits_html(query, seed_index.corpus.reports, SIMPLIFIED)
    assert "语料中没有凤阳县的报告" in message and "去掉镇名或年份" in message


def test_a_question_that_finds_nothing_is_told_which_of_its_words_would(seed_index):
    """把普法节目放到村里的春晚上演: 节目, 春晚 and 上演 are in no report, so nothing is
    relevant; asking 普法 alone finds 42 passages, and the reply says so (stop 21)."""
    result = seed_index.search("把普法节目放到村里的春晚上演，谁搞过")
    assert result.hits == ()
    shorter = seed_index.words_that_find(result.query)
    assert shorter == (("普法", seed_index.search("普法").total),)
    message = no_hits_html(result.query, seed_index.corpus.reports, SIMPLIFIED, shorter)
    assert "“普法”（42 段）" in message
    weather = seed_index.search("明天县城会下雨吗")  # 县城 is in one report: no domain word
    assert weather.hits == () and seed_index.words_that_find(weather.query) == ()


def test_a_province_with_no_report_is_named_in_the_no_hits_message(seed_index):
    """黑龙江的镇普法: no seed lies in 黑龙江 (stop 21: a province alone filters)."""
    result = seed_index.search("黑龙江的镇普法")
    assert result.hits == () and result.query.unknown_places == ("黑龙江",)
    message = no_hits_html(result.query, seed_index.corpus.reports, SIMPLIFIED)
    assert "语料中没有黑龙江的报告" in message


def test_a_town_without_the_topic_is_told_how_much_other_towns_have(seed_index):
    """王团镇's report says nothing of 首违不罚; the answer says so and how many passages
    (and from which towns) the question finds without the town, not only "去掉镇名"."""
    query = seed_index.parse("王团镇首违不罚")
    assert seed_index.search(query).hits == ()
    elsewhere = seed_index.found_elsewhere(query)
    assert elsewhere.total >= 1 and elsewhere.towns == ("峰灵镇",)
    message = no_hits_html(query, seed_index.corpus.reports, SIMPLIFIED, (), elsewhere)
    assert f"不限乡镇能找到 {elsewhere.total} 段（峰灵镇），去掉镇名再问一次即可。" in message
    assert seed_index.found_elsewhere(seed_index.parse("明天会下雨吗")) == Elsewhere()
    assert seed_index.found_elsewhere(seed_index.parse("王团镇明天会下雨吗")) == Elsewhere()


def test_a_town_without_a_report_that_year_is_told_which_years_it_has(seed_index):
    """2023年峰灵镇的普法: 峰灵镇 has only its 2025 report, and 2023 is another town's
    year. The reply said 不限乡镇和年份能找到 … (峰灵镇、王团镇…), as if the town were the
    problem; it now says which years the town has, and that its own report answers."""
    query = seed_index.parse("2023年峰灵镇的普法")
    assert seed_index.search(query).hits == ()
    elsewhere = seed_index.found_elsewhere(query)
    assert elsewhere.without == ("years",) and elsewhere.towns == ("峰灵镇",)
    assert elsewhere.years_there == (2025,)
    message = no_hits_html(query, seed_index.corpus.reports, SIMPLIFIED, (), elsewhere)
    assert "语料中峰灵镇只有 2025年的报告。" in message
    assert f"不限年份能找到 {elsewhere.total} 段（峰灵镇），去掉年份再问一次即可。" in message
    assert "没有 2023 年的报告" not in message  # the corpus has 2023 (保安镇)
    # a topic only another town's report has (王团镇, 2024): found without either
    query = seed_index.parse("2023年峰灵镇的宗教界人士")
    lacking = seed_index.found_elsewhere(query)
    assert lacking.without == ("places", "years") and lacking.towns == ("王团镇",)
    message = no_hits_html(query, seed_index.corpus.reports, SIMPLIFIED, (), lacking)
    assert "语料中峰灵镇只有 2025年的报告。" in message
    assert "不限乡镇和年份能找到 1 段（王团镇），去掉镇名或年份再问一次即可。" in message


def test_no_hits_for_missing_year(seed_index):
    message = no_hits_html(seed_index.parse("2019年普法"), seed_index.corpus.reports, SIMPLIFIED)
    assert "语料中没有 2019 年的报告" in message


def test_every_command_is_in_help_and_readme():
    help_text = help_html("township_qa_bot")
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, _ in COMMANDS:
        assert f"/{name}" in help_text
        assert f"/{name}" in readme


def test_help_explains_groups_and_privacy_mode():
    text = help_html("township_qa_bot")
    assert "/ask@township_qa_bot" in text and "隐私模式" in text and "私聊" in text


def test_the_help_s_listing_examples_list_reports(seed_index):
    from retrieval import asks_for_reports

    text = help_html("township_qa_bot")
    for example in ("有哪些镇的报告", "湖北有哪些镇"):
        assert f"“{example}”" in text
        assert asks_for_reports(seed_index.parse(example))


def test_possibly_relevant_answers_say_so(seed_index):
    weak = seed_index.search("峰灵镇的群众生活安稳吗")
    strong = seed_index.search("峰灵镇流动普法车")
    assert weak.tentative and not strong.tentative
    forms = [["群众"]] * len(weak.hits)
    assert "可能相关" in answer_html(weak, forms, SIMPLIFIED)
    assert "可能相关" not in answer_html(strong, [["普法"]] * len(strong.hits), SIMPLIFIED)
    assert "可能相關" in answer_html(weak, forms, TRADITIONAL)


def test_source_line_links_to_the_original_when_known(tmp_path):
    from retrieval import load_corpus

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes((ROOT / "seeds" / "002_1113006dcd718aa6.txt").read_bytes())
    (corpus / "b.txt").write_bytes((ROOT / "seeds" / "003_f3bfa6d8f855b377.txt").read_bytes())
    (corpus / "catalog.csv").write_text(
        "file,url\na.txt,https://example.gov.cn/a?x=1&y=2\nb.txt,javascript:alert(1)\n", "utf-8"
    )
    loaded = load_corpus(corpus)
    reports = {r.source: r for r in loaded.reports}
    line = source_line(reports["a.txt"], "一、")
    assert '<a href="https://example.gov.cn/a?x=1&amp;y=2">原文</a>' in line
    assert "原文" not in source_line(reports["b.txt"], "")  # not a web address: ignored
    assert any("网址" in s.reason for s in loaded.skipped)


def _town_report(n: int, county: str | None, province: str | None, township: str = "") -> Report:
    """A 2024 report of town n (测试n镇) for the listings' tests."""
    return Report(
        source=f"{n:04d}.txt",
        title=None,
        township=township or f"测试{n}镇",
        township_simplified=f"测试{n}镇",
        county=county,
        province=province,
        year=2024,
        published=None,
    )


def test_towns_with_500_reports_summarises_by_county_in_whole_messages():
    from bot.render import towns_messages

    reports = [_town_report(n, f"第{n % 60}县", "湖北省", f"<测试{n}镇>") for n in range(500)]
    counts = {r.source: 12 for r in reports}
    summary = towns_messages(reports, counts)
    assert "500 份报告" in summary[0] and "60 个县区" in summary[0]
    assert "/towns 县区名" in summary[-1]
    listed = towns_messages(reports, counts, "第7县")
    assert "&lt;测试7镇&gt;" in listed[0]  # escaped, and only that county's towns
    assert all(
        r.township.strip("<>") not in "".join(listed) for r in reports if r.county != "第7县"
    )
    # a province's 500 reports: a line per county, not 500 lines over several messages
    province = towns_messages(reports, counts, "湖北")
    assert province[0].startswith("“湖北”共有 500 份报告，来自 60 个县区：")
    assert sum(m.count("• ") for m in province) == 60
    assert towns_messages(reports, counts, "江西")[0].startswith("没有找到“江西”的报告")
    for message in [*summary, *province, *listed]:
        assert len(message) <= MAX_MESSAGE
        assert message.count("<b>") == message.count("</b>")


def test_towns_from_many_provinces_summarises_by_province():
    """5,005 reports from 2,269 counties made /towns 2,270 lines (a dozen messages in a
    group); with more counties than fit, a line per province, and /towns 省 per county."""
    from bot.render import towns_messages

    provinces = ["湖北省", "江西省", "云南省", None]
    reports = [
        _town_report(n, f"第{n % 120}县" if n % 7 else None, provinces[n % 4]) for n in range(2000)
    ]
    counts = {r.source: 12 for r in reports}
    (summary,) = towns_messages(reports, counts)
    assert summary.startswith("语料中共有 2000 份报告，来自 4 个省份、")
    assert "• 湖北省：500 份，" in summary and "• 省份不详：500 份\n" in summary
    assert summary.count("• ") == 4 and "/towns 云南省" in summary
    assert towns_messages(reports, counts, "江西")[0].startswith("“江西”共有 500 份报告，来自")


def test_a_county_level_report_is_cited_by_its_county_not_its_file_name(tmp_path):
    """A county's own report (全区…, no township) was cited as `fresh_18.txt · 静海区`; it
    is 静海区 · 县区本级, in answers, the towns list and the not-found message alike."""
    from retrieval import parse_report

    text = (
        "静海区2023年度法治政府建设情况报告\n2023年,静海区坚持依法行政,全区开展普法宣传。\n"
        "一、主要做法\n全区开展普法宣传进村活动。\n"
    )
    report, _ = parse_report("fresh_18.txt", text)
    assert (report.township, report.county) == (None, "静海区")
    line = source_line(report, "一、主要做法")
    assert line.startswith("<b>静海区</b> · 县区本级 · 2023年报告") and "fresh_18" not in line
    assert "静海区（2023）" in corpus_summary([report])
    assert "<b>静海区</b> · 县区本级" in towns_messages([report], {report.source: 2})[0]


def test_a_town_whose_county_is_unknown_is_placed_by_its_province():
    """A report whose county the text leaves open but whose province is known is cited
    with the province (中长街道 · 辽宁省（县区不详）), in answers and in listings."""
    placed = _town_report(1, None, "辽宁省", "中长街道")
    assert "<b>中长街道</b> · 辽宁省（县区不详） · 2024年报告" in source_line(placed, "")
    assert "辽宁省（县区不详）" in towns_messages([placed], {placed.source: 3})[0]
    nowhere = _town_report(2, None, None, "鼓楼街道")
    assert "<b>鼓楼街道</b> · 县区不详 · 2024年报告" in source_line(nowhere, "")


def test_a_report_shown_for_a_county_it_may_be_in_says_so(tmp_path):
    """下洋镇's report does not say its county; asked about 徐闻县 (which has a 下洋镇) the
    answer shows it and says why a 县区不详 report is there."""
    bodies = {"下洋镇": "开展普法宣传进村活动。", "巫溪县峰灵镇": "开展普法宣传进村活动。"}
    report = "{town}2024年法治政府建设情况报告\n一、主要做法\n{body}\n"
    index = towns_index(tmp_path / "corpus", bodies, report)
    result = index.search("徐闻县普法宣传")
    message = answer_html(result, [["普法宣传"]] * len(result.hits), SIMPLIFIED)
    assert "下洋镇" in message and "县区不详" in message and "徐闻县有同名乡镇" in message
    other = index.search("巫溪县普法宣传")
    assert "同名乡镇" not in answer_html(other, [["普法宣传"]], SIMPLIFIED)


def test_a_message_with_nothing_to_look_up_is_told_how_to_ask(seed_index):
    """谢谢 or 你好 (a reply to the bot's answer, a greeting in a private chat) is not a
    question that found nothing: the reply says how to ask, in the user's script."""
    for text in ("谢谢", "你好", "在吗？", "好的"):
        message = no_hits_html(seed_index.parse(text), seed_index.corpus.reports, SIMPLIFIED)
        assert "没有要查的内容" in message and "没有找到" not in message, text
    traditional = no_hits_html(seed_index.parse("謝謝"), seed_index.corpus.reports, TRADITIONAL)
    assert "沒有要查的內容" in traditional
    weather = no_hits_html(seed_index.parse("明天会下雨吗"), seed_index.corpus.reports, SIMPLIFIED)
    assert weather.startswith("没有找到与“明天会下雨吗”相关的内容。")


def test_a_place_or_year_alone_is_asked_what_about(seed_index):
    """王团镇 alone is not a question that found nothing: the corpus has its report, so the
    reply asks what about it, rather than suggesting to drop the town."""
    for text, where in (("王团镇", "王团镇"), ("巫溪县", "巫溪县"), ("2024年", "2024年")):
        message = no_hits_html(seed_index.parse(text), seed_index.corpus.reports, SIMPLIFIED)
        assert message.startswith(f"请说说想了解{where}哪方面") and "没有找到" not in message
    for text in ("城关镇", "王团镇2019年"):  # not in the corpus: said plainly, as before
        message = no_hits_html(seed_index.parse(text), seed_index.corpus.reports, SIMPLIFIED)
        assert message.startswith("没有找到") and "语料中没有" in message


def _asked_what_about(index, text: str) -> tuple[str, list[str]]:
    """The reply to a message with no topic (a place or year alone, or 谢谢), as the bot
    composes it, and the examples it offers, as a user would copy them."""
    query = index.parse(text)
    examples = index.topics_held(query, EXAMPLE_TOPICS)
    message = no_hits_html(
        query, index.corpus.reports, SIMPLIFIED, (), index.found_elsewhere(query), (), examples
    )
    return message, re.findall("“([^”]+)”", message)


def _finds(index, question: str) -> bool:
    result = index.search(question)
    return bool(result.hits) and not result.tentative


def test_the_examples_offered_for_a_place_or_year_alone_find_passages(seed_index):
    """Asked what about 王团镇, the reply's examples (王团镇普法) find passages when asked
    as offered. When the town has no report of the year named (2021年峰灵镇), the reply says
    which years it has and offers examples without the year: 峰灵镇2021年普法 found
    nothing."""
    towns = sorted({r.name for r in seed_index.corpus.reports})
    years = sorted({int(y) for y in seed_index.corpus.reports.years.tolist()})
    for text in [*towns, *(f"{y}年" for y in years), *(f"{y}年{t}" for t in towns for y in years)]:
        message, offered = _asked_what_about(seed_index, text)
        assert len(offered) == 2 and all(_finds(seed_index, q) for q in offered), message
    message, offered = _asked_what_about(seed_index, "2021年峰灵镇")
    assert message.startswith("语料中峰灵镇只有 2025年的报告。\n请说说想了解峰灵镇哪方面的做法")
    assert offered == ["峰灵镇普法", "峰灵镇法律顾问"]


def test_every_town_of_the_real_openings_is_offered_examples_that_find(real_index):
    """Over the 55 reports, 61 of the 102 examples every such reply offered (X普法,
    X法律顾问) found nothing: 西兴街道's opening holds neither. Every town is now offered at
    least one, and each finds passages."""
    for town in sorted({r.name for r in real_index.corpus.reports}):
        message, offered = _asked_what_about(real_index, town)
        assert offered and all(_finds(real_index, q) for q in offered), message


def test_how_to_ask_offers_topics_the_reports_hold(seed_index, tmp_path):
    """谢谢 offered 王团镇的普法 whatever the corpus held: over reports on 行政执法 and
    人民调解 alone it now offers those."""
    bodies = {"东庄镇": "规范行政执法行为。", "仁和镇": "健全人民调解组织。"}
    report = "{town}2024年法治政府建设情况报告\n一、主要做法\n{body}\n"
    for index in (seed_index, towns_index(tmp_path / "corpus", bodies, report)):
        message, offered = _asked_what_about(index, "谢谢")
        assert message.startswith("这句话里没有要查的内容") and len(offered) == 2, message
        assert all(_finds(index, q) for q in offered), message
    assert offered == ["别的镇怎么做行政执法", "人民调解"]


def test_years_read_as_a_reply_writes_them():
    """2022到2024年有哪些报告 was answered under 2022年2023年2024年共有."""
    assert years_named([2024]) == "2024年"
    assert years_named([2024, 2022, 2023]) == "2022—2024年"
    assert years_named([2021, 2023, 2024]) == "2021年、2023—2024年"
    assert years_named([]) == ""


def test_excerpt_shows_where_the_questions_words_come_together():
    """A long passage whose first line holds one generic word of the question (法治) and
    whose later sentence holds the rest was cut at its beginning; the excerpt now shows
    the part where most of the question's different words are (stop 30)."""
    later = "制定执法全过程记录实施细则,执法记录仪全覆盖。"
    text = "坚持法治引领。" + "甲" * 300 + later + "乙" * 300
    out = excerpt(text, ["法治", "执法", "全过程", "记录仪"], limit=100)
    assert "<b>全过程</b>" in out and "<b>记录仪</b>" in out
    assert "坚持" not in out and out.startswith("…")
    single = excerpt("甲" * 300 + "普法" + "乙" * 300, ["普法"], limit=100)
    assert "<b>普法</b>" in single and len(html_to_text(single)) <= 104


def test_a_misspelt_town_is_asked_about_not_searched_everywhere(seed_index):
    """峰岭镇的普法 (one character off 峰灵镇) searched 峰岭 in every report and showed 69
    passages as possibly relevant; now the corpus has no such town, and the reply asks
    whether 峰灵镇 was meant. The question's scaffolding is never taken for a town."""
    query = seed_index.parse("峰岭镇的普法")
    assert query.unknown_places == ("峰岭镇",) and seed_index.search(query).hits == ()
    near = seed_index.places.spelt_like("峰岭镇")
    assert near == ("峰灵镇",)
    message = no_hits_html(query, seed_index.corpus.reports, SIMPLIFIED, (), None, near)
    assert "语料中没有峰岭镇的报告。\n是不是要问峰灵镇？" in message
    for asked in (
        "其他镇怎么做普法",
        "别的乡镇普法",
        "我们这个镇的普法",
        "送法下乡",
        "了解下各镇普法",
    ):
        assert seed_index.parse(asked).unknown_places == (), asked
    assert seed_index.parse("王团镇的普法").townships == ("王团镇",)  # the town itself


def test_what_is_not_taken_for_a_misspelt_town(seed_index):
    """A name one character off a corpus town is read as a misspelling only where it
    stands as a name: not inside a phrase (法律进镇村), not where many towns are as near
    (a pattern of names, 清X镇), not before an everyday word's 镇 (中心镇, 全镇)."""
    from retrieval.places import Places, misspelt_places

    pipeline = seed_index.pipeline

    def misspelt(text: str, *towns: str) -> list[str]:
        return misspelt_places(text, Places.of(towns, [], [2024]), pipeline)

    assert misspelt("律进镇的普法", "律近镇") == ["律进镇"]
    assert misspelt("法律进镇村活动怎么搞", "律近镇") == []  # 律进 starts inside 法律
    assert misspelt("清化镇的普法", "清溪镇") == ["清化镇"]
    assert misspelt("清化镇的普法", "清溪镇", "清水镇", "清平镇", "清河镇") == []
    assert misspelt("中心镇怎么建设", "中山镇") == []  # 中心: an everyday word
    assert misspelt("为全镇群众服务", "万全镇") == []  # 全镇: a word of its own


def test_a_misspelt_county_is_asked_about(seed_index):
    """巫西县的普法 searched 巫西 and 西县 in every report; 巫溪县 is the seeds' county. Not
    a district's or city's ending (经开区, a development zone, is one off 南开区)."""
    from retrieval.places import Places, misspelt_places

    query = seed_index.parse("巫西县的普法")
    assert query.unknown_places == ("巫西县",) and seed_index.search(query).hits == ()
    assert seed_index.places.spelt_like("巫西县") == ("巫溪县",)
    places = Places.of(["王团镇"], ["南开区", "大冶市", "巫溪县"], [2024])
    for asked in ("经开区普法", "大治市的法律顾问", "全县普法", "贫困县的普法"):
        assert misspelt_places(asked, places, seed_index.pipeline) == [], asked


def test_stats_show_times_in_beijing_time():
    """/stats lists unanswered questions with the time staff keep (UTC+8), not the log's
    UTC: a question asked at 01:20 UTC was asked at 09:20 in China, and one logged at
    20:30 UTC on the 1st was asked on the 2nd."""
    stats = Stats(
        no_hits=[("明天下雨吗", "2026-12-02T01:20:05+00:00"), ("护照", "2026-12-01T20:30:00")],
        total=2,
    )
    message = stats_html(stats)
    assert "明天下雨吗（2026-12-02 09:20 北京时间）" in message
    assert "护照（2026-12-02 04:30 北京时间）" in message and "UTC" not in message
