"""Data derived from a file, kept per user in the temporary folder between processes.

Parsing jieba's dictionary or the gazetteer takes 0.3-0.4 s; unpickling the result takes
a third of that, and every process (the bot, each build worker, each CLI call) needs it;
a file made to be memory-mapped (`derived_file`) costs nothing to open.
The cache file is named after the source's size and mtime and those of the code that
parses it, so an upgraded package, an edited data file or a changed parser is parsed
again; it is written whole under a temporary name and renamed,
readable by this user only. Any problem reading or writing it just means parsing.
"""

from __future__ import annotations

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


def _cache_path(source: Path, kind: str, suffix: str, maker: Callable) -> Path:
    """Named after the source's size and mtime and those of the module whose code makes
    the data (`maker`'s): a changed parser is not served the old parser's result."""
    st = source.stat()
    code = Path(sys.modules[maker.__module__].__file__ or source).stat()
    stamp = f"{st.st_size}.{st.st_mtime_ns}.{code.st_size}.{code.st_mtime_ns}"
    return Path(tempfile.gettempdir()) / f"township-qa.{kind}.u{os.getuid()}.{stamp}.{suffix}"


def derived_file(source: Path, kind: str, write: Callable[[Path], None]) -> Path | None:
    """A file made from `source` by `write(path)`, kept in the per-user cache while the
    source is unchanged (for data read by memory map rather than unpickled). None when
    the cache cannot be written: the caller makes the data in memory instead."""
    cache = _cache_path(source, kind, "bin", write)
    if cache.exists():
        return cache
    tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        write(tmp)
        os.replace(tmp, cache)
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
            return pickle.load(f)
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
    except OSError as exc:
        log.debug("%s not written (%s)", cache, exc)
    return result
