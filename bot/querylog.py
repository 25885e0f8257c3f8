"""The SQLite query log: every question, button press and vote (one writer connection).

Logging never holds up or breaks answering. Question ids are handed out in memory (and
never reused: the table is AUTOINCREMENT and a new database starts its ids at the clock's
milliseconds, so a recreated file cannot give an old button a stranger's question). Writes
go through a bounded queue that one writer task drains: each call waits at most
`WAIT_FOR_WRITE` for its row, and when the database is locked, full, deleted or replaced
the rows stay queued and are written once it is back (a replaced or deleted file is
reopened). The log says so once when writing stops and once when it resumes; `/stats` says
how many rows are waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

MAX_PENDING = 10_000  # rows kept in memory while the database is down (oldest dropped)
WAIT_FOR_WRITE = 0.5  # seconds an answer waits for its row before going on without it
BUSY_TIMEOUT_MS = 1000  # per attempt; the writer retries, so answers never wait on a lock
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)  # between write attempts while the log is down

# Ordered migrations; PRAGMA user_version records how many have been applied.
# The columns of `questions` after its id (both of its definitions below).
_QUESTION_COLUMNS = """
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
"""
MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,{_QUESTION_COLUMNS}    );
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
    # ids never reused: AUTOINCREMENT keeps the highest id ever given in sqlite_sequence
    f"""
    CREATE TABLE questions_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,{_QUESTION_COLUMNS}    );
    INSERT INTO questions_new SELECT * FROM questions;
    DROP TABLE questions;
    ALTER TABLE questions_new RENAME TO questions;
    CREATE INDEX questions_answer ON questions (chat_id, answer_message_id);
    CREATE INDEX questions_ts ON questions (ts);
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
    hit_count: int  # relevant passages it found (0: nothing); a listing: reports listed


@dataclass(frozen=True)
class Stats:
    by_chat: list[tuple[int, str, int]] = field(default_factory=list)
    frequent: list[tuple[str, int]] = field(default_factory=list)
    no_hits: list[tuple[str, str]] = field(default_factory=list)
    up: int = 0
    down: int = 0
    total: int = 0
    pending: int = 0  # rows waiting in memory because the database cannot be written
    log_down: bool = False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _clock_ms() -> int:
    return time.time_ns() // 1_000_000


async def _highest_id(db: aiosqlite.Connection) -> int:
    """The highest question id this file has ever given (AUTOINCREMENT keeps it)."""
    (seq,) = await (
        await db.execute("SELECT MAX(seq) FROM sqlite_sequence WHERE name = 'questions'")
    ).fetchone()
    (top,) = await (await db.execute("SELECT MAX(id) FROM questions")).fetchone()
    return max(seq or 0, top or 0)


@dataclass
class _Write:
    """One queued statement; `question` and `answer` keep it findable until it is written."""

    what: str
    sql: str
    args: tuple
    done: asyncio.Future[None]
    question: LoggedQuestion | None = None
    answer: tuple[int, int] | None = None  # (chat id, answer message id)


class QueryLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the open file
        self._last_id = 0
        self._queue: deque[_Write] = deque()
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._down = False
        self._dropped = 0
        self._unwritten: dict[int, LoggedQuestion] = {}
        self._unwritten_answers: dict[tuple[int, int], int] = {}

    async def open(self) -> QueryLog:
        """Open (or create) the database and start the writer; never raises."""
        await self._connect()
        self._writer = asyncio.create_task(self._drain(), name="query-log-writer")
        return self

    async def close(self) -> None:
        """Give waiting rows a last moment to be written, then close."""
        if self._writer is not None:
            if self._queue and not self._down:
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(self._queue[-1].done), 2)
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        if self._queue:
            log.error("query log: %d rows could not be written before shutdown", len(self._queue))
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def available(self) -> bool:
        return self._db is not None and not self._down

    # -- the database file ------------------------------------------------------------

    async def _connect(self) -> bool:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # questions and user ids: readable by the bot's user only (SQLite gives the
            # -wal and -shm files the same mode)
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            db = await aiosqlite.connect(self.path)
        except (OSError, aiosqlite.Error) as exc:
            self._set_down(f"open: {exc}")
            return False
        try:
            await db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            await db.execute("PRAGMA journal_mode=WAL")
            await self._migrate(db)
            await db.execute("PRAGMA foreign_keys=ON")
            self._last_id = max(self._last_id, await _highest_id(db))
            st = os.stat(self.path)
        except (OSError, aiosqlite.Error) as exc:
            await db.close()
            self._set_down(f"open: {exc}")
            return False
        self._db, self._identity = db, (st.st_dev, st.st_ino)
        return True

    async def _migrate(self, db: aiosqlite.Connection) -> None:
        """Apply what MIGRATIONS has beyond PRAGMA user_version (foreign keys are off)."""
        (version,) = await (await db.execute("PRAGMA user_version")).fetchone()
        for n, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await db.executescript(f"BEGIN; {script}; PRAGMA user_version={n}; COMMIT;")
        if version == 0:  # a new file: its ids start above any earlier file's
            await db.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('questions', ?)",
                (max(_clock_ms(), self._last_id),),
            )
            await db.commit()

    def _file_is_ours(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._identity

    async def _reopen(self) -> None:
        if self._db is not None:
            log.warning("query log %s was deleted or replaced; opening it again", self.path)
            with contextlib.suppress(Exception):
                await self._db.close()  # checkpoints into the old file and removes its WAL
            self._db = None
        await self._connect()

    # -- writing ----------------------------------------------------------------------

    def _set_down(self, reason: str) -> None:
        if not self._down:
            log.error("query log down (%s); answering goes on, rows wait in memory", reason)
        self._down = True

    def _set_up(self) -> None:
        if self._down:
            log.warning("query log back up; writing %d waiting rows", len(self._queue))
        self._down = False

    def _next_id(self) -> int:
        if self._identity is None and self._last_id == 0:  # never opened: ids from the clock
            self._last_id = _clock_ms()
        self._last_id += 1
        return self._last_id

    async def _submit(
        self,
        what: str,
        sql: str,
        args: tuple,
        *,
        question: LoggedQuestion | None = None,
        answer: tuple[int, int] | None = None,
    ) -> None:
        """Queue one statement and wait briefly for it (not at all while the log is down)."""
        if self._writer is None:
            return
        if len(self._queue) >= MAX_PENDING:
            self._forget(self._queue.popleft())
            self._dropped += 1
            if self._dropped in (1, 10, 100) or self._dropped % 1000 == 0:
                log.error(
                    "query log: %d rows dropped (over %d waiting)", self._dropped, MAX_PENDING
                )
        item = _Write(what, sql, args, asyncio.get_running_loop().create_future(), question, answer)
        if question is not None:
            self._unwritten[question.id] = question
        if answer is not None:
            self._unwritten_answers[answer] = int(args[-1])
        self._queue.append(item)
        self._wake.set()
        if not self._down:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(item.done), WAIT_FOR_WRITE)

    def _forget(self, item: _Write) -> None:
        if item.question is not None:
            self._unwritten.pop(item.question.id, None)
        if item.answer is not None:
            self._unwritten_answers.pop(item.answer, None)
        if not item.done.done():
            item.done.set_result(None)

    async def _drain(self) -> None:
        """The one writer: oldest row first; a failure keeps it queued and retries later."""
        failures = 0
        while True:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            item = self._queue[0]
            try:
                await self._write_one(item)
            except aiosqlite.IntegrityError as exc:  # can never be written (e.g. its question
                log.error("query log: %s row dropped (%s)", item.what, exc)  # was lost)
            except (OSError, aiosqlite.Error, RuntimeError) as exc:
                self._set_down(f"{item.what}: {exc}")
                await asyncio.sleep(RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)])
                failures += 1
                continue
            else:
                self._set_up()
            failures = 0
            if self._queue and self._queue[0] is item:  # unless dropped for room meanwhile
                self._queue.popleft()
            self._forget(item)

    async def _write_one(self, item: _Write) -> None:
        if not self._file_is_ours():
            await self._reopen()
        if self._db is None:
            raise RuntimeError(f"database {self.path} is not open")
        try:
            await self._db.execute(item.sql, item.args)
            await self._db.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                await self._db.rollback()
            raise

    async def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self._db is None:
            return []
        try:
            return list(await (await self._db.execute(sql, args)).fetchall())
        except (OSError, aiosqlite.Error) as exc:
            log.warning("query log read failed (%s)", exc)
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
        """The question's id (None only when the log was never opened)."""
        if self._writer is None:
            return None
        question_id = self._next_id()
        await self._submit(
            "question",
            "INSERT INTO questions (id, ts, chat_id, chat_type, user_id, question, effective,"
            " script, filters, hit_count, top_ids, top_scores, latency_ms, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                question_id,
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
            question=LoggedQuestion(question_id, chat_id, question, effective, script, hit_count),
        )
        return question_id

    async def set_answer_message(self, question_id: int, chat_id: int, message_id: int) -> None:
        await self._submit(
            "answer",
            "UPDATE questions SET answer_message_id = ? WHERE id = ?",
            (message_id, question_id),
            answer=(chat_id, message_id),
        )

    async def question(self, question_id: int) -> LoggedQuestion | None:
        if question_id in self._unwritten:
            return self._unwritten[question_id]
        rows = await self._read(
            "SELECT id, chat_id, question, effective, script, hit_count FROM questions"
            " WHERE id = ?",
            (question_id,),
        )
        return LoggedQuestion(*rows[0]) if rows else None

    async def last_question(self, chat_id: int) -> LoggedQuestion | None:
        """The chat's latest question, written or still waiting to be."""
        waiting = [q for q in self._unwritten.values() if q.chat_id == chat_id]
        if waiting:
            return max(waiting, key=lambda q: q.id)
        rows = await self._read(
            "SELECT id, chat_id, question, effective, script, hit_count FROM questions"
            " WHERE chat_id = ? ORDER BY id DESC LIMIT 1",
            (chat_id,),
        )
        return LoggedQuestion(*rows[0]) if rows else None

    async def question_answered_by(self, chat_id: int, message_id: int) -> LoggedQuestion | None:
        if (chat_id, message_id) in self._unwritten_answers:
            return await self.question(self._unwritten_answers[(chat_id, message_id)])
        rows = await self._read(
            "SELECT id, chat_id, question, effective, script, hit_count FROM questions"
            " WHERE chat_id = ? AND answer_message_id = ? ORDER BY id DESC LIMIT 1",
            (chat_id, message_id),
        )
        return LoggedQuestion(*rows[0]) if rows else None

    async def record_event(
        self, question_id: int, chat_id: int, user_id: int | None, kind: str, value: int
    ) -> None:
        await self._submit(
            "event",
            "INSERT INTO events (ts, question_id, chat_id, user_id, kind, value)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (_now(), question_id, chat_id, user_id, kind, value),
        )

    async def record_vote(self, question_id: int, user_id: int, value: int) -> None:
        """One vote per user and answer; voting again replaces the earlier vote."""
        await self._submit(
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
            pending=len(self._queue),
            log_down=not self.available,
        )
