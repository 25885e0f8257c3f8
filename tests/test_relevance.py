"""Relevance as staff would notice it: natural questions answered, off-topic ones refused,
place words only where they name a place. Thresholds re-checked on their calibration data."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.render import SIMPLIFIED, TRADITIONAL, answer_html, help_html
from retrieval import follow_up, to_simplified, topic_there
from retrieval.ablation import counted, load_questions, variants
from retrieval.gazetteer import town_spellings
from retrieval.paths import CALIBRATION_DIR, CORPUS_REAL, DEV_QUESTIONS, REAL_QUESTIONS
from retrieval.places import Places
from retrieval.relevance import STRONG_COVERAGE, WEAK_COVERAGE, content_words, judge
from retrieval.segment import jieba_frequencies
from retrieval.text import to_traditional

from .conftest import ROOT, towns_index

CALIBRATION = CALIBRATION_DIR / "relevance.jsonl"
CHAT_FRAMES = CALIBRATION_DIR / "chat_frames.tsv"


def _calibration() -> list[dict]:
    return [json.loads(line) for line in CALIBRATION.read_text().splitlines() if line.strip()]


def _answers(hits, gold) -> bool:
    return any(
        to_simplified(g["has"]) in to_simplified(h.passage.text)
        and h.report.township_simplified.startswith(g["town"].rstrip("镇乡"))
        for g in gold
        for h in hits
    )


def _best_coverage(index, question: str) -> float:
    """The largest share of the question's content any passage holding one of its words
    covers: what the thresholds are compared with. For a question about 明年, among the
    reports' plans, the only passages it is answered from (since stop 39)."""
    query = index.parse(question)
    if not query.terms:
        return 0.0
    distinct = list(dict.fromkeys(query.terms))[:63]
    presence = np.zeros(len(index), dtype=np.uint64)
    index.bm25.score([t for t in query.terms if t in distinct], presence)
    words = content_words(query, index.bm25, index.pipeline)
    coverage = judge(words, distinct, presence, False).coverage
    if query.ahead:
        coverage = coverage[index.next_years_plans(np.arange(len(index)))]
    return float(coverage.max(initial=0.0))


def test_thresholds_sit_between_off_topic_and_in_scope_calibration_questions(seed_index):
    """The gap the thresholds sit in, on the seeds: no off-topic question reaches
    STRONG_COVERAGE on any passage (the highest, 明年春节放几天假, reached 0.28 with 明年 a
    content word no passage holds; since stop 39 it asks for the plans, where no passage
    holds 春节, and 办公室的打印机卡纸了 is the highest, 0.21), while
    most in-scope ones do on their best passage (28 of 32 when it was set; 31 since the
    wider scaffolding of stop 19, so the weak tier's use is checked on the real set)."""
    off = [q for q in _calibration() if not q["gold"]]
    within = [q for q in _calibration() if q["gold"]]
    assert max(_best_coverage(seed_index, q["q"]) for q in off) < STRONG_COVERAGE
    strong = [q for q in within if _best_coverage(seed_index, q["q"]) >= STRONG_COVERAGE]
    assert len(strong) / len(within) >= 0.8
    weak = [q for q in within if _best_coverage(seed_index, q["q"]) >= WEAK_COVERAGE]
    assert len(weak) / len(within) >= 0.9  # 31 of 32, when set and now


@pytest.mark.skipif(
    not (REAL_QUESTIONS.exists() and CORPUS_REAL.is_dir()),
    reason="../shared/eval/real_questions.jsonl or ../shared/corpus-real is not beside the repo",
)
def test_the_weak_tier_answers_real_questions_the_strong_one_cannot(real_index, monkeypatch):
    """Over the seeds and the 50 real openings, 可能相关 answers staff questions that no
    passage answers outright (hit@5 0.800 without it, 0.867 with it at stop 19)."""
    from retrieval import relevance
    from retrieval.ablation import load_questions, score

    index = real_index
    questions = [q for q in load_questions(REAL_QUESTIONS) if q.get("gold")]
    with_weak = score(index, questions)["hit@5"]
    monkeypatch.setattr(relevance, "WEAK_COVERAGE", 2.0)
    assert score(index, questions)["hit@5"] < with_weak


def test_calibration_questions_answered_and_off_topic_refused(seed_index):
    questions = _calibration()
    for q in (q for q in questions if not q["gold"]):
        assert seed_index.search(q["q"]).hits == (), q["q"]
    within = [q for q in questions if q["gold"]]
    answered = sum(_answers(seed_index.search(q["q"]).hits[:5], q["gold"]) for q in within)
    assert answered / len(within) >= 0.8  # 27 of 32 when the thresholds were set


@pytest.mark.parametrize(
    ("question", "town"),
    [
        ("各镇普法", None),
        ("各镇怎么落实一村一法律顾问", "王团镇"),
        ("兄弟乡镇怎么做合法性审查", "峰灵镇"),
        ("周边乡镇信访", None),
        ("别的镇法律明白人是怎么培训的？", None),
    ],
)
def test_how_do_other_towns_questions_are_answered(seed_index, question, town):
    result = seed_index.search(question)
    assert result.hits and not result.tentative
    assert not result.query.names_place
    towns = {h.report.township_simplified for h in result.hits}
    assert len(towns) >= 2
    if town:
        assert town in towns


@pytest.mark.parametrize(
    "frame",
    [
        "兄弟乡镇",
        "周边乡镇",
        "友邻乡镇",
        "其他乡镇",
        "别的乡镇",
        "有没有乡镇",
        "各个乡镇",
        "哪个镇",
    ],
)
@pytest.mark.parametrize("topic", ["普法", "信访", "怎么落实一村一法律顾问"])
def test_other_towns_framing_changes_nothing_in_the_answer(seed_index, frame, topic):
    """jieba cuts 兄弟乡镇 as 兄弟 | 乡镇; 乡镇 left behind as a content word made
    兄弟乡镇普法 find 4 passages where 普法 finds 42. The phrase goes before the cut, as
    does 乡镇 after any scaffolding (`query._framing`). 友邻乡镇 (since stop 33) was 友邻乡,
    a township no report has: nothing found."""
    framed, plain = seed_index.search(frame + topic), seed_index.search(topic)
    assert [h.passage.id for h in framed.hits] == [h.passage.id for h in plain.hits]
    assert framed.total == plain.total > 0


@pytest.mark.parametrize(
    "framed",
    [
        "{}有哪些好做法",
        "关于{}的材料",
        "想了解一下{}",
        "{}做得比较好的",
        "{}的典型经验",
        "{}具体措施有哪些",
        "我们镇想搞{}，有参考吗",
        "{}都是怎么开展的",
        "{}相关的内容",
        "谁家{}搞得好",
        "其他单位{}怎么弄",
        "{}工作有啥亮点",
        "问下{}情况",
        "县里{}怎么搞",
        "{}咋搞的",  # colloquial (stop 20): any word with 咋 or 啥 asks
        "俺们想知道{}咋弄",
        "{}那块咋做的呀",
        "{}这块儿怎么整",
        "求个{}的好点子",
        "{}方面有啥妙招",
        "{}有没有啥新花样",
        "你们自己{}怎么做",  # pronouns
        "近年来{}",  # time adverbs
        "最新的{}做法",  # stop 24
        "上一年度{}",
        "目前{}做得怎么样",
        "{}主要做了哪些工作",
        "请问贵镇在{}方面有何经验可供借鉴",  # formal asking
        "恳请各位提供{}的相关资料",
        "怎样才能把{}做好",
        "对于{}这一块，各镇有什么好办法",  # function words (stop 21): jieba's r, p, c, u tags
        "像{}这样的工作，哪些镇做得好",
        "那种{}的做法，谁家搞过",
        "某些镇{}搞得不错，是哪些",
        "{}以及相关的经验，谁能分享",
    ],
)
@pytest.mark.parametrize("topic", ["普法", "法律顾问", "人民调解"])
def test_asking_words_around_a_topic_change_nothing_in_the_answer(seed_index, framed, topic):
    """Words that ask rather than say what about (材料, 了解, 典型, 参考, 亮点, 谁家, and
    official speech's vague 开展, 内容, 单位) are scaffolding: the answer is the topic's."""
    asked, plain = seed_index.search(framed.format(topic)), seed_index.search(topic)
    assert [h.passage.id for h in asked.hits] == [h.passage.id for h in plain.hits]
    assert asked.total == plain.total > 0


def test_function_words_are_neither_content_nor_related_words(seed_index):
    """Pronouns, prepositions and conjunctions (某些, 关于, 或者) say nothing about a topic,
    and are no one's related word either: 已经 brought in 虽然 and 尽管, so that a passage
    holding them covered more of 普法方面，有些镇是不是已经做过了 than 普法's own 69 did."""
    pipeline = seed_index.pipeline
    query = seed_index.parse("某些镇关于普法或者人民调解，是不是已经做过了")
    assert not [t for t in query.terms if pipeline.is_function_word(t)]
    assert {"普法", "人民调解", "已经"} <= set(query.terms)


def _chat_frames() -> list[tuple[str, str]]:
    """(where, text) of each framing in `data/calibration/chat_frames.tsv`."""
    rows = CHAT_FRAMES.read_text("utf-8").splitlines()
    return [tuple(row.split("\t")[1:]) for row in rows if row and not row.startswith("#")]


def _framed(question: str, where: str, text: str) -> str:
    if where == "prefix":
        return text + question
    return question.rstrip("？?") + text if text[0] in "，？！,?!" else question + text


# Round 4's openings closed by a comma whose words no list holds: a first clause closed by a
# comma may be the question's topic (身份证快到期了，…), so it stays (README, a limit)
CHAT_NOT_HANDLED = {"各位同仁，", "请教个事儿，", "不好意思打扰了，"}


@pytest.mark.parametrize(
    "topic", ["各镇普法宣传怎么做？", "有没有镇请律师当法律顾问？", "执法记录仪"]
)
def test_chat_around_a_question_changes_nothing_in_the_answer(seed_index, topic):
    """Greetings, thanks and requests around a question (早上好！…？在线等) are neither
    what it asks about nor evidence that it asks about something else."""
    plain = [h.passage.id for h in seed_index.search(topic).hits]
    assert plain
    for where, text in _chat_frames():
        if text not in CHAT_NOT_HANDLED:
            framed = _framed(topic, where, text)
            assert [h.passage.id for h in seed_index.search(framed).hits] == plain, framed


def test_chat_around_an_off_topic_question_does_not_make_it_answerable(seed_index):
    """我们镇想学习一下，明年春节放几天假 was answered through 学习 before stop 20."""
    off_topic = [q["q"] for q in _calibration() if not q.get("gold")]
    answered = [
        framed
        for question in off_topic
        for where, text in _chat_frames()
        if seed_index.search(framed := _framed(question, where, text)).hits
    ]
    assert answered == []


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("身份证快到期了，去派出所换证要带哪些材料？", "到期"),  # a topic closed by a comma
        ("在吗？明天县城会下雨吗", "下雨"),  # the question comes after the chat
        ("普法宣传怎么做？还有矛盾纠纷调解", "调解"),  # words the reports use
    ],
)
def test_what_may_be_the_topic_is_not_taken_for_chat(seed_index, question, kept):
    assert kept in seed_index.parse(question).terms


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        ("黄石保安镇普法", "保安镇普法"),
        ("湖北保安镇普法", "保安镇普法"),
        ("湖北的镇怎么搞普法", "保安镇普法"),  # the seeds' one report in 湖北
        ("黄石那边普法", "保安镇普法"),
        ("湖北的乡镇怎么搞普法", "保安镇普法"),  # 乡镇 after a region is framing too
    ],
)
def test_a_prefecture_or_province_in_the_question_is_where_not_what(seed_index, question, plain):
    """黄石 and 湖北 no report's passage says: as content words they counted against every
    passage (黄石保安镇普法 found 1 of 保安镇's 16). Named alone (stop 21) they ask for
    the reports there, as a county does."""
    asked, expected = seed_index.search(question), seed_index.search(plain)
    assert [h.passage.id for h in asked.hits] == [h.passage.id for h in expected.hits]
    assert asked.total == expected.total > 0 and not asked.tentative


def test_a_new_province_replaces_the_old_one(seed_index):
    """The region is out of the topic, as a town is: 那重庆呢 after a question about 湖北
    asks about 重庆 alone (both were kept, and either one's reports answered)."""
    question = follow_up(seed_index.parse("湖北的镇怎么搞普法"), seed_index.parse("那重庆呢"))
    assert question is not None and seed_index.parse(question).regions == ("重庆市",)


def test_a_follow_up_reads_as_a_question(seed_index):
    """The reply to 那峰灵镇呢 quotes the question it stands for when nothing is found:
    "峰灵镇 的镇怎么搞普法" and "2024年 除了峰灵镇 , 怎么搞普法" read as garbled."""
    after_region = follow_up(seed_index.parse("湖北的镇怎么搞普法"), seed_index.parse("那峰灵镇呢"))
    assert after_region == "峰灵镇 镇怎么搞普法"
    after_left_out = follow_up(
        seed_index.parse("除了峰灵镇，别的镇怎么搞普法"), seed_index.parse("2024年的呢")
    )
    assert after_left_out == "2024年 除了峰灵镇 怎么搞普法"
    assert seed_index.parse("的确有镇搞普法吗").topic == "的确有镇搞普法吗"  # no place: kept


def test_a_topic_alone_in_reply_to_a_town_alone_is_asked_there(seed_index):
    """The bot asks what about 王团镇 when it is named alone; the reply 普法 was searched
    in every report (峰灵镇's passage came first). A reply that speaks of towns in general
    asks them all; a message with a topic of its own is no town alone."""
    town = seed_index.parse("王团镇")
    question = topic_there(town, seed_index.parse("普法"))
    assert question == "王团镇 普法"
    result = seed_index.search(question)
    assert result.hits and {h.report.name for h in result.hits} == {"王团镇"}
    for reply in ("别的镇怎么搞普法", "各街道的普法", "哪个乡普法搞得好", "峰灵镇的普法", "2024年"):
        assert topic_there(town, seed_index.parse(reply)) is None, reply
    assert topic_there(town, seed_index.parse("乡村治理")) == "王团镇 乡村治理"  # no town: 乡村
    assert topic_there(seed_index.parse("王团镇的普法"), seed_index.parse("法律顾问")) is None
    assert topic_there(seed_index.parse("城关镇"), seed_index.parse("普法")) is None  # no report


def test_a_province_after_a_question_keeps_its_topic(seed_index):
    previous = seed_index.parse("驻村律师")
    question = follow_up(previous, seed_index.parse("那湖北呢"))
    assert question is not None
    result = seed_index.search(question)
    assert result.query.regions == ("湖北省",)
    assert result.hits and {h.report.province for h in result.hits} == {"湖北省"}


def test_counts_only_passages_about_the_question(seed_index):
    """信访工作怎么做 used to count every passage sharing the word 工作."""
    result = seed_index.search("信访工作怎么做", top_k=100)
    assert 0 < result.total <= 15
    assert all("信访" in to_simplified(h.passage.section + h.passage.text) for h in result.hits)


def test_a_word_in_latin_letters_is_part_of_the_question(seed_index):
    """有没有镇用AI搞普法 counted every 普法 passage as found, AI weighing nothing like a
    fragment of a cut. No seed says AI: nothing is found, and the reply suggests asking
    about 普法 alone. A Latin word a report uses (王团镇's APP) finds it."""
    assert seed_index.search("普法").total > 20
    result = seed_index.search("有没有镇用AI搞普法")
    assert not result.hits
    assert [word for word, _ in seed_index.words_that_find(result.query)] == ["普法"]
    app = seed_index.search("哪个镇用APP上报纠纷")
    assert not app.tentative and "APP" in app.hits[0].passage.text


def _counts_rows(corpus: str, questions: str) -> list[tuple]:
    """Rows of data/calibration/counts.tsv for one corpus and set, as `counted` gives them."""
    lines = (CALIBRATION_DIR / "counts.tsv").read_text("utf-8").splitlines()
    rows = [line.split("\t") for line in lines if not line.startswith("#")][1:]
    return [
        (i, q, int(r), int(f), a) for c, s, i, q, r, f, a in rows if (c, s) == (corpus, questions)
    ]


@pytest.mark.parametrize(
    ("name", "path", "answers", "found", "in_full"),
    [
        ("relevance", CALIBRATION_DIR / "relevance.jsonl", 29, 216, 165),
        ("dev", DEV_QUESTIONS, 34, 235, 218),
    ],
)
def test_found_counts_passages_relevant_in_full(seed_index, name, path, answers, found, in_full):
    """找到 N 段 counts the passages that answer the question by its own words, not by a
    common part of one (制度 of 三项制度) or a related word in every report (建设 for 设施):
    the seeds rows of data/calibration/counts.tsv, recomputed. Every labelled answer the
    words find among the first five is relevant in full, and the counts fall."""
    if not path.exists():
        pytest.skip(f"{path} is not beside the repository")
    rows = counted(seed_index, load_questions(path))
    assert rows == _counts_rows("seeds", name)
    judged = [answer for *_, answer in rows if answer in ("full", "partial")]
    assert len(judged) == answers and set(judged) == {"full"}
    assert sum(row[3] for row in rows) == in_full < sum(row[2] for row in rows) == found


def test_passages_relevant_only_partly_are_named_so(seed_index):
    """村里的法治宣传设施旧了坏了怎么办: its words find 34 passages, 25 of them by 建设 (a word
    related to 设施) beside 法治 and 宣传. The header counts 9 as 相关 and names the rest, and
    each of those shown is marked 部分相关."""
    result = seed_index.search("村里的法治宣传设施旧了坏了怎么办", top_k=12)
    assert (result.total, result.near, result.partial) == (35, 1, 25)
    message = answer_html(result, [["设施"]] * len(result.hits), SIMPLIFIED)
    assert message.startswith("找到 9 段相关内容、25 段部分相关的内容和 1 段意思相近的内容")
    partly = [h for h in result.hits if h.partial]
    assert partly and all("设施" not in h.matched and not h.near for h in partly)
    assert message.count("（部分相关）") == len(partly)
    assert "（部分相關）" in answer_html(result, [["设施"]] * len(result.hits), TRADITIONAL)
    assert seed_index.search("普法").partial == 0  # a word of its own: every passage in full
    assert all(f"“{mark}”" in help_html(None) for mark in ("部分相关", "意思相近"))  # /help says


@pytest.mark.parametrize(
    "question", ["安稳有序推进矛盾纠纷化解", "保安人员培训", "如何让群众生活更安稳", "今年法律顾问"]
)
def test_everyday_words_that_contain_a_town_name_are_not_filters(seed_index, question):
    result = seed_index.search(question)
    assert not result.query.townships and not result.query.unknown_places
    assert result.hits
    assert len({h.report.township_simplified for h in result.hits}) >= 2


def _beside_wangtuan(tmp_path, town: str):
    """An index of one 普法 passage of `town` and the same passage of 王团镇."""
    body = "组织开展普法宣传进村活动12场,发放普法资料500份。"
    template = "{town}2024年法治政府建设情况报告\n{body}\n"
    return towns_index(tmp_path / "corpus", {town: body, "王团镇": body}, template)


def test_a_kind_of_township_says_which_reports_not_what_about(tmp_path):
    """杭州的街道怎么做普法 answered with 杭州's sub-districts' passages that only say 街道:
    街道 is in nearly every passage of a sub-district's report, and it covered more than
    half of the question's content, and "not found" advised asking 街道 alone. It still
    ranks, but a passage must hold 普法."""
    here = "街道党工委高度重视法治政府建设,街道主要负责人每年召开专题会议部署法治工作。"
    there = "街道组织开展普法宣传进社区活动12场,发放普法资料500份。"
    towns = {"杭州市上城区小营街道": here, "杭州市西湖区留下街道": here}
    towns["北京市西城区广安门内街道"] = there
    template = "{town}2024年法治政府建设情况报告\n{body}\n"
    index = towns_index(tmp_path / "corpus", towns, template)
    nowhere = index.parse("杭州的街道怎么做普法")
    assert not index.search(nowhere).hits
    assert not index.words_that_find(nowhere)  # "ask 街道 alone" is no advice
    elsewhere = index.search("别的街道怎么做普法")
    assert [h.report.township for h in elsewhere.hits if not h.near] == ["广安门内街道"]
    assert elsewhere.total - elsewhere.near == 1
    assert index.search("杭州的街道怎么抓法治建设").total == 2
    assert index.search("街道").hits  # the kind alone is what it asks about


def test_a_kind_of_township_is_held_by_the_reports_of_that_kind(tmp_path):
    """街道出面牵线…贷款 wants sub-districts: 保安镇's passage that names a 街道 ranked above
    中长街道's, which never says the word. A 街道's passages hold 街道 whatever they say."""
    towns = {
        "大冶市保安镇": "协调街道商户与银行对接,开展企业贷款政策宣传活动。",
        "金普新区中长街道": "牵线银行与企业面对面洽谈,开展银企对接活动,帮助企业解决贷款难题。",
    }
    template = "{town}2024年法治政府建设情况报告\n{body}\n"
    index = towns_index(tmp_path / "corpus", towns, template)
    result = index.search("街道出面牵线让银行和企业谈贷款的活动，哪里办过？")
    assert result.hits[0].report.township == "中长街道" and "街道" in result.hits[0].matched
    towns_first = index.search("乡镇怎么牵线银行给企业贷款").hits
    assert towns_first[0].report.township == "保安镇"  # 乡镇: towns and 乡, not 街道


@pytest.mark.parametrize("question", ["桐木漯乡普法怎么做的", "桐木漯普法", "桐木漯瑶族乡普法"])
def test_an_ethnic_township_is_named_without_its_peoples(tmp_path, question):
    """桐木漯瑶族乡 is 桐木漯乡 or 桐木漯 in speech (1,067 such townships): 桐木漯乡 was no
    place, and other towns' 普法 came after its own."""
    result = _beside_wangtuan(tmp_path, "桐木漯瑶族乡").search(question)
    assert result.query.townships == ("桐木漯瑶族乡",)
    assert {h.report.township for h in result.hits} == {"桐木漯瑶族乡"}


@pytest.mark.parametrize("question", ["金花街怎么做普法", "金花街的普法", "金花街道办普法"])
def test_a_sub_district_is_named_as_a_street(tmp_path, question):
    """金花街道 is 金花街 in speech and in reports (鹤龙街党工委): 16 of the 45 sub-districts
    of 141 reports were no place as X街 (a sweep of every town's spellings), and the
    question got every town's 普法."""
    result = _beside_wangtuan(tmp_path, "金花街道").search(question)
    assert result.query.townships == ("金花街道",)
    assert {h.report.township for h in result.hits} == {"金花街道"}


@pytest.mark.parametrize("question", ["古城街区怎么普法", "宜城街上的商铺普法"])
def test_a_street_form_inside_another_word_is_no_place(tmp_path, question):
    """古城街区 is a historic quarter and 宜城街上 a street, not 古城街道 or 宜城街道: X街
    names the sub-district only where jieba cuts it as a word of its own."""
    body = "在古城街区、街上商铺开展普法宣传12场。"
    towns = {town: body for town in ("古城街道", "宜城街道", "王团镇")}
    index = towns_index(tmp_path / "corpus", towns, "{town}2024年法治政府建设情况报告\n{body}\n")
    result = index.search(question)
    assert not result.query.townships
    assert len({h.report.township for h in result.hits}) == 3


def test_a_town_named_in_full_is_never_taken_by_another_towns_short_form():
    places = Places.of(["桐木漯瑶族乡", "桐木漯乡"], [], [2024])
    assert places.towns["桐木漯乡"] == "桐木漯乡"
    assert places.towns["桐木漯"] == "桐木漯瑶族乡"  # the first in corpus order


@pytest.mark.parametrize(
    "question", ["彭水的乡镇怎么搞普法", "彭水县普法", "彭水苗族土家族自治县普法"]
)
def test_an_autonomous_county_is_named_without_its_peoples(tmp_path, question):
    """棣棠乡's county is 彭水苗族土家族自治县, which staff call 彭水县 or 彭水."""
    result = _beside_wangtuan(tmp_path, "棣棠乡").search(question)
    assert result.query.counties == ("彭水苗族土家族自治县",)
    assert {h.report.township for h in result.hits} == {"棣棠乡"}


def test_every_spelling_of_every_real_town_names_it(real_index):
    """Each township of the 55 reports, asked about as staff write it (whole, short, X街,
    without its peoples, in Traditional script), shows that town's passages alone: the
    sweep over 141 reports that found X街 and shared short names, kept as a check."""
    towns = sorted({to_simplified(r.township) for r in real_index.corpus.reports if r.township})
    missed = []
    for town in towns:
        spellings = set(town_spellings(town))
        if town.endswith("街道"):
            spellings.add(town.removesuffix("道"))  # 金花街
        asked = [f"{spelling}的法治建设怎么做的" for spelling in sorted(spellings)]
        for question in [*asked, to_traditional(f"{town}法治建设怎么做的")]:
            result = real_index.search(question)
            shown = {to_simplified(h.report.township) for h in result.hits}
            if town not in result.query.townships or not shown <= set(result.query.townships):
                missed.append((question, result.query.townships, shown))
    assert len(towns) >= 50 and not missed


def test_every_real_town_left_out_by_any_spelling_is_left_out(real_index):
    """除了X，别的镇… for each township of the 55 reports and each way to write it: that
    town out, others shown (the sweep over 141 reports found 38 of 264 short names kept)."""
    missed = []
    for town in sorted(
        {to_simplified(r.township) for r in real_index.corpus.reports if r.township}
    ):
        for spelling in town_spellings(town):
            result = real_index.search(f"除了{spelling}，别的镇怎么做法治建设")
            shown = {to_simplified(h.report.township or "") for h in result.hits}
            if town not in result.query.excluded or town in shown or not shown:
                missed.append((spelling, result.query.excluded, shown))
    assert not missed


def test_a_short_name_of_a_prefecture_and_its_county_is_the_prefecture(tmp_path):
    """湘潭 is 湘潭市 and 湘潭县's short name: it was the county alone, and 湘潭市's other
    towns (雨湖区's) were left out of 湘潭那边."""
    body = "组织开展普法宣传进村活动12场,发放普法资料500份。"
    towns = {t: body for t in ("湖南省湘潭县云湖桥镇", "湖南省湘潭市雨湖区姜畲镇", "王团镇")}
    index = towns_index(tmp_path / "corpus", towns, "{town}2024年法治政府建设情况报告\n{body}\n")
    result = index.search("湘潭那边怎么普法")
    assert result.query.regions == ("湘潭市",) and not result.query.counties
    assert {h.report.township for h in result.hits} == {"云湖桥镇", "姜畲镇"}
    assert index.search("湘潭县怎么普法").query.counties == ("湘潭县",)


@pytest.mark.parametrize("question", ["安稳和王团镇的普法怎么做的", "王团镇、安稳普法有啥不同"])
def test_a_short_name_listed_with_a_town_is_a_place(seed_index, question):
    """安稳 is an everyday word; beside 王团镇 in a list it is 安稳镇 (before, 王团镇
    alone was asked about: 23 of 150 random pairs over 141 reports, a sweep)."""
    result = seed_index.search(question, top_k=10)
    assert set(result.query.townships) == {"安稳镇", "王团镇"}
    assert {h.report.township for h in result.hits} == {"安稳镇", "王团镇"}


def test_no_word_holding_a_real_towns_short_name_names_it(real_index):
    """For each short name of the 55 reports' townships that is an everyday word, the four
    commonest longer words of jieba's dictionary holding it (水龙头, 百花园, 龙头企业), asked
    about three ways: none names a town."""
    pipeline = real_index.pipeline
    short = set()
    for report in real_index.corpus.reports:
        names = town_spellings(to_simplified(report.township or ""))
        short |= {s for s in names[1:] if pipeline.general_freq(s) and pipeline.is_everyday_word(s)}
    counts = dict(jieba_frequencies()[0].items())
    common = sorted((w for w, (n,) in counts.items() if len(w) >= 3 and n >= 20), key=counts.get)
    common.reverse()
    named = []
    for name in sorted(short):
        for word in [w for w in common if name in w and w not in real_index.places.towns][:4]:
            for question in (f"{word}方面怎么做", f"有没有镇搞过{word}", f"{word}的问题怎么处理"):
                if real_index.parse(question).townships:
                    named.append(question)
    assert len(short) >= 10 and not named


@pytest.mark.parametrize("polite", ["请问", "麻烦", "关于"])
def test_a_polite_opening_does_not_make_towns_a_framing(seed_index, polite):
    """请问乡镇接了一堆执法权… found nothing (without 请问, 17 passages here): 请问乡镇 was read
    as 有没有乡镇, "any town", and 乡镇, what the question is about, was dropped."""
    question = "乡镇接了一堆管不过来的执法权，有没有镇把用不上的退回给县里部门的？"
    plain, asked = seed_index.search(question), seed_index.search(polite + question)
    assert plain.hits and [h.passage.id for h in asked.hits] == [h.passage.id for h in plain.hits]


def test_a_long_name_by_its_first_and_last_characters_names_the_town(tmp_path):
    """广内街道 is 广安门内街道 (its report calls itself so; 广外, 建外 are named alike): it
    was no place, and over 141 reports other towns' 法律顾问 came first. 桐族乡 is no
    spelling of 桐木漯瑶族乡 (an ethnic township's short form is 桐木漯乡)."""
    index = _beside_wangtuan(tmp_path, "西城区广安门内街道")
    result = index.search("廣內街道的普法")
    assert result.query.townships == ("广安门内街道",)
    assert {h.report.township for h in result.hits} == {"广安门内街道"}
    assert "桐族乡" not in town_spellings("桐木漯瑶族乡")


def test_a_short_name_two_towns_have_names_both(tmp_path):
    """新华 is 新华乡's and 新华街道's short name: the question showed 新华乡 alone (the
    first in corpus order), as if 新华街道 had nothing to say."""
    body = "组织开展普法宣传进村活动12场,发放普法资料500份。"
    towns = {town: body for town in ("新华乡", "韶关市武江区新华街道", "王团镇")}
    index = towns_index(tmp_path / "corpus", towns, "{town}2024年法治政府建设情况报告\n{body}\n")
    result = index.search("新华的普法怎么做的")
    assert set(result.query.townships) == {"新华乡", "新华街道"}
    assert {h.report.township for h in result.hits} == {"新华乡", "新华街道"}
    assert index.search("新华乡的普法").query.townships == ("新华乡",)  # in full: that one


def test_a_name_inside_a_longer_name_is_not_named_too(tmp_path):
    """长寿县 (长寿区 as it was) holds 寿县, another county: both were filters, and 寿县's
    town answered a question about 长寿."""
    body = "组织开展普法宣传进村活动12场,发放普法资料500份。"
    towns = {town: body for town in ("重庆市长寿区长寿湖镇", "安徽省寿县寿春镇")}
    index = towns_index(tmp_path / "corpus", towns, "{town}2024年法治政府建设情况报告\n{body}\n")
    result = index.search("长寿县的普法怎么做的")
    assert result.query.counties == ("长寿区",)
    assert {h.report.township for h in result.hits} == {"长寿湖镇"}


@pytest.mark.parametrize(
    "question", ["保安的普法怎么做的", "那保安呢普法", "保安那边怎么普法", "保安镇普法"]
)
def test_a_short_name_in_a_place_like_phrase_is_a_filter(seed_index, question):
    result = seed_index.search(question)
    assert result.query.townships == ("保安镇",)
    assert result.hits and {h.report.township_simplified for h in result.hits} == {"保安镇"}


def test_a_short_name_inside_a_longer_word_is_no_place(tmp_path):
    """水龙头的…, 后花园的…: 龙头 and 花园 before 的 were 龙头镇 and 花园镇, though jieba
    cuts 水龙头 and 后花园 as words (17 of 141 dictionary words holding an everyday short
    name over 141 reports, a sweep)."""
    body = "调解水龙头漏水、后花园占用等邻里纠纷50件。"
    towns = {t: body for t in ("柳城县龙头镇", "洞口县花园镇", "王团镇")}
    index = towns_index(tmp_path / "corpus", towns, "{town}2024年法治政府建设情况报告\n{body}\n")
    for question in ("水龙头的漏水纠纷怎么调解", "后花园的纠纷怎么调解"):
        result = index.search(question)
        assert not result.query.townships and len({h.report.township for h in result.hits}) == 3
    assert index.search("龙头的纠纷调解怎么做").query.townships == ("龙头镇",)


def test_a_county_short_name_before_a_town_is_a_place_not_a_word(seed_index):
    """綦江 is a word jieba knows; before 安稳镇 it is 綦江区, not a content word that no
    passage of 安稳镇's holds (it cut the answers from 3 to 1 before stop 21)."""
    named, plain = seed_index.search("綦江安稳镇普法"), seed_index.search("安稳镇普法")
    assert named.query.counties == ("綦江区",) and "綦江" not in named.query.terms
    assert [h.passage.id for h in named.hits] == [h.passage.id for h in plain.hits]


@pytest.mark.parametrize("named", ["綦江普法", "巫溪普法"])
def test_a_short_name_jieba_knows_only_as_a_name_is_a_place_anywhere(seed_index, named):
    """綦江 and 巫溪 are in jieba's dictionary, but only as rare place or personal names
    (data/calibration/proper_names.tsv): 綦江普法 asks 綦江区's 普法. 綦江 was a content
    word, and the one passage naming it (on 政务公开) was the only answer."""
    county = {"綦江": "綦江区", "巫溪": "巫溪县"}[named[:2]]
    result, full = seed_index.search(named), seed_index.search(f"{county}普法")
    assert result.query.counties == (county,) and named[:2] not in result.query.terms
    assert [h.passage.id for h in result.hits] == [h.passage.id for h in full.hits]
    assert result.hits and all("普法" in h.matched for h in result.hits if not h.near)


def test_a_name_jieba_knows_is_a_place_only_where_jieba_cuts_it_as_a_word(tmp_path):
    """西兴 (jieba: a rare place name) names 西兴街道 in 西兴普法, but not inside 江西兴国,
    which jieba cuts 江西 | 兴国: it had become a filter and left 江 国县 as the question."""
    index = _beside_wangtuan(tmp_path, "西兴街道")
    assert index.parse("西兴普法").townships == ("西兴街道",)
    assert index.parse("江西兴国县的普法").townships == ()


@pytest.mark.parametrize(
    "question", ["以前镇里发的文件过期了怎么处理", "让群众进机关参观、当面听街道汇报工作"]
)
def test_phrases_ending_in_town_words_are_not_unknown_towns(seed_index, question):
    assert not seed_index.parse(question).unknown_places


@pytest.mark.parametrize("asking", ["了解下", "问下", "对比下", "参考一下"])
def test_a_verb_ending_in_xia_before_each_town_is_no_unknown_town(seed_index, asking):
    """了解下各镇的普法 found nothing: 下各镇 is a real township no report is from (13 of
    903 ways to open a question before 各镇…, a sweep); a town no report has still is."""
    result = seed_index.search(f"{asking}各镇的普法怎么做的")
    assert not result.query.unknown_places and result.hits
    assert seed_index.parse(f"{asking}城关镇的普法").unknown_places == ("城关镇",)


def test_two_towns_named_both_answer_on_the_first_page(seed_index):
    """峰灵镇和王团镇的普法对比 showed 峰灵镇 four times in five: with one town named the
    spread across towns is off (all its report says), with two it is not."""
    result = seed_index.search("峰灵镇和王团镇的普法对比")
    assert set(result.query.townships) == {"峰灵镇", "王团镇"}
    towns = [h.report.township for h in result.hits]
    assert set(towns[:2]) == {"峰灵镇", "王团镇"} and towns.count("峰灵镇") <= 3
    one = seed_index.search("峰灵镇的普法")
    assert len(one.hits) == 5 and {h.report.township for h in one.hits} == {"峰灵镇"}


@pytest.mark.parametrize(
    "question",
    ["峰灵镇和王团镇的普法对比", "峰灵镇和王团镇普法有什么区别", "峰灵镇、王团镇普法有啥不同"],
)
def test_asking_to_compare_towns_is_asking_about_both(seed_index, question):
    """Comparing is how a question is framed, not what it is about: 对比 and its related
    words (差距, 明显), in few passages, made every 普法 passage 可能相关."""
    result = seed_index.search(question)
    plain = seed_index.search("峰灵镇和王团镇的普法")
    assert result.query.terms == plain.query.terms and not result.tentative
    assert [h.passage.id for h in result.hits] == [h.passage.id for h in plain.hits]


@pytest.mark.parametrize(
    "question",
    ["除了峰灵镇，别的镇怎么搞普法", "不要峰灵镇的，其他镇的普法", "峰灵镇以外的镇怎么做普法"],
)
def test_a_town_left_out_is_not_the_town_asked_about(seed_index, question):
    """Staff of 峰灵镇 ask what towns other than theirs do: 除了峰灵镇 showed 峰灵镇 alone
    (不要峰灵镇 found nothing: 不要 was a content word)."""
    result = seed_index.search(question, top_k=20)
    assert result.query.excluded == ("峰灵镇",) and not result.query.townships
    towns = {h.report.township for h in result.hits}
    assert len(towns) >= 3 and "峰灵镇" not in towns


@pytest.mark.parametrize(
    "question",
    ["除了安稳，别的镇怎么搞普法", "除了我们安稳，其他镇普法咋弄的", "安稳以外的镇怎么做普法"],
)
def test_a_short_name_left_out_is_a_place(seed_index, question):
    """安稳 is an everyday word, so a place only in a place-like phrase; 除了安稳， was none,
    and the answer began with 安稳镇 (38 of 264 short names over 141 reports, a sweep)."""
    result = seed_index.search(question, top_k=20)
    assert result.query.excluded == ("安稳镇",)
    assert "安稳镇" not in {h.report.township for h in result.hits}
    assert not seed_index.parse("除了安稳有序推进，普法怎么搞").excluded  # no name there


@pytest.mark.parametrize("question", ["除了湖北，别的省的镇怎么搞普法", "不要湖北的，其他镇的普法"])
def test_a_province_left_out_is_not_the_province_asked_about(seed_index, question):
    """不要湖北的 found nothing: 不要 stayed a word of the question (a town or county left
    out drops it; a province did not)."""
    result = seed_index.search(question, top_k=20)
    assert result.query.excluded == ("湖北省",) and not result.query.regions
    provinces = {h.report.province for h in result.hits}
    assert "湖北省" not in provinces and len(provinces) >= 3


def test_places_left_out_stay_out_after_a_follow_up(seed_index):
    asked = seed_index.parse("除了峰灵镇、王团镇，别的镇普法")
    assert set(asked.excluded) == {"峰灵镇", "王团镇"}
    question = follow_up(asked, seed_index.parse("2023年的呢"))
    assert question is not None and set(seed_index.parse(question).excluded) == set(asked.excluded)
    assert seed_index.parse("不要钱的法律服务峰灵镇有吗").townships == ("峰灵镇",)
    only_there = seed_index.parse("除了峰灵镇，别的镇有首违不罚吗")  # only 峰灵镇's report has it
    assert not seed_index.search(only_there).hits
    assert seed_index.found_elsewhere(only_there).towns == ("峰灵镇",)


def test_county_short_name_filters(seed_index):
    result = seed_index.search("大冶那边怎么开展宪法宣传")
    assert result.query.counties == ("大冶市",)
    assert result.hits and {h.report.township_simplified for h in result.hits} == {"保安镇"}


@pytest.mark.parametrize("towns_of", ["各镇", "下面的镇", "所有乡镇", "哪些镇", "那几个镇"])
def test_a_county_short_name_before_its_towns_filters(seed_index, towns_of):
    """大冶 is an everyday word (a place only where the phrase is place-like): 大冶各镇,
    大冶下面的镇… named no county (55 of 203 county spellings over 141 reports each way,
    a sweep), and 高平各镇 found nothing."""
    result = seed_index.search(f"大冶{towns_of}怎么开展宪法宣传")
    assert result.query.counties == ("大冶市",)
    assert result.hits and {h.report.township_simplified for h in result.hits} == {"保安镇"}
    same = seed_index.search("大冶市的乡镇怎么开展宪法宣传")  # 下面, 所有 are no topic
    assert [h.passage.id for h in result.hits] == [h.passage.id for h in same.hits]


@pytest.mark.parametrize("question", ["长寿各镇的普法", "长寿的乡镇普法", "长寿区各镇普法"])
def test_a_short_name_of_a_town_and_a_county_before_towns_is_the_county(tmp_path, question):
    """长寿 is 长寿镇's short name and 长寿区's: before 各镇 or 的乡镇 it is the county (a town
    has no towns), and 长寿区 is never 长寿镇 and a stray 区."""
    body = "组织开展普法宣传进村活动12场,发放普法资料500份。"
    towns = {t: body for t in ("重庆市长寿区长寿湖镇", "平江县长寿镇", "王团镇")}
    index = towns_index(tmp_path / "corpus", towns, "{town}2024年法治政府建设情况报告\n{body}\n")
    result = index.search(question)
    assert result.query.counties == ("长寿区",) and not result.query.townships
    assert {h.report.township for h in result.hits} == {"长寿湖镇"}
    assert index.search("长寿的普法").query.townships == ("长寿镇",)


@pytest.mark.parametrize(
    ("question", "county", "town"),
    [("綦江县的镇怎么搞普法", "綦江区", "安稳镇"), ("大冶县普法", "大冶市", "保安镇")],
)
def test_a_district_or_city_is_named_by_the_county_it_was(seed_index, question, county, town):
    """綦江区 was 綦江县 until 2011, and staff still say so: 綦江县 was a word no report
    uses (jieba knows it whole, so 綦江 in it was no place) and every town answered."""
    result = seed_index.search(question)
    assert result.query.counties == (county,)
    assert result.hits and {h.report.township_simplified for h in result.hits} == {town}


def test_follow_up_changes_town_and_keeps_topic(seed_index):
    first = seed_index.parse("驻村律师是怎么选派的")
    question = follow_up(first, seed_index.parse("那峰灵镇呢？"))
    result = seed_index.search(question)
    assert result.hits
    assert {h.report.township_simplified for h in result.hits} == {"峰灵镇"}
    assert "法律顾问" in result.hits[0].passage.text


def test_a_year_a_report_plans_for_is_answered_with_its_own_year(seed_index):
    """潭湾镇's report covers 2024 and has a 2025 plan; asking about 2025 finds the plan."""
    result = seed_index.search("潭湾镇2025年法治建设有什么打算")
    assert result.hits
    hit = result.hits[0]
    assert hit.report.year == 2024
    assert "2025" in hit.passage.section


def test_a_plan_naming_no_year_answers_for_the_year_after_its_report(seed_index):
    """峰灵镇's 2025 report ends with 六、下一步工作打算, its plan for 2026: 2026年峰灵镇的普法
    and 2026年各镇有什么打算 found nothing (no report covers 2026). They find that plan,
    cited with the report's own year, and nothing else of the report; 2027 finds nothing."""
    for question in ("2026年峰灵镇的普法", "2026年各镇有什么打算"):
        hits = seed_index.search(question).hits
        assert hits, question
        for hit in hits:
            assert (hit.report.township_simplified, hit.report.year) == ("峰灵镇", 2025)
            assert hit.passage.section.startswith("六、下一步工作打算")
    assert not seed_index.search("2027年峰灵镇的普法").hits


@pytest.mark.parametrize("question", ["安稳镇有什么计划", "2022年安稳镇有什么计划", "安稳镇的打算"])
def test_a_question_of_plan_words_alone_asks_for_the_plan(seed_index, question):
    """安稳镇有什么计划 showed passages saying 学法计划 first; 2022年安稳镇有什么计划 found
    nothing, though 安稳镇's 2021 report ends with its plan for 2022 (四、2022年及…工作思路
    目标举措): 计划 alone is not the word the plan is headed by. Asked with no other topic,
    计划, 打算 and the like ask for the plan, found by its names (工作打算…)."""
    hits = seed_index.search(question).hits
    assert hits
    assert "工作思路目标举措" in hits[0].passage.section
    assert all(hit.report.township_simplified == "安稳镇" for hit in hits)


def _a_plan(hit) -> bool:
    """Whether a hit lies in its report's plan: a top heading such as 六、下一步工作打算, or
    a heading naming the year after the report's (安稳镇 2021: 四、2022年及…工作思路)."""
    section = to_simplified(hit.passage.section)
    return "下一步工作打算" in section or str(hit.report.year + 1) in section.split(" › ")[0]


@pytest.mark.parametrize(
    ("question", "towns"),
    [
        ("各镇明年有什么计划", {"峰灵镇", "安稳镇", "潭湾镇", "保安镇"}),
        ("来年各镇的工作安排", {"峰灵镇", "安稳镇", "潭湾镇", "保安镇"}),
        ("峰灵镇明年普法有什么打算", {"峰灵镇"}),
        ("下一年度执法方面有什么打算", None),
    ],
)
def test_next_year_is_each_reports_plan_for_the_year_after(seed_index, question, towns):
    """明年 was a content word no passage holds: 各镇明年有什么计划 found nothing, 峰灵镇
    明年普法有什么打算 any 普法 passage of 峰灵镇's. No report is written in the year staff
    call 明年, so it is read as each report's next year: only the plans reports end with,
    cited with their own year; a question of nothing but 计划/打算 finds the plans."""
    hits = seed_index.search(question, top_k=20).hits
    assert hits
    assert all(_a_plan(hit) for hit in hits), [h.passage.section for h in hits]
    if towns is not None:
        assert {hit.report.township_simplified for hit in hits} == towns
    assert not seed_index.search("明年春节放几天假").hits  # not a topic of any plan


@pytest.mark.parametrize(
    ("question", "ahead"),
    [
        ("明年初各镇打算怎么普法", True),
        ("下一年度普法", True),
        ("请说明年度普法计划", False),  # 说明 | 年度
        ("原来年底考核普法", False),
        ("将来年轻干部普法", False),
    ],
)
def test_next_year_is_read_as_words_not_characters(seed_index, question, ahead):
    """明年 and 来年 were found as characters: 说明年度 and 原来年底 asked for next year's
    plans. Only where jieba's words begin (明年初 begins with 明年)."""
    query = seed_index.parse(question)
    assert query.ahead is ahead
    assert "普法" in {g[-1][0] for g in query.groups}


def test_next_year_follows_up_a_question(seed_index):
    """明年呢 after 峰灵镇普法 asks for 峰灵镇's plans for 普法; a town named after a
    question about 明年 keeps it."""
    asked = seed_index.parse("峰灵镇普法")
    reply = seed_index.parse(follow_up(asked, seed_index.parse("明年呢")))
    assert reply.ahead and reply.townships == ("峰灵镇",)
    assert {g[-1][0] for g in reply.groups} == {g[-1][0] for g in asked.groups}
    other = seed_index.parse(follow_up(reply, seed_index.parse("那安稳镇呢")))
    assert other.ahead and other.townships == ("安稳镇",)
    assert follow_up(asked, seed_index.parse("明年的执法证")) is None  # a question of its own


@pytest.mark.parametrize(
    ("question", "town", "heading"),
    [
        ("2025年潭湾镇工作打算", "潭湾镇", "2025年法治政府建设工作规划"),
        ("峰灵镇的工作规划", "峰灵镇", "下一步工作打算"),
        ("安稳镇的工作计划", "安稳镇", "工作思路目标举措"),
    ],
)
def test_a_plan_is_found_by_any_of_the_names_reports_give_it(seed_index, question, town, heading):
    """Reports head their plan 工作打算, 工作规划, 工作计划, 工作思路 or (the template's)
    主要安排; staff ask by any of them (data/synonyms.txt). 2025年潭湾镇工作打算 found nothing:
    潭湾镇's plan is its 2025年…工作规划; 峰灵镇的工作规划 showed three passages naming other
    plans (“八五”普法规划, 年度工作计划), none of its 下一步工作打算."""
    page = seed_index.search(question).hits[:3]  # the first page a user sees
    assert page, question
    assert {hit.report.township_simplified for hit in page} == {town}
    assert any(heading in to_simplified(hit.passage.section) for hit in page)


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("2022到2024年的普法", (2022, 2023, 2024)),
        ("2022-2024年普法", (2022, 2023, 2024)),
        ("2023年以来的普法", (2023, 2024, 2025)),  # the seeds' latest report is 2025's
        ("2022年以前的普法", (2021, 2022)),  # and their earliest 2021's
        ("2022年前的普法", (2021, 2022)),  # as staff shorten 以前: was 2022 alone
        ("2024年后，各镇普法", (2024, 2025)),
    ],
)
def test_a_span_of_years_is_every_year_in_it(seed_index, question, years):
    """2022到2024年 was 2022 and 2024 (保安镇's 2023 report left out); 2023年以来 was 2023
    alone, and 以来 a content word that brought in 首次, 累计, 期间; 2022年前 was 2022."""
    result = seed_index.search(question, top_k=20)
    assert result.query.years == years
    assert set(result.query.terms) == set(seed_index.parse("普法").terms)
    assert result.hits
    for hit in result.hits:  # a report of those years, or its plan for one (2022年工作打算)
        assert hit.report.year in years or any(str(y) in hit.passage.section for y in years)
    assert {h.report.year for h in result.hits} & set(years) == {
        h.report.year for h in seed_index.search("普法", top_k=50).hits
    } & set(years)  # every report of those years that has 普法


@pytest.mark.parametrize("when", ["近三年", "这两年", "过去五年", "近10年来", "前年", "大前年"])
def test_a_span_counted_back_from_now_is_not_the_topic(seed_index, when):
    """近三年的普法 found 2 passages of the 69 普法 finds: 近三年, a word no report uses,
    weighed against every passage. Like 去年, it names no year of the reports."""
    asked, plain = seed_index.search(f"{when}的普法"), seed_index.search("普法")
    assert not asked.query.years
    assert asked.total == plain.total > 0


@pytest.mark.parametrize("modal", ["必须", "应当", "务必", "能够"])
def test_a_modal_verb_is_not_the_topic(seed_index, modal):
    """有没有镇给领导干部列了一张必须懂的法律清单 ranked 峰灵镇's passage holding 干部 and
    必须 above 周溪乡's 领导干部应知应会…法律清单: 必须, rare in reports, outweighed 清单.
    Like 要, 需要, 应该 (stopwords), it says how, never what about."""
    asked, plain = seed_index.search(f"干部{modal}学法"), seed_index.search("干部学法")
    assert asked.query.terms == plain.query.terms
    assert asked.total == plain.total > 0


def test_weak_evidence_is_labelled(seed_index):
    """A town named with a question its report barely touches: possibly relevant only."""
    result = seed_index.search("峰灵镇的群众生活安稳吗")
    assert result.hits and result.tentative
    assert all(h.weak for h in result.hits)


def test_ablate_command_scores_each_variant(capsys):
    from retrieval.cli import main

    args = ["ablate", "--set", "cal", str(CALIBRATION), str(ROOT / "seeds"), "--json"]
    assert main(args) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["variant"] == "all ideas on"
    assert rows[0]["cal"]["off_topic"] == "30/30"
    assert rows[0]["cal"]["hit@5"] >= 0.8
    no_threshold = next(r for r in rows if r["variant"] == "no relevance threshold")
    assert no_threshold["cal"]["off_topic"] != "30/30"  # the threshold is what refuses them


def test_ablation_variants_switch_their_idea_off(seed_index):
    """The two rows added in stop 42 change what they name: without the Latin-letters
    rule AI weighs nothing and every 普法 passage counts as found; without 明年 read as
    the plans, the question ranks other passages first."""
    switch = variants(seed_index)
    assert seed_index.search("有没有镇用AI搞普法").total == 0
    with switch["words in Latin letters weigh nothing (AI)"]():
        assert seed_index.search("有没有镇用AI搞普法").total == seed_index.search("普法").total
    plans = [h.passage.text for h in seed_index.search("各镇明年普法怎么安排").hits]
    with switch["明年 a word like any other (not the plans)"]():
        assert [h.passage.text for h in seed_index.search("各镇明年普法怎么安排").hits] != plans


@pytest.mark.parametrize("question", ["八五普法", "七五普法"])
def test_a_dictionary_word_no_passage_holds_whole_is_answered_by_its_parts(seed_index, question):
    """八五普法 is one word of our dictionary; reports write “八五”普法. No passage and no
    everyday dictionary has it whole, so it weighed nothing, like a fragment, and the
    question found nothing; its parts now answer it (普法 is its head)."""
    result = seed_index.search(question)
    assert result.total == seed_index.search("普法").total > 0
    assert not result.tentative


def test_a_long_word_is_held_by_the_word_it_ends_in(seed_index):
    """一村一法律顾问 (our dictionary's) found the one passage that says it: jieba's search
    mode gives its parts only up to three characters (一村, 法律, 顾问, none its head), so
    the other 13 passages about 法律顾问 held none of it. 法律顾问 is its head."""
    result = seed_index.search("一村一法律顾问", top_k=20)
    assert result.total == seed_index.search("法律顾问").total > 1
    assert "一村一法律顾问" in result.hits[0].passage.text
    assert ("法律顾问", 4 / 7, True) in seed_index.parse("一村一法律顾问").groups[0]


@pytest.mark.parametrize("how_many", ["几场", "多少次", "几个", "几名"])
def test_asking_how_many_is_not_what_a_question_is_about(seed_index, how_many):
    """各镇普法一年搞几场 found nothing: 几场, a word no report uses, weighed against every
    passage. A count of events or things asks how many; a span of days (放几天假) is what
    a question is about, and off-topic ones stay refused (calibration)."""
    asked = seed_index.search(f"各镇普法一年搞{how_many}")
    assert asked.total == seed_index.search("普法").total > 0 and not asked.tentative


@pytest.mark.parametrize("count", ["八次", "二十多次", "十几场", "一百多人", "几十次"])
def test_a_count_the_asker_states_is_not_what_a_question_is_about(seed_index, count):
    """Stop 31: 街道干部学法一年集中学了八次左右的有吗 — reports write 学法8次, so 八次 was
    in no passage and weighed against every one. Counts that name things stay (四个亲自,
    三项制度), and so does a span of days (放几天假)."""
    asked = seed_index.search(f"镇里干部集中学法一年{count}")
    plain = seed_index.search("镇里干部集中学法")
    assert [h.passage.id for h in asked.hits] == [h.passage.id for h in plain.hits]
    assert asked.total == plain.total > 0
    assert "四个" in seed_index.parse("四个亲自怎么落实").terms
    assert seed_index.search("明年春节放几天假").hits == ()


@pytest.mark.parametrize("which", ["哪几个", "哪几种", "哪些方面"])
def test_asking_which_is_not_what_a_question_is_about(seed_index, which):
    """哪几个, 哪几种, 哪些方面 are words to jieba that it does not tag as pronouns (哪个, 哪些
    are) and no report uses: they weighed against every passage like a topic word the
    reports lack. 哪 asks which, whatever follows it."""
    asked = seed_index.search(f"普法是{which}部门搞的")
    plain = seed_index.search("普法部门")
    assert [h.passage.id for h in asked.hits] == [h.passage.id for h in plain.hits]
    assert asked.total == plain.total > 0 and not asked.tentative


def test_a_degree_adverb_is_not_what_a_question_is_about(seed_index):
    """Reports write 特别是 (above all): 今年冬天会不会特别冷 was answered through 特别."""
    assert seed_index.search("今年冬天会不会特别冷").hits == ()


@pytest.mark.parametrize("question", ["2024年前三季度的普法", "2024年后续普法怎么搞"])
def test_a_year_with_more_after_it_is_that_year(seed_index, question):
    """年前, 年后 shorten 以前, 以后 only where nothing follows them: 2024年前三季度 is 2024."""
    assert seed_index.parse(question).years == (2024,)
