"""Messages that are not questions: asking how to use the bot, or for another page."""

from __future__ import annotations

import json

import pytest

from bot.answering import help_asked, page_asked
from retrieval.paths import CALIBRATION_DIR, SHARED


def _questions_at_hand() -> list[str]:
    """Every question of the sets in data/calibration and, when present, ../shared/eval."""
    files = sorted(CALIBRATION_DIR.glob("*.jsonl"))
    if (SHARED / "eval").is_dir():
        files += sorted((SHARED / "eval").glob("*.jsonl"))
    questions = [json.loads(line)["q"] for f in files for line in f.read_text().splitlines()]
    for probe in sorted(CALIBRATION_DIR.glob("offtopic_probe*.txt")):
        questions += [line for line in probe.read_text().splitlines() if line.strip()]
    return questions


@pytest.mark.parametrize(
    "text", ["帮助", "怎麼用？", "有什么功能", "怎么上传报告", "如何添加新报告"]
)
def test_asking_how_to_use_the_bot_gets_the_help(text):
    assert help_asked(text, "bot") is not None


@pytest.mark.parametrize(
    ("text", "step"), [("下一页", 1), ("更多？", 1), ("还有吗", 1), ("下一頁", 1), ("上一页", -1)]
)
def test_asking_for_another_page_is_read_as_such(text, step):
    assert page_asked(text) == step


def test_no_question_at_hand_is_taken_for_help_or_a_page():
    """Questions about reports are answered from them, whichever words they use (帮助村里
    老人学法的做法 is about 帮助; 上传报告的时间要求 is not a question about the bot)."""
    questions = _questions_at_hand()
    assert len(questions) > 200
    for question in [*questions, "帮助村里老人学法的做法", "上传报告的时间要求", "更多的普法形式"]:
        assert help_asked(question, "bot") is None and page_asked(question) is None, question
