"""A reload that changes a few files, done in the serving process: searchable in a second.

A full reload builds in a subprocess (`build.build_in_subprocess`): it pays for a fresh
interpreter, the dictionary, reading the saved index and mapping the new one, about 2 s
before any work at 100k passages. When only a few files changed (one uploaded report, a
corrected catalog row), `refresh` analyses them here and updates the serving index
(`update.update`: one pass over the postings, no sort), and `persist` then keeps the
result for the next start. Over `REFRESH_BYTES` of changed files, or when the dictionary
or this code changed since the serving index was built, it declines and the caller builds
in a subprocess as before: tokenising holds Python's lock, and questions wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .build import (
    LOADED_CODE,
    CorpusFile,
    changes_exceed,
    code_fingerprint,
    corpus_key,
    file_salt,
    save,
    scan,
    update_index,
)
from .cache import IndexCache
from .corpus import Origin
from .index import Index
from .text import data_fingerprint

# Changed files above this many bytes are tokenised in a subprocess instead (about a
# third of a second of the serving process's time per megabyte, 2 cores; a report is
# 20-100 KB as text, a Word file a few hundred).
REFRESH_BYTES = 1_000_000


@dataclass(frozen=True)
class Refreshed:
    """An updated index and the scanned files it came from (what `persist` records)."""

    index: Index
    files: tuple[CorpusFile, ...]


def refresh(index: Index, corpus_dir: Path, cache_dir: Path) -> Refreshed | None:
    """`index` updated to the corpus folder as it is now, or None when a subprocess
    should build instead (see the module's docstring). Unchanged: the same index."""
    origin, pipeline = index.corpus.origin, index.pipeline
    if origin is None or code_fingerprint() != LOADED_CODE:
        return None
    if pipeline.fingerprint != data_fingerprint(pipeline.data_dir):
        return None
    cache = IndexCache(cache_dir)
    files, skipped, _ = scan(corpus_dir, pipeline, cache.load_stats(file_salt(pipeline)))
    new_origin = Origin(
        corpus_key(files, skipped, index.params), tuple((f.source, f.key) for f in files)
    )
    if new_origin.key == origin.key:
        return Refreshed(index, tuple(files))
    if changes_exceed(index, files, REFRESH_BYTES):
        return None
    updated = update_index(index, files, skipped, cache, index.params, 1, 0, new_origin)
    return Refreshed(updated, tuple(files))


def persist(refreshed: Refreshed, cache_dir: Path) -> Index:
    """Keep a refreshed index for the next start; returns it memory-mapped from what was
    written (the arrays `update` made live in this process's memory until then)."""
    cache = IndexCache(cache_dir)
    save(cache, refreshed.index, refreshed.files)
    index = refreshed.index
    mapped = cache.load_previous(index.pipeline, index.params)
    if mapped is None or mapped.corpus.origin != index.corpus.origin:
        return index
    return mapped
