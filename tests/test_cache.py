"""The index cache: reused when nothing changed, rebuilt when anything did, never trusted
when damaged."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrieval import build, build_index
from retrieval.paths import DATA_DIR

from .conftest import ROOT, SEEDS, mapped


def _ids(index, question="流动普法车"):
    return [h.passage.id for h in index.search(question).hits]


def _from_snapshot(index) -> bool:
    return mapped(index.bm25.post_docs)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_second_build_loads_snapshot_with_same_results(corpus_copy, cache):
    first = build_index(corpus_copy, cache_dir=cache)
    second = build_index(corpus_copy, cache_dir=cache)
    assert not _from_snapshot(first) and _from_snapshot(second)
    assert _ids(first) == _ids(second) and _ids(second)
    assert [r.township for r in first.corpus.reports] == [r.township for r in second.corpus.reports]
    assert first.corpus.passages[5] == second.corpus.passages[5]
    assert np.array_equal(first.corpus.passages.meaning, second.corpus.passages.meaning)


def _places_of_another_corpus(path: Path) -> None:
    """The places of a corpus of the first report alone, in place of this corpus's."""
    located = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps(replace(located, regions_of=located.regions_of[:1])))


# questions answered only by reading places: a county, a province, a town, a town left out
PLACE_QUESTIONS = (
    "大冶市的镇怎么做普法",
    "湖北的镇怎么做普法",
    "同心县的法律顾问",
    "除了峰灵镇，别的镇怎么普法",
)


def test_a_snapshot_keeps_the_places_questions_name(corpus_copy, cache):
    """A cold start reads the corpus's places from the snapshot (spelling 50,000 towns
    again took 0.5 s) and answers questions naming places as the build did."""
    first = build_index(corpus_copy, cache_dir=cache)
    second = build_index(corpus_copy, cache_dir=cache)
    assert _from_snapshot(second) and (cache / "snapshot" / "places.pkl").exists()
    for question in PLACE_QUESTIONS:
        assert _ids(first, question) == _ids(second, question) != [], question
    assert {h.report.township for h in second.search(PLACE_QUESTIONS[0]).hits} == {"保安镇"}
    assert "峰灵镇" not in {h.report.township for h in second.search(PLACE_QUESTIONS[3]).hits}


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(b"not a pickle"),
        _places_of_another_corpus,
    ],
)
def test_damaged_places_in_a_snapshot_are_made_anew(corpus_copy, cache, damage):
    expected = [_ids(build_index(corpus_copy, cache_dir=cache), q) for q in PLACE_QUESTIONS]
    damage(cache / "snapshot" / "places.pkl")
    index = build_index(corpus_copy, cache_dir=cache)
    assert [_ids(index, q) for q in PLACE_QUESTIONS] == expected
    kept = pickle.loads((cache / "snapshot" / "places.pkl").read_bytes())  # written anew
    assert len(kept.regions_of) == len(index.corpus.reports)


def test_changed_file_invalidates_and_only_it_is_reanalysed(corpus_copy, cache):
    build_index(corpus_copy, cache_dir=cache)
    entries = {p.name: p.stat().st_mtime_ns for p in (cache / "files").glob("*.pkl")}
    target = corpus_copy / "004_d55687dd8b7cad87.txt"
    target.write_text(target.read_text("utf-8") + "\n（八）新建无人机巡查执法队伍。", "utf-8")
    index = build_index(corpus_copy, cache_dir=cache)
    assert not _from_snapshot(index)
    assert index.search("无人机巡查").hits[0].report.township == "保安镇"
    after = {p.name: p.stat().st_mtime_ns for p in (cache / "files").glob("*.pkl")}
    kept = set(entries) & set(after)
    assert len(kept) == 4 and all(entries[k] == after[k] for k in kept)  # 4 reused untouched
    assert len(after) == 5  # the old entry of the changed file was pruned


def test_added_and_removed_files(corpus_copy, cache):
    build_index(corpus_copy, cache_dir=cache)
    text = (SEEDS / "002_1113006dcd718aa6.txt").read_text("utf-8").replace("王团镇", "青山镇")
    (corpus_copy / "009_new.txt").write_text(text, "utf-8")
    (corpus_copy / "000_f9cc09109dbea409.txt").unlink()
    index = build_index(corpus_copy, cache_dir=cache)
    towns = {r.township_simplified for r in index.corpus.reports}
    assert "青山镇" in towns and "潭湾镇" not in towns


def test_dictionary_change_invalidates(corpus_copy, cache, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    first = build_index(corpus_copy, cache_dir=cache, data_dir=data)
    (data / "stopwords.txt").write_text(
        (data / "stopwords.txt").read_text("utf-8") + "\n执法\n", "utf-8"
    )
    second = build_index(corpus_copy, cache_dir=cache, data_dir=data)
    assert not _from_snapshot(second)
    assert "执法" in first.bm25.vocab and "执法" not in second.bm25.vocab


def test_code_change_invalidates(tmp_path, corpus_copy, cache):
    """A copy of the package, edited between two runs, must not reuse the cache."""
    shutil.copytree(ROOT / "retrieval", tmp_path / "pkg" / "retrieval")
    shutil.copytree(DATA_DIR, tmp_path / "pkg" / "data")
    script = (
        "import sys, numpy as np; from pathlib import Path; from retrieval import build_index;"
        f"assert build_index.__module__ and {str(tmp_path)!r} in sys.modules['retrieval'].__file__;"
        f"i = build_index(Path({str(corpus_copy)!r}), cache_dir=Path({str(cache)!r}));"
        "print(isinstance(i.bm25.post_docs.base, np.memmap))"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "pkg")}

    def run() -> str:
        return subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=tmp_path,  # not the repo, whose retrieval/ would be imported first
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert run() == "False"
    assert run() == "True"
    with (tmp_path / "pkg" / "retrieval" / "passages.py").open("a") as f:
        f.write("\n# a code change\n")
    assert run() == "False"


def _past_the_end(path: Path) -> None:
    """The right number of postings, one of them pointing past the last passage."""
    docs = np.load(path)
    docs[len(docs) // 2] = 10**6
    np.save(path, np.sort(docs))  # kept ascending, as a term's passages are


@pytest.mark.parametrize(
    "damage",
    [
        lambda snap: (snap / "meta.pkl").write_bytes(b"not a pickle"),
        lambda snap: (snap / "bm25_post_docs.npy").write_bytes(b"\x93NUMPY garbage"),
        lambda snap: np.save(snap / "bm25_post_docs.npy", np.arange(10, dtype=np.int32) + 10**6),
        lambda snap: (snap / "text_blob.bin").unlink(),
        lambda snap: _past_the_end(snap / "bm25_post_docs.npy"),
    ],
)
def test_corrupt_snapshot_is_rebuilt_not_trusted(corpus_copy, cache, damage):
    expected = _ids(build_index(corpus_copy, cache_dir=cache))
    damage(cache / "snapshot")
    rebuilt = build_index(corpus_copy, cache_dir=cache)
    assert not _from_snapshot(rebuilt)
    assert _ids(rebuilt) == expected
    assert _from_snapshot(build_index(corpus_copy, cache_dir=cache))  # and written anew


def test_the_snapshots_file_list_is_read_only_to_update(corpus_copy, cache):
    """A cold start of an unchanged corpus knows the files from their key and does not
    read the list back; updating after a change does, and a damaged list means a full
    build, with the same answers as a fresh one."""
    build_index(corpus_copy, cache_dir=cache)
    (cache / "snapshot" / "files.pkl").write_bytes(b"not a pickle")
    assert _from_snapshot(build_index(corpus_copy, cache_dir=cache))
    target = sorted(corpus_copy.glob("*.txt"))[0]
    target.write_text(target.read_text("utf-8") + "\n试点无人机巡查执法。\n", "utf-8")
    updated = build_index(corpus_copy, cache_dir=cache)
    fresh = build_index(corpus_copy)
    assert _ids(updated, "无人机巡查") == _ids(fresh, "无人机巡查") != []
    assert (cache / "snapshot" / "files.pkl").read_bytes() != b"not a pickle"


def test_a_build_updates_after_a_few_changes_and_builds_anew_after_many(
    corpus_copy, cache, monkeypatch
):
    """An update holds the reports it adds in memory, so past `UPDATE_BYTES` of changed
    files (after a code or dictionary change: every file) the build streams instead. Both
    answer alike; they differ in how words are numbered: an update adds new words last, a
    build numbers them as it meets them, so a fresh build's numbering shows which ran."""
    build_index(corpus_copy, cache_dir=cache)
    target = sorted(corpus_copy.glob("*.txt"))[0]  # the first report: 无人机 is met first
    target.write_text(target.read_text("utf-8") + "\n试点无人机巡查执法。\n", "utf-8")
    fresh = build_index(corpus_copy)
    monkeypatch.setattr(build, "UPDATE_BYTES", target.stat().st_size)
    updated = build_index(corpus_copy, cache_dir=cache)
    assert list(updated.bm25.vocab)[-1] == "无人机" != list(fresh.bm25.vocab)[-1]
    assert _ids(updated, "无人机巡查") == _ids(fresh, "无人机巡查") != []
    target.write_text(target.read_text("utf-8") + "\n试点无人机夜间巡查。\n", "utf-8")
    fresh = build_index(corpus_copy)
    monkeypatch.setattr(build, "UPDATE_BYTES", target.stat().st_size - 1)
    rebuilt = build_index(corpus_copy, cache_dir=cache)
    assert list(rebuilt.bm25.vocab) == list(fresh.bm25.vocab)
    assert _ids(rebuilt, "无人机夜间巡查") == _ids(fresh, "无人机夜间巡查") != []


def test_corrupt_file_entry_is_reanalysed(corpus_copy, cache):
    expected = _ids(build_index(corpus_copy, cache_dir=cache))
    shutil.rmtree(cache / "snapshot")
    for entry in (cache / "files").glob("*.pkl"):
        entry.write_bytes(b"\x80\x05garbage")
    assert _ids(build_index(corpus_copy, cache_dir=cache)) == expected


def test_parallel_build_equals_serial(corpus_copy):
    serial = build_index(corpus_copy, workers=1)
    parallel = build_index(corpus_copy, workers=2)
    assert list(serial.bm25.vocab) == list(parallel.bm25.vocab)
    assert np.array_equal(serial.bm25.post_docs, parallel.bm25.post_docs)
    assert _ids(serial, "法律顾问") == _ids(parallel, "法律顾问")
    # as `retrieval search` builds: the segmenter loaded in a thread, then workers forked
    warmed = build_index(corpus_copy, workers=2, warm=True)
    assert np.array_equal(serial.bm25.post_docs, warmed.bm25.post_docs)
    assert _ids(serial, "法律顾问") == _ids(warmed, "法律顾问")


def test_incremental_update_scores_like_a_full_rebuild(corpus_copy, cache):
    build_index(corpus_copy, cache_dir=cache)
    text = (SEEDS / "002_1113006dcd718aa6.txt").read_text("utf-8").replace("王团镇", "青山镇")
    (corpus_copy / "0015_added.txt").write_text(text, "utf-8")  # sorts between two reports
    (corpus_copy / "003_f3bfa6d8f855b377.txt").unlink()
    (corpus_copy / "empty.txt").write_bytes(b"")
    updated = build_index(corpus_copy, cache_dir=cache)
    full = build_index(corpus_copy)
    assert [r.source for r in updated.corpus.reports] == [r.source for r in full.corpus.reports]
    assert [s.source for s in updated.corpus.skipped] == ["empty.txt"]
    assert list(updated.corpus.passages) == list(full.corpus.passages)
    assert np.array_equal(updated.corpus.passages.meaning, full.corpus.passages.meaning)
    assert sorted(updated.bm25.vocab) == sorted(full.bm25.vocab)
    for word in full.bm25.vocab:  # every word's postings, as a rebuild has them
        got, want = updated.bm25.postings(word), full.bm25.postings(word)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]), word
    for question in ("青山镇一村一法律顾问", "法律顾问", "行政执法培训", "首违不罚", "普法"):
        got = [(h.passage.id, round(h.score, 9)) for h in updated.search(question, top_k=10).hits]
        want = [(h.passage.id, round(h.score, 9)) for h in full.search(question, top_k=10).hits]
        assert got == want, question


def test_unchanged_files_are_not_read_again_changed_ones_are(corpus_copy, cache):
    """A cold start trusts (size, mtime, inode) of files older than two seconds: a file
    whose bytes change behind an unchanged stat is not re-read (the documented trade-off);
    any edit that moves its mtime is."""
    from retrieval.cache import IndexCache

    build_index(corpus_copy, cache_dir=cache)
    target = next(p for p in corpus_copy.glob("*.txt") if "流动普法车" in p.read_text("utf-8"))
    assert target.name in IndexCache(cache).load_stats()  # copied with old mtimes: trusted
    text = target.read_text(encoding="utf-8")
    st = target.stat()
    target.write_text(text.replace("流动普法车", "流动宣传车"), encoding="utf-8")  # same size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    stale = build_index(corpus_copy, cache_dir=cache)
    assert _from_snapshot(stale)  # the snapshot, without reading the file
    assert not any("流动宣传车" in h.passage.text for h in stale.search("流动宣传车").hits)
    os.utime(target)  # an ordinary edit moves the mtime: read, hashed, re-analysed
    fresh = build_index(corpus_copy, cache_dir=cache)
    assert not _from_snapshot(fresh)
    assert any("流动宣传车" in h.passage.text for h in fresh.search("流动宣传车").hits)
    # modified within the last two seconds: not trusted next time, read again
    assert target.name not in IndexCache(cache).load_stats()


def test_a_file_read_again_unchanged_is_trusted_next_time(corpus_copy, cache):
    """A touched file is read and hashed once (same key: the snapshot still serves); its new
    stat is recorded then, so the next start does not read it again."""
    from retrieval.cache import IndexCache

    build_index(corpus_copy, cache_dir=cache)
    target = sorted(corpus_copy.glob("*.txt"))[0]
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns - 10**10))  # older, same bytes
    assert _from_snapshot(build_index(corpus_copy, cache_dir=cache))
    size, mtime, _ = IndexCache(cache).load_stats()[target.name][0]
    assert (size, mtime) == (st.st_size, st.st_mtime_ns - 10**10)


def test_a_cold_start_rewrites_the_file_stats_only_when_they_changed(corpus_copy, cache):
    """Nothing changed, an unreadable file included (it never gets a record): the stats
    file is left as it is. A file gone: its record goes at once, not at the next build."""
    from retrieval.cache import IndexCache

    (corpus_copy / "坏文件.pdf").write_bytes(b"not a pdf")
    build_index(corpus_copy, cache_dir=cache)
    stats = cache / "stats.pkl"
    os.utime(stats, ns=(0, 0))
    assert _from_snapshot(build_index(corpus_copy, cache_dir=cache))
    assert stats.stat().st_mtime_ns == 0  # not written again
    gone = sorted(corpus_copy.glob("*.txt"))[0]
    gone.unlink()
    build_index(corpus_copy, cache_dir=cache)
    assert stats.stat().st_mtime_ns != 0
    assert gone.name not in IndexCache(cache).load_stats()


def test_the_build_reports_its_own_peak_memory_not_its_parents(tmp_path):
    """The benchmark starts the builder from a process holding hundreds of MB; Linux's
    ru_maxrss would hand that figure to the builder across fork and exec."""
    held = np.ones(400 * 1024 * 1024 // 8)  # 400 MB touched by this (the parent) process
    command = [sys.executable, "-m", "retrieval", "build", "--corpus", str(SEEDS)]
    done = subprocess.run(
        [*command, "--cache", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    peak = float(done.stderr.rsplit("peak_rss_mb=", 1)[1].split()[0])
    assert held.sum() > 0 and 0 < peak < 300
