"""Reports as offices publish them: Word, PDF, saved web pages, Markdown, and text in the
encodings Chinese offices use; anything else skipped with a reason that says what to do."""

from __future__ import annotations

import io
import os
from pathlib import Path

import docx
import pytest

from retrieval import load_corpus

from .conftest import SEEDS
from .pdf_fixture import scanned_pdf, text_pdf

WANGTUAN = SEEDS / "002_1113006dcd718aa6.txt"
TANWAN = SEEDS / "000_f9cc09109dbea409.txt"  # Traditional script


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line.strip()]


def _docx(lines: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "执法人员"
    table.rows[0].cells[1].text = "10人"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page(lines: list[str]) -> str:
    article = "".join(f"<p>{line}</p>" for line in lines[1:])
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{lines[0]}_同心县人民政府</title>
<link rel="canonical" href="https://www.tongxin.gov.cn/xxgk/2025/wangtuan.html">
<meta name="PubDate" content="2025-01-20 10:30">
<script>var tracker = "统计代码";</script></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/xxgk">政务公开</a> | <a href="/hd">互动</a></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设</div>
<div class="article"><h1>{lines[0]}</h1>
<div class="info">发布时间：2025-01-20 来源：同心县王团镇 浏览次数：128</div>
{article}</div>
<div class="footer">主办单位：同心县人民政府办公室 网站标识码：6403240001 宁ICP备05000000号</div>
</body></html>"""


def _load(tmp_path: Path, files: dict[str, bytes]):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    loaded = load_corpus(corpus)
    return (
        {r.source: r for r in loaded.reports},
        {s.source: s.reason for s in loaded.skipped},
        loaded,
    )


def test_word_document_reads_like_the_text(tmp_path: Path):
    reports, skipped, loaded = _load(tmp_path, {"wangtuan.docx": _docx(_lines(WANGTUAN))})
    assert not skipped
    r = reports["wangtuan.docx"]
    assert (r.township, r.county, r.year) == ("王团镇", "同心县", 2024)
    texts = [p.text for p in loaded.passages]
    assert any("村法律顾问20名" in t for t in texts)
    assert any("执法人员 10人" in t for t in texts)  # table cells are text too


def test_pdf_with_a_text_layer_reads_like_the_text(tmp_path: Path):
    reports, skipped, loaded = _load(tmp_path, {"wangtuan.pdf": text_pdf(_lines(WANGTUAN))})
    assert not skipped
    r = reports["wangtuan.pdf"]
    assert (r.township, r.county, r.year) == ("王团镇", "同心县", 2024)
    assert len(loaded.passages) >= 8


def test_a_pdfs_page_numbers_are_not_report_text(tmp_path: Path):
    """A PDF prints its page number between two pages' text (— 2 —, 第 2 页 共 5 页); it
    was kept inside a passage, in the middle of a sentence broken by the page."""
    lines = _lines(WANGTUAN)
    numbered = [*lines[:6], "— 1 —", *lines[6:12], "第 2 页 共 5 页", *lines[12:], "- 3 -"]
    files = {"plain.pdf": text_pdf(lines), "numbered.pdf": text_pdf(numbered)}
    _, skipped, loaded = _load(tmp_path, files)
    assert not skipped
    by_source: dict[str, list[str]] = {}
    for passage in loaded.passages:
        by_source.setdefault(passage.source, []).append(passage.text)
    assert by_source["numbered.pdf"] == by_source["plain.pdf"]


def test_scanned_pdf_is_skipped_with_what_to_do(tmp_path: Path):
    reports, skipped, _ = _load(
        tmp_path, {"scan.pdf": scanned_pdf(), "wangtuan.pdf": text_pdf(_lines(WANGTUAN))}
    )
    assert "扫描件" in skipped["scan.pdf"] and "Word" in skipped["scan.pdf"]
    assert "wangtuan.pdf" in reports


def test_saved_web_page_keeps_main_text_date_and_address(tmp_path: Path):
    page = _page(_lines(WANGTUAN)).encode("utf-8")
    reports, skipped, loaded = _load(tmp_path, {"wangtuan.html": page})
    assert not skipped
    r = reports["wangtuan.html"]
    assert (r.township, r.county, r.year) == ("王团镇", "同心县", 2024)
    assert r.published == "2025-01-20"
    assert r.url == "https://www.tongxin.gov.cn/xxgk/2025/wangtuan.html"  # answers link to it
    texts = "\n".join(p.text for p in loaded.passages)
    for furniture in ("首页", "当前位置", "主办单位", "ICP", "统计代码", "浏览次数", "原文"):
        assert furniture not in texts
    assert "村法律顾问20名" in texts


def test_markdown_markup_is_stripped_and_headings_understood(tmp_path: Path):
    lines = _lines(WANGTUAN)
    md = [f"# {lines[0]}"]
    for line in lines[1:]:
        heading = line[:2] in ("一、", "二、", "三、")
        md.append(f"## {line}" if heading else line.replace("法律顾问", "**法律顾问**"))
    md.append("[返回首页](https://example.gov.cn/)")
    reports, skipped, loaded = _load(tmp_path, {"wangtuan.md": "\n\n".join(md).encode()})
    assert not skipped and reports["wangtuan.md"].township == "王团镇"
    texts = "\n".join(p.section + p.text for p in loaded.passages)
    assert "**" not in texts and "##" not in texts and "](" not in texts
    assert any(p.section.startswith("二、严格依法行政") for p in loaded.passages)


@pytest.mark.parametrize(
    ("encoding", "seed"),
    [
        ("gb18030", WANGTUAN),
        ("utf-16", WANGTUAN),  # with a byte-order mark, as Windows Notepad saves it
        ("utf-16-le", WANGTUAN),  # without one
        ("utf-16-be", WANGTUAN),
        ("big5", TANWAN),  # Traditional script, as offices in Big5 write
    ],
)
def test_text_in_chinese_office_encodings(tmp_path: Path, encoding: str, seed: Path):
    text = seed.read_text("utf-8")
    expected = {r.source: r for r in load_corpus(SEEDS).reports}[seed.name]
    reports, skipped, _ = _load(tmp_path, {"r.txt": text.encode(encoding, errors="strict")})
    assert not skipped
    assert reports["r.txt"].township == expected.township
    assert reports["r.txt"].county == expected.county


@pytest.mark.parametrize(
    ("name", "data", "advice"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为"),
        ("reports.zip", b"PK\x03\x04" + b"\0" * 100, "解压"),
        ("stats.xlsx", b"PK\x03\x04" + b"\0" * 100, "报告正文"),
        ("broken.docx", b"PK\x03\x04 not really", "重新保存"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, "不支持的文件类型"),
    ],
)
def test_other_files_are_skipped_with_what_to_do(tmp_path: Path, name, data, advice):
    reports, skipped, _ = _load(tmp_path, {name: data, "ok.txt": WANGTUAN.read_bytes()})
    assert advice in skipped[name]
    assert "ok.txt" in reports


def test_links_out_of_the_corpus_are_never_read(tmp_path: Path):
    secret = tmp_path / "secret.env"
    secret.write_text("TELEGRAM_BOT_TOKEN=123:abc\nDB_PASSWORD=hunter2\n" * 20, "utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_bytes(WANGTUAN.read_bytes())
    os.symlink(secret, corpus / "notes.txt")
    loaded = load_corpus(corpus)
    assert [r.source for r in loaded.reports] == ["ok.txt"]
    assert "链接" in {s.source: s.reason for s in loaded.skipped}["notes.txt"]
    assert all("hunter2" not in p.text for p in loaded.passages)
