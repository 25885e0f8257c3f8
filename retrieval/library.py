"""Changing the corpus folder: adding a report, stating its facts in `catalog.csv`, moving
one to the trash. Every write is atomic (a hidden temporary file, then one rename), so a
reload never sees half a file, and nothing is ever written outside the corpus folder."""

from __future__ import annotations

import csv
import io
import os
import re
import time
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from .corpus import CATALOG, CATALOG_FIELDS
from .reading import decode_report

TRASH = ".trash"  # inside the corpus folder; hidden, so never read as a report
_UNSAFE = re.compile(r"[^\w\u3400-\u9fff.()（）\-]+")


def safe_name(original: str | None, fallback: str = "report.txt") -> str:
    """A file name for the corpus folder from a name someone sent: its last component only
    (never a path), no control or shell characters, not hidden, at most 80 characters."""
    name = unicodedata.normalize("NFC", original or "")
    name = PureWindowsPath(PurePosixPath(name).name).name  # ../../x.txt and ..\\x.txt → x.txt
    name = _UNSAFE.sub("_", name).strip("._ ")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix.lower()[:8]
    stem = stem[: 80 - len(suffix) - 1].strip("._ ")
    if not stem:
        return fallback
    return f"{stem}.{suffix}" if suffix else stem


def _atomic_write(folder: Path, name: str, data: bytes) -> Path:
    target = folder / name
    temporary = folder / f".{name}.{os.getpid()}.{time.monotonic_ns()}.part"
    try:
        with open(temporary, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def add_report(corpus: Path, name: str, data: bytes, stated: dict[str, str]) -> Path:
    """Save a report (replacing a same-named one, which goes to the trash first) and its
    stated facts. `name` must come from `safe_name`."""
    if name != safe_name(name) or name == CATALOG:
        raise ValueError(f"unsafe report name: {name!r}")
    if (corpus / name).exists():
        trash(corpus, name)
    path = _atomic_write(corpus, name, data)
    if stated:
        state_facts(corpus, name, stated)
    return path


def state_facts(corpus: Path, name: str, stated: dict[str, str]) -> None:
    """Write (or replace) a report's row in catalog.csv, keeping every other row."""
    path = corpus / CATALOG
    rows: list[dict[str, str]] = []
    if path.exists():
        rows = list(csv.DictReader(io.StringIO(decode_report(path.read_bytes()))))
    rows = [r for r in rows if (r.get("file") or "").strip() != name]
    rows.append({"file": name, **stated})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CATALOG_FIELDS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    _atomic_write(corpus, CATALOG, out.getvalue().encode("utf-8"))


def trash(corpus: Path, name: str) -> Path:
    """Move a report into the corpus folder's trash (restorable by moving it back)."""
    source = corpus / safe_name(name)
    if source.name != name or not source.is_file():
        raise FileNotFoundError(name)
    folder = corpus / TRASH
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1000):  # never overwrite an earlier copy trashed in the same second
        target = folder / (f"{stamp}-{name}" if n == 0 else f"{stamp}-{n}-{name}")
        try:
            os.link(source, target)  # fails, rather than overwrites, when target exists
        except FileExistsError:
            continue
        except OSError:  # a filesystem without hard links
            if target.exists():
                continue
            os.replace(source, target)
            return target
        source.unlink()
        return target
    raise FileExistsError(f"too many copies of {name} in {folder}")
