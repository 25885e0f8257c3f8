"""Columns of bytes and strings stored back to back, read only where they are asked for.

A saved index keeps passage texts and heading paths as UTF-8 buffers with end offsets:
a million of them load at once (nothing is decoded until read) and cost no Python objects.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, overload

import numpy as np

from .text import occurrences

COPY_CHUNK = 1 << 24  # bytes copied at a time when a column is saved


def load_array(path: Path) -> np.ndarray:
    """A saved `.npy` array, memory-mapped, as a plain array: every slice of an
    `np.memmap` makes another memmap object (3 µs each; a search slices a few dozen)."""
    return np.load(path, mmap_mode="r").view(np.ndarray)


def map_bytes(path: Path) -> np.ndarray:
    """A file's bytes, memory-mapped, as a plain array (an empty file cannot be mapped)."""
    if not path.stat().st_size:
        return np.empty(0, dtype=np.uint8)
    return np.memmap(path, dtype=np.uint8, mode="r").view(np.ndarray)


class FileBytes:
    """Bytes in a file, read with `pread` when asked for instead of memory-mapped.

    Passage texts are read a few at a time, at random; a memory map of them would count
    every page (on newer kernels, every 2 MB folio) it ever touched as the server's
    resident memory, up to the whole corpus. Reads go through the page cache instead.
    """

    def __init__(self, fd: int, offset: int, size: int, owner: FileBytes | None = None) -> None:
        self._fd, self._offset, self._size = fd, offset, size
        self._owner = owner  # the object that closes the file; a view keeps it alive
        if owner is None:
            weakref.finalize(self, os.close, fd)  # closed when the index is dropped

    @classmethod
    def open(cls, path: Path) -> FileBytes:
        """A whole file of bytes (a saved column)."""
        fd = os.open(path, os.O_RDONLY)
        return cls(fd, 0, os.fstat(fd).st_size)

    def view(self, start: int, stop: int) -> FileBytes:
        """Bytes start..stop-1, read from the same file when asked for (nothing read now)."""
        return FileBytes(self._fd, self._offset + start, max(0, stop - start), self._owner or self)

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, part: slice) -> np.ndarray:
        start, stop, _ = part.indices(self._size)
        return np.frombuffer(self.read(start, stop), dtype=np.uint8)

    def read(self, start: int, stop: int) -> bytes:
        """Bytes start..stop-1 (within this file's bytes) as `bytes`: a passage's text
        read so is decoded at once (3 µs against 5–10 through an array and a copy)."""
        data = os.pread(self._fd, max(0, stop - start), self._offset + start)
        if len(data) != max(0, stop - start):
            raise ValueError("passage text file is truncated")
        return data

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return self[:]

    def write_to(self, out: BinaryIO) -> None:
        for start in range(0, self._size, COPY_CHUNK):
            out.write(self[start : start + COPY_CHUNK].data)


class Spill:
    """Bytes appended to an unnamed temporary file (gone when closed), then read back as
    `FileBytes`: a build's passage texts and postings, kept out of memory.

    `folder` should be on disk: the index cache's, when there is one. The system's
    temporary folder is often a tmpfs, whose files are memory under another name.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - handed on to FileBytes
        self._size = 0

    def append(self, data: np.ndarray | bytes) -> None:
        view = memoryview(data).cast("B")
        self._file.write(view)
        self._size += len(view)

    def bytes(self) -> FileBytes:
        """What was written; this spill is finished."""
        self._file.flush()
        fd = os.dup(self._file.fileno())
        self._file.close()
        return FileBytes(fd, 0, self._size)

    def rows(self, dtype: np.dtype, width: int) -> np.ndarray:
        """What was written, as rows of `width` values memory-mapped from the file (read
        where touched); this spill is finished."""
        self._file.flush()
        count = self._size // (np.dtype(dtype).itemsize * width)
        if not count:
            self._file.close()
            return np.empty((0, width), dtype=dtype)
        mapped = np.memmap(self._file, dtype=dtype, mode="r", shape=(count, width))
        self._file.close()  # the map keeps the file
        return mapped.view(np.ndarray)


def write_bytes(blob: Bytes, path: Path) -> None:
    """Save a byte column as a plain file, a few megabytes at a time."""
    with path.open("wb") as out:
        if isinstance(blob, FileBytes | JoinedBytes):
            blob.write_to(out)
        else:
            out.write(memoryview(np.ascontiguousarray(blob)).cast("B"))


class JoinedBytes:
    """Byte arrays back to back without copying them: an updated index's passage texts,
    most of them still in the file of the index it was updated from (a copy would read
    600 MB at a million passages before the update could serve)."""

    def __init__(self, parts: Sequence[FileBytes | np.ndarray]) -> None:
        self._parts = list(parts)
        self._starts = np.cumsum([0, *(len(p) for p in self._parts)])

    @staticmethod
    def of(parts: Sequence[FileBytes | np.ndarray]) -> JoinedBytes | np.ndarray:
        """The parts joined: copied into one array unless some are still on disk."""
        if not any(isinstance(p, FileBytes) for p in parts):
            return np.concatenate(parts) if parts else np.empty(0, dtype=np.uint8)
        merged: list[FileBytes | np.ndarray] = []
        for on_disk, group in itertools.groupby(parts, lambda p: isinstance(p, FileBytes)):
            run = list(group)
            merged += run if on_disk else [np.concatenate(run)]
        return JoinedBytes(merged)

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __getitem__(self, part: slice) -> np.ndarray:
        start, stop, _ = part.indices(len(self))
        if stop <= start:
            return np.empty(0, dtype=np.uint8)
        first = int(np.searchsorted(self._starts, start, side="right")) - 1
        last = int(np.searchsorted(self._starts, stop, side="left")) - 1
        pieces = []
        for k in range(first, last + 1):
            a, b = int(self._starts[k]), int(self._starts[k + 1])
            pieces.append(self._parts[k][max(start, a) - a : min(stop, b) - a])
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return np.concatenate([p[:] for p in self._parts])

    def write_to(self, out: BinaryIO) -> None:
        for part in self._parts:
            if isinstance(part, FileBytes):
                part.write_to(out)
            else:
                out.write(memoryview(np.ascontiguousarray(part)).cast("B"))


Bytes = np.ndarray | FileBytes | JoinedBytes


def read_bytes(blob: Bytes, start: int, stop: int) -> bytes:
    """Bytes start..stop-1 of a column, however it is held."""
    if isinstance(blob, FileBytes):
        return blob.read(start, stop)
    return blob[start:stop].tobytes()


class Strings(Sequence[str]):
    """Strings as UTF-8 back to back: a byte column and each string's end offset.

    Unpickling a million heading paths took 0.9 s of every cold start at 1M passages and
    180 MB of the server's memory; this loads by reference and decodes one when read.
    """

    def __init__(self, blob: Bytes, ends: np.ndarray) -> None:
        self.blob = blob
        self.ends = ends  # int64

    @classmethod
    def of(cls, items: Sequence[str]) -> Strings:
        encoded = [s.encode() for s in items]
        blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return cls(blob, np.cumsum([len(e) for e in encoded], dtype=np.int64))

    @classmethod
    def concat(cls, parts: Sequence[Strings]) -> Strings:
        offsets = np.cumsum([0, *(len(p.blob) for p in parts)])
        ends = [np.asarray(p.ends) + offset for p, offset in zip(parts, offsets, strict=False)]
        return cls(
            JoinedBytes.of([p.blob for p in parts]),
            np.concatenate(ends) if ends else np.empty(0, dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.ends)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        start = int(self.ends[i - 1]) if i else 0
        return self.blob[start : int(self.ends[i])].tobytes().decode()

    def __iter__(self) -> Iterator[str]:
        """Every string, decoded from one copy of the bytes (a build's merge reads each
        report's headings: item by item took 0.6 s of 4 at 100k passages)."""
        data = np.asarray(self.blob).tobytes()
        start = 0
        for end in self.ends.tolist():
            yield data[start:end].decode()
            start = end

    def containing(self, text: str) -> np.ndarray:
        """Per string, whether it contains `text` (one pass over the bytes)."""
        found = np.zeros(len(self), dtype=bool)
        if not text or not len(self):
            return found | (not text)
        data, needle = np.asarray(self.blob).tobytes(), text.encode()
        # every start, overlapping ones too: in 0|00 a match of 00 across the first two
        # strings must not hide the one inside the second (Hypothesis found it)
        if starts := list(occurrences(data, needle)):
            first = np.searchsorted(self.ends, starts, side="right")
            last = np.searchsorted(self.ends, np.add(starts, len(needle) - 1), side="right")
            found[first[first == last]] = True  # not a match across two strings
        return found
