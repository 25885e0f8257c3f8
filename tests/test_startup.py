"""Start-up as an operator sees it: one clear line, and the token never printed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SEEDS
from .fake_bot_api import FakeBotAPI

TOKEN = "123456:REVOKEDtoken-abcdefghijklmnop"


def _run_bot(tmp_path: Path, base_url: str) -> subprocess.CompletedProcess:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": base_url,
        "CORPUS_DIR": str(corpus),
        "QUERY_LOG_PATH": str(tmp_path / "q.sqlite3"),
        "INDEX_CACHE_DIR": str(tmp_path / "cache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_rejected_token_is_one_line_and_never_printed(tmp_path: Path):
    fake = FakeBotAPI().start()
    fake.reject_token = True
    try:
        proc = _run_bot(tmp_path, fake.base_url)
    finally:
        fake.stop()
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in output and "InvalidToken" in output
    assert TOKEN not in output and "REVOKEDtoken" not in output
    assert "Traceback" not in output


def test_no_network_at_start_retries_with_one_line_each_then_serves(tmp_path: Path):
    """Telegram unreachable at start-up (every connection dropped): one line per try, then
    the bot starts by itself once the network is back, and answers."""
    import signal
    import time

    fake = FakeBotAPI().start()
    fake.failures["getMe"] = ["drop"] * 2
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fake.base_url,
        "CORPUS_DIR": str(corpus),
        "QUERY_LOG_PATH": str(tmp_path / "q.sqlite3"),
        "INDEX_CACHE_DIR": str(tmp_path / "cache"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 90
        while not fake.sent("setMyCommands"):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        fake.send_text("执法记录仪配备情况", chat_id=5, user_id=5)
        while not fake.sent():
            assert time.monotonic() < deadline
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        err = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        fake.stop()
    retries = [line for line in err.splitlines() if "无法连接 Telegram" in line]
    assert len(retries) == 2 and "2 秒后重试" in retries[0] and "4 秒后重试" in retries[1]
    assert TOKEN not in err and "Traceback" not in err
    assert "潭湾镇" in fake.sent()[0]["text"]


def test_ctrl_c_in_the_console_is_one_line(tmp_path: Path):
    import signal
    import time

    env = {
        **os.environ,
        "CORPUS_DIR": str(SEEDS),
        "QUERY_LOG_PATH": str(tmp_path / "q.sqlite3"),
        "INDEX_CACHE_DIR": str(tmp_path / "cache"),
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "--console"],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    first = proc.stdout.readline()  # 已加载 … once the index is ready
    assert "已加载" in first and time.monotonic() < deadline
    proc.send_signal(signal.SIGINT)
    # stdin stays open, as at a terminal: the console ends without waiting for a line
    # (it used to wait for Enter, its reader thread holding asyncio.run open)
    try:
        proc.wait(timeout=30)
    finally:
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err


def test_cli_says_what_is_wrong_in_one_line(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    runs = {
        "empty": ["search", "--corpus", str(empty), "--cache", str(tmp_path / "c"), "法律"],
        "cache": ["search", "--cache", str(blocker / "cache"), "法律顾问"],
        "build": ["build", "--corpus", str(SEEDS), "--cache", str(blocker / "cache")],
    }
    results = {
        name: subprocess.run(
            [sys.executable, "-m", "retrieval", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for name, args in runs.items()
    }
    assert results["empty"].returncode == 2 and "没有可读取的报告" in results["empty"].stderr
    assert results["cache"].returncode == 0 and "不可写" in results["cache"].stderr
    assert "法律顾问" in results["cache"].stdout  # answered without a cache
    assert results["build"].returncode == 1 and "无法读写" in results["build"].stderr
    for proc in results.values():
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_sigterm_during_a_reload_exits_within_5_seconds(tmp_path: Path):
    """A full rebuild is running in the builder process when the service is stopped: the
    builder is stopped too, and the bot exits promptly instead of waiting for the build."""
    import signal
    import time

    from retrieval.synthetic import generate

    from .fake_bot_api import FakeBotAPI as Fake

    corpus = tmp_path / "corpus"
    generate(corpus, 20_000, SEEDS)
    cache = tmp_path / "cache"
    fake = Fake().start()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fake.base_url,
        "ADMIN_USER_IDS": "1",
        "CORPUS_DIR": str(corpus),
        "QUERY_LOG_PATH": str(tmp_path / "q.sqlite3"),
        "INDEX_CACHE_DIR": str(cache),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot"], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 240
        while not fake.sent("setMyCommands"):  # started: the index is built
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        shutil.rmtree(cache)  # the reload must now rebuild everything (several seconds)
        fake.send_text("/reload", chat_id=1, user_id=1)
        while not fake.sent():
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(1.5)  # the builder is tokenising
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        assert time.monotonic() - started < 5
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        fake.stop()


def test_a_builder_that_takes_too_long_is_stopped(tmp_path: Path):
    import pytest

    from retrieval.build import BuildFailed, _builders, build_in_subprocess

    with pytest.raises(BuildFailed, match="超过"):
        build_in_subprocess(SEEDS, tmp_path / "cache", timeout=0.05)
    assert not _builders  # nothing left running
