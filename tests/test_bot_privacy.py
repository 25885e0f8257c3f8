"""What one chat must never see of another: questions in /stats, results behind buttons."""

from __future__ import annotations

import sqlite3

from .test_bot_e2e import ADMIN, GROUP, STAFF, bot, button, fake, settings  # noqa: F401


def _events(settings) -> int:  # noqa: F811
    db = sqlite3.connect(settings.query_log_path)
    try:
        return db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        db.close()


async def test_stats_in_a_group_shows_only_that_groups_questions(bot, fake, settings):  # noqa: F811
    fake.send_text("驻村律师是怎么选派的私聊问题", chat_id=STAFF, user_id=STAFF)
    fake.send_text("/ask 执法记录仪配备情况", chat_id=GROUP, user_id=STAFF)
    await fake.wait_for(count=2)
    fake.send_text("/stats", chat_id=GROUP, user_id=ADMIN)
    group_stats = (await fake.wait_for(count=3))[2]["text"]
    assert "执法记录仪配备情况" in group_stats
    assert "私聊问题" not in group_stats and "1 个提问" in group_stats
    fake.send_text("/stats", chat_id=ADMIN, user_id=ADMIN)
    private_stats = (await fake.wait_for(count=4))[3]["text"]
    assert "私聊问题" in private_stats and "2 个提问" in private_stats


async def test_a_button_pressed_in_another_chat_reveals_nothing(bot, fake, settings):  # noqa: F811
    fake.send_text("法治宣传", chat_id=STAFF, user_id=STAFF)
    (answer,) = await fake.wait_for()
    elsewhere = {**fake.reply_target(answer), "chat": {"id": GROUP, "type": "supergroup"}}
    fake.press(elsewhere, button(answer, "下一页"), user_id=ADMIN)
    (reply,) = await fake.wait_for("answerCallbackQuery")
    assert "失效" in reply["text"]
    assert not fake.sent("editMessageText") and _events(settings) == 0


async def test_malformed_button_data_is_refused_and_not_logged(bot, fake, settings):  # noqa: F811
    fake.send_text("法治宣传", chat_id=STAFF, user_id=STAFF)
    (answer,) = await fake.wait_for()
    message = fake.reply_target(answer)
    page = button(answer, "下一页")  # pg:<question>:1:<signature>
    _, question, _, sig = page.split(":")
    forged = (
        f"pg:{question}:2:{sig}",  # another page under this page's signature
        f"fb:{question}:1:{sig}",  # a vote under a page's signature
        f"pg:{int(question) + 1}:1:{sig}",  # another question
        f"pg:{question}:1:" + "A" * 16,  # a made-up signature
        f"pg:{question}:1",  # unsigned
        "pg:" + "9" * 40 + f":1:{sig}",
        f"pg:{question}:-3:{sig}",
        "zz:1:1",
    )
    for data in forged:
        fake.press(message, data, user_id=STAFF)
    replies = await fake.wait_for("answerCallbackQuery", count=len(forged))
    assert all("失效" in r["text"] for r in replies)
    assert _events(settings) == 0


async def test_double_tap_on_a_page_button_is_quiet(bot, fake, settings):  # noqa: F811
    fake.send_text("法治宣传", chat_id=STAFF, user_id=STAFF)
    (answer,) = await fake.wait_for()
    message = fake.reply_target(answer)
    fake.not_modified = True  # Telegram refuses an edit that changes nothing
    fake.press(message, button(answer, "下一页"), user_id=STAFF)
    await fake.wait_for("editMessageText")
    await fake.wait_for("answerCallbackQuery")
    assert len(fake.sent()) == 1  # no "抱歉，处理时出错了"


async def test_only_allowed_chats_are_served_and_other_groups_are_left(settings, fake):  # noqa: F811
    import dataclasses

    from bot.app import build_application, running

    allowed = dataclasses.replace(settings, allowed_chat_ids=frozenset({GROUP}))
    async with running(build_application(allowed), poll_timeout=1):
        fake.send_text("/ask 执法记录仪配备情况", chat_id=-100999, user_id=STAFF)  # not allowed
        fake.send_text("执法记录仪配备情况", chat_id=STAFF, user_id=STAFF)  # not allowed
        fake.send_text("执法记录仪配备情况", chat_id=ADMIN, user_id=ADMIN)  # an admin: allowed
        fake.send_text("/ask 首违不罚", chat_id=GROUP, user_id=STAFF)  # allowed group
        replies = await fake.wait_for(count=2)
        (left,) = await fake.wait_for("leaveChat")
    assert int(left["chat_id"]) == -100999
    assert sorted(int(r["chat_id"]) for r in replies) == sorted([ADMIN, GROUP])
    assert len(fake.sent()) == 2
