"""The reports' column store gives back exactly the reports put in, saved or not."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import ReportTable, build_index
from retrieval.models import Report

from .conftest import SEEDS

_text = st.text(max_size=12)  # any characters: separators, control characters, emoji
_reports = st.builds(
    Report,
    source=st.text(min_size=1, max_size=12),
    title=st.none() | _text,
    township=st.none() | _text,
    township_simplified=st.none() | _text,
    county=st.none() | _text,
    province=st.none() | _text,
    year=st.none() | st.integers(1990, 2100),
    published=st.none() | _text,
    warnings=st.lists(_text, max_size=3).map(tuple),
    digest=_text,
    url=st.none() | _text,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_reports, max_size=8), st.data())
def test_reports_come_back_exactly_saved_picked_or_by_column(reports, data) -> None:
    table = ReportTable.of(reports)
    assert list(table) == reports
    assert [table[i] for i in range(len(reports))] == reports
    assert table.column("county") == [r.county for r in reports]
    assert table.column("year") == [r.year for r in reports]
    with tempfile.TemporaryDirectory() as folder:
        table.save(Path(folder))
        loaded = ReportTable.load(Path(folder))
        assert list(loaded) == reports
        # an update: old rows in any order, new reports between them
        new = data.draw(st.lists(_reports, max_size=3))
        rows = data.draw(
            st.lists(st.sampled_from(range(len(reports))), max_size=6) if reports else st.just([])
        )
        mixed = [*rows[:2], *new, *rows[2:]]
        picked = ReportTable.picked(loaded, mixed)
        assert list(picked) == [r if isinstance(r, Report) else reports[r] for r in mixed]


def test_a_truncated_reports_file_is_refused(tmp_path: Path) -> None:
    index = build_index(SEEDS)
    index.corpus.reports.save(tmp_path)
    blob = tmp_path / "reports_blob.bin"
    blob.write_bytes(blob.read_bytes()[:-3])
    with pytest.raises(ValueError, match="truncated"):
        ReportTable.load(tmp_path)


def test_a_town_named_filters_by_the_report_columns(seed_index) -> None:
    reports = seed_index.corpus.reports
    assert isinstance(reports, ReportTable)
    towns = reports.column("township_simplified")
    assert len(towns) == len(reports) == 5
    only = seed_index.search("王团镇法律顾问")
    assert only.hits and {h.report.township_simplified for h in only.hits} == {"王团镇"}
