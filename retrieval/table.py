"""Passages stored column-wise in numpy arrays, so a large corpus loads by memory map.

A million `Passage` objects would cost over a gigabyte and seconds to unpickle; the table
keeps texts as one UTF-8 buffer with offsets and builds a `Passage` only when one is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from .columns import FileBytes, JoinedBytes, Spill, Strings, load_array, read_bytes, write_bytes
from .meaning import AXES
from .models import Passage

_ARRAYS = ("ids", "text_ends", "section_of", "report_of", "meaning")


class PassageTable(Sequence[Passage]):
    def __init__(
        self,
        ids: np.ndarray,
        text_blob: np.ndarray | FileBytes | JoinedBytes,
        text_ends: np.ndarray,
        section_of: np.ndarray,
        report_of: np.ndarray,
        sections: Strings,
        sources: list[str],
        meaning: np.ndarray | None = None,
    ) -> None:
        self.ids = ids  # fixed-width ASCII ids
        self.text_blob = text_blob  # uint8, all texts as UTF-8, back to back
        self.text_ends = text_ends  # int64 end offset of each text in the blob
        self.section_of = section_of  # int32 index into `sections`
        self.report_of = report_of  # int32 index into `sources` (the corpus' reports)
        self.sections = sections  # distinct heading paths
        self.sources = sources
        # float16 unit vector of each passage's meaning (`meaning.Placer`; zeros: no word
        # known); None until placed, as in a file's analysis (placed when merged)
        self.meaning = meaning
        columns = (ids, text_ends, section_of, report_of, *([] if meaning is None else [meaning]))
        if len({len(column) for column in columns}) > 1:
            raise ValueError("passage table columns differ in length")

    @classmethod
    def build(cls, passages: Sequence[Passage], sources: list[str]) -> PassageTable:
        """A table of passages not yet placed by meaning (`with_meaning`)."""
        order = {s: i for i, s in enumerate(sources)}
        section_index: dict[str, int] = {}
        encoded = [p.text.encode() for p in passages]
        return cls(
            ids=np.array([p.id.encode() for p in passages], dtype="S24"),
            text_blob=np.frombuffer(b"".join(encoded), dtype=np.uint8),
            text_ends=np.cumsum([len(e) for e in encoded], dtype=np.int64),
            section_of=np.array(
                [section_index.setdefault(p.section, len(section_index)) for p in passages],
                dtype=np.int32,
            ),
            report_of=np.array([order[p.source] for p in passages], dtype=np.int32),
            sections=Strings.of(list(section_index)),
            sources=list(sources),
        )

    @property
    def placed(self) -> np.ndarray:
        """The passages' meaning; an error if they were never placed."""
        if self.meaning is None:
            raise ValueError("passages not placed by meaning")
        return self.meaning

    def with_meaning(self, meaning: np.ndarray) -> PassageTable:
        """The same passages with each one's meaning (`meaning.Placer`)."""
        return PassageTable(
            self.ids,
            self.text_blob,
            self.text_ends,
            self.section_of,
            self.report_of,
            self.sections,
            self.sources,
            meaning,
        )

    @classmethod
    def gather(
        cls, runs: Sequence[tuple[PassageTable, int, int]], sources: list[str]
    ) -> PassageTable:
        """A table of row ranges `(table, start, end)` of other tables, one run per report."""
        if not runs:
            return cls.build([], sources).with_meaning(np.zeros((0, AXES), np.float16))
        report_of = np.repeat(
            np.arange(len(runs), dtype=np.int32), [end - start for _, start, end in runs]
        )
        sections = _Sections()
        remaps: dict[int, np.ndarray] = {}
        ids, blobs, ends, section_of, meaning = [], [], [], [], []
        offset = 0
        for table, start, end in _coalesce(runs):
            if id(table) not in remaps:
                remaps[id(table)] = sections.add(table.sections)
            first = int(table.text_ends[start - 1]) if start else 0
            last = int(table.text_ends[end - 1]) if end > start else first
            ids.append(table.ids[start:end])
            blob = table.text_blob
            blobs.append(
                blob.view(first, last) if isinstance(blob, FileBytes) else blob[first:last]
            )
            ends.append(np.asarray(table.text_ends[start:end]) - first + offset)
            section_of.append(remaps[id(table)][table.section_of[start:end]])
            meaning.append(table.placed[start:end])
            offset += last - first
        return cls(
            ids=np.concatenate(ids),
            text_blob=JoinedBytes.of(blobs),
            text_ends=np.concatenate(ends),
            section_of=np.concatenate(section_of),
            report_of=report_of,
            sections=sections.joined(),
            sources=list(sources),
            meaning=np.concatenate(meaning),
        )

    def __len__(self) -> int:
        return len(self.text_ends)

    def text(self, i: int) -> str:
        start = int(self.text_ends[i - 1]) if i else 0
        return read_bytes(self.text_blob, start, int(self.text_ends[i])).decode()

    def _passage(self, i: int) -> Passage:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return Passage(
            id=self.ids[i].decode(),
            source=self.sources[self.report_of[i]],
            section=self.sections[self.section_of[i]],
            text=self.text(i),
        )

    @overload
    def __getitem__(self, i: int) -> Passage: ...
    @overload
    def __getitem__(self, i: slice) -> list[Passage]: ...
    def __getitem__(self, i: int | slice) -> Passage | list[Passage]:
        if isinstance(i, slice):
            return [self._passage(j) for j in range(*i.indices(len(self)))]
        return self._passage(int(i))

    def __iter__(self) -> Iterator[Passage]:
        return (self._passage(i) for i in range(len(self)))

    def counts(self) -> dict[str, int]:
        """Passages per report source."""
        per = np.bincount(self.report_of, minlength=len(self.sources))
        return {s: int(n) for s, n in zip(self.sources, per, strict=True)}

    def save(self, folder: Path) -> dict:
        """Write the columns as files (texts and headings as plain UTF-8, copied a few
        megabytes at a time); returns the picklable rest."""
        self.placed  # noqa: B018 - a snapshot is only of placed passages
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", np.asarray(getattr(self, name)))
        write_bytes(self.text_blob, folder / "text_blob.bin")
        write_bytes(self.sections.blob, folder / "section_blob.bin")
        np.save(folder / "section_ends.npy", np.asarray(self.sections.ends))
        return {"sources": self.sources}

    @classmethod
    def load(cls, folder: Path, rest: dict) -> PassageTable:
        arrays = {name: load_array(folder / f"{name}.npy") for name in _ARRAYS}
        sections = Strings(
            FileBytes.open(folder / "section_blob.bin"),
            load_array(folder / "section_ends.npy"),
        )
        text = FileBytes.open(folder / "text_blob.bin")
        return cls(**arrays, text_blob=text, sections=sections, **rest)


class TableBuilder:
    """One-report tables appended in order (a build's), their texts written to a temporary
    file as they come instead of held: 600 MB at a million passages."""

    def __init__(self, spill_to: Path | None = None) -> None:
        self._texts = Spill(spill_to)
        self._sections = _Sections()
        self._ids: list[np.ndarray] = []
        self._ends: list[np.ndarray] = []
        self._section_of: list[np.ndarray] = []
        self._meaning = Spill(spill_to)  # 128 MB at a million passages
        self._counts: list[int] = []
        self._offset = 0

    def add(self, table: PassageTable) -> None:
        blob = np.asarray(table.text_blob)
        self._texts.append(blob)
        self._ids.append(np.asarray(table.ids))
        self._ends.append(np.asarray(table.text_ends) + self._offset)
        self._section_of.append(self._sections.add(table.sections)[table.section_of])
        self._meaning.append(np.ascontiguousarray(table.placed, dtype=np.float16))
        self._counts.append(len(table))
        self._offset += len(blob)

    def build(self, sources: list[str]) -> PassageTable:
        def joined(parts: list[np.ndarray], dtype: str) -> np.ndarray:
            return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

        return PassageTable(
            ids=joined(self._ids, "S24"),
            text_blob=self._texts.bytes(),
            text_ends=joined(self._ends, "int64"),
            section_of=joined(self._section_of, "int32"),
            report_of=np.repeat(np.arange(len(self._counts), dtype=np.int32), self._counts),
            sections=self._sections.joined(),
            sources=list(sources),
            meaning=self._meaning.rows(np.float16, AXES),
        )


def _coalesce(
    runs: Sequence[tuple[PassageTable, int, int]],
) -> list[tuple[PassageTable, int, int]]:
    """Adjacent runs of the same table as one (an update keeps most reports in place)."""
    out: list[tuple[PassageTable, int, int]] = []
    for table, start, end in runs:
        if out and out[-1][0] is table and out[-1][2] == start:
            out[-1] = (table, out[-1][1], end)
        else:
            out.append((table, start, end))
    return out


class _Sections:
    """Heading paths of gathered tables, each small table's shared with the others."""

    # A table with more headings than this (a whole index being updated) keeps its column
    # as it is: decoding and looking up each would take seconds at a million passages. Its
    # headings are then not shared with the new reports', and those of removed reports
    # stay listed until the next full build: unused strings, never a wrong heading.
    SHARED_UP_TO = 10_000

    def __init__(self) -> None:
        self._parts: list[Strings] = []
        self._pending: dict[str, int] = {}  # shared headings not yet in a part
        self._count = 0

    def add(self, names: Strings) -> np.ndarray:
        """Add a table's headings; returns where each of them now is."""
        if len(names) > self.SHARED_UP_TO:
            self._flush()
            self._parts.append(names)
            self._count += len(names)
            return np.arange(self._count - len(names), self._count, dtype=np.int32)
        where = []
        for name in names:
            if name not in self._pending:
                self._pending[name] = self._count
                self._count += 1
            where.append(self._pending[name])
        return np.array(where or [0], dtype=np.int32)

    def joined(self) -> Strings:
        self._flush()
        return Strings.concat(self._parts)

    def _flush(self) -> None:
        if self._pending:
            self._parts.append(Strings.of(list(self._pending)))
            self._pending = {}
