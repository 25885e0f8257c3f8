"""The deploy files, run as an operator would: the systemd unit's command, as a non-root
user, with the settings of deploy/.env.example, the install folder mounted read-only and
only the state folder writable (what ProtectSystem=strict + ReadWritePaths give), /tmp and
/home private (the interpreter mounted back if it lives in a home). A private mount
namespace (`unshare -m`) puts this checkout at /opt/township-qa and a temporary folder at
/var/lib/township-qa, so nothing on the host changes. Needs root (for the namespace) and
this checkout's .venv (as `make` creates). The unit's seccomp, capability and namespace
options need systemd itself and are not exercised here."""

from __future__ import annotations

import configparser
import os
import pwd
import re
import shlex
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from retrieval.paths import DATA_DIR

from .conftest import ROOT, SEEDS
from .fake_bot_api import FakeBotAPI

TOKEN = "123456:DEPLOYtoken-abcdefghijklmnop"
USER = "nobody"  # stands in for the unit's service account (created by useradd in README)


def _can_unshare() -> bool:
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.skipif(not _can_unshare(), reason="needs root and a mount namespace (unshare -m)"),
    pytest.mark.skipif(
        not (ROOT / ".venv" / "bin" / "python").exists(), reason="no .venv in this checkout"
    ),
]


def _unit() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read(ROOT / "deploy" / "township-qa.service")
    return parser["Service"]


def _env_example() -> dict[str, str]:
    env = {}
    for line in (ROOT / "deploy" / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def _namespace_script(unit: configparser.SectionProxy, state: Path, env: dict[str, str]) -> str:
    install = unit["WorkingDirectory"]
    (writable,) = unit["ReadWritePaths"].split()
    account = pwd.getpwnam(USER)
    python = sys.base_prefix  # where the venv's interpreter lives (may be under /root)
    exports = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
    return f"""
set -e
mount --make-rprivate /
mount -t tmpfs tmpfs {Path(install).parent}
mkdir -p {install} /opt/.python
mount --bind {python} /opt/.python
mount --bind {shlex.quote(str(ROOT))} {install}
mount -o remount,bind,ro {install}
mount -t tmpfs tmpfs {Path(writable).parent}
mkdir -p {writable}
mount --bind {shlex.quote(str(state))} {writable}
mount -t tmpfs tmpfs /tmp
for home in /home /root; do mount -t tmpfs -o mode=755 tmpfs $home; done
mkdir -p {python}
mount --bind /opt/.python {python}
cd {install}
umask {unit["UMask"]}
exec setpriv --reuid={account.pw_uid} --regid={account.pw_gid} --clear-groups --inh-caps=-all \\
    env -i PATH=/usr/bin:/bin HOME={writable} {exports} {unit["ExecStart"]}
"""


def test_the_unit_starts_the_bot_as_its_user_with_the_install_folder_read_only(tmp_path: Path):
    unit = _unit()
    assert unit["User"] != "root" and unit["ProtectSystem"] == "strict"
    env = _env_example()
    state = tmp_path / "state"
    shutil.copytree(SEEDS, state / "reports")
    subprocess.run(["chown", "-R", USER, str(state)], check=True)
    fake = FakeBotAPI().start()
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=fake.base_url)
    before = sorted(p.name for p in DATA_DIR.iterdir())
    proc = subprocess.Popen(
        ["unshare", "-m", "sh", "-c", _namespace_script(unit, state, env)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        fake.send_text("执法记录仪配备情况", chat_id=5, user_id=5)
        deadline = time.monotonic() + 90
        while not fake.sent() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert fake.sent(), proc.stdout.read() if proc.poll() is not None else "no answer"
        assert "潭湾镇" in fake.sent()[0]["text"]
        proc.send_signal(signal.SIGTERM)  # systemctl stop
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        fake.stop()
    output = proc.stdout.read()
    assert TOKEN not in output and "Traceback" not in output, output
    log = state / "queries.sqlite3"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert log.stat().st_uid != 0  # written by the service user
    db = sqlite3.connect(log)
    assert db.execute("SELECT question FROM questions").fetchall() == [("执法记录仪配备情况",)]
    db.close()
    assert (state / "cache").is_dir() and (state / "heartbeat").exists()
    assert sorted(p.name for p in DATA_DIR.iterdir()) == before  # nothing in the repo


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_the_unit_keeps_its_hardening_score():
    """README: `systemd-analyze security` rates the unit 1.1 OK (8.5 before hardening)."""
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "deploy/township-qa.service"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    score = re.search(r"Overall exposure level for township-qa\.service: ([\d.]+)", result.stdout)
    if score is None and "offline" in result.stderr:
        pytest.skip(f"this systemd-analyze cannot judge a unit offline: {result.stderr.strip()}")
    assert score is not None, result.stdout + result.stderr
    assert float(score[1]) <= 1.5
