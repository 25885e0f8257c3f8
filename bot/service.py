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
    if not index.corpus.reports:
        reasons = "；".join(f"{s.source}（{s.reason}）" for s in index.corpus.skipped)
        raise ReloadFailed("语料目录中没有可读取的报告" + (f"：{reasons}" if reasons else ""))
    return index


def compare(old: Index, new: Index, seconds: float) -> ReloadSummary:
    before = {r.source: r for r in old.corpus.reports}
    after = {r.source: r for r in new.corpus.reports}
    return ReloadSummary(
        added=tuple(r for s, r in after.items() if s not in before),
        removed=tuple(r for s, r in before.items() if s not in after),
        changed=tuple(r for s, r in after.items() if s in before and before[s].digest != r.digest),
        reports=len(after),
        passages=len(new),
        seconds=seconds,
        skipped=new.corpus.skipped,
    )


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

    async def reload(self) -> ReloadSummary:
        """Rebuild from the corpus folder; questions keep using the old index meanwhile."""
        if self._reload_lock.locked():
            raise ReloadBusy
        async with self._reload_lock:
            started = time.perf_counter()
            new = await asyncio.to_thread(load_index, self.corpus_dir, self.cache_dir)
            old, self.index = self.index, new
            return compare(old, new, time.perf_counter() - started)
