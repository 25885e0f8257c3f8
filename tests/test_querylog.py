"""The query log on a real SQLite file: schema version, WAL, failure tolerance."""

from __future__ import annotations

import sqlite3
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
    await qlog.set_answer_message(first, 42)
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


async def test_unopenable_log_degrades_quietly(tmp_path: Path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    qlog = await QueryLog(blocker / "q.sqlite3").open()
    assert not qlog.available
    assert await _record(qlog, "a") is None
    assert await _record(qlog, "b") is None
    assert await qlog.question(1) is None
    assert len([r for r in caplog.records if "query log" in r.getMessage()]) == 1


def test_rate_limiter_window():
    limiter = UserRateLimiter(2, period=60)
    assert limiter.allow(1, now=0) and limiter.allow(1, now=1)
    assert not limiter.allow(1, now=2)
    assert limiter.allow(2, now=2)  # per user
    assert limiter.allow(1, now=61)


async def test_log_file_is_private_and_waits_for_locks(tmp_path: Path):
    import os
    import stat

    path = tmp_path / "log" / "q.sqlite3"
    previous = os.umask(0o022)  # a permissive umask, as on many servers
    qlog = await QueryLog(path).open()
    os.umask(previous)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        (timeout,) = await (await qlog._db.execute("PRAGMA busy_timeout")).fetchone()
        assert timeout >= 5000
    finally:
        await qlog.close()
