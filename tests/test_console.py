"""The console gives the same answers as the bot, logged to the same query log."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from bot.console import FIRST_PAGE, LAST_PAGE, MORE_PAGES, NOTHING_TO_PAGE, PROMPT, run_console
from bot.settings import Settings

from .conftest import SEEDS


async def _console(tmp_path: Path, asked: list[str]) -> str:
    """What the console prints for these lines, then /quit, over the seeds (the query log
    at tmp_path/q.sqlite3)."""
    settings = Settings.from_env(
        {
            "CORPUS_DIR": str(SEEDS),
            "QUERY_LOG_PATH": str(tmp_path / "q.sqlite3"),
            "INDEX_CACHE_DIR": str(tmp_path / "cache"),
        },
        need_token=False,
    )
    stdout = io.StringIO()
    await run_console(settings, io.StringIO("\n".join([*asked, "/quit", ""])), stdout)
    return stdout.getvalue()


async def test_console_session(tmp_path):
    asked = [
        "首违不罚 轻微免罚清单",
        "那王团镇呢？",
        "今天天气怎么样",
        "普法节目放到村里春晚上演",
        "王团镇2024年干了啥",  # a new question: the topic before found nothing anywhere
        "王团镇的执法记录仪",  # none in 王团镇's report: where else there is
    ]
    out = await _console(tmp_path, [*asked, "/towns"])
    assert "已加载 5 份报告" in out
    assert "*峰灵镇* · 巫溪县 · 2025年报告" in out and "*首违不罚*" in out
    assert "没有找到与“今天天气怎么样”相关的内容" in out
    assert "请说说想了解王团镇2024年哪方面的做法" in out and "王团镇 2024年 普法" not in out
    assert "只问问题里的关键词能找到：“普法”（42 段）" in out  # words that would find
    assert "不限乡镇能找到 1 段（潭湾镇），去掉镇名再问一次即可。" in out
    assert "共有 5 份报告" in out
    db = sqlite3.connect(tmp_path / "q.sqlite3")
    logged = db.execute("SELECT question, effective, chat_type FROM questions").fetchall()
    assert [q for q, _, _ in logged] == asked
    assert logged[1][1].startswith("王团镇 ") and "首违不罚" in logged[1][1]
    assert logged[4][1] == "王团镇2024年干了啥"
    assert {t for _, _, t in logged} == {"console"}


async def test_a_topic_in_reply_to_a_town_alone_is_asked_there(tmp_path):
    """2021年峰灵镇 alone is asked what about, with examples that find passages in the
    town's one report (2025), and the topic given in reply is searched there: 普法 was
    searched in every report."""
    out = await _console(tmp_path, ["2021年峰灵镇", "普法"])
    assert "语料中峰灵镇只有 2025年的报告。\n请说说想了解峰灵镇哪方面的做法，例如“峰灵镇普法”" in (
        out
    )
    assert "峰灵镇，找到 9 段相关内容" in out
    db = sqlite3.connect(tmp_path / "q.sqlite3")
    logged = db.execute("SELECT question, effective FROM questions").fetchall()
    assert logged == [("2021年峰灵镇", "2021年峰灵镇"), ("普法", "峰灵镇 普法")]


async def test_the_console_turns_pages_when_asked(tmp_path):
    """The console showed 第 1/14 页 with no way to see the second page (Telegram has
    buttons): 下一页 was searched as a question. It turns the last answer's pages."""
    asked = ["普法", "下一页", "上一頁", "上一页", "首违不罚", "更多", "谢谢", "还有吗"]
    out = await _console(tmp_path, asked)
    replies = out.split(PROMPT)[1:-1]
    assert "（第 1/14 页）" in replies[0] and replies[0].rstrip().endswith(MORE_PAGES)
    assert "（第 2/14 页）" in replies[1] and "4. " in replies[1]
    assert "（第 1/14 页）" in replies[2]  # in the answer's script, as its buttons turn it
    assert replies[3].strip() == FIRST_PAGE
    assert "首违不罚" in replies[4] and MORE_PAGES not in replies[4]  # one page
    assert replies[5].strip() == LAST_PAGE
    assert replies[7].strip() == NOTHING_TO_PAGE  # 谢谢 has no pages
    db = sqlite3.connect(tmp_path / "q.sqlite3")
    logged = [q for (q,) in db.execute("SELECT question FROM questions")]
    assert logged == ["普法", "首违不罚", "谢谢"]  # turning a page asks nothing new


async def test_places_left_out_in_a_listing_and_in_a_follow_up(tmp_path):
    """除了湖北，有哪些镇的报告 listed four reports under 语料中共有 (as if that were all);
    a reply to 除了峰灵镇…首违不罚, which only 峰灵镇 has, was taken for a new question."""
    asked = ["除了湖北，有哪些镇的报告", "除了峰灵镇，别的镇怎么搞首违不罚", "那峰灵镇呢"]
    out = await _console(tmp_path, asked)
    assert "除湖北省外共有 4 份报告" in out and "*保安镇*" not in out
    assert "不限乡镇能找到 1 段（峰灵镇）" in out
    assert "*首违不罚*" in out  # the reply asked about 峰灵镇's
    db = sqlite3.connect(tmp_path / "q.sqlite3")
    effective = [e for (e,) in db.execute("SELECT effective FROM questions")]
    assert effective[2].startswith("峰灵镇 ") and "首违不罚" in effective[2]


async def test_listings_keep_to_the_kind_of_township_asked_for(tmp_path):
    """一共几个街道 listed all five seeds (every one a 镇); 大冶市有几个镇 after a question
    was taken for a follow-up and searched 大冶市 for that question's topic. (镇 is not a
    kind a listing keeps to: staff say it of any township.)"""
    asked = ["峰灵镇法律明白人", "大冶市有几个镇", "一共几个街道"]
    out = await _console(tmp_path, asked)
    assert "大冶市共有 1 份报告：" in out and "*保安镇* · 大冶市 · 2023年" in out
    assert "语料中没有街道的报告。" in out and "共有 5 份报告" not in out
    db = sqlite3.connect(tmp_path / "q.sqlite3")
    effective = [e for (e,) in db.execute("SELECT effective FROM questions")]
    assert effective[1:] == asked[1:]


async def test_a_misspelt_town_is_answered_with_the_town_it_may_mean(tmp_path):
    """峰岭镇 is one character off the seeds' 峰灵镇: the reply says the corpus has no
    such town and asks whether 峰灵镇 was meant; replying with the town asks there."""
    out = await _console(tmp_path, ["峰岭镇的普法", "峰灵镇"])
    assert "语料中没有峰岭镇的报告。\n是不是要问峰灵镇？" in out
    assert "峰灵镇，找到" in out and "*普法*" in out


async def test_next_year_is_said_to_be_each_reports_plan(tmp_path):
    """明年 is read as the year after each report (its plan): the answer says so, a reply
    明年呢 asks for the plans on the topic, and a town with no plan is told what its report
    says of the topic without 明年."""
    asked = ["各镇明年有什么计划", "峰灵镇普法", "明年呢", "王团镇明年的普法"]
    out = await _console(tmp_path, [*asked, "/help"])
    assert "问“明年”看的是各报告写给下一年的打算" in out
    assert "下一年的打算，找到 " in out and "2025年报告\n六、下一步工作打算" in out
    assert "峰灵镇下一年的打算，找到 3 段相关内容" in out
    assert "不限下一年的打算能找到 6 段（王团镇），去掉“明年”再问一次即可。" in out
