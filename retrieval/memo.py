"""Data derived from a file, kept per user in the temporary folder between processes.

Parsing jieba's dictionary or the gazetteer takes 0.3-0.4 s; unpickling the result takes
a third of that, and every process (the bot, each build worker, each CLI call) needs it;
a file made to be memory-mapped (`derived_file`) costs nothing to open.
The cache file is named after the source's size and mtime and those of the code that
parses it, so an upgraded package, an edited data file or a changed parser is parsed
again; it is written whole under a temporary name and renamed,
readable by this user only. Any problem reading or writing it just means parsing.
Every edit of a source or of its parser names a new file, so a new one's writing removes
that kind's files beyond the few last used (a file's mtime is touched when it is used):
before, each upgrade left about 1 MB behind for good (329 MB of them piled up here).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

KEPT_PER_KIND = 3
"""Caches of one kind kept: the current one plus two, for checkouts or installs of other
versions run by the same user (a bot and a working copy) without remaking at each switch."""


def _prefix(kind: str) -> str:
    """What every cache file of a kind made by this user is named with first."""
    return f"township-qa.{kind}.u{os.getuid()}."


def _cache_path(source: Path, kind: str, suffix: str, maker: Callable) -> Path:
    """Named after the source's size and mtime and those of the module whose code makes
    the data (`maker`'s): a changed parser is not served the old parser's result."""
    st = source.stat()
    code = Path(sys.modules[maker.__module__].__file__ or source).stat()
    stamp = f"{st.st_size}.{st.st_mtime_ns}.{code.st_size}.{code.st_mtime_ns}"
    return Path(tempfile.gettempdir()) / f"{_prefix(kind)}{stamp}.{suffix}"


def _used(cache: Path) -> None:
    """Marks `cache` as used now, so pruning keeps it while it is in use."""
    with contextlib.suppress(OSError):
        os.utime(cache)


def _prune(cache: Path, kind: str) -> None:
    """Removes the files of `cache`'s kind (same user, same suffix) beyond the
    `KEPT_PER_KIND` last used; a memory-mapped file removed stays readable to its mapper."""
    siblings = cache.parent.glob(f"{_prefix(kind)}*{cache.suffix}")
    try:
        dated = sorted(((p.stat().st_mtime_ns, p) for p in siblings), reverse=True)
        for _, old in dated[KEPT_PER_KIND:]:
            old.unlink(missing_ok=True)
    except OSError as exc:  # raced by another process's pruning (a file gone mid-scan)
        log.debug("cache pruning stopped: %s", exc)


def derived_file(source: Path, kind: str, write: Callable[[Path], None]) -> Path | None:
    """A file made from `source` by `write(path)`, kept in the per-user cache while the
    source is unchanged (for data read by memory map rather than unpickled). None when
    the cache cannot be written: the caller makes the data in memory instead."""
    cache = _cache_path(source, kind, "bin", write)
    if cache.exists():
        _used(cache)
        return cache
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        write(tmp)
        os.replace(tmp, cache)
        _prune(cache, kind)
        return cache
    except OSError as exc:
        log.debug("%s not written (%s)", cache, exc)
        tmp.unlink(missing_ok=True)
        return None


def derived(source: Path, kind: str, parse: Callable[[], T]) -> T:
    """`parse()`'s result for `source`, from the per-user cache when it is current."""
    cache = _cache_path(source, kind, "pkl", parse)
    try:
        with cache.open("rb") as f:
            result = pickle.load(f)
        _used(cache)
        return result
    except FileNotFoundError:
        pass
    except Exception as exc:  # damaged or from an incompatible version: parse again
        log.debug("ignoring %s: %s", cache, exc)
    result = parse()
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
        _prune(cache, kind)
    except OSError as exc:
        log.debug("%s not written (%s)", cache, exc)
    return result
