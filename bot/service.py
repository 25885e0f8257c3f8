"""The serving index: searched off the event loop, swapped in one assignment on reload."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from retrieval import Index, Report, SearchResult, SkippedFile
from retrieval.build import BuildFailed, build_in_subprocess, build_index
from retrieval.cache import writable_folder
from retrieval.reading import UnreadableReport
from retrieval.refresh import Refreshed, persist, refresh

log = logging.getLogger(__name__)


class ReloadBusy(RuntimeError):
    """A reload is already running."""


class ReloadFailed(RuntimeError):
    """The new corpus could not be built; the old index keeps serving."""


@dataclass(frozen=True)
class ReloadSummary:
    added: tuple[Report, ...]
    removed: tuple[Report, ...]
    changed: tuple[Report, ...]
    reports: int
    passages: int
    seconds: float
    skipped: tuple[SkippedFile, ...]


def load_index(corpus_dir: Path, cache_dir: Path) -> Index:
    """A complete index, or ReloadFailed with a reason an admin understands.

    The index is built in a separate low-priority process (see `build_in_subprocess`), so
    questions keep being answered quickly while a reload tokenises. When the cache folder
    cannot be written, the index is built here without a cache (slower, with one warning)
    rather than not at all.
    """
    try:
        if writable_folder(cache_dir):
            index = build_in_subprocess(corpus_dir, cache_dir)
        else:
            log.warning("index cache %s is not writable; building without a cache", cache_dir)
            index = build_index(corpus_dir, cache_dir=None)
    except (OSError, UnreadableReport, BuildFailed) as exc:
        raise ReloadFailed(f"无法建立索引（{corpus_dir}）：{exc}") from exc
    return _usable(index)


def _usable(index: Index) -> Index:
    if not index.corpus.reports:
        reasons = "；".join(f"{s.source}（{s.reason}）" for s in index.corpus.skipped)
        raise ReloadFailed("语料目录中没有可读取的报告" + (f"：{reasons}" if reasons else ""))
    return index


def refresh_index(index: Index, corpus_dir: Path, cache_dir: Path) -> Refreshed | None:
    """`index` updated here for a few changed files (see `retrieval.refresh`), or None:
    then `load_index` builds in a subprocess. The update is only a shortcut, so any failure
    of it is logged and left to the full build, which reports problems to the admin."""
    if not writable_folder(cache_dir):
        return None
    try:
        refreshed = refresh(index, corpus_dir, cache_dir)
    except (OSError, UnreadableReport):
        return None  # the full build meets the same problem and says what it is
    except Exception:
        log.exception("updating the index in place failed; building it in a subprocess")
        return None
    if refreshed is not None:
        _usable(refreshed.index)
    return refreshed


def keep_refreshed(refreshed: Refreshed, cache_dir: Path) -> Index:
    """Save a refreshed index for the next start and serve it from what was saved; when
    saving fails, the refreshed index keeps serving from memory (logged)."""
    try:
        return persist(refreshed, cache_dir)
    except OSError as exc:
        log.warning(
            "the updated index was not saved to %s (%s); serving it from memory", cache_dir, exc
        )
        return refreshed.index


def compare(old: Index, new: Index, seconds: float) -> ReloadSummary:
    """What a reload changed. Reports are told apart by two columns (source, digest); a
    Report object is made only for those that changed (one per report took 0.8 s at
    50,000 reports, on the event loop)."""
    before, after = _digests(old), _digests(new)
    return ReloadSummary(
        added=_reports(new, [s for s in after if s not in before]),
        removed=_reports(old, [s for s in before if s not in after]),
        changed=_reports(new, [s for s, d in after.items() if s in before and before[s] != d]),
        reports=len(after),
        passages=len(new),
        seconds=seconds,
        skipped=new.corpus.skipped,
    )


def _digests(index: Index) -> dict[str, str]:
    reports = index.corpus.reports
    return dict(zip(reports.column("source"), reports.column("digest"), strict=True))


def _reports(index: Index, sources: list[str]) -> tuple[Report, ...]:
    position = {s: i for i, s in enumerate(index.corpus.reports.column("source"))}
    return tuple(index.corpus.reports[position[s]] for s in sources)


class SearchService:
    """Holds the current index. Readers take `self.index` once per request."""

    def __init__(self, corpus_dir: Path, cache_dir: Path, index: Index) -> None:
        self.corpus_dir = corpus_dir
        self.cache_dir = cache_dir
        self.index = index
        self._reload_lock = asyncio.Lock()

    @classmethod
    async def start(cls, corpus_dir: Path, cache_dir: Path) -> SearchService:
        return cls(
            corpus_dir, cache_dir, await asyncio.to_thread(load_index, corpus_dir, cache_dir)
        )

    @property
    def reloading(self) -> bool:
        return self._reload_lock.locked()

    async def search(self, question: str, top_k: int, offset: int = 0) -> SearchResult:
        index = self.index  # one consistent index for the whole request
        return await asyncio.to_thread(index.search, question, top_k, offset)

    async def reload(self, wait: bool = False) -> ReloadSummary:
        """Rebuild from the corpus folder; questions keep using the old index meanwhile.
        A reload already running raises ReloadBusy, or with `wait` is waited for (a report
        an admin confirmed is on disk already: its reload must follow, not fail)."""
        if self._reload_lock.locked() and not wait:
            raise ReloadBusy
        async with self._reload_lock:
            started = time.perf_counter()
            old = self.index
            refreshed = await asyncio.to_thread(refresh_index, old, self.corpus_dir, self.cache_dir)
            if refreshed is None:
                self.index = await asyncio.to_thread(load_index, self.corpus_dir, self.cache_dir)
            else:
                self.index = refreshed.index
            summary = compare(old, self.index, time.perf_counter() - started)
            if refreshed is not None and refreshed.index is not old:
                self.index = await asyncio.to_thread(keep_refreshed, refreshed, self.cache_dir)
            return summary
