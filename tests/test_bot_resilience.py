"""What a flaky world does to the bot, through the fake Bot API: a locked query log, a
button-hammering user, the health check."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time

from bot import health
from bot.callbacks import ButtonSigner

from .test_bot_e2e import ADMIN, STAFF, bot, button, fake, settings  # noqa: F401

HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
"""


def _logged(settings) -> list[tuple]:  # noqa: F811
    db = sqlite3.connect(settings.query_log_path)
    try:
        return db.execute("SELECT question, answer_message_id FROM questions").fetchall()
    finally:
        db.close()


async def test_questions_asked_while_another_process_locks_the_log_are_answered_and_logged(
    bot,  # noqa: F811
    fake,  # noqa: F811
    settings,  # noqa: F811
):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(settings.query_log_path), "8"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        for question in ("执法记录仪配备情况", "首违不罚", "法治宣传"):
            fake.send_text(question, chat_id=STAFF, user_id=STAFF)
        answers = await fake.wait_for(count=3, timeout=20)
        answered_in = time.monotonic() - started
        fake.send_text("/stats", chat_id=ADMIN, user_id=ADMIN)
        stats = (await fake.wait_for(count=4, timeout=20))[3]["text"]
        assert holder.poll() is None, "the lock was released before the questions were asked"
    finally:
        holder.wait(timeout=20)
    assert answered_in < 5  # not held up by the lock
    assert all(a["text"].startswith("找到") for a in answers)
    assert "等待写入" in stats
    for _ in range(100):  # the waiting rows land once the lock goes
        logged = _logged(settings)
        if len(logged) == 3 and all(message_id for _, message_id in logged):
            break
        await asyncio.sleep(0.1)
    assert sorted(q for q, _ in logged) == sorted(["执法记录仪配备情况", "首违不罚", "法治宣传"])
    sent_ids = {a["_result"]["message_id"] for a in answers}
    assert {message_id for _, message_id in logged} == sent_ids


async def test_a_user_hammering_a_button_is_slowed_down(bot, fake):  # noqa: F811
    fake.send_text("法治宣传", chat_id=STAFF, user_id=STAFF)
    (answer,) = await fake.wait_for()
    message = fake.reply_target(answer)
    for _ in range(45):
        fake.press(message, button(answer, "有用"), user_id=STAFF)
    replies = await fake.wait_for("answerCallbackQuery", count=45, timeout=30)
    texts = [r["text"] for r in replies]
    assert texts.count("谢谢反馈！") == 40
    assert texts.count("点得太快了，请稍等再试。") == 5
    fake.press(message, button(answer, "没用"), user_id=ADMIN)  # others are unaffected
    replies = await fake.wait_for("answerCallbackQuery", count=46, timeout=30)
    assert replies[-1]["text"] == "谢谢反馈！"


async def test_the_running_bot_keeps_its_heartbeat_fresh(bot, settings):  # noqa: F811
    for _ in range(50):
        if settings.heartbeat_path.exists():
            break
        await asyncio.sleep(0.1)
    env = {
        **os.environ,
        "CORPUS_DIR": str(settings.corpus_dir),
        "QUERY_LOG_PATH": str(settings.query_log_path),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "--health"], env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    old = time.time() - health.STALE_AFTER - 5
    os.utime(settings.heartbeat_path, (old, old))  # as if the bot had hung
    stale = subprocess.run(
        [sys.executable, "-m", "bot", "--health"], env=env, capture_output=True, text=True
    )
    assert stale.returncode == 1 and "heartbeat" in stale.stderr
    assert "Traceback" not in stale.stderr


def test_button_key_is_private_and_survives_a_restart(tmp_path):
    path = tmp_path / "state" / "button.key"
    first = ButtonSigner.load(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    data = first.page(12, 1, chat_id=-100)
    again = ButtonSigner.load(path)  # a restart
    assert again.parse(data, -100) is not None
    assert again.parse(data, -101) is None  # another chat
    path.write_bytes(b"short")  # a damaged key: a fresh one for this process, old data refused
    assert ButtonSigner.load(path).parse(data, -100) is None
