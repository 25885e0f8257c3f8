"""Reading report files from disk: encodings, size limits and clear refusals."""

from __future__ import annotations

import re
from pathlib import Path

REPORT_SUFFIXES = (".txt", ".md")
# A township report is 5-30 KB of text; 2 MB is far beyond any real one and keeps a
# stray dump or misplaced archive from stalling a reload.
MAX_REPORT_BYTES = 2 * 1024 * 1024
_ENCODINGS = ("utf-8-sig", "gb18030")
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")  # controls except \t \n \r


class UnreadableReport(ValueError):
    """A corpus file that cannot be used; the message is shown to admins."""


def corpus_files(corpus: Path) -> list[Path]:
    """Report files in the corpus folder, sorted by name (hidden files ignored)."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"语料目录不存在: {corpus}")
    return sorted(
        p
        for p in corpus.iterdir()
        if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(".")
    )


def decode_report(data: bytes) -> str:
    """Decode report bytes (UTF-8 with or without BOM, or GB18030/GBK)."""
    if not data.strip():
        raise UnreadableReport("文件为空")
    if b"\x00" in data[:4096]:
        raise UnreadableReport("二进制文件（不是文本）")
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        raise UnreadableReport("内容不是可读的中文文本")
    raise UnreadableReport("无法识别文件编码（支持 UTF-8 和 GBK/GB18030）")


def read_report_bytes(path: Path, max_bytes: int = MAX_REPORT_BYTES) -> bytes:
    """A report file's bytes, or UnreadableReport when it is missing or too large."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableReport(f"文件过大（{size // 1024} KB，上限 {max_bytes // 1024} KB）")
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableReport(f"无法读取: {exc.strerror or exc}") from exc


def read_report_text(path: Path, max_bytes: int = MAX_REPORT_BYTES) -> str:
    """Read one report file as text, or raise UnreadableReport with the reason."""
    return decode_report(read_report_bytes(path, max_bytes))


def _looks_like_text(text: str) -> bool:
    """Reject decodes that are mostly control characters or replacement marks."""
    sample = text[:4000]
    return len(_BAD_CHARS.findall(sample)) <= len(sample) * 0.01
