"""The real Application against a fake Bot API on 127.0.0.1: what users see in Telegram."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.app import build_application, running
from bot.render import PAGE_BY_BUTTONS
from bot.settings import Settings
from retrieval.refresh import REFRESH_BYTES

from .conftest import SEEDS
from .fake_bot_api import BOT_USERNAME, FakeBotAPI

TOKEN = "123456:TESTtoken-abcdefghijklmnop"
ADMIN, STAFF = 1, 2
GROUP = -100123


@pytest.fixture
def fake():
    api = FakeBotAPI().start()
    yield api
    api.stop()


@pytest.fixture
def settings(tmp_path: Path, fake: FakeBotAPI) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    return Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": fake.base_url,
            "ADMIN_USER_IDS": str(ADMIN),
            "CORPUS_DIR": str(corpus),
            "QUERY_LOG_PATH": str(tmp_path / "log" / "queries.sqlite3"),
            "QUESTIONS_PER_MINUTE": "50",
            "INDEX_CACHE_DIR": str(tmp_path / "cache"),
        }
    )


@pytest.fixture
async def bot(settings: Settings):
    async with running(build_application(settings), poll_timeout=1) as app:
        yield app


def rows(settings: Settings, sql: str) -> list[sqlite3.Row]:
    db = sqlite3.connect(settings.query_log_path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def buttons(params: dict) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def button(params: dict, label: str) -> str:
    """The callback data behind the button showing `label` (下一页, 上一页, 有用, 没用)."""
    markup = params.get("reply_markup") or {}
    (data,) = [
        b["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for b in row
        if label in b["text"]
    ]
    return data


async def test_private_question_gets_cited_passages(bot, fake, settings):
    fake.send_text("执法记录仪配备情况", chat_id=ADMIN, user_id=ADMIN)
    (reply,) = await fake.wait_for()
    assert reply["parse_mode"] == "HTML"
    text = reply["text"]
    assert "<b>潭湾镇</b> · 辰溪县 · 2024年报告" in text  # Simplified question, Simplified answer
    assert "<b>执法记录仪</b>" in text
    assert "健全法治建设保障机制" in text  # the heading path
    assert len(text) <= 4096
    assert [d[:2] for d in buttons(reply)] == ["pg", "fb", "fb"]  # 下一页, 👍, 👎
    commands = fake.sent("setMyCommands")[0]["commands"]
    assert {c["command"] for c in commands} >= {"ask", "towns", "help", "reload", "stats"}


async def test_a_question_in_everyday_words_shows_the_reports_word_in_bold(bot, fake):
    """押韵的小段子 is what 峰灵镇's report calls 顺口溜: the answer bolds the report's word,
    so the reader sees what matched."""
    question = "村里用广播放押韵的小段子宣传法律，有这么搞的镇吗？"
    fake.send_text(question, chat_id=ADMIN, user_id=ADMIN)
    (reply,) = await fake.wait_for()
    assert "<b>峰灵镇</b>" in reply["text"] and "<b>顺口溜</b>" in reply["text"]


async def test_group_ask_with_bot_name_and_empty_ask(bot, fake):
    fake.send_text(f"/ask@{BOT_USERNAME} 首违不罚 轻微免罚清单", chat_id=GROUP, user_id=STAFF)
    (answer,) = await fake.wait_for()
    assert "峰灵镇" in answer["text"] and "<b>首违不罚</b>" in answer["text"]
    fake.send_text("/ask", chat_id=GROUP, user_id=STAFF)
    usage = (await fake.wait_for(count=2))[1]
    assert usage["text"].startswith("用法：/ask")


async def test_group_chatter_is_ignored_but_mentions_answered(bot, fake):
    chatter = fake.send_text("中午食堂吃什么？法律顾问下午来吗", chat_id=GROUP, user_id=STAFF)
    mention = fake.send_text(f"@{BOT_USERNAME} 驻村律师是怎么选派的", chat_id=GROUP, user_id=STAFF)
    (answer,) = await fake.wait_for()
    assert answer["reply_parameters"]["message_id"] == mention["message_id"]
    assert "安稳镇" in answer["text"]
    fake.send_text("/help", chat_id=GROUP, user_id=STAFF)
    await fake.wait_for(count=2)
    replies_to = [p.get("reply_parameters", {}).get("message_id") for p in fake.sent()]
    assert chatter["message_id"] not in replies_to
    assert len(fake.sent()) == 2


async def test_reply_to_bot_keeps_topic_with_new_town(bot, fake):
    fake.send_text("/ask 王团镇2024年行政处罚案件数量", chat_id=GROUP, user_id=STAFF)
    (first,) = await fake.wait_for()
    assert "王团镇" in first["text"] and "49宗" in first["text"]
    fake.send_text("那峰灵镇呢？", chat_id=GROUP, user_id=STAFF, reply_to=fake.reply_target(first))
    follow = (await fake.wait_for(count=2))[1]
    assert "峰灵镇" in follow["text"] and "王团镇" not in follow["text"]
    assert "<b>案件</b>" in follow["text"] and "处罚" in follow["text"]  # the earlier topic


async def test_a_topic_in_reply_to_the_question_about_a_town_is_asked_there(bot, fake):
    """In a group: /ask 王团镇 is asked what about it, with examples; 普法 in reply to that
    is 王团镇's (it was every report's, 峰灵镇's first)."""
    fake.send_text("/ask 王团镇", chat_id=GROUP, user_id=STAFF)
    (prompt,) = await fake.wait_for()
    assert prompt["text"].startswith("请说说想了解王团镇哪方面的做法，例如“王团镇普法”")
    fake.send_text("普法", chat_id=GROUP, user_id=STAFF, reply_to=fake.reply_target(prompt))
    answer = (await fake.wait_for(count=2))[1]
    assert answer["text"].startswith("王团镇，找到") and "峰灵镇" not in answer["text"]


async def test_in_private_the_next_message_follows_up_without_a_reply(bot, fake):
    """A private chat is one conversation, as the console is: 那峰灵镇呢 typed after an
    answer, not as a reply to it, was asked what about 峰灵镇. In a group it still takes a
    reply: the bot cannot tell whose question a message follows."""
    fake.send_text("王团镇2024年行政处罚案件数量", chat_id=STAFF, user_id=STAFF)
    await fake.wait_for()
    fake.send_text("那峰灵镇呢？", chat_id=STAFF, user_id=STAFF)
    follow = (await fake.wait_for(count=2))[1]
    assert "峰灵镇" in follow["text"] and "<b>案件</b>" in follow["text"]
    fake.send_text("/ask 王团镇2024年行政处罚案件数量", chat_id=GROUP, user_id=STAFF)
    await fake.wait_for(count=3)
    fake.send_text(f"@{BOT_USERNAME} 那峰灵镇呢？", chat_id=GROUP, user_id=STAFF)
    in_group = (await fake.wait_for(count=4))[3]
    assert in_group["text"].startswith("请说说想了解峰灵镇哪方面的做法")


async def test_traditional_question_gets_traditional_answer(bot, fake):
    fake.send_text("/ask 驻村律師是怎麼選派的", chat_id=GROUP, user_id=STAFF)
    (answer,) = await fake.wait_for()
    text = answer["text"]
    assert "相關內容" in text and "綦江區" in text and "律師" in text
    assert "相关内容" not in text


async def test_next_page_and_feedback_buttons(bot, fake, settings):
    fake.send_text("法治宣传", chat_id=ADMIN, user_id=ADMIN)
    (answer,) = await fake.wait_for()
    assert "（第 1/" in answer["text"]
    message = fake.reply_target(answer)
    fake.press(message, button(answer, "下一页"), user_id=ADMIN)
    (edited,) = await fake.wait_for("editMessageText")
    assert "（第 2/" in edited["text"] and edited["text"].count("<blockquote>") == 3
    assert button(edited, "上一页") and button(edited, "下一页")
    assert "4. " in edited["text"]  # numbering continues across pages
    fake.press(message, button(answer, "有用"), user_id=ADMIN)
    fake.press(message, button(answer, "没用"), user_id=STAFF)
    await fake.wait_for("answerCallbackQuery", count=3)
    votes = rows(settings, "SELECT user_id, value FROM votes ORDER BY user_id")
    assert [tuple(v) for v in votes] == [(ADMIN, 1), (STAFF, -1)]
    events = rows(settings, "SELECT kind, value FROM events ORDER BY id")
    assert [tuple(e) for e in events] == [("page", 1), ("vote", 1), ("vote", -1)]


async def test_typing_next_page_points_to_the_buttons(bot, fake, settings):
    """下一页 typed in reply to an answer was searched as a question (没有找到与“下一页”相关
    的内容); it is told how pages turn, in the script it was typed in, and logs nothing."""
    fake.send_text("法治宣传", chat_id=GROUP, user_id=STAFF)  # group chatter: quiet
    fake.send_text("/ask 法治宣传", chat_id=GROUP, user_id=STAFF)
    (answer,) = await fake.wait_for()
    fake.send_text("下一页", chat_id=GROUP, user_id=STAFF, reply_to=fake.reply_target(answer))
    fake.send_text("更多？", chat_id=STAFF, user_id=STAFF)
    fake.send_text("下一頁", chat_id=STAFF, user_id=STAFF)
    replies = sorted(r["text"] for r in (await fake.wait_for(count=4))[1:])
    traditional = "請點回答下面的“下一頁 ▶”“◀ 上一頁”按鈕翻頁。"
    assert replies == sorted([PAGE_BY_BUTTONS, PAGE_BY_BUTTONS, traditional])
    for _ in range(200):  # rows are written after the replies are sent
        logged = rows(settings, "SELECT question, answer_message_id FROM questions")
        if logged and all(r["answer_message_id"] for r in logged):
            break
        await asyncio.sleep(0.02)
    assert [r["question"] for r in logged] == ["法治宣传"]


async def test_admin_reload_adds_a_report(bot, fake, settings):
    text = (SEEDS / "002_1113006dcd718aa6.txt").read_text("utf-8").replace("王团镇", "韦州镇")
    (settings.corpus_dir / "005_weizhou.txt").write_text(text, "utf-8")
    fake.send_text("/reload", chat_id=ADMIN, user_id=ADMIN)
    done = (await fake.wait_for(count=2))[1]
    assert "重新加载完成" in done["text"]
    assert "新增 1 份：005_weizhou.txt（韦州镇）" in done["text"]
    assert "6 份报告" in done["text"]
    fake.send_text("韦州镇一村一法律顾问", chat_id=ADMIN, user_id=ADMIN)
    answer = (await fake.wait_for(count=3))[2]
    assert "<b>韦州镇</b> · 同心县 · 2024年报告" in answer["text"]


async def test_non_admin_reload_refused_and_nothing_changes(bot, fake, settings):
    shutil.copy(settings.corpus_dir / "000_f9cc09109dbea409.txt", settings.corpus_dir / "x.txt")
    (settings.corpus_dir / "002_1113006dcd718aa6.txt").unlink()
    fake.send_text("/reload", chat_id=GROUP, user_id=STAFF)
    (refusal,) = await fake.wait_for()
    assert refusal["text"] == "抱歉，这个命令只有管理员可以使用。"
    fake.send_text("/ask 王团镇行政处罚", chat_id=GROUP, user_id=STAFF)
    answer = (await fake.wait_for(count=2))[1]
    assert "王团镇" in answer["text"]  # still the old index
    fake.send_text("/stats", chat_id=GROUP, user_id=STAFF)
    assert (await fake.wait_for(count=3))[2]["text"] == refusal["text"]


async def test_reload_with_broken_files_names_them_and_serves_the_rest(bot, fake, settings):
    (settings.corpus_dir / "empty.txt").write_bytes(b"")
    (settings.corpus_dir / "scan.txt").write_bytes(bytes(range(256)) * 8)
    (settings.corpus_dir / "003_f3bfa6d8f855b377.txt").write_text(
        (SEEDS / "003_f3bfa6d8f855b377.txt").read_text("utf-8") + "\n补充：新增流动普法车。",
        "utf-8",
    )
    fake.send_text("/reload", chat_id=ADMIN, user_id=ADMIN)
    done = (await fake.wait_for(count=2))[1]["text"]
    assert "跳过 2 个文件" in done
    assert "empty.txt：文件为空" in done and "scan.txt：二进制文件" in done
    assert "更新 1 份：003_f3bfa6d8f855b377.txt（峰灵镇）" in done
    fake.send_text("村规民约修订", chat_id=ADMIN, user_id=ADMIN)
    answer = (await fake.wait_for(count=3))[2]["text"]
    assert answer.startswith("找到")


async def test_failed_reload_keeps_old_index(bot, fake, settings):
    for path in settings.corpus_dir.iterdir():
        path.write_bytes(b"")
    fake.send_text("/reload", chat_id=ADMIN, user_id=ADMIN)
    failed = (await fake.wait_for(count=2))[1]["text"]
    assert failed.startswith("❌ 重新加载失败，仍在使用原有报告")
    assert "没有可读取的报告" in failed
    fake.send_text("首违不罚", chat_id=ADMIN, user_id=ADMIN)
    assert "峰灵镇" in (await fake.wait_for(count=3))[2]["text"]


async def test_asking_for_help_in_words_gets_the_help(bot, fake):
    """帮助 searched the reports for 帮助 ("没有找到"), and 有什么功能 answered with a
    passage on 政务服务功能; in a group, said to the bot, as in private."""
    fake.send_text("帮助", chat_id=STAFF, user_id=STAFF)
    fake.send_text(f"@{BOT_USERNAME} 怎麼用？", chat_id=GROUP, user_id=STAFF)
    fake.send_text("有什么功能", chat_id=STAFF, user_id=STAFF)
    answers = await fake.wait_for(count=3)  # in any order: updates run concurrently
    in_group = [a["text"] for a in answers if a["chat_id"] == GROUP]
    in_private = [a["text"] for a in answers if a["chat_id"] == STAFF]
    assert len(in_group) == 1 and "鄉鎮法治報告問答" in in_group[0]  # the script it was asked in
    assert len(in_private) == 2
    assert all("乡镇法治报告问答" in text and "/towns" in text for text in in_private)
    fake.send_text("帮助村里老人学法的做法", chat_id=STAFF, user_id=STAFF)  # a question
    fourth = (await fake.wait_for(count=4))[3]
    assert "乡镇法治报告问答" not in fourth["text"]


async def test_no_hits_says_so_and_lists_corpus(bot, fake):
    fake.send_text("明天会下雨吗", chat_id=STAFF, user_id=STAFF)
    (answer,) = await fake.wait_for()
    assert answer["text"].startswith("没有找到与“明天会下雨吗”相关的内容。")
    assert "峰灵镇（2025）" in answer["text"]
    assert buttons(answer) == []


async def test_query_log_rows(bot, fake, settings):
    fake.send_text("王团镇2024年行政处罚案件数量", chat_id=STAFF, user_id=STAFF)
    fake.send_text("hello", chat_id=STAFF, user_id=STAFF)
    sent = await fake.wait_for(count=2)
    # the answer's message id is written right after Telegram confirms the message
    for _ in range(200):
        logged = rows(settings, "SELECT * FROM questions ORDER BY id")
        if len(logged) == 2 and all(r["answer_message_id"] for r in logged):
            break
        await asyncio.sleep(0.02)
    assert len(logged) == 2
    by_question = {r["question"]: r for r in logged}
    first = by_question["王团镇2024年行政处罚案件数量"]
    assert (first["chat_id"], first["chat_type"], first["user_id"]) == (STAFF, "private", STAFF)
    assert first["script"] == "simplified"
    assert json.loads(first["filters"])["townships"] == ["王团镇"]
    assert json.loads(first["filters"])["years"] == [2024]
    assert first["hit_count"] >= 1 and len(json.loads(first["top_ids"])) >= 1
    assert first["latency_ms"] > 0 and first["ts"].endswith("+00:00")
    message_ids = {p["_result"]["message_id"] for p in sent}
    assert first["answer_message_id"] in message_ids
    assert by_question["hello"]["hit_count"] == 0
    version = rows(settings, "PRAGMA user_version")[0][0]
    assert version == 2


async def test_towns_lists_reports(bot, fake):
    fake.send_text("/towns", chat_id=STAFF, user_id=STAFF)
    (answer,) = await fake.wait_for()
    assert "共有 5 份报告" in answer["text"]
    assert "<b>潭灣鎮</b> · 辰溪县 · 2024年 · 14 段" in answer["text"]


async def test_asking_which_reports_there_are_lists_them(bot, fake, settings):
    """有哪些镇的报告 searched passages holding 报告; 湖北有哪些镇 was asked what about. Both
    list the reports, as /towns does, in the places named, with no paging buttons."""
    fake.send_text("湖北有哪些镇的报告？", chat_id=STAFF, user_id=STAFF)
    (answer,) = await fake.wait_for()
    assert answer["text"].startswith("湖北省共有 1 份报告：")
    assert "<b>保安镇</b> · 大冶市 · 2023年 · 21 段" in answer["text"]
    assert buttons(answer) == []
    fake.send_text("都有哪些鄉鎮", chat_id=STAFF, user_id=STAFF)
    answer = (await fake.wait_for(count=2))[1]
    assert answer["text"].startswith("語料中共有 5 份報告：")  # in the asker's script
    logged = rows(settings, "SELECT hit_count, top_ids FROM questions ORDER BY id")
    assert [tuple(r) for r in logged] == [(1, "[]"), (5, "[]")]  # reports listed, no passages


async def test_admin_stats(bot, fake):
    fake.send_text("明天会下雨吗", chat_id=STAFF, user_id=STAFF)
    await fake.wait_for()
    fake.send_text("/stats", chat_id=ADMIN, user_id=ADMIN)
    text = (await fake.wait_for(count=2))[1]["text"]
    assert "最近 7 天共 1 个提问" in text and "明天会下雨吗" in text and "👍 0" in text


async def test_per_user_rate_limit(settings, fake):
    limited = Settings(**{**settings.__dict__, "questions_per_minute": 2})
    async with running(build_application(limited), poll_timeout=1):
        for _ in range(3):
            fake.send_text("首违不罚", chat_id=STAFF, user_id=STAFF)
        replies = await fake.wait_for(count=3)
    assert sum(r["text"] == "您提问有点快，请稍等一分钟再问。" for r in replies) == 1


async def test_a_flood_gets_one_reply_and_others_are_still_answered(settings, fake):
    """30 messages from one user in a burst: two answers, one 'too fast', then silence;
    another user asking meanwhile is answered promptly."""
    limited = Settings(**{**settings.__dict__, "questions_per_minute": 2})
    async with running(build_application(limited), poll_timeout=1):
        for _ in range(30):
            fake.send_text("首违不罚", chat_id=STAFF, user_id=STAFF)
        fake.send_text("执法记录仪配备情况", chat_id=ADMIN, user_id=ADMIN)
        started = asyncio.get_running_loop().time()
        while not any(int(r["chat_id"]) == ADMIN for r in fake.sent()):
            assert asyncio.get_running_loop().time() - started < 5, "the other user waited"
            await asyncio.sleep(0.05)
        await asyncio.sleep(1.0)  # let the flood settle
    to_flooder = [r for r in fake.sent() if int(r["chat_id"]) == STAFF]
    assert len(to_flooder) == 3
    assert sum("稍等" in r["text"] for r in to_flooder) == 1


async def test_channel_posts_are_ignored(bot, fake):
    fake._push(
        {
            "channel_post": {
                "message_id": 5,
                "date": 0,
                "chat": {"id": -1009, "type": "channel", "title": "公告"},
                "text": "执法记录仪配备情况",
            }
        }
    )
    fake.send_text("首违不罚", chat_id=ADMIN, user_id=ADMIN)
    (reply,) = await fake.wait_for()
    assert int(reply["chat_id"]) == ADMIN  # the channel post got nothing


async def test_unwritable_log_still_answers(settings, fake, tmp_path, caplog):
    """The query log cannot be created: questions are answered, their buttons still work in
    this process (rows wait in memory), the log says so once and the token is never logged."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    broken = Settings(**{**settings.__dict__, "query_log_path": blocker / "q.sqlite3"})
    with caplog.at_level(logging.INFO):
        async with running(build_application(broken), poll_timeout=1):
            fake.send_text("首违不罚", chat_id=STAFF, user_id=STAFF)
            fake.send_text("法治宣传", chat_id=STAFF, user_id=STAFF)
            replies = await fake.wait_for(count=2)
            paged = next(r for r in replies if any(d.startswith("pg:") for d in buttons(r)))
            fake.press(fake.reply_target(paged), button(paged, "下一页"), user_id=STAFF)
            (edited,) = await fake.wait_for("editMessageText")
    assert all(r["text"].startswith("找到") for r in replies)
    assert "（第 2/" in edited["text"]
    assert sum("query log down" in r.getMessage() for r in caplog.records) == 1
    assert TOKEN not in caplog.text  # httpx request URLs are not logged


async def test_buttons_keep_working_after_a_restart(settings, fake):
    async with running(build_application(settings), poll_timeout=1):
        fake.send_text("法治宣传", chat_id=STAFF, user_id=STAFF)
        (answer,) = await fake.wait_for()
    async with running(build_application(settings), poll_timeout=1):  # a new process, same log
        fake.press(fake.reply_target(answer), button(answer, "下一页"), user_id=STAFF)
        (edited,) = await fake.wait_for("editMessageText")
    assert "（第 2/" in edited["text"]


async def test_second_reload_while_one_runs_is_told_so(bot, fake, settings):
    # a change too big to update in place: the first reload builds in a subprocess
    text = (settings.corpus_dir / "002_1113006dcd718aa6.txt").read_text("utf-8")
    big = text * (REFRESH_BYTES // len(text.encode()) + 1)
    (settings.corpus_dir / "009_big.txt").write_text(big.replace("王团镇", "青山镇"), "utf-8")
    fake.send_text("/reload", chat_id=ADMIN, user_id=ADMIN)
    fake.send_text("/reload", chat_id=ADMIN, user_id=ADMIN)
    for _ in range(500):  # until the first reload has reported
        texts = [m["text"] for m in fake.sent()]
        if any(t.startswith("✅") for t in texts):
            break
        await asyncio.sleep(0.02)
    assert "正在重新加载中，请等这次完成后再试。" in texts
    assert sum(t.startswith("✅ 重新加载完成") for t in texts) == 1


async def test_bot_starts_and_answers_with_an_unwritable_cache(tmp_path, fake, caplog):
    """The cache folder cannot be created (here: its parent is a file; in production, a
    read-only install folder): the bot builds without a cache and says so once."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": fake.base_url,
            "CORPUS_DIR": str(corpus),
            "QUERY_LOG_PATH": str(tmp_path / "queries.sqlite3"),
            "INDEX_CACHE_DIR": str(blocker / "cache"),
        }
    )
    with caplog.at_level(logging.WARNING):
        async with running(build_application(settings), poll_timeout=1):
            fake.send_text("执法记录仪配备情况", chat_id=ADMIN, user_id=ADMIN)
            (reply,) = await fake.wait_for()
    assert "潭湾镇" in reply["text"]
    assert sum("not writable" in r.getMessage() for r in caplog.records) == 1


async def test_transient_send_failures_still_deliver_one_answer(bot, fake, settings):
    """Two 502s and a dropped connection on sendMessage: one answer arrives, its message id
    is stored (so a reply to it is a follow-up), and no error message is sent."""
    fake.failures["sendMessage"] = [502, 502, "drop"]
    fake.send_text("执法记录仪配备情况", chat_id=ADMIN, user_id=ADMIN)
    (answer,) = await fake.wait_for(timeout=20)
    assert "潭湾镇" in answer["text"]
    await asyncio.sleep(0.5)
    assert len(fake.sent()) == 1
    stored = rows(settings, "SELECT answer_message_id FROM questions")
    assert stored[0][0] == answer["_result"]["message_id"]


async def test_a_slow_send_is_one_answer_and_no_error(bot, fake, settings):
    fake.failures["sendMessage"] = [("slow", 6)]
    fake.send_text("执法记录仪配备情况", chat_id=ADMIN, user_id=ADMIN)
    (answer,) = await fake.wait_for(timeout=20)
    await asyncio.sleep(0.5)
    assert len(fake.sent()) == 1 and "潭湾镇" in answer["text"]
    stored = rows(settings, "SELECT answer_message_id FROM questions")
    assert stored[0][0] == answer["_result"]["message_id"]
