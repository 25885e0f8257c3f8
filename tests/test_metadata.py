"""Metadata inferred from the real seeds, and from variants the code has never seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import load_corpus, parse_report, to_simplified
from retrieval.corpus import CATALOG

from .conftest import SEEDS

EXPECTED = {
    "000_f9cc09109dbea409.txt": ("潭灣鎮", "潭湾镇", "辰溪县", 2024, "2025-04-11"),
    "001_e8c2a6f93c08be41.txt": ("安稳镇", "安稳镇", "綦江区", 2021, "2021-12-28"),
    "002_1113006dcd718aa6.txt": ("王团镇", "王团镇", "同心县", 2024, None),
    "003_f3bfa6d8f855b377.txt": ("峰灵镇", "峰灵镇", "巫溪县", 2025, "2026-01-29"),
    "004_d55687dd8b7cad87.txt": ("保安镇", "保安镇", "大冶市", 2023, None),
}


@pytest.fixture(scope="module")
def reports():
    return {r.source: r for r in load_corpus(SEEDS).reports}


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_seed_metadata(reports, source):
    r = reports[source]
    township, simplified, county, year, published = EXPECTED[source]
    assert (r.township, r.township_simplified, r.county, r.year, r.published) == (
        township,
        simplified,
        county,
        year,
        published,
    )


def test_province_only_where_the_text_says_it(reports):
    provinces = {source[:3]: r.province for source, r in reports.items()}
    assert provinces == {
        "000": None,  # 湖南 is never named in the report
        "001": "重庆市",
        "002": "宁夏回族自治区",
        "003": "重庆市",
        "004": None,
    }


def test_signature_date_typo_is_flagged_not_trusted(reports):
    r = reports["003_f3bfa6d8f855b377.txt"]
    assert r.published == "2026-01-29"
    assert any("2025-01-15" in w for w in r.warnings)


def test_confident_metadata_has_no_warnings(reports):
    for source in ("000_f9cc09109dbea409.txt", "002_1113006dcd718aa6.txt"):
        assert reports[source].warnings == ()


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def test_township_from_body_when_title_is_missing():
    text = _seed("002_1113006dcd718aa6.txt").split("\n", 1)[1]  # drop the title line
    report, _ = parse_report("x.txt", text)
    assert report.township == "王团镇"
    assert report.county == "同心县"
    assert report.year == 2024  # from 现将王团镇2024年…报告如下
    assert any("王团镇" in w for w in report.warnings)  # the township is a guess now


def test_traditional_and_simplified_copies_agree():
    trad, _ = parse_report("t.txt", _seed("000_f9cc09109dbea409.txt"))
    simp, _ = parse_report("s.txt", to_simplified(_seed("000_f9cc09109dbea409.txt")))
    assert trad.township == "潭灣鎮" and simp.township == "潭湾镇"
    assert trad.township_simplified == simp.township_simplified == "潭湾镇"
    assert (trad.county, trad.year) == (simp.county, simp.year) == ("辰溪县", 2024)


def test_renamed_township_ethnic_xiang_and_street():
    base = _seed("002_1113006dcd718aa6.txt")
    for name, county in (
        ("桐木漯瑶族乡", "江华县"),
        ("城东街道", "巴林左旗"),
        ("青山乡", "古丈县"),
    ):
        text = base.replace("王团镇", name).replace("同心县", county)
        report, _ = parse_report("x.txt", text)
        assert report.township_simplified == name
        assert report.county == county


def test_year_from_heading_when_title_has_none():
    report, _ = parse_report(
        "x.txt", "关于青山镇法治政府建设情况报告\n一、2022年度主要工作\n" + "开展普法。" * 30
    )
    assert report.year == 2022
    assert report.township == "青山镇"


def test_catalog_overrides_guesses(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    body = _seed("002_1113006dcd718aa6.txt").split("\n", 1)[1]
    (corpus / "a.txt").write_text(body, encoding="utf-8")
    (corpus / CATALOG).write_text("file,township,county,year\na.txt,王团镇,同心县,2024\n", "utf-8")
    (report,) = load_corpus(corpus).reports
    assert (report.township, report.county, report.year) == ("王团镇", "同心县", 2024)
    assert report.warnings == ()


def test_bad_catalog_row_is_reported_and_ignored(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(_seed("002_1113006dcd718aa6.txt"), encoding="utf-8")
    (corpus / CATALOG).write_text("file,year\na.txt,二〇二四\n", "utf-8")
    loaded = load_corpus(corpus)
    assert loaded.reports[0].year == 2024
    assert any("不是数字" in s.reason for s in loaded.skipped)
