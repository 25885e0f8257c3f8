"""The on-disk index cache: analysed files, and a snapshot of the whole index.

The snapshot is keyed by every corpus file's content, the catalog, the dictionary,
stopwords and synonyms, this package's code and the BM25 parameters (see
`build.corpus_key`), so any change rebuilds it. Its arrays are memory-mapped, which makes
a cold start with the cache a matter of reading a few files. Anything unreadable or
inconsistent in the cache is treated as absent and rebuilt, never trusted.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import uuid
from pathlib import Path

import numpy as np

from .bm25 import BM25Params, SparseBM25
from .build import FileEntry, Stat
from .columns import load_array
from .corpus import Corpus, Origin
from .index import Index
from .places import CorpusPlaces
from .reports import ReportTable
from .table import PassageTable
from .text import TextPipeline

log = logging.getLogger(__name__)


def writable_folder(folder: Path) -> bool:
    """True when the folder exists (or could be created) and this process may write in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


_FORMAT = 9  # 9: each passage's meaning (meaning.npy); 8: the files' keys in files.pkl


class IndexCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = folder / "files"
        self.snapshot = folder / "snapshot"

    # --- per-file entries ---------------------------------------------------------------
    def has_file(self, key: str) -> bool:
        return (self.files / f"{key}.pkl").exists()

    def load_file(self, key: str) -> FileEntry | None:
        path = self.files / f"{key}.pkl"
        if not path.exists():
            return None
        try:
            with path.open("rb") as f:
                entry = pickle.load(f)
            if not isinstance(entry, FileEntry):
                raise TypeError(type(entry).__name__)
            return entry
        except Exception as exc:  # any damage means: analyse the file again
            log.warning("ignoring damaged cache entry %s: %s", path.name, exc)
            return None

    def save_file(self, key: str, entry: FileEntry | bytes) -> None:
        """Keep one file's analysis (or its pickle, made once for this and a worker's
        parent)."""
        self.files.mkdir(parents=True, exist_ok=True)
        tmp = self.files / f".{key}.{uuid.uuid4().hex}.tmp"
        with tmp.open("wb") as f:
            if isinstance(entry, bytes):
                f.write(entry)
            else:
                pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.files / f"{key}.pkl")

    def prune(self, keep: set[str]) -> None:
        """Delete entries of files that are no longer in the corpus (or have changed)."""
        for path in self.files.glob("*.pkl"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)

    # --- what the last build saw of each file ----------------------------------------------
    def load_stats(self, salt: str | None = None) -> dict[str, tuple[Stat, str, str]]:
        """Per file: (size, mtime_ns, inode), catalog row and key, as `scan` recorded them
        under `build.file_salt` (none when recorded under another; any when None)."""
        try:
            with (self.folder / "stats.pkl").open("rb") as f:
                saved = pickle.load(f)
            if not (isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[1], dict)):
                return {}  # an older layout
            return saved[1] if salt is None or saved[0] == salt else {}
        except OSError:  # none yet, or the cache folder is unusable (said elsewhere)
            return {}
        except Exception as exc:  # damaged: every file is read and hashed again
            log.warning("ignoring damaged file stats in %s: %s", self.folder, exc)
            return {}

    def save_stats(self, records: dict[str, tuple[Stat, str, str]], salt: str) -> None:
        tmp = self.folder / f".stats.{uuid.uuid4().hex}.tmp"
        with tmp.open("wb") as f:
            pickle.dump((salt, records), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / "stats.pkl")

    # --- snapshot of the whole index ----------------------------------------------------
    def save_snapshot(self, index: Index) -> None:
        """Save an index read through the cache (its origin says from which files)."""
        origin = index.corpus.origin
        if origin is None:
            raise ValueError("an index without its origin cannot be kept")
        tmp = self.folder / f".snapshot.{uuid.uuid4().hex}"
        tmp.mkdir(parents=True)
        index.bm25.save(tmp)
        index.corpus.reports.save(tmp)
        with (tmp / "files.pkl").open("wb") as f:
            pickle.dump(origin.files, f, protocol=pickle.HIGHEST_PROTOCOL)
        with (tmp / "places.pkl").open("wb") as f:
            pickle.dump(index.located, f, protocol=pickle.HIGHEST_PROTOCOL)
        meta = {
            "format": _FORMAT,
            "key": origin.key,
            "terms": list(index.bm25.vocab),
            "skipped": index.corpus.skipped,
            "table": index.corpus.passages.save(tmp),
        }
        with (tmp / "meta.pkl").open("wb") as f:
            pickle.dump(meta, f, protocol=pickle.HIGHEST_PROTOCOL)
        old = self.folder / f".old.{uuid.uuid4().hex}"
        if self.snapshot.exists():
            os.replace(self.snapshot, old)
        os.replace(tmp, self.snapshot)
        shutil.rmtree(old, ignore_errors=True)

    def load_snapshot(
        self, origin: Origin, pipeline: TextPipeline, params: BM25Params
    ) -> Index | None:
        """The saved index if it was built from exactly this corpus, code and data (the
        same key: the same files, so their list is not read back; 0.03 s at 50,000)."""
        return self._read(pipeline, params, origin)

    def load_previous(self, pipeline: TextPipeline, params: BM25Params) -> Index | None:
        """Whatever index was saved last (its origin has the files' keys), to update."""
        return self._read(pipeline, params, None)

    def _read(
        self, pipeline: TextPipeline, params: BM25Params, origin: Origin | None
    ) -> Index | None:
        meta_path = self.snapshot / "meta.pkl"
        if not meta_path.exists():
            return None
        try:
            with meta_path.open("rb") as f:
                meta = pickle.load(f)
            if meta.get("format") != _FORMAT:
                return None
            if origin is not None and meta.get("key") != origin.key:
                return None  # stale: the corpus, dictionary or code changed
            arrays = {
                name: load_array(self.snapshot / f"bm25_{name}.npy")
                for name in (
                    "starts",
                    "post_docs",
                    "post_tf",
                    "doc_len",
                    "post_weight",
                    "term_base",
                    "dense_terms",
                    "dense_weight",
                    "dense_held",
                )
            }
            bm25 = SparseBM25.from_arrays(meta["terms"], arrays, params)
            table = PassageTable.load(self.snapshot, meta["table"])
            reports = ReportTable.load(self.snapshot)
            _check(bm25, table, reports)
            located = None
            if origin is None:
                with (self.snapshot / "files.pkl").open("rb") as f:
                    origin = Origin(meta["key"], tuple(map(tuple, pickle.load(f))))
            else:  # made by this code from these data files (the key says so); else made anew
                located = self._places()
            corpus = Corpus(reports, table, tuple(meta["skipped"]), origin)
            return Index(corpus, pipeline, bm25, located)
        except Exception as exc:  # damaged snapshot: rebuild rather than serve garbage
            log.warning("ignoring damaged index snapshot in %s: %s", self.snapshot, exc)
            return None

    def _places(self) -> CorpusPlaces | None:
        """The snapshot's `CorpusPlaces` (None in one saved before they were kept)."""
        path = self.snapshot / "places.pkl"
        if not path.exists():
            return None
        with path.open("rb") as f:
            return pickle.load(f)


def _check(bm25: SparseBM25, table: PassageTable, reports: ReportTable) -> None:
    """Cheap consistency checks that catch truncated or mismatched files."""
    n, n_reports = len(table), len(reports)
    if len(table.sources) != n_reports:
        raise ValueError("reports and passages disagree")
    if bm25.n_docs != n or int(bm25.starts[-1]) != len(bm25.post_docs):
        raise ValueError("postings and passages disagree")
    if len(bm25.post_tf) != len(bm25.post_docs):
        raise ValueError("postings arrays differ in length")
    # a term's passages are in ascending order (`postings`), so its last posting is its
    # highest: 87k of them at a million passages, not all 92M (0.04 s of a cold start,
    # and every page of the postings read in)
    lasts = bm25.starts[1:][np.diff(bm25.starts) > 0] - 1
    if len(lasts) and int(bm25.post_docs[lasts].max()) >= n:
        raise ValueError("postings point past the last passage")
    if n and (
        int(table.report_of.max()) >= n_reports or int(table.text_ends[-1]) != len(table.text_blob)
    ):
        raise ValueError("passage table is inconsistent")
