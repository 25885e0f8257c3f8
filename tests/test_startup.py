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


def test_no_network_at_start_is_one_line(tmp_path: Path):
    proc = _run_bot(tmp_path, "http://127.0.0.1:9/bot")  # nothing listens on port 9
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "无法连接 Telegram" in output
    assert TOKEN not in output and "Traceback" not in output
