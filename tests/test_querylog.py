"""The query log on a real SQLite file: schema version, WAL, failure tolerance."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import time
from pathlib import Path

from bot.querylog import MIGRATIONS, QueryLog
from bot.ratelimit import UserRateLimiter


async def _record(qlog: QueryLog, question: str, hits: int = 1) -> int | None:
    return await qlog.record_question(
        chat_id=-5,
        chat_type="group",
        user_id=7,
        question=question,
        effective=question,
        script="simplified",
        filters={},
        hit_ids=["a"] * hits,
        scores=[1.0] * hits,
        hit_count=hits,
        latency_ms=3.2,
    )


async def test_schema_versioned_and_wal(tmp_path: Path):
    path = tmp_path / "q.sqlite3"
    qlog = await QueryLog(path).open()
    await qlog.close()
    qlog = await QueryLog(path).open()  # reopening applies nothing twice
    await qlog.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_question_round_trip_and_stats(tmp_path: Path):
    qlog = await QueryLog(tmp_path / "q.sqlite3").open()
    first = await _record(qlog, "法律顾问")
    await _record(qlog, "法律顾问")
    await _record(qlog, "明天下雨吗", hits=0)
    await qlog.set_answer_message(first, -5, 42)
    found = await qlog.question_answered_by(-5, 42)
    assert found is not None and found.question == "法律顾问"
    await qlog.record_vote(first, 7, 1)
    await qlog.record_vote(first, 7, -1)  # changing one's mind replaces the vote
    stats = await qlog.stats()
    assert stats.total == 3 and stats.by_chat == [(-5, "group", 3)]
    assert stats.frequent[0] == ("法律顾问", 2)
    assert [q for q, _ in stats.no_hits] == ["明天下雨吗"]
    assert (stats.up, stats.down) == (0, 1)
    await qlog.close()


async def test_a_chats_last_question_is_its_latest_written_or_waiting(tmp_path: Path):
    """What a private message follows up: the chat's latest question, after a restart
    too, and while the log cannot be written."""
    path = tmp_path / "q.sqlite3"
    qlog = await QueryLog(path).open()
    assert await qlog.last_question(-5) is None
    await _record(qlog, "法律顾问")
    await _record(qlog, "那峰灵镇呢")
    await qlog.close()
    qlog = await QueryLog(path).open()
    assert (await qlog.last_question(-5)).question == "那峰灵镇呢"
    assert await qlog.last_question(-6) is None  # another chat's are not its own
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # rows wait in memory
    await _record(qlog, "2023年的呢")
    assert (await qlog.last_question(-5)).question == "2023年的呢"
    holder.execute("ROLLBACK")
    await qlog.close()


async def test_unopenable_log_degrades_quietly(tmp_path: Path, caplog):
    """The folder cannot be created: answering goes on (ids are still handed out, so
    buttons work in this process), the rows wait in memory, and the log says so once."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    qlog = await QueryLog(blocker / "q.sqlite3").open()
    assert not qlog.available
    first, second = await _record(qlog, "a"), await _record(qlog, "b")
    assert second == first + 1
    assert (await qlog.question(first)).question == "a"
    stats = await qlog.stats()
    assert stats.log_down and stats.pending == 2
    assert len([r for r in caplog.records if "query log" in r.getMessage()]) == 1
    await qlog.close()


def test_rate_limiter_window():
    limiter = UserRateLimiter(2, period=60)
    assert limiter.allow(1, now=0) and limiter.allow(1, now=1)
    assert not limiter.allow(1, now=2)
    assert limiter.allow(2, now=2)  # per user
    assert limiter.allow(1, now=61)


async def test_log_file_is_private(tmp_path: Path):
    path = tmp_path / "log" / "q.sqlite3"
    previous = os.umask(0o022)  # a permissive umask, as on many servers
    qlog = await QueryLog(path).open()
    os.umask(previous)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        await qlog.close()


async def test_rows_written_while_locked_wait_and_land_once_the_lock_goes(tmp_path: Path, caplog):
    path = tmp_path / "q.sqlite3"
    qlog = await QueryLog(path).open()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a backup or a careless sqlite3 shell
    started = time.monotonic()
    ids = [await _record(qlog, f"问题{n}") for n in range(3)]
    assert time.monotonic() - started < 2.5  # answers are not held up by the lock
    assert len(set(ids)) == 3
    assert (await qlog.stats()).pending == 3
    holder.execute("COMMIT")
    holder.close()
    for _ in range(100):
        if _count(path) == 3:
            break
        await asyncio.sleep(0.1)
    assert _count(path) == 3
    messages = [r.getMessage() for r in caplog.records]
    assert sum("query log down" in m for m in messages) == 1
    assert sum("query log back up" in m for m in messages) == 1
    await qlog.close()


async def test_a_deleted_log_is_recreated_and_ids_are_never_reused(tmp_path: Path, caplog):
    path = tmp_path / "q.sqlite3"
    qlog = await QueryLog(path).open()
    old = await _record(qlog, "删除前")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    new = await _record(qlog, "删除后")
    await qlog.close()
    assert new > old
    assert _count(path) == 1  # the row went to the new file, not the deleted one
    assert any("deleted or replaced" in r.getMessage() for r in caplog.records)
    # a restart on a fresh file still gives ids above the old ones (they start at the clock)
    path.unlink()
    qlog = await QueryLog(path).open()
    assert await _record(qlog, "重启后") > new
    await qlog.close()


async def test_old_logs_are_migrated_to_autoincrement_keeping_their_rows(tmp_path: Path):
    path = tmp_path / "q.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version=1;")
    db.execute(
        "INSERT INTO questions (id, ts, chat_id, chat_type, question, effective, script,"
        " filters, hit_count, top_ids, top_scores, latency_ms)"
        " VALUES (41, 'x', -5, 'group', '旧问题', '旧问题', 'simplified', '{}', 0, '[]', '[]', 1)"
    )
    db.execute("INSERT INTO votes VALUES (41, 7, 1, 'x')")
    db.commit()
    db.close()
    qlog = await QueryLog(path).open()
    assert (await qlog.question(41)).question == "旧问题"
    assert await _record(qlog, "新问题") == 42
    await qlog.close()
    db = sqlite3.connect(path)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'questions'").fetchone()[0]
    assert "AUTOINCREMENT" in sql
    assert db.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 1
    db.close()


async def test_waiting_rows_are_bounded(tmp_path: Path, monkeypatch, caplog):
    import bot.querylog

    monkeypatch.setattr(bot.querylog, "MAX_PENDING", 3)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    qlog = await QueryLog(blocker / "q.sqlite3").open()
    ids = [await _record(qlog, f"问题{n}") for n in range(5)]
    assert (await qlog.stats()).pending == 3
    assert await qlog.question(ids[0]) is None  # the oldest went first
    assert (await qlog.question(ids[-1])).question == "问题4"
    assert any("rows dropped" in r.getMessage() for r in caplog.records)
    await qlog.close()


def _count(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
    finally:
        db.close()
