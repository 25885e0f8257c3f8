"""The SQLite query log: every question, button press and vote (one writer connection).

Logging never breaks answering: if the database cannot be opened or written, every
method returns None/empty, the error is logged once, and the bot keeps answering.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

# Ordered migrations; PRAGMA user_version records how many have been applied.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        ts TEXT NOT NULL,
        chat_id INTEGER NOT NULL,
        chat_type TEXT NOT NULL,
        user_id INTEGER,
        question TEXT NOT NULL,
        effective TEXT NOT NULL,
        script TEXT NOT NULL,
        filters TEXT NOT NULL,
        hit_count INTEGER NOT NULL,
        top_ids TEXT NOT NULL,
        top_scores TEXT NOT NULL,
        latency_ms REAL NOT NULL,
        answer_message_id INTEGER,
        source TEXT NOT NULL DEFAULT 'telegram'
    );
    CREATE INDEX questions_answer ON questions (chat_id, answer_message_id);
    CREATE INDEX questions_ts ON questions (ts);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        ts TEXT NOT NULL,
        question_id INTEGER NOT NULL REFERENCES questions (id),
        chat_id INTEGER,
        user_id INTEGER,
        kind TEXT NOT NULL,
        value INTEGER NOT NULL
    );
    CREATE TABLE votes (
        question_id INTEGER NOT NULL REFERENCES questions (id),
        user_id INTEGER NOT NULL,
        value INTEGER NOT NULL,
        ts TEXT NOT NULL,
        PRIMARY KEY (question_id, user_id)
    );
    """,
)


@dataclass(frozen=True)
class LoggedQuestion:
    """What a later button press or reply needs to know about a logged question."""

    id: int
    chat_id: int
    question: str
    effective: str
    script: str


@dataclass(frozen=True)
class Stats:
    by_chat: list[tuple[int, str, int]] = field(default_factory=list)
    frequent: list[tuple[str, int]] = field(default_factory=list)
    no_hits: list[tuple[str, str]] = field(default_factory=list)
    up: int = 0
    down: int = 0
    total: int = 0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class QueryLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._failed = False

    async def open(self) -> QueryLog:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # questions and user ids: readable by the bot's user only (SQLite gives the
            # -wal and -shm files the same mode)
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            self._db = await aiosqlite.connect(self.path)
            await self._db.execute("PRAGMA busy_timeout=5000")  # wait out a backup's lock
            await self._db.execute("PRAGMA journal_mode=WAL")
            await self._db.execute("PRAGMA foreign_keys=ON")
            await self._migrate()
        except (OSError, aiosqlite.Error) as exc:
            self._fail("open", exc)
            if self._db is not None:
                await self._db.close()
                self._db = None
        return self

    async def _migrate(self) -> None:
        assert self._db is not None
        (version,) = await (await self._db.execute("PRAGMA user_version")).fetchone()
        for n, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self._db.executescript(f"BEGIN; {script}; PRAGMA user_version={n}; COMMIT;")

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    def _fail(self, what: str, exc: Exception) -> None:
        if not self._failed:
            log.error("query log %s failed (%s); answering continues without logging", what, exc)
        self._failed = True

    @property
    def available(self) -> bool:
        return self._db is not None

    async def _write(self, what: str, sql: str, args: tuple) -> int | None:
        if self._db is None:
            self._fail(what, RuntimeError(f"database {self.path} is not open"))
            return None
        try:
            cursor = await self._db.execute(sql, args)
            await self._db.commit()
            return cursor.lastrowid
        except (OSError, aiosqlite.Error) as exc:
            self._fail(what, exc)
            return None

    async def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self._db is None:
            return []
        try:
            return list(await (await self._db.execute(sql, args)).fetchall())
        except (OSError, aiosqlite.Error) as exc:
            self._fail("read", exc)
            return []

    async def record_question(
        self,
        *,
        chat_id: int,
        chat_type: str,
        user_id: int | None,
        question: str,
        effective: str,
        script: str,
        filters: dict,
        hit_ids: list[str],
        scores: list[float],
        hit_count: int,
        latency_ms: float,
        source: str = "telegram",
    ) -> int | None:
        return await self._write(
            "question",
            "INSERT INTO questions (ts, chat_id, chat_type, user_id, question, effective, script,"
            " filters, hit_count, top_ids, top_scores, latency_ms, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                chat_id,
                chat_type,
                user_id,
                question,
                effective,
                script,
                json.dumps(filters, ensure_ascii=False),
                hit_count,
                json.dumps(hit_ids),
                json.dumps([round(s, 4) for s in scores]),
                round(latency_ms, 2),
                source,
            ),
        )

    async def set_answer_message(self, question_id: int, message_id: int) -> None:
        await self._write(
            "answer",
            "UPDATE questions SET answer_message_id = ? WHERE id = ?",
            (message_id, question_id),
        )

    async def question(self, question_id: int) -> LoggedQuestion | None:
        rows = await self._read(
            "SELECT id, chat_id, question, effective, script FROM questions WHERE id = ?",
            (question_id,),
        )
        return LoggedQuestion(*rows[0]) if rows else None

    async def question_answered_by(self, chat_id: int, message_id: int) -> LoggedQuestion | None:
        rows = await self._read(
            "SELECT id, chat_id, question, effective, script FROM questions"
            " WHERE chat_id = ? AND answer_message_id = ? ORDER BY id DESC LIMIT 1",
            (chat_id, message_id),
        )
        return LoggedQuestion(*rows[0]) if rows else None

    async def record_event(
        self, question_id: int, chat_id: int, user_id: int | None, kind: str, value: int
    ) -> None:
        await self._write(
            "event",
            "INSERT INTO events (ts, question_id, chat_id, user_id, kind, value)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (_now(), question_id, chat_id, user_id, kind, value),
        )

    async def record_vote(self, question_id: int, user_id: int, value: int) -> None:
        """One vote per user and answer; voting again replaces the earlier vote."""
        await self._write(
            "vote",
            "INSERT INTO votes (question_id, user_id, value, ts) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (question_id, user_id) DO UPDATE SET value = excluded.value,"
            " ts = excluded.ts",
            (question_id, user_id, value, _now()),
        )

    async def stats(self, days: int = 7, chat_id: int | None = None) -> Stats:
        """Figures for the last `days`; with `chat_id`, only that chat's questions and the
        votes on them (a group never sees another chat's questions)."""
        since = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        where = "" if chat_id is None else " AND chat_id = ?"
        chat = () if chat_id is None else (chat_id,)
        by_chat = await self._read(
            "SELECT chat_id, chat_type, COUNT(*) FROM questions WHERE ts >= ?"
            + where
            + " GROUP BY chat_id ORDER BY COUNT(*) DESC",
            (since, *chat),
        )
        frequent = await self._read(
            "SELECT question, COUNT(*) FROM questions WHERE ts >= ?"
            + where
            + " GROUP BY question ORDER BY COUNT(*) DESC, MAX(id) DESC LIMIT 10",
            (since, *chat),
        )
        no_hits = await self._read(
            "SELECT question, ts FROM questions WHERE hit_count = 0"
            + where
            + " ORDER BY id DESC LIMIT 10",
            chat,
        )
        votes = dict(
            await self._read(
                "SELECT value, COUNT(*) FROM votes"
                + (
                    ""
                    if chat_id is None
                    else " WHERE question_id IN (SELECT id FROM questions WHERE chat_id = ?)"
                )
                + " GROUP BY value",
                chat,
            )
        )
        total = sum(n for *_, n in by_chat)
        return Stats(
            by_chat=[tuple(r) for r in by_chat],
            frequent=[tuple(r) for r in frequent],
            no_hits=[tuple(r) for r in no_hits],
            up=votes.get(1, 0),
            down=votes.get(-1, 0),
            total=total,
        )
