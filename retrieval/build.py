"""Building an index from a corpus folder: per-file analysis, cache, parallel workers.

Analysing a report (cleaning, metadata, passages, jieba tokens) is the expensive part and
depends only on the file, the catalog row, the text pipeline and this code; its result is
cached per file, so a reload re-tokenises only new or changed files. Merging the files'
postings into one index is numpy work.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from .bm25 import BM25Params
from .corpus import CATALOG, Corpus, Origin, Repeats, parse_report, read_catalog
from .index import Index
from .meaning import Placer
from .models import Report, SkippedFile
from .paths import CACHE_ROOT, DATA_DIR, PACKAGE_DIR
from .postings import PostingsBuilder
from .reading import UnreadableReport, corpus_names, decode_report, read_report_bytes
from .reports import ReportTable
from .table import PassageTable, TableBuilder
from .text import TextPipeline, default_pipeline

if TYPE_CHECKING:
    from .cache import IndexCache


@dataclass(frozen=True)
class FileEntry:
    """One analysed report file (or why it could not be used)."""

    source: str
    report: Report | None
    error: str | None
    table: PassageTable | None
    vocab: tuple[str, ...] = ()
    token_ids: np.ndarray | None = None  # int32, all passages back to back
    lengths: np.ndarray | None = None  # int32 tokens per passage

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled with the words as one string (a tuple of ~850 strings a report was
        two thirds of the time a build's parent spends reading its workers' results)."""
        words = "\x00".join(self.vocab)
        if words.count("\x00") != max(len(self.vocab) - 1, 0):  # a word holds the separator
            return FileEntry, tuple(getattr(self, f.name) for f in dataclasses.fields(self))
        fields = (self.source, self.report, self.error, self.table, words, len(self.vocab))
        return _file_entry, (*fields, self.token_ids, self.lengths)


def _file_entry(
    source: str,
    report: Report | None,
    error: str | None,
    table: PassageTable | None,
    words: str,
    count: int,
    token_ids: np.ndarray | None,
    lengths: np.ndarray | None,
) -> FileEntry:
    vocab = tuple(words.split("\x00")) if count else ()
    return FileEntry(source, report, error, table, vocab, token_ids, lengths)


Stat = tuple[int, int, int]  # size, mtime_ns, inode: unchanged means the bytes are unchanged
RACY_NS = 2_000_000_000  # a file modified this recently may change again within its mtime tick
# A build over a saved index updates it (`update_index`) while the files it lacks hold at
# most this many bytes, else builds anew. An update holds the reports it adds in memory,
# about 13.5 bytes a byte of file, where a full build streams: after a code or dictionary
# change (every file's key changes) updating 1M passages peaked at 13.4 GB against a full
# build's 1.9 GB. 8 MB (about 500 reports) adds at most ~110 MB, and an update of that
# much is still faster than building anew: 6.9 s against 10.9 s at 100k passages, 20.2 s
# against 75.6 s at 1M (README, "Updating or building anew").
UPDATE_BYTES = 8_000_000


class CorpusFile(NamedTuple):
    """A file to analyse: where it is, its cache key (content, catalog row, pipeline and
    code), why it cannot be read if it cannot, and the stat that vouches for the key.

    A named tuple rather than a frozen dataclass: a cold start makes one per file, and at
    50,000 files the dataclass's slower constructor cost 0.07 s of it."""

    source: str
    folder: Path
    error: str | None
    stated: dict[str, str] | None
    key: str
    seen: tuple[Stat, str] | None = None  # (stat, catalog row), when safe to trust next time

    @property
    def path(self) -> Path:
        return self.folder / self.source


def analyze(file: CorpusFile, pipeline: TextPipeline) -> FileEntry:
    if file.error is not None:
        return FileEntry(file.source, None, file.error, None)
    try:  # read here, in the worker: the scan keeps no file's bytes
        text = decode_report(read_report_bytes(file.path), file.source)
        report, passages = parse_report(file.source, text, file.stated)
    except UnreadableReport as exc:
        return FileEntry(file.source, None, str(exc), None)
    tokens: list[str] = []
    lengths: list[int] = []
    section_tokens: dict[str, list[str]] = {}  # a heading path repeats over its passages
    for passage in passages:
        if passage.section not in section_tokens:
            section_tokens[passage.section] = pipeline.tokens(passage.section)
        size = len(tokens)
        tokens += section_tokens[passage.section]
        tokens += pipeline.tokens(passage.text)
        lengths.append(len(tokens) - size)
    vocab = tuple(dict.fromkeys(tokens))  # first-seen order; C loops, not one call per token
    number = {t: i for i, t in enumerate(vocab)}
    return FileEntry(
        source=file.source,
        report=report,
        error=None,
        table=PassageTable.build(passages, [file.source]),
        vocab=vocab,
        token_ids=np.fromiter(map(number.__getitem__, tokens), np.int32, len(tokens)),
        lengths=np.array(lengths, dtype=np.int32),
    )


def code_fingerprint() -> str:
    """Changes whenever this package's code changes."""
    digest = hashlib.sha1()
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


# The code this process runs: an update made here must not be keyed to code that changed on
# disk since (a deploy in progress), or the cache would hold entries the new code never made.
LOADED_CODE = code_fingerprint()


def file_salt(pipeline: TextPipeline) -> str:
    """What every file's key depends on besides the file: the pipeline's data and the code.
    Stat records (`stat_records`) are kept with it and trusted only under the same salt."""
    return f"{pipeline.fingerprint}|{code_fingerprint()}"


def scan(
    corpus_dir: Path, pipeline: TextPipeline, known: Mapping[str, tuple[Stat, str, str]] = {}
) -> tuple[list[CorpusFile], list[SkippedFile], bool]:
    """Every report file with its cache key; catalog problems as skipped rows; and whether
    `known` already says all there is to record (`stat_records` of the files is `known`).

    A file whose size, mtime and inode match `known` (what the last build recorded under
    this pipeline and code, `IndexCache.load_stats`) and whose catalog row is unchanged
    keeps its key without being read: a cold start or a reload reads only what changed.
    Everything else is read and hashed. (8 µs a file went to this loop: it does no more
    than a stat and two lookups for a file it trusts. Counting the files it trusted saves
    comparing every file's record again afterwards: 0.04 s at 50,000 files.)
    """
    catalog, problems = read_catalog(corpus_dir)
    salt = file_salt(pipeline)
    now = time.time_ns()
    folder = os.fspath(corpus_dir)
    files = []
    kept = untracked = 0  # files whose record holds; files with no record and none to make
    for name in corpus_names(corpus_dir):
        stated = catalog.get(name)
        row = "null" if stated is None else json.dumps(stated, sort_keys=True)  # 11 µs a call
        try:
            st = os.lstat(f"{folder}/{name}")  # os.path.join: 5 µs a file
            stat: Stat | None = (st.st_size, st.st_mtime_ns, st.st_ino)
        except OSError:
            stat = None
        record = known.get(name)
        if record is not None and record[0] == stat and record[1] == row:
            files.append(CorpusFile(name, corpus_dir, None, stated, record[2], (stat, row)))
            kept += 1
            continue
        try:
            data, error = read_report_bytes(corpus_dir / name), None
        except UnreadableReport as exc:
            data, error = None, str(exc)
        digest = hashlib.sha1(f"{salt}|{name}|{row}".encode())
        digest.update(data if data is not None else (error or "").encode())
        trusted = stat is not None and error is None and now - stat[1] > RACY_NS
        seen = (stat, row) if trusted else None
        untracked += seen is None and record is None
        files.append(CorpusFile(name, corpus_dir, error, stated, digest.hexdigest()[:24], seen))
    current = kept + untracked == len(files) and kept == len(known)
    return files, [SkippedFile(CATALOG, p) for p in problems], current


def stat_records(files: Sequence[CorpusFile]) -> dict[str, tuple[Stat, str, str]]:
    """What `scan` may trust next time: the stat, catalog row and key of each file."""
    return {f.source: (*f.seen, f.key) for f in files if f.seen is not None}


def corpus_key(
    files: Sequence[CorpusFile], skipped: Sequence[SkippedFile], params: BM25Params
) -> str:
    """Identifies an index: every file's key, catalog problems and BM25 parameters."""
    digest = hashlib.sha1(repr(params).encode())
    for file in files:
        digest.update(file.key.encode())
    for s in skipped:
        digest.update(f"{s.source}|{s.reason}".encode())
    return digest.hexdigest()[:24]


def merge(
    entries: Iterable[FileEntry],
    skipped: Iterable[SkippedFile],
    pipeline: TextPipeline,
    params: BM25Params,
    origin: Origin | None = None,
    spill_to: Path | None = None,
) -> Index:
    """One index from analysed files in file-name order, taken one at a time: each file's
    tokens become postings and are let go (see `postings`); postings and texts wait in
    unnamed files in `spill_to` (the system's temporary folder when None). Passages are
    placed by meaning here, from the postings' term numbers: a worker looking each file's
    words up in the meaning table took a fifth of its analysis (`meaning.Placer`)."""
    postings, tables = PostingsBuilder(spill_to), TableBuilder(spill_to)
    places = Placer(pipeline.meaning)
    reports: list[Report] = []
    errors = list(skipped)
    repeats = Repeats()
    for entry in entries:
        if entry.report is None:
            errors.append(SkippedFile(entry.source, entry.error or "无法读取"))
            continue
        if repeat := repeats.skip(entry.source, entry.report.digest):
            errors.append(repeat)
            continue
        terms = postings.add(entry.vocab, entry.token_ids, entry.lengths)
        meaning = places.passages(postings.words, terms[entry.token_ids], entry.lengths)
        tables.add(entry.table.with_meaning(meaning))
        reports.append(entry.report)
    bm25 = postings.build(params)
    table = tables.build([r.source for r in reports])
    errors.sort(key=lambda s: s.source)
    return Index(Corpus(ReportTable.of(reports), table, tuple(errors), origin), pipeline, bm25)


_worker: tuple[TextPipeline, IndexCache | None] | None = None


def _init_worker(data_dir: Path, cache_dir: Path | None, nice: int) -> None:
    global _worker
    if nice:
        os.nice(nice)
    _worker = default_pipeline(data_dir), _cache(cache_dir)


def _analyze_in_worker(files: Sequence[CorpusFile]) -> list[bytes]:
    """Each file's entry pickled once, for the per-file cache and for the parent."""
    assert _worker is not None
    pipeline, cache = _worker
    blobs = []
    for file in files:
        blobs.append(pickle.dumps(analyze(file, pipeline), protocol=pickle.HIGHEST_PROTOCOL))
        if cache:
            cache.save_file(file.key, blobs[-1])
    return blobs


def _analyze_and_keep(
    file: CorpusFile, pipeline: TextPipeline, cache: IndexCache | None
) -> FileEntry:
    """Analyse one file and store the result in the per-file cache."""
    entry = analyze(file, pipeline)
    if cache:
        cache.save_file(file.key, entry)
    return entry


def _cache(folder: Path | None) -> IndexCache | None:
    from .cache import IndexCache  # the cache stores Index parts; imported late to avoid a cycle

    return IndexCache(folder) if folder else None


# Files a worker analyses per task, and tasks per worker queued or waiting to be merged:
# enough to keep every worker busy, few enough that a slow merge cannot pile up results.
# (With Pool.imap every finished result waited in the parent until merged: the benchmark's
# 100k build peaked at 349 MB on a loaded machine, 309 MB alone; bounded: 302-313 MB.)
CHUNK_FILES = 8
IN_FLIGHT = 4


def analyze_all(
    files: Sequence[CorpusFile],
    pipeline: TextPipeline,
    workers: int = 1,
    nice: int = 0,
    cache: IndexCache | None = None,
) -> Iterator[FileEntry]:
    """Analyse files (and cache each result) in their order, in worker processes when
    there are several and workers > 1; results are handed on as they come."""
    if workers <= 1 or len(files) < 4:
        yield from (_analyze_and_keep(f, pipeline, cache) for f in files)
        return
    ctx = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    init = (pipeline.data_dir, cache.folder if cache else None, nice)
    size = max(1, min(CHUNK_FILES, len(files) // (workers * 8)))
    waiting: deque[AsyncResult[list[bytes]]] = deque()
    with ctx.Pool(workers, _init_worker, init) as pool:
        for start in range(0, len(files), size):
            waiting.append(pool.apply_async(_analyze_in_worker, (files[start : start + size],)))
            if len(waiting) >= workers * IN_FLIGHT:  # analysed but not yet merged: bounded
                yield from map(pickle.loads, waiting.popleft().get())
        while waiting:
            yield from map(pickle.loads, waiting.popleft().get())


def build_index(
    corpus_dir: Path,
    *,
    params: BM25Params | None = None,
    cache_dir: Path | None = None,
    workers: int = 1,
    nice: int = 0,
    data_dir: Path = DATA_DIR,
    warm: bool = False,
) -> Index:
    """Build (or load from cache) the index of a corpus folder. `warm`: the caller is
    about to answer questions, so the segmenter is loaded during the scan (see `_warmed`)."""
    params = params or BM25Params()
    pipeline = default_pipeline(data_dir)
    cache = _cache(cache_dir)
    known = cache.load_stats(file_salt(pipeline)) if cache else {}
    with _warmed(pipeline) if warm else contextlib.nullcontext():
        files, skipped, current = scan(corpus_dir, pipeline, known)
    origin = Origin(corpus_key(files, skipped, params), tuple((f.source, f.key) for f in files))
    if cache and (index := cache.load_snapshot(origin, pipeline, params)) is not None:
        if not current:
            cache.save_stats(stat_records(files), file_salt(pipeline))  # read now, not next time
        return index
    previous = cache.load_previous(pipeline, params) if cache else None
    if previous is not None and not changes_exceed(previous, files, UPDATE_BYTES):
        index = update_index(previous, files, skipped, cache, params, workers, nice, origin)
    else:
        del previous  # a full build streams; the old index would only hold memory
        entries = _entries(files, cache, pipeline, workers, nice)
        spill_to = cache.folder if cache else None  # on disk, beside the index it becomes
        if spill_to:
            spill_to.mkdir(parents=True, exist_ok=True)
        index = merge(entries, skipped, pipeline, params, origin, spill_to)
    if cache:
        save(cache, index, files)
    return index


def changes_exceed(index: Index, files: Sequence[CorpusFile], limit: int) -> bool:
    """Whether the files `index` lacks (new, or changed since it was built) hold more than
    `limit` bytes: an update holds what it adds in memory (`UPDATE_BYTES`)."""
    assert index.corpus.origin is not None, "only an index read through the cache is updated"
    before = set(index.corpus.origin.files)
    total = 0
    for file in files:
        if (file.source, file.key) not in before:
            total += file.seen[0][0] if file.seen else _size(file.path)
            if total > limit:
                return True
    return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextlib.contextmanager
def _warmed(pipeline: TextPipeline) -> Iterator[None]:
    """The pipeline's segmenter loaded in a thread while the block runs, and joined at its
    end, before anything can fork. A scan mostly waits on `lstat`: at 50,000 files this
    hid most of the segmenter's 0.13-0.21 s (median of seven cold starts 1.22 -> 1.11 s)."""
    thread = threading.Thread(target=lambda: pipeline.segmenter, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def save(cache: IndexCache, index: Index, files: Sequence[CorpusFile]) -> None:
    """Keep an index for the next start: its snapshot, the files' stats, their entries."""
    cache.save_snapshot(index)
    cache.save_stats(stat_records(files), file_salt(index.pipeline))
    cache.prune({f.key for f in files})


def _entries(
    files: Sequence[CorpusFile],
    cache: IndexCache | None,
    pipeline: TextPipeline,
    workers: int,
    nice: int,
) -> Iterator[FileEntry]:
    """Analysed files in their order: from the per-file cache where possible (read when
    their turn comes), else analysed now."""
    missing = [f for f in files if not (cache and cache.has_file(f.key))]
    analysed = analyze_all(missing, pipeline, workers, nice, cache)
    waiting = {f.source for f in missing}
    for file in files:
        if file.source in waiting:
            yield next(analysed)
        elif (entry := cache.load_file(file.key) if cache else None) is not None:
            yield entry
        else:  # damaged since we looked
            yield _analyze_and_keep(file, pipeline, cache)


def update_index(
    old: Index,
    files: Sequence[CorpusFile],
    skipped: Sequence[SkippedFile],
    cache: IndexCache | None,
    params: BM25Params,
    workers: int,
    nice: int,
    origin: Origin,
) -> Index:
    """Reuse the previous index for every file whose key is unchanged."""
    from .update import update

    assert old.corpus.origin is not None, "only an index read through the cache is updated"
    pipeline = old.pipeline
    before = set(old.corpus.origin.files)
    position = {source: j for j, source in enumerate(old.corpus.reports.column("source"))}
    # a copy of another file is skipped only while that file is there: taken anew
    reasons = {s.source: s for s in old.corpus.skipped if s.repeats is None}
    known = position.keys() | reasons.keys()
    fresh = [f for f in files if (f.source, f.key) not in before or f.source not in known]
    entries = {e.source: e for e in _entries(fresh, cache, pipeline, workers, nice)}
    plan = []
    for f in files:
        if f.source in entries:
            entry = entries[f.source]
            plan.append(
                ("new", entry) if entry.report else ("skip", SkippedFile(f.source, entry.error))
            )
        elif f.source in position:
            plan.append(("old", position[f.source]))
        else:
            plan.append(("skip", reasons[f.source]))
    return update(old, plan, skipped, pipeline, params, origin)


def default_cache_dir(corpus_dir: Path, root: Path = CACHE_ROOT) -> Path:
    """A cache folder per corpus folder, under data/cache/ (ignored by git)."""
    name = hashlib.sha1(str(corpus_dir.resolve()).encode()).hexdigest()[:12]
    return root / name


class BuildFailed(RuntimeError):
    """The builder process failed; the message is its last error line."""


# A full build of 100k passages takes about a minute here; an hour means something is wrong.
BUILD_TIMEOUT = 3600.0
_builders: set[subprocess.Popen] = set()


def _stop(proc: subprocess.Popen) -> None:
    """Stop a builder and its workers (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def stop_builders() -> None:
    """Stop every build in progress (the serving process is shutting down)."""
    for proc in list(_builders):
        _stop(proc)


def build_in_subprocess(
    corpus_dir: Path,
    cache_dir: Path,
    *,
    workers: int | None = None,
    nice: int = 10,
    timeout: float = BUILD_TIMEOUT,
) -> Index:
    """Build in a separate, lower-priority process, then load the snapshot it wrote.

    jieba holds Python's lock while it tokenises, so building in the serving process would
    stall every question; here the serving process only waits and then memory-maps.
    """
    workers = workers or os.cpu_count() or 1
    cmd = [sys.executable, "-m", "retrieval", "build", "--corpus", str(corpus_dir)]
    cmd += ["--cache", str(cache_dir), "--workers", str(workers), "--nice", str(nice)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    _builders.add(proc)
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise BuildFailed(f"建索引超过 {timeout:.0f} 秒，已停止") from None
    finally:
        _builders.discard(proc)
    if proc.returncode != 0:
        if proc.returncode < 0:
            raise BuildFailed("建索引被中止（服务正在停止）")
        lines = [ln for ln in (stderr or "").splitlines() if ln.strip()]
        raise BuildFailed(lines[-1] if lines else f"builder exited with {proc.returncode}")
    from .cache import IndexCache

    # The builder has just checked every file; map what it saved rather than re-reading
    # the corpus here.
    loaded = IndexCache(cache_dir).load_previous(default_pipeline(), BM25Params())
    if loaded is None:
        raise BuildFailed(f"the builder left no readable index in {cache_dir}")
    return loaded
