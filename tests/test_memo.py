"""Derived data kept between processes: made once, reused, and never required."""

from __future__ import annotations

import importlib
import os
import tempfile
import time
from pathlib import Path

import pytest

from retrieval import memo
from retrieval.segment import Frequencies, jieba_frequencies, jieba_longest_word


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_derived_file_is_made_once_and_remade_when_its_source_changes(private_tmp: Path):
    source = private_tmp / "words.txt"
    source.write_text("律师 10\n")
    made: list[Path] = []

    def write(path: Path) -> None:
        made.append(path)
        path.write_text(source.read_text().upper())

    first = memo.derived_file(source, "test", write)
    assert first is not None and first.read_text() == "律师 10\n".upper()
    assert memo.derived_file(source, "test", write) == first and len(made) == 1
    source.write_text("法官 20 more\n")
    second = memo.derived_file(source, "test", write)
    assert second != first and second.read_text() == "法官 20 MORE\n" and len(made) == 2


def test_derived_data_is_made_again_when_the_code_that_makes_it_changes(
    private_tmp: Path, monkeypatch: pytest.MonkeyPatch
):
    """The gazetteer's parser learned 张家川县 for 张家川回族自治县 (stop 21); a cache named
    after the data file alone kept serving the old parser's 张家县."""
    source = private_tmp / "places.txt"
    source.write_text("张家川回族自治县\n")
    module = private_tmp / "memo_parser.py"
    module.write_text("def parse():\n    return 'old'\n")
    monkeypatch.syspath_prepend(str(private_tmp))
    parser = importlib.import_module("memo_parser")
    assert memo.derived(source, "test", parser.parse) == "old"
    module.write_text("def parse():\n    return 'new parser'\n")
    parser = importlib.reload(parser)
    assert memo.derived(source, "test", parser.parse) == "new parser"
    assert memo.derived(source, "test", parser.parse) == "new parser"  # and kept


def test_an_unusable_cache_folder_means_making_the_data_in_memory(private_tmp: Path):
    source = private_tmp / "words.txt"
    source.write_text("x")
    tempfile.tempdir = str(private_tmp / "missing" / "folder")  # restored by the fixture
    assert memo.derived_file(source, "test", lambda path: path.write_text("y")) is None


def test_word_counts_are_jiebas_with_ours_over_them() -> None:
    trie, total = jieba_frequencies()
    counts = Frequencies(trie, jieba_longest_word())
    assert counts.get("法律", 0) > 1000 and counts.get("不是一个词语", 0) == 0
    assert counts.get("不是一个词语") is None
    counts["不是一个词语"] = 7
    assert counts.get("不是一个词语", 0) == 7 and total > 1_000_000


def test_a_damaged_word_count_file_is_made_again(private_tmp: Path) -> None:
    jieba_frequencies.cache_clear()
    try:
        jieba_frequencies()
        (made,) = private_tmp.glob("township-qa.jieba-freq-trie.*")
        made.write_bytes(made.read_bytes()[:1000])  # truncated
        jieba_frequencies.cache_clear()
        trie, _ = jieba_frequencies()  # from jieba's dictionary, in memory
        assert Frequencies(trie, jieba_longest_word()).get("法律", 0) > 1000 and not made.exists()
    finally:
        jieba_frequencies.cache_clear()


def test_old_caches_of_a_kind_are_removed_when_a_new_one_is_made(private_tmp: Path):
    """Each edit of a source names a new cache file; the old ones beyond the last few
    used were left in the temporary folder for good (329 MB had piled up here)."""
    source = private_tmp / "words.txt"
    other = private_tmp / "other.txt"
    other.write_text("kept")
    kept = memo.derived(other, "other-kind", lambda: "another kind")
    made: list[Path] = []
    long_ago = time.time() - 100
    for n in range(6):
        source.write_text("律师" * (n + 1))
        made.append(memo.derived_file(source, "test", lambda p: p.write_text("x")))  # type: ignore[arg-type]
        os.utime(made[-1], (long_ago + n, long_ago + n))  # in order, whatever the clock's grain
    assert memo.derived_file(source, "test", lambda p: None) == made[-1]
    left = sorted(private_tmp.glob("township-qa.test.*"))
    assert left == sorted(made[-memo.KEPT_PER_KIND :])  # the last used ones
    assert memo.derived(other, "other-kind", lambda: "made again") == kept  # other kinds stay
