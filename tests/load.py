"""Load through the fake Bot API: many users asking at once, optionally during a /reload.

    python -m tests.load [--users 30] [--each 5] [--during-reload] [--corpus DIR]

Every user sends all their questions at once (one burst of users × each messages); the
figures are per question, from the moment its update is queued at the fake to the moment
the answer's sendMessage arrives there. With --during-reload an admin's /reload is sent
just before the burst, after every report has been touched so that the whole corpus is
read again (not just what changed). `test_bot_load.py` runs the same code for its
exactly-once checks; figures come from this script, not from timed tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.app import build_application, running
from bot.settings import Settings

from .conftest import SEEDS
from .fake_bot_api import FakeBotAPI

TOKEN = "123456:LOADtoken-abcdefghijklmnop"
ADMIN = 1
QUESTIONS = (
    "别的镇怎么落实一村一法律顾问",
    "执法记录仪配备情况",
    "首违不罚怎么执行的",
    "各镇普法怎么做",
    "合法性审查怎么做",
    "信访工作有什么好做法",
    "人民调解委员会",
    "行政复议案件",
    "法治宣传进村入户",
    "重大行政决策程序",
)


@dataclass(frozen=True)
class LoadResult:
    questions: int
    answered_once: int
    duplicates: int
    missing: int
    p50_s: float
    p95_s: float
    max_s: float
    reload_s: float | None

    def line(self) -> str:
        reload = "" if self.reload_s is None else f", reload took {self.reload_s:.1f} s"
        return (
            f"{self.questions} questions: {self.answered_once} answered exactly once, "
            f"{self.duplicates} twice or more, {self.missing} unanswered; latency p50 "
            f"{self.p50_s:.2f} s, p95 {self.p95_s:.2f} s, max {self.max_s:.2f} s{reload}"
        )


def _settings(folder: Path, corpus: Path, base_url: str) -> Settings:
    return Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": base_url,
            "ADMIN_USER_IDS": str(ADMIN),
            "CORPUS_DIR": str(corpus),
            "QUERY_LOG_PATH": str(folder / "queries.sqlite3"),
            "INDEX_CACHE_DIR": str(folder / "cache"),
        }
    )


def _reply_to(params: dict) -> int | None:
    reply = params.get("reply_parameters") or {}
    if isinstance(reply, str):
        reply = json.loads(reply)
    return reply.get("message_id")


async def run_load(
    folder: Path,
    *,
    corpus: Path = SEEDS,
    users: int = 30,
    each: int = 5,
    during_reload: bool = False,
    timeout: float = 120,
) -> LoadResult:
    """Start the bot on a copy of `corpus` under `folder`, send the burst, wait, measure."""
    reports = folder / "corpus"
    shutil.copytree(corpus, reports)
    fake = FakeBotAPI().start()
    try:
        async with running(build_application(_settings(folder, reports, fake.base_url))):
            reload_started = None
            if during_reload:
                for path in reports.glob("*.txt"):  # changed: the reload reads them all
                    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
                fake.send_text("/reload", chat_id=ADMIN, user_id=ADMIN)
                reload_started = time.monotonic()
            sent_at: dict[int, float] = {}
            for n in range(each):
                for user in range(1000, 1000 + users):
                    question = QUESTIONS[(user + n) % len(QUESTIONS)]
                    message = fake.send_text(question, chat_id=user, user_id=user)
                    sent_at[message["message_id"]] = time.monotonic()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                replies = [p for p in fake.sent() if _reply_to(p) in sent_at]
                done = not during_reload or any(
                    p["text"].startswith(("✅", "❌")) for p in fake.sent()
                )
                if len({_reply_to(p) for p in replies}) == len(sent_at) and done:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # a late duplicate would arrive now
            replies = [p for p in fake.sent() if _reply_to(p) in sent_at]
            reload_done = [p["_at"] for p in fake.sent() if p["text"].startswith(("✅", "❌"))]
    finally:
        fake.stop()
    counts: dict[int, int] = {}
    latency = []
    for params in replies:
        message_id = _reply_to(params)
        counts[message_id] = counts.get(message_id, 0) + 1
        if counts[message_id] == 1:
            latency.append(params["_at"] - sent_at[message_id])
    latency = sorted(latency) or [float("nan")]
    return LoadResult(
        questions=len(sent_at),
        answered_once=sum(1 for c in counts.values() if c == 1),
        duplicates=sum(1 for c in counts.values() if c > 1),
        missing=len(sent_at) - len(counts),
        p50_s=statistics.median(latency),
        p95_s=latency[min(len(latency) - 1, int(0.95 * len(latency)))],
        max_s=latency[-1],
        reload_s=(reload_done[0] - reload_started) if reload_started and reload_done else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--each", type=int, default=5)
    parser.add_argument("--during-reload", action="store_true")
    parser.add_argument("--corpus", type=Path, default=SEEDS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(
            run_load(
                Path(folder),
                corpus=args.corpus,
                users=args.users,
                each=args.each,
                during_reload=args.during_reload,
            )
        )
    print(result.line())


if __name__ == "__main__":
    main()
