"""A corpus's reports stored column-wise; a `Report` is made only when one is read.

Unpickling 50,000 `Report` objects took 0.4-0.6 s of every cold start at a million
passages (the same unpickling again in the same process took a third of that: most of
the cost was making memory for half a million new strings). The table keeps every text
field as UTF-8 back to back (`Strings`, memory-mapped from the snapshot) and the years as
one array, so a saved corpus loads without making a single string; the index decodes the
two columns it filters on, whole, in one pass each.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from .columns import Strings, load_array, map_bytes, write_bytes
from .models import Report

FIELDS = tuple(f.name for f in dataclasses.fields(Report))
_TEXT = tuple(name for name in FIELDS if name != "year")  # the year is an int column
RECENT = 4096  # decoded reports kept for the next hits (a few MB at most)


def _encode(name: str, value: object) -> str:
    return json.dumps(list(value), ensure_ascii=False) if name == "warnings" else str(value)


def _decode(name: str, value: str) -> object:
    return tuple(json.loads(value)) if name == "warnings" else value


class ReportTable(Sequence[Report]):
    """Reports in corpus order. Immutable: nothing changes its columns once made."""

    def __init__(self, texts: Strings, missing: np.ndarray, years: np.ndarray) -> None:
        self._texts = texts  # field-major: text field f of report i is entry f * n + i
        self._missing = missing  # bool per entry of `_texts`: the field is None
        self._years = years  # int32, 0 for an unknown year
        if not (len(texts) == len(missing) == len(_TEXT) * len(years)):
            raise ValueError("report columns differ in length")
        # the reports hits were last made from (17 µs to decode one; answers repeat towns)
        self._recent: dict[int, Report] = {}

    @classmethod
    def of(cls, reports: Iterable[Report]) -> ReportTable:
        rows = list(reports)
        columns = {name: [getattr(r, name) for r in rows] for name in FIELDS}
        return cls._of_columns(columns)

    @classmethod
    def picked(cls, old: ReportTable, rows: Sequence[int | Report]) -> ReportTable:
        """Rows of `old` (by position) and new reports, in the given order: an update's.

        Runs of consecutive old rows are copied as bytes, a field at a time, and only the
        new reports are encoded (decoding every old report took 1.2 s at 50,000)."""
        runs: list[tuple[ReportTable, int, int]] = []
        for r in rows:
            if isinstance(r, Report):
                runs.append((cls.of([r]), 0, 1))
            elif runs and runs[-1][0] is old and runs[-1][2] == r:
                runs[-1] = (old, runs[-1][1], r + 1)
            else:
                runs.append((old, r, r + 1))
        if not runs:
            return cls.of([])
        blobs, ends, missing = [], [], []
        offset = 0
        for f in range(len(_TEXT)):
            for table, start, stop in runs:
                n, table_ends = len(table), table._texts.ends
                a, b = f * n + start, f * n + stop
                first, last = (int(table_ends[a - 1]) if a else 0), int(table_ends[b - 1])
                blobs.append(np.asarray(table._texts.blob[first:last]))
                ends.append(np.asarray(table_ends[a:b]) - first + offset)
                missing.append(np.asarray(table._missing[a:b]))
                offset += last - first
        return cls(
            Strings(np.concatenate(blobs), np.concatenate(ends)),
            np.concatenate(missing),
            np.concatenate([np.asarray(table._years[a:b]) for table, a, b in runs]),
        )

    @classmethod
    def _of_columns(cls, columns: dict[str, list]) -> ReportTable:
        values = [v for name in _TEXT for v in columns[name]]
        texts = [("" if v is None else _encode(name, v)) for name in _TEXT for v in columns[name]]
        return cls(
            Strings.of(texts),
            np.array([v is None for v in values], dtype=bool),
            np.array([y or 0 for y in columns["year"]], dtype=np.int32),
        )

    def first_where(self, name: str, value: object) -> Report | None:
        """The first report whose field `name` is `value`, found in one column (a Report
        object per report costs 16 µs: 0.8 s at 50,000 reports)."""
        values = self.column(name)
        return self[values.index(value)] if value in values else None

    def column(self, name: str) -> list:
        """One field of every report, in order, decoded in one pass."""
        if name == "year":
            return [int(y) or None for y in self._years.tolist()]
        n, f = len(self), _TEXT.index(name)
        if not n:
            return []
        first = int(self._texts.ends[f * n - 1]) if f else 0
        raw = np.asarray(self._texts.blob[first : int(self._texts.ends[(f + 1) * n - 1])])
        # decoded whole, then cut where each value's characters end: characters counted
        # as bytes that do not continue one (50,000 decodes took 0.06 s of a cold start)
        text = raw.tobytes().decode()
        chars = np.concatenate([[0], np.cumsum((raw & 0xC0) != 0x80)])
        ends = chars[np.asarray(self._texts.ends[f * n : (f + 1) * n]) - first].tolist()
        missing = self._missing[f * n : (f + 1) * n].tolist()
        values = [text[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
        if name == "warnings":  # a missing value is "", a present one at least "[]"
            values = [v and _decode(name, v) for v in values]
        return [None if gone else v for v, gone in zip(values, missing, strict=True)]

    @property
    def years(self) -> np.ndarray:
        """Each report's year, 0 when unknown."""
        return self._years

    def __len__(self) -> int:
        return len(self._years)

    def _report(self, i: int) -> Report:
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        if (report := self._recent.get(i)) is None:
            if len(self._recent) >= RECENT:
                self._recent.clear()
            report = self._recent[i] = self._decoded(i)
        return report

    def _decoded(self, i: int) -> Report:
        n = len(self)
        keys = np.arange(i, len(self._texts), n)  # this report's entry in each text field
        ends = np.asarray(self._texts.ends)
        stops, starts = ends[keys].tolist(), np.where(keys > 0, ends[keys - 1], 0).tolist()
        blob, missing = self._texts.blob, self._missing[keys].tolist()
        fields: dict[str, object] = {"year": int(self._years[i]) or None}
        for name, a, b, gone in zip(_TEXT, starts, stops, missing, strict=True):
            fields[name] = None if gone else _decode(name, blob[a:b].tobytes().decode())
        return Report(**fields)  # type: ignore[arg-type]

    @overload
    def __getitem__(self, i: int) -> Report: ...
    @overload
    def __getitem__(self, i: slice) -> list[Report]: ...
    def __getitem__(self, i: int | slice) -> Report | list[Report]:
        if isinstance(i, slice):
            return [self._report(j) for j in range(*i.indices(len(self)))]
        return self._report(int(i))

    def __iter__(self) -> Iterator[Report]:
        columns = [self.column(name) for name in FIELDS]  # one pass per field, not per cell
        rows = zip(*columns, strict=True)
        return (Report(**dict(zip(FIELDS, values, strict=True))) for values in rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReportTable) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment] - equal by value, never a dict key

    def save(self, folder: Path) -> None:
        write_bytes(self._texts.blob, folder / "reports_blob.bin")
        np.save(folder / "reports_ends.npy", np.asarray(self._texts.ends))
        np.save(folder / "reports_missing.npy", self._missing)
        np.save(folder / "reports_years.npy", self._years)

    @classmethod
    def load(cls, folder: Path) -> ReportTable:
        # memory-mapped, not read with `pread` as passage texts are: ~220 bytes a report
        # (11 MB at 50,000) may well stay resident, and a hit's ten fields then cost no
        # system call each
        ends = load_array(folder / "reports_ends.npy")
        texts = Strings(map_bytes(folder / "reports_blob.bin"), ends)
        if len(texts) and int(texts.ends[-1]) != len(texts.blob):
            raise ValueError("the reports file is truncated")
        missing = load_array(folder / "reports_missing.npy")
        return cls(texts, missing, load_array(folder / "reports_years.npy"))
