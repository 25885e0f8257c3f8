"""Changing the corpus folder: safe names, atomic saves, catalog rows, the trash."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from retrieval.library import TRASH, add_report, safe_name, state_facts, trash


@pytest.mark.parametrize(
    ("sent", "saved"),
    [
        ("../../x.txt", "x.txt"),
        ("..\\..\\windows\\x.docx", "x.docx"),
        ("/etc/passwd", "passwd"),
        (".bashrc", "bashrc"),
        ("王团镇 2024年报告.DOCX", "王团镇_2024年报告.docx"),
        ("a;rm -rf ~.txt", "a_rm_-rf.txt"),
        ("", "report.txt"),
        ("...", "report.txt"),
        ("catalog.csv", "catalog.csv"),  # refused by add_report, see below
    ],
)
def test_safe_name_is_one_plain_component(sent, saved):
    name = safe_name(sent)
    assert name == saved
    assert "/" not in name and "\\" not in name and not name.startswith(".")


def test_add_replace_and_trash(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    add_report(corpus, "a.txt", "第一版".encode(), {})
    add_report(corpus, "a.txt", "第二版".encode(), {"county": "同心县"})
    assert (corpus / "a.txt").read_text("utf-8") == "第二版"
    (old,) = (corpus / TRASH).iterdir()
    assert old.read_text("utf-8") == "第一版"  # replaced, not lost
    rows = list(csv.DictReader((corpus / "catalog.csv").open(encoding="utf-8")))
    assert rows[0]["file"] == "a.txt" and rows[0]["county"] == "同心县"
    state_facts(corpus, "b.txt", {"year": "2022"})
    state_facts(corpus, "a.txt", {"year": "2023"})
    rows = {r["file"]: r for r in csv.DictReader((corpus / "catalog.csv").open(encoding="utf-8"))}
    assert rows["a.txt"]["year"] == "2023" and rows["a.txt"]["county"] == ""
    assert rows["b.txt"]["year"] == "2022"
    trash(corpus, "a.txt")
    assert not (corpus / "a.txt").exists() and len(list((corpus / TRASH).iterdir())) == 2
    assert not [p for p in corpus.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("name", ["../x.txt", "catalog.csv", ".hidden.txt"])
def test_add_report_refuses_names_that_are_not_safe(tmp_path: Path, name):
    with pytest.raises(ValueError):
        add_report(tmp_path, name, b"x", {})
    assert list(tmp_path.iterdir()) == []


def test_trash_refuses_paths(tmp_path: Path):
    (tmp_path / "secret").write_text("x")
    corpus = tmp_path / "c"
    corpus.mkdir()
    with pytest.raises(FileNotFoundError):
        trash(corpus, "../secret")
    assert (tmp_path / "secret").exists()
