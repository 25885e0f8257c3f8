"""Report text out of the formats offices publish: plain text in any common Chinese
encoding, Markdown, Word (.docx), PDF with a text layer and saved web pages.

Each extractor returns plain text lines in reading order; a page's date and address become
`发布时间:` / `原文:` lines, which cleaning and metadata already understand. Anything that
cannot be read raises `UnreadableReport` with a reason in Chinese that says what to do.
"""

from __future__ import annotations

import io
import re
import zipfile


class UnreadableReport(ValueError):
    """A corpus file that cannot be used; the message is shown to admins."""


TEXT_SUFFIXES = (".txt", ".md")
DOCUMENT_SUFFIXES = (".docx", ".pdf", ".html", ".htm")
REPORT_SUFFIXES = TEXT_SUFFIXES + DOCUMENT_SUFFIXES
_REFUSED = {
    ".doc": "旧版 Word 文件（.doc）无法读取，请在 Word 中“另存为” .docx 后再添加",
    ".wps": "WPS 文件无法读取，请另存为 .docx 后再添加",
    ".rtf": "RTF 文件无法读取，请另存为 .docx 后再添加",
    ".zip": "压缩包无法直接读取，请解压后逐个添加报告",
    ".rar": "压缩包无法直接读取，请解压后逐个添加报告",
    ".7z": "压缩包无法直接读取，请解压后逐个添加报告",
    ".xls": "表格文件不是报告，请提供报告正文（.docx、.pdf、.txt 或网页）",
    ".xlsx": "表格文件不是报告，请提供报告正文（.docx、.pdf、.txt 或网页）",
}
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")  # controls except \t \n \r
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A Chinese report decoded with the wrong codec has few of the most common characters.
_COMMON = set("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年")
_COMMON |= set("动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化")
_COMMON |= set("高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天")
_COMMON |= set("政建设务镇村乡县区治执宣传开展推进落实加强工作情况报告组织领导干部群众")


def unsupported_reason(suffix: str) -> str | None:
    """Why a file with this suffix cannot be a report (None when it can)."""
    suffix = suffix.lower()
    if suffix in REPORT_SUFFIXES:
        return None
    return _REFUSED.get(
        suffix, f"不支持的文件类型（{suffix or '无扩展名'}），请提供 .docx、.pdf、.txt、.md 或网页"
    )


def extract_text(data: bytes, suffix: str) -> str:
    """The report's text, whatever the format (by file name suffix)."""
    suffix = suffix.lower()
    if reason := unsupported_reason(suffix):
        raise UnreadableReport(reason)
    if not data.strip():
        raise UnreadableReport("文件为空")
    if suffix == ".docx":
        return _docx(data)
    if suffix == ".pdf":
        return _pdf(data)
    if suffix in (".html", ".htm"):
        return _html(decode_text(data))
    text = decode_text(data)
    return _markdown(text) if suffix == ".md" else text


def decode_text(data: bytes) -> str:
    """Text in UTF-8 (with or without BOM), UTF-16, GB18030/GBK or Big5."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data.decode("utf-16"))
    if b"\x00" in data[:4096]:  # UTF-16 without a byte-order mark, or not text at all
        decoded = [t for t in (_try(data, "utf-16-le"), _try(data, "utf-16-be")) if t]
        best = max(decoded, key=_common_share, default=None)
        if best is None or _common_share(best) < 0.2:
            raise UnreadableReport("二进制文件（不是文本），请提供报告的文字版本")
        return _checked(best)
    try:
        return _checked(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    decoded = [t for t in (_try(data, "gb18030"), _try(data, "big5")) if t]
    if not decoded:
        raise UnreadableReport("无法识别文件编码（支持 UTF-8、UTF-16、GBK/GB18030、Big5）")
    return _checked(max(decoded, key=_common_share))


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _common_share(text: str) -> float:
    """Share of the Han characters that are among the commonest: high for the right codec,
    low for mojibake (GB18030 bytes read as Big5, or the reverse)."""
    han = _HAN.findall(text[:5000])
    return sum(c in _COMMON for c in han) / max(len(han), 1)


def _checked(text: str) -> str:
    """Reject decodes that are mostly control characters or replacement marks."""
    sample = text[:4000]
    if len(_BAD_CHARS.findall(sample)) > len(sample) * 0.01:
        raise UnreadableReport("内容不是可读的中文文本")
    return text


def _markdown(text: str) -> str:
    """Markdown markup stripped; `## 一、…` headings become the heading lines they are."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)  # headings
        line = re.sub(r"^\s*(?:[-*+]|\d+\))\s+", "", line)  # bullets
        line = re.sub(r"^\s*>\s?", "", line)  # quotes
        line = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)  # images
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)  # links keep their text
        line = re.sub(r"(\*\*|__|\*|_|`)(\S.*?\S|\S)\1", r"\2", line)  # emphasis, code
        if re.fullmatch(r"\s*(?:[-*_]\s*){3,}|\s*\|?\s*:?-{3,}.*", line):
            continue  # rules and table separators
        out.append(line.strip().strip("|").replace("|", " "))
    return "\n".join(out)


def _docx(data: bytes) -> str:
    import docx  # python-docx; imported here so plain-text corpora never pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableReport("Word 文件已损坏或不是 .docx，请重新保存后再添加") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
            lines.append(" ".join(cells))
    text = "\n".join(line for line in lines if line.strip())
    if not _HAN.search(text):
        raise UnreadableReport("Word 文件中没有文字")
    return text


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UnreadableReport("PDF 文件已损坏或加密，无法读取，请提供 Word 版") from exc
    text = "\n".join(pages)
    if len(_HAN.findall(text)) < 20 * max(1, len(pages)) // 4:
        raise UnreadableReport(
            "PDF 中没有可读取的文字（可能是扫描件），请提供 Word 版或可复制文字的 PDF"
        )
    return text


def _html(page: str) -> str:
    import trafilatura  # main-text extraction of saved government pages

    meta = trafilatura.extract_metadata(page)
    body = trafilatura.extract(
        page, include_comments=False, include_tables=True, favor_precision=True
    )
    if not body or not _HAN.search(body):
        raise UnreadableReport("网页中没有找到报告正文，请另存为完整网页或复制正文为 .txt")
    head = []
    if meta is not None and meta.title:
        head.append(re.split(r"\s*[_|｜]\s*|\s+-\s+", meta.title)[0])  # 标题_同心县人民政府
    if meta is not None and meta.date:
        head.append(f"发布时间: {meta.date}")
    if meta is not None and meta.url:
        head.append(f"原文: {meta.url}")
    return "\n".join([*head, body])
