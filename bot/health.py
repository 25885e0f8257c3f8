"""Liveness for a container health check: the running bot touches a heartbeat file while
its event loop and polling loop run; `python -m bot --health` passes while that file is fresh.

A crashed, hung (event loop blocked) or stopped bot stops touching it, so Docker marks the
container unhealthy after at most STALE_AFTER seconds. Telegram being unreachable is not
unhealthy: the polling loop keeps retrying, and a restart would not help.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

EVERY = 30.0  # seconds between beats
STALE_AFTER = 120.0  # four missed beats: unhealthy


async def beat(path: Path, alive: Callable[[], bool], every: float = EVERY) -> None:
    """Touch `path` every `every` seconds while `alive()`; runs until cancelled."""
    warned = False
    while True:
        if alive():
            try:
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
                os.utime(path)
                warned = False
            except OSError as exc:
                if not warned:
                    log.warning("heartbeat %s not writable (%s)", path, exc)
                warned = True
        await asyncio.sleep(every)


def check(path: Path, stale_after: float = STALE_AFTER, now: float | None = None) -> str | None:
    """None when the heartbeat is fresh; else why the bot is not healthy (one line)."""
    now = time.time() if now is None else now
    try:
        age = now - path.stat().st_mtime
    except OSError:
        return f"no heartbeat at {path} (bot not running yet?)"
    if age > stale_after:
        return f"heartbeat {path} is {age:.0f} s old (limit {stale_after:.0f} s)"
    return None
