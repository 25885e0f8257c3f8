"""A per-user limit on questions per minute (sliding window), kept in memory."""

from __future__ import annotations

import time
from collections import deque


class UserRateLimiter:
    def __init__(self, limit: int, period: float = 60.0) -> None:
        self.limit = limit
        self.period = period
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}  # when each user was last told to slow down

    def allow(self, user_id: int, now: float | None = None) -> bool:
        """Count one question for the user; False when over the limit (not counted)."""
        now = time.monotonic() if now is None else now
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] >= self.period:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True

    def should_warn(self, user_id: int, now: float | None = None) -> bool:
        """True at most once per period for a user over the limit: a flood gets one
        polite reply, not one per message (which would also delay everyone else's)."""
        now = time.monotonic() if now is None else now
        last = self._warned.get(user_id)
        if last is not None and now - last < self.period:
            return False
        self._warned[user_id] = now
        return True
