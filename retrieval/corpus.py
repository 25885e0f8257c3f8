"""Loading a corpus folder: every readable report with its metadata and passages."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .models import Passage, Report, SkippedFile
from .passages import split_passages
from .reading import UnreadableReport, corpus_files, decode_report, read_report_text
from .reports import ReportTable
from .table import PassageTable
from .text import to_simplified

CATALOG = "catalog.csv"
CATALOG_FIELDS = ("file", "township", "county", "province", "year", "published", "title", "url")


@dataclass(frozen=True)
class Origin:
    """The versions of the files a corpus was read from, so an update knows what changed."""

    key: str  # the whole corpus: every file's key, catalog problems, BM25 parameters
    files: tuple[tuple[str, str], ...]  # (file name, its key), in file-name order


class Repeats:
    """Reports taken so far, by content: a second file with a report's very text (a copy
    saved under another name) is skipped with the reason, so no passage shows twice."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def skip(self, source: str, digest: str) -> SkippedFile | None:
        """Why the report of `source` (its text's `digest`) is skipped, as it repeats an
        earlier file, or None to take it."""
        if not digest:
            return None
        first = self._first.setdefault(digest, source)
        if first == source:
            return None
        reason = f"与 {first} 内容相同，已跳过（同一份报告只收一次）"
        return SkippedFile(source, reason, repeats=first)


@dataclass(frozen=True)
class Corpus:
    """Reports in file-name order, their passages in reading order, and what was skipped."""

    reports: ReportTable
    passages: PassageTable
    skipped: tuple[SkippedFile, ...]
    origin: Origin | None = None  # None when read without the index cache

    def passage_counts(self) -> dict[str, int]:
        return self.passages.counts()


def read_catalog(corpus: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Admin-stated metadata from `catalog.csv` (file,township,county,...), and problems."""
    path = corpus / CATALOG
    if not path.exists():
        return {}, []
    try:
        text = decode_report(path.read_bytes())
    except (OSError, UnreadableReport) as exc:
        return {}, [f"{CATALOG}: 无法读取（{exc}），已忽略"]
    rows: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        name = (row.get("file") or "").strip()
        if not name:
            problems.append(f"{CATALOG} 第{n}行: 缺少 file 列，已忽略")
            continue
        fields = {k: (row.get(k) or "").strip() for k in CATALOG_FIELDS[1:]}
        if fields["year"] and not fields["year"].isdigit():
            problems.append(f"{CATALOG} 第{n}行: 年份“{fields['year']}”不是数字，已忽略该项")
            fields["year"] = ""
        if fields["url"] and not re.match(r"^https?://[^\s\"<>]+$", fields["url"]):
            problems.append(f"{CATALOG} 第{n}行: 网址“{fields['url']}”无效，已忽略该项")
            fields["url"] = ""
        rows[name] = {k: v for k, v in fields.items() if v}
    return rows, problems


def parse_report(
    source: str, text: str, stated: dict[str, str] | None = None
) -> tuple[Report, list[Passage]]:
    """Metadata and passages of one report's text; `stated` overrides inferred fields."""
    # imported when a report is first read, not by every process that imports this module:
    # a cold start from the snapshot reads none (their patterns took 0.06 s to compile)
    from .cleaning import clean
    from .metadata import extract

    cleaned = clean(text)
    meta = extract(cleaned)
    passages = split_passages(source, list(cleaned.body))
    if not passages:
        raise UnreadableReport("没有可检索的正文")
    report = Report(
        **{f.name: getattr(meta, f.name) for f in dataclasses.fields(meta)},
        source=source,
        digest=hashlib.sha1(text.encode()).hexdigest()[:16],
    )
    if stated:
        report = _apply_catalog(report, stated)
    return report, passages


def _apply_catalog(report: Report, stated: dict[str, str]) -> Report:
    changes: dict[str, object] = {k: v for k, v in stated.items() if k != "year"}
    if "year" in stated:
        changes["year"] = int(stated["year"])
    if "township" in stated:
        changes["township_simplified"] = to_simplified(stated["township"])
    overridden = {"township": "乡镇", "county": "县区", "year": "年份", "published": "发布日期"}
    kept = tuple(
        w
        for w in report.warnings
        if not any(k in stated and label in w for k, label in overridden.items())
    )
    return dataclasses.replace(report, warnings=kept, **changes)


def load_corpus(corpus: Path) -> Corpus:
    """Read every report in a folder; unreadable ones are skipped with the reason."""
    catalog, problems = read_catalog(corpus)
    reports: list[Report] = []
    passages: list[Passage] = []
    skipped = [SkippedFile(CATALOG, p) for p in problems]
    repeats = Repeats()
    for path in corpus_files(corpus):
        try:
            report, found = parse_report(path.name, read_report_text(path), catalog.get(path.name))
        except UnreadableReport as exc:
            skipped.append(SkippedFile(path.name, str(exc)))
            continue
        if repeat := repeats.skip(report.source, report.digest):
            skipped.append(repeat)
            continue
        reports.append(report)
        passages.extend(found)
    table = PassageTable.build(passages, [r.source for r in reports])
    return Corpus(ReportTable.of(reports), table, tuple(skipped))
