"""150 questions from 30 users at once, during a /reload: every one answered exactly once.

Only counts are asserted; the latency figures in the README come from `python -m tests.load`.
"""

from __future__ import annotations

from pathlib import Path

from .load import run_load


async def test_a_burst_during_a_reload_is_answered_exactly_once(tmp_path: Path):
    result = await run_load(tmp_path, users=30, each=5, during_reload=True)
    assert result.questions == 150
    assert (result.answered_once, result.duplicates, result.missing) == (150, 0, 0)
    assert result.reload_s is not None  # the reload finished and said so
