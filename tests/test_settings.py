"""Settings: one clear line naming the missing or malformed variable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from retrieval.paths import DATA_DIR

from .conftest import ROOT, SEEDS

GOOD = {"TELEGRAM_BOT_TOKEN": "123456:ABCdefGHIjklMNO-pq"}


def test_defaults():
    s = Settings.from_env(GOOD)
    assert s.corpus_dir == SEEDS and s.admin_ids == frozenset() and s.base_url is None
    assert s.query_log_path.parent == DATA_DIR


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({**GOOD, "ADMIN_USER_IDS": "12,abc"}, "ADMIN_USER_IDS"),
        ({**GOOD, "CORPUS_DIR": "/nonexistent/reports"}, "CORPUS_DIR"),
        ({**GOOD, "TELEGRAM_BASE_URL": "ftp://x"}, "TELEGRAM_BASE_URL"),
        ({**GOOD, "QUESTIONS_PER_MINUTE": "0"}, "QUESTIONS_PER_MINUTE"),
    ],
)
def test_bad_settings_name_the_variable(env, named):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_admin_ids_parsed():
    s = Settings.from_env({**GOOD, "ADMIN_USER_IDS": " 11, 22 ,"})
    assert s.admin_ids == frozenset({11, 22})


def test_console_needs_no_token():
    assert Settings.from_env({}, need_token=False).token is None


def test_bot_without_token_stops_with_one_line(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "TELEGRAM_BOT_TOKEN" in proc.stderr


def test_allowed_chat_ids():
    from bot.settings import Settings as S

    base = {"TELEGRAM_BOT_TOKEN": "123:abcdefghijklmnop"}
    assert S.from_env(base).allowed_chat_ids == frozenset()
    ids = S.from_env({**base, "ALLOWED_CHAT_IDS": "-100123, 42"}).allowed_chat_ids
    assert ids == frozenset({-100123, 42})
    import pytest

    from bot.settings import SettingsError

    with pytest.raises(SettingsError, match="ALLOWED_CHAT_IDS"):
        S.from_env({**base, "ALLOWED_CHAT_IDS": "群"})
