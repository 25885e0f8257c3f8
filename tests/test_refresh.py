"""A reload that changed a few files is done in the serving process (`retrieval.refresh`):
the result must be the index a full build would make, kept for the next start, and the
shortcut must step aside whenever it cannot be trusted."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.service import SearchService
from retrieval import Index, build_index
from retrieval.refresh import REFRESH_BYTES, persist, refresh

from .conftest import SEEDS
from .conftest import mapped as mapped_from_file

QUESTIONS = ("青山镇一村一法律顾问", "法律顾问", "行政执法培训", "首违不罚", "普法", "无人机巡查")


def _answers(index, question):
    return [(h.passage.id, round(h.score, 9)) for h in index.search(question, top_k=10).hits]


def _same_as_full_build(index, corpus: Path) -> None:
    full = build_index(corpus)
    assert [r.source for r in index.corpus.reports] == [r.source for r in full.corpus.reports]
    assert list(index.corpus.passages) == list(full.corpus.passages)
    assert np.array_equal(index.corpus.passages.meaning, full.corpus.passages.meaning)
    for word in full.bm25.vocab:
        got, want = index.bm25.postings(word), full.bm25.postings(word)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]), word
    for question in QUESTIONS:
        assert _answers(index, question) == _answers(full, question), question


def _new_report(corpus: Path, name: str = "0015_added.txt") -> Path:
    text = (SEEDS / "002_1113006dcd718aa6.txt").read_text("utf-8").replace("王团镇", "青山镇")
    path = corpus / name  # sorts between two reports: every later passage moves
    path.write_text(text + "\n（九）试点无人机巡查执法。", "utf-8")
    return path


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_added_changed_and_removed_reports_as_a_full_build_has_them(corpus_copy, cache):
    serving = build_index(corpus_copy, cache_dir=cache)
    _new_report(corpus_copy)
    (corpus_copy / "003_f3bfa6d8f855b377.txt").unlink()
    changed = corpus_copy / "004_d55687dd8b7cad87.txt"
    changed.write_text(changed.read_text("utf-8") + "\n（八）推行首违不罚清单。", "utf-8")
    refreshed = refresh(serving, corpus_copy, cache)
    assert refreshed is not None
    assert refreshed.index.search("无人机巡查").hits[0].report.township == "青山镇"
    _same_as_full_build(refreshed.index, corpus_copy)
    # the serving index itself is untouched
    assert "0015_added.txt" not in {r.source for r in serving.corpus.reports}
    assert not any(h.report.township == "青山镇" for h in serving.search("无人机巡查").hits)


def test_a_second_copy_of_a_report_is_skipped_with_the_reason(corpus_copy, cache):
    """The same report saved twice under two names showed every passage twice (首违不罚:
    峰灵镇, then 峰灵镇 again). The later copy is skipped, saying which file it repeats, in
    a full build and in an in-place reload alike; removing the first brings the copy in."""
    serving = build_index(corpus_copy, cache_dir=cache)
    fengling = corpus_copy / "003_f3bfa6d8f855b377.txt"
    copy = corpus_copy / "zz_峰灵镇_副本.txt"
    copy.write_bytes(fengling.read_bytes())
    refreshed = refresh(serving, corpus_copy, cache)
    assert refreshed is not None
    for index in (refreshed.index, build_index(corpus_copy)):
        assert [h.report.source for h in index.search("首违不罚").hits] == [fengling.name]
        (skip,) = [s for s in index.corpus.skipped if s.source == copy.name]
        assert fengling.name in skip.reason and "内容相同" in skip.reason
    _same_as_full_build(refreshed.index, corpus_copy)
    fengling.unlink()
    again = refresh(persist(refreshed, cache), corpus_copy, cache)
    assert again is not None
    assert [h.report.source for h in again.index.search("首违不罚").hits] == [copy.name]
    _same_as_full_build(again.index, corpus_copy)


def test_a_refreshed_index_is_kept_for_the_next_start(corpus_copy, cache):
    serving = build_index(corpus_copy, cache_dir=cache)
    _new_report(corpus_copy)
    refreshed = refresh(serving, corpus_copy, cache)
    mapped = persist(refreshed, cache)
    assert mapped_from_file(mapped.bm25.post_docs)  # served from what was written
    restarted = build_index(corpus_copy, cache_dir=cache)
    assert mapped_from_file(restarted.bm25.post_docs)  # the snapshot is current
    for question in QUESTIONS:
        assert _answers(restarted, question) == _answers(refreshed.index, question)
    again = refresh(mapped, corpus_copy, cache)
    assert again is not None and again.index is mapped  # nothing changed since


def test_it_steps_aside_for_big_changes_and_indexes_without_file_keys(corpus_copy, cache):
    serving = build_index(corpus_copy, cache_dir=cache)
    big = _new_report(corpus_copy, "009_big.txt")
    text = big.read_text("utf-8")
    big.write_text(text * (REFRESH_BYTES // len(text.encode()) + 1), "utf-8")
    assert refresh(serving, corpus_copy, cache) is None  # tokenised in a subprocess instead
    unknown = Index(replace(serving.corpus, origin=None), serving.pipeline, serving.bm25)
    assert refresh(unknown, corpus_copy, cache) is None  # read without keys: nothing to compare


def test_the_service_reloads_in_place_then_in_a_subprocess(corpus_copy, cache):
    async def scenario() -> None:
        service = await SearchService.start(corpus_copy, cache)
        _new_report(corpus_copy)
        summary = await service.reload()
        assert [r.source for r in summary.added] == ["0015_added.txt"]
        hits = (await service.search("无人机巡查", 5)).hits
        assert hits and hits[0].report.township == "青山镇"
        assert mapped_from_file(service.index.bm25.post_docs)  # saved, then mapped
        big = _new_report(corpus_copy, "009_big.txt")
        big.write_text(big.read_text("utf-8") * 40, "utf-8")
        summary = await service.reload()
        assert [r.source for r in summary.added] == ["009_big.txt"]
        _same_as_full_build(service.index, corpus_copy)

    asyncio.run(scenario())


async def test_a_reload_may_wait_for_the_one_running(corpus_copy, cache):
    """/reload during a reload says it is busy; a report an admin confirmed (already on
    disk) waits for the running reload and is then read, rather than failing."""
    from bot.service import ReloadBusy

    service = await SearchService.start(corpus_copy, cache)
    running = asyncio.create_task(service.reload())
    await asyncio.sleep(0)  # the running reload holds the lock
    assert service.reloading
    with pytest.raises(ReloadBusy):
        await service.reload()
    _new_report(corpus_copy)  # the running reload may or may not see it yet
    waited = await service.reload(wait=True)
    assert running.done()  # it waited for the running one, then reloaded
    added = [r.source for r in (*running.result().added, *waited.added)]
    assert added == ["0015_added.txt"]
    assert service.index.search("无人机巡查").hits[0].report.township == "青山镇"
