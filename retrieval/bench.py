"""`python -m retrieval bench --passages N`: speed and memory of the whole path, measured
against baselines in the same run (raw jieba, rank-bm25), on a synthetic corpus."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

import jieba
import numpy as np
from rank_bm25 import BM25Okapi

from .bm25 import BM25Params
from .build import build_in_subprocess, build_index
from .cache import IndexCache
from .index import Index
from .paths import DEV_QUESTIONS, SEEDS_DIR
from .refresh import persist, refresh
from .synthetic import generate

ROUNDS = 3


def _rss_mb(field: str = "VmRSS") -> float:
    """This process's resident (VmRSS) or peak resident (VmHWM) memory, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _questions(index: Index, count: int = 200, seed: int = 7) -> list[str]:
    """The dev questions plus phrases sampled from the corpus and shortened."""
    questions = []
    if DEV_QUESTIONS.exists():
        questions = [json.loads(line)["q"] for line in DEV_QUESTIONS.read_text().splitlines()]
    rng = random.Random(seed)
    while len(questions) < count + 35:
        text = index.corpus.passages.text(rng.randrange(len(index)))
        sentence = rng.choice(re.findall(r"[^。，,；]+", text) or [text])
        size = rng.randint(6, 14)
        start = rng.randrange(max(1, len(sentence) - size))
        questions.append(sentence[start : start + size])
    return questions


def _percentiles(samples: list[float]) -> tuple[float, float]:
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


def _time_queries(index: Index, questions: list[str]) -> tuple[float, float]:
    """Median over rounds of p50 and p95 latency (ms) of the real search path."""
    rounds = []
    for _ in range(ROUNDS):
        times = []
        for q in questions:
            started = time.perf_counter()
            index.search(q, top_k=5)
            times.append((time.perf_counter() - started) * 1000)
        rounds.append(_percentiles(times))
    return statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds)


def _jieba_sample(corpus: Path, limit: int = 3_000_000) -> str:
    """The corpus text for the jieba baselines: the first files, about `limit` characters."""
    text, size = [], 0
    for path in sorted(corpus.iterdir()):
        text.append(path.read_text("utf-8"))
        size += len(text[-1])
        if size >= limit:
            break
    return "".join(text)


def _jieba_chars_per_second(sample: str) -> float:
    """Raw `jieba.lcut` throughput in this process (dictionary loaded before timing)."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    started = time.perf_counter()
    tokenizer.lcut(sample)
    return len(sample) / (time.perf_counter() - started)


def _lcut_after(barrier: Barrier, text: str) -> None:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    barrier.wait()  # every process has its dictionary: start the clock together
    tokenizer.lcut(text)


def _jieba_parallel_chars_per_second(sample: str, workers: int) -> float:
    """Raw `jieba.lcut` throughput of `workers` processes at once: what this machine's
    cores give jieba alone, the ceiling for a build with as many workers."""
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(workers + 1)
    share = -(-len(sample) // workers)
    procs = [
        ctx.Process(target=_lcut_after, args=(barrier, sample[i * share : (i + 1) * share]))
        for i in range(workers)
    ]
    for proc in procs:
        proc.start()
    barrier.wait()
    started = time.perf_counter()
    for proc in procs:
        proc.join()
    return len(sample) / (time.perf_counter() - started)


def _builder(corpus: Path, cache: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB, largest process) of a full build in a fresh process."""
    started = time.perf_counter()
    cmd = [
        sys.executable,
        "-m",
        "retrieval",
        "build",
        "--corpus",
        str(corpus),
        "--cache",
        str(cache),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    peak = re.search(r"peak_rss_mb=([\d.]+)", proc.stderr)
    return seconds, float(peak[1]) if peak else float("nan")


def _cold_start(corpus: Path, cache: Path, question: str, runs: int = 1) -> float:
    """Seconds from a fresh process to its first answer (the median of `runs`: one run
    of a second varied by a third on this machine)."""
    cmd = [sys.executable, "-m", "retrieval", "search", "--corpus", str(corpus)]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [*cmd, "--cache", str(cache), "--json", question], capture_output=True, check=True
        )
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def _corpus_docs(index: Index, cache: Path) -> list[list[str]]:
    """Every passage's tokens, exactly as the index counted them (from the file cache)."""
    docs: list[list[str]] = []
    by_source = {}
    for path in sorted((cache / "files").glob("*.pkl")):
        entry = IndexCache(cache).load_file(path.stem)
        if entry is not None and entry.report is not None:
            by_source[entry.source] = entry
    for source in index.corpus.passages.sources:
        entry = by_source[source]
        vocab, ids, start = entry.vocab, entry.token_ids, 0
        for length in entry.lengths:
            docs.append([vocab[t] for t in ids[start : start + length]])
            start += length
    return docs


def _baseline(
    docs: list[list[str]], terms: list[list[str]], budget: float = 60.0
) -> tuple[float, float, int]:
    """rank-bm25 BM25Okapi.get_scores over all passages plus a full sort (ms p50, p95);
    within `budget` seconds (rank-bm25 takes ~1 s a query at 1M passages)."""
    bm25 = BM25Okapi(docs)
    times, spent = [], 0.0
    for query in terms:
        started = time.perf_counter()
        np.argsort(-bm25.get_scores(query))
        times.append((time.perf_counter() - started) * 1000)
        spent += times[-1] / 1000
        if spent > budget and len(times) >= 20:
            break
    p50, p95 = _percentiles(times)
    return p50, p95, len(times)


def _bm25s_peer(
    docs: list[list[str]], terms: list[list[str]], params: BM25Params
) -> tuple[float, float] | None:
    """bm25s (sparse matrices, the fastest Python BM25 we know of) on the same passages'
    tokens, the same BM25+ parameters and the same questions' terms, top 5 (ms p50, p95,
    median of rounds). Its questions come tokenised; ours are parsed inside the timing.
    None when bm25s is not installed (`pip install -e '.[bench]'`)."""
    try:
        import bm25s
    except ImportError:
        return None
    retriever = bm25s.BM25(method="bm25+", k1=params.k1, b=params.b, delta=params.delta)
    retriever.index(docs, show_progress=False)
    k = min(5, len(docs))
    known = retriever.vocab_dict
    # bm25s cannot take a question with no indexed term (its "" token has no scores); such
    # questions, which cost our search least, are left out of its timing
    queries = [q for q in terms if any(t in known and t for t in q)]
    rounds = []
    for _ in range(ROUNDS):
        times = []
        for query in queries:
            started = time.perf_counter()
            retriever.retrieve([query], k=k, show_progress=False)
            times.append((time.perf_counter() - started) * 1000)
        rounds.append(_percentiles(times))
    return statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds)


def _under_reload(index: Index, questions: list[str], corpus: Path, cache: Path) -> float:
    """Query p95 (ms) while a full reload builds in a subprocess and is loaded."""
    done = threading.Event()
    reload_cache = cache.parent / "reload-cache"
    thread = threading.Thread(
        target=lambda: (build_in_subprocess(corpus, reload_cache), done.set())
    )
    times: list[float] = []
    thread.start()
    while not done.is_set():
        for q in questions:
            started = time.perf_counter()
            index.search(q, top_k=5)
            times.append((time.perf_counter() - started) * 1000)
            if done.is_set():
                break
    thread.join()
    shutil.rmtree(reload_cache, ignore_errors=True)
    return _percentiles(times)[1]


def _incremental(index: Index, corpus: Path, cache: Path) -> tuple[float, float, float]:
    """Seconds until a newly added report is searchable, the way the bot reloads after an
    upload (`refresh`, in the serving process); the serving process's peak memory (MiB)
    meanwhile, the updated index held in memory; then the seconds to save the result."""
    text = next(iter(sorted(corpus.iterdir()))).read_text("utf-8")
    (corpus / "zz_new.txt").write_text(
        text.replace("坚持依法行政", "坚持依法行政，试点无人机巡查执法"), "utf-8"
    )
    _reset_peak_rss()
    started = time.perf_counter()
    refreshed = refresh(index, corpus, cache)
    if refreshed is None:  # what the bot would hand to a subprocess build
        raise RuntimeError(
            "the incremental reload was declined: the code or data files changed on disk "
            "while the benchmark ran; run it again"
        )
    if not refreshed.index.search("无人机巡查").hits:
        raise RuntimeError("the added report is not searchable after the incremental reload")
    seconds = time.perf_counter() - started
    peak = _rss_mb("VmHWM")
    started = time.perf_counter()
    persist(refreshed, cache)
    return seconds, peak, time.perf_counter() - started


def _reset_peak_rss() -> None:
    """Start VmHWM again from the current RSS (Linux: writing 5 to clear_refs), so the
    peak read next is of what follows; a peak of the whole run where that is refused."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def measure(passages: int, vocabulary: str = "heaps") -> dict:
    with tempfile.TemporaryDirectory(prefix="tqa-bench-") as tmp:
        corpus, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
        files = generate(corpus, passages, SEEDS_DIR, vocabulary=vocabulary)
        chars = sum(len(p.read_text("utf-8")) for p in corpus.iterdir())
        workers = os.cpu_count() or 1
        sample = _jieba_sample(corpus)
        jieba_cps = _jieba_chars_per_second(sample)
        jieba_parallel_cps = _jieba_parallel_chars_per_second(sample, workers)
        del sample
        build_s, build_rss = _builder(corpus, cache)
        rss_before = _rss_mb()
        index = build_index(corpus, cache_dir=cache)  # memory-mapped snapshot
        questions = _questions(index)
        index.search(questions[0])
        p50, p95 = _time_queries(index, questions)
        serve_rss = _rss_mb() - rss_before + _baseline_rss()
        under_reload_p95 = _under_reload(index, questions, corpus, cache)
        cold_cached = _cold_start(corpus, cache, questions[0], runs=5)
        cold_uncached = _cold_start(corpus, Path(tmp) / "empty-cache", questions[0])
        incremental_s, incremental_peak, persist_s = _incremental(index, corpus, cache)
        docs = _corpus_docs(index, cache)
        terms = [list(index.parse(q).terms) for q in questions]
        base_p50, base_p95, base_n = _baseline(docs, terms)
        peer = _bm25s_peer(docs, terms, index.bm25.params)
        del docs
    return {
        "passages": len(index),
        "reports": files,
        "synthetic_vocabulary": vocabulary,
        "vocabulary_size": len(index.bm25.vocab),
        "characters": chars,
        "questions": len(questions),
        "workers": workers,
        "build_seconds": round(build_s, 2),
        "build_chars_per_second": round(chars / build_s),
        "jieba_chars_per_second": round(jieba_cps),
        "build_ratio_to_jieba": round(chars / build_s / jieba_cps, 2),
        "build_ratio_to_jieba_per_core": round(chars / build_s / jieba_cps / workers, 2),
        "jieba_parallel_chars_per_second": round(jieba_parallel_cps),
        "build_ratio_to_parallel_jieba": round(chars / build_s / jieba_parallel_cps, 2),
        "build_peak_rss_mb": round(build_rss),
        "serve_rss_mb": round(serve_rss),
        "query_p50_ms": round(p50, 3),
        "query_p95_ms": round(p95, 3),
        "baseline_p50_ms": round(base_p50, 2),
        "baseline_p95_ms": round(base_p95, 2),
        "baseline_questions": base_n,
        "speedup_p95": round(base_p95 / p95, 1),
        "bm25s_p50_ms": round(peer[0], 3) if peer else None,
        "bm25s_p95_ms": round(peer[1], 3) if peer else None,
        "p50_ratio_to_bm25s": round(p50 / peer[0], 2) if peer else None,
        "p95_ratio_to_bm25s": round(p95 / peer[1], 2) if peer else None,
        "cold_start_cached_seconds": round(cold_cached, 2),
        "cold_start_uncached_seconds": round(cold_uncached, 2),
        "reload_query_p95_ms": round(under_reload_p95, 3),
        "reload_p95_ratio": round(under_reload_p95 / p95, 2),
        "incremental_reload_seconds": round(incremental_s, 2),
        "incremental_persist_seconds": round(persist_s, 2),
        "incremental_peak_rss_mb": round(incremental_peak),
    }


_BASE_RSS: list[float] = []


def _baseline_rss() -> float:
    """RSS of a bare process with the libraries loaded (measured at start)."""
    return _BASE_RSS[0] if _BASE_RSS else 0.0


def run_bench(passages: int, as_json: bool, vocabulary: str = "heaps") -> int:
    _BASE_RSS.append(_rss_mb())
    result = measure(passages, vocabulary)
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        width = max(map(len, result))
        for key, value in result.items():
            print(f"{key:<{width}}  {value}")
    return 0
