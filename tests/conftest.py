"""Shared fixtures: the real seeds, indexed once per test session."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from retrieval import Index, build_index
from retrieval.paths import CORPUS_REAL, DEV_QUESTIONS, ROOT
from retrieval.paths import SEEDS_DIR as SEEDS

__all__ = ["ROOT", "SEEDS"]  # the repository and its seeds, for the tests

# Hypothesis keeps no example database, and what else it stores (the constants it finds
# in the code) goes to the temporary folder, not .hypothesis/ in the checkout
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"township-qa-hypothesis-{os.getuid()}")
settings.register_profile("hermetic", database=None)
settings.load_profile("hermetic")


@pytest.fixture(scope="session")
def seed_index() -> Index:
    """The seeds' index, assembled as production assembles every index (no cache)."""
    return build_index(SEEDS, cache_dir=None, workers=1)


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """The seeds and ../shared/corpus-real's 50 openings (55 reports) in one index, as
    staff questions are scored (skipped where ../shared is not beside the repo)."""
    if not CORPUS_REAL.is_dir():
        pytest.skip("../shared/corpus-real is not beside the repo")
    corpus = tmp_path_factory.mktemp("real") / "corpus"
    corpus.mkdir()
    for report in [*SEEDS.glob("*.txt"), *CORPUS_REAL.glob("*.txt")]:
        shutil.copy(report, corpus / report.name)
    return build_index(corpus, cache_dir=None, workers=2)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the seeds."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target


def towns_index(folder: Path, bodies: dict[str, str], template: str) -> Index:
    """An index of one small report per town, `template` filled with {town} and {body},
    built as production builds (no cache)."""
    folder.mkdir()
    for n, (town, body) in enumerate(bodies.items()):
        (folder / f"{n}.txt").write_text(template.format(town=town, body=body), "utf-8")
    return build_index(folder, cache_dir=None, workers=1)


def dev_questions() -> list[dict]:
    """The shared dev questions when present beside the repo, else a few of our own."""
    if DEV_QUESTIONS.exists():
        return [json.loads(line) for line in DEV_QUESTIONS.read_text().splitlines() if line]
    return [
        {"q": "执法记录仪配备情况", "gold": [{"town": "潭湾镇", "has": "执法记录仪"}]},
        {"q": "驻村律师是怎么选派的", "gold": [{"town": "安稳镇", "has": "驻村律师"}]},
        {"q": "首违不罚 轻微免罚清单", "gold": [{"town": "峰灵镇", "has": "首违不罚"}]},
    ]


def mapped(array: object) -> bool:
    """True when an array is a view of a file mapped into memory (a saved index's), not
    memory of its own (an index built in this process)."""
    while array is not None and not isinstance(array, np.memmap):
        array = getattr(array, "base", None)
    return array is not None
