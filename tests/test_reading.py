"""Bad files are skipped with a reason; everything else still loads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from retrieval import build_index, load_corpus
from retrieval.cleaning import clean
from retrieval.reading import MAX_REPORT_BYTES

from .conftest import ROOT, SEEDS


def _reasons(corpus: Path) -> dict[str, str]:
    return {s.source: s.reason for s in load_corpus(corpus).skipped}


def test_bad_files_are_skipped_with_reasons(corpus_copy: Path):
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus_copy / "huge.txt").write_bytes(("法治" * (MAX_REPORT_BYTES // 4)).encode() + b"x" * 16)
    (corpus_copy / "latin.txt").write_bytes("caf\xe9 \xff\xfe broken".encode("latin-1"))
    reasons = _reasons(corpus_copy)
    assert reasons["empty.txt"] == "文件为空"
    assert "二进制" in reasons["binary.txt"]
    assert "文件过大" in reasons["huge.txt"]
    assert "latin.txt" in reasons
    loaded = load_corpus(corpus_copy)
    assert len(loaded.reports) == 5  # the seeds are all still there


def test_gbk_and_bom_files_load_like_utf8(corpus_copy: Path):
    text = (SEEDS / "002_1113006dcd718aa6.txt").read_text(encoding="utf-8")
    (corpus_copy / "002_1113006dcd718aa6.txt").unlink()
    (corpus_copy / "gbk.txt").write_bytes(text.encode("gbk"))
    (corpus_copy / "bom.md").write_bytes(text.replace("王团镇", "青山镇").encode("utf-8-sig"))
    reports = {r.source: r for r in load_corpus(corpus_copy).reports}
    assert reports["gbk.txt"].township == "王团镇"
    assert reports["bom.md"].township == "青山镇"
    assert reports["bom.md"].title.startswith("青山镇")  # no BOM glued to the title


def test_hidden_files_are_ignored_and_other_files_named(corpus_copy: Path):
    (corpus_copy / "notes.docx").write_bytes(b"PK\x03\x04")
    (corpus_copy / ".hidden.txt").write_text("x")
    assert [s.source for s in load_corpus(corpus_copy).skipped] == ["notes.docx"]


def test_noise_lines_dropped_content_kept():
    corpus = load_corpus(SEEDS)
    texts = "\n".join(p.text for p in corpus.passages)
    for noise in ("分享:", "字号", "[bookmark", "發布時間", "日期:2026"):
        assert noise not in texts
    # the line that carried the bookmark marker is still there
    assert "进一步加强重点对象法治宣传教育" in texts


def test_pinyin_a_converter_printed_after_characters_is_dropped(corpus_copy: Path):
    """Some sites' script converters print each character's reading (領(lǐng)導(dǎo)); the
    reading is no report text and splits its words: a question about 领导小组 found no
    such passage of the report (stop 28, a report never seen). Brackets that hold no
    reading (附件(略), 条款(a)) stay."""
    path = corpus_copy / "003_f3bfa6d8f855b377.txt"
    ruby = path.read_text(encoding="utf-8").replace("领导", "領(lǐng)導(dǎo)")
    path.write_text(ruby.replace("法治", "法(fǎ)治"), encoding="utf-8")
    index = build_index(corpus_copy, cache_dir=None, workers=1)
    texts = "\n".join(p.text for p in index.corpus.passages)
    assert "(lǐng)" not in texts and "(fǎ)" not in texts and "領導" in texts
    hit = index.search("峰灵镇领导小组").hits[0]
    assert "領導" in hit.passage.text
    kept = clean("一、依法行政\n详见附件(略),按条款(a)办理。\n").body
    assert "附件(略)" in kept[-1] and "(a)" in kept[-1]
    # after a character the page garbled as well (stop 30: 陆渡街道, 金花街道)
    garbled = clean("一、依法行政\n推進法治政府建設?,F(xiàn)將情況報告如下:\n").body
    assert "(xiàn)" not in garbled[-1] and "將情況報告如下" in garbled[-1]


def test_a_disclosure_tables_rows_are_metadata_wherever_their_labels_stand():
    """Stop 30: 腾冲市新华乡's page opens with its table in rows whose first cell is no
    label (| 公开目录 | 结果公示 | 发布日期 | …); the rows opened its first passage."""
    table = (
        "| 索引号 | 01526096-4/20260215-00001 | 发布机构 | 腾冲市新华乡 |\n"
        "| 公开目录 | 结果公示 | 发布日期 | 2026-02-15 17:41:12 |\n| 文号 | 浏览量 |\n"
    )
    text = "2025年,新华乡在市委、市政府的坚强领导下,深入学习贯彻习近平法治思想。\n"
    page = clean(table + text)
    assert page.body == (text.strip(),) and len(page.meta) == 3
    # 黎侯镇's: a font widget above, 发文机关 and a label with its colon in a later cell
    table = (
        "字体大小:【大】 【中】 【小】\n| 索引号:000014349/2026-02861 | |\n"
        "| 发文机关:黎侯镇人民政府 | 主题词: |\n| 主题分类: | 发布日期:2025-12-22 |\n"
    )
    assert clean(table + text).body == (text.strip(),)
    # 武安镇's: a breadcrumb with the page's date and widgets on its line
    crumbs = (
        "政府信息公开 > 法定主动公开内容 > 其他主动公开内容 > 法治政府建设年度报告"
        "日期:2025-02-28 14:30 字体:[ 大 中 小 ] 关闭窗口\n"
    )
    page = clean(crumbs + table + text)
    assert page.body == (text.strip(),) and page.title is None
    kept = clean(text + "| 时间 | 地点 | 参加人员 |\n| 3月 | 镇会议室 | 班子成员 |\n").body
    assert len(kept) == 3  # a table of the report's own, below its text, stays


def test_a_sites_footer_below_the_text_is_furniture():
    """Stop 31: a wiki's copy of 罗店镇's report ended its last passage with the site's
    footer, 相關詞條 / 熱門詞條 / 聯絡我們, shown to staff as report text."""
    text = "二是不斷深化“誰執法誰普法”責任制,凝聚尊崇法治廣泛共識。\n"
    assert clean(text + "\n相關詞條\n\n熱門詞條\n\n聯絡我們\n").body == (text.strip(),)
    assert clean(text + "联系我们：0571-88888888\n网站地图\n").body == (text.strip(),)
    kept = "联系我们镇的法律顾问,群众可随时咨询。"
    assert clean(text + kept).body[-1] == kept  # a sentence that begins so stays


def test_a_flattened_documents_line_breaks_are_closed():
    """A file-sharing site's copy of a .docx comes as one line with a space wherever a
    printed line ended (深入推进法 治政府建设, 2020 年): shown to staff as written, it reads
    as typos. Stop 30: one of 128 reports; no other report's passage changed."""
    flat = (
        "一、工作情况 2020 年,在区委、区政府的正确领导下,海滨街严格依法行政,深入推进法 "
        "治政府建设,积极营造良好的法治环境,辖区 72 个网格 260 余名专职网格员,形 成主要"
        "领导负责抓的工作局面,每日推 送宣传。"
    )
    body = clean(f"{flat}\n中共某镇委员会 某镇人民政府\n").body
    assert "深入推进法治政府建设" in body[0] and "2020年" in body[0]
    assert "辖区72个网格260余名" in body[0] and "形成主要领导" in body[0] and "推送" in body[0]
    assert body[1] == "中共某镇委员会 某镇人民政府"  # a short line keeps its space


def test_reports_cli_lists_metadata_and_errors(corpus_copy: Path):
    (corpus_copy / "empty.txt").write_bytes(b"")
    out = subprocess.run(
        [sys.executable, "-m", "retrieval", "reports", "--corpus", str(corpus_copy), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    by_source = {row["source"]: row for row in rows}
    assert by_source["empty.txt"] == {"source": "empty.txt", "error": "文件为空"}
    row = by_source["003_f3bfa6d8f855b377.txt"]
    assert {k: row[k] for k in ("township", "county", "province", "year", "published")} == {
        "township": "峰灵镇",
        "county": "巫溪县",
        "province": "重庆市",
        "year": 2025,
        "published": "2026-01-29",
    }
    assert row["title"] == "峰灵镇人民政府2025年度法治政府建设 情况报告"
    assert row["passages"] > 5 and isinstance(row["warnings"], list)
    traditional = by_source["000_f9cc09109dbea409.txt"]
    assert (traditional["township"], traditional["township_simplified"]) == ("潭灣鎮", "潭湾镇")
