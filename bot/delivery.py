"""Sending with bounded retries: a transient Bot API failure must not lose an answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

log = logging.getLogger(__name__)
T = TypeVar("T")
# Three tries over about 3.5 s: enough for a proxy's 502 or a dropped keep-alive connection,
# short enough that the user is not left waiting on a real outage.
DELAYS = (0.5, 1.0, 2.0)


async def deliver(send: Callable[[], Awaitable[T]], delays: tuple[float, ...] = DELAYS) -> T:
    """Call `send` until it succeeds, retrying server errors (5xx), dropped connections and
    429s after their `retry_after`; requests Telegram refused (400, 403, a bad token) and
    read time-outs are not retried. A read time-out is the one failure after which the
    message may have been delivered: retrying it could post the answer twice, so the
    client waits long enough (see `app.build_application`) for this to be rare."""
    for attempt, delay in enumerate((*delays, None)):
        try:
            return await send()
        except (BadRequest, Forbidden, InvalidToken, TimedOut):
            raise
        except RetryAfter as exc:
            if delay is None:
                raise
            wait = exc.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            await asyncio.sleep(min(seconds, 30.0))
        except NetworkError as exc:
            if delay is None:
                raise
            log.warning("sending failed (%s), try %d of %d", exc, attempt + 1, len(delays) + 1)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
