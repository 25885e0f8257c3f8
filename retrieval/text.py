"""The one text pipeline: script/width normalisation and jieba tokens.

Passages and questions go through the same `TextPipeline` instance, so a question in
Traditional script finds the same passages as the same question in Simplified. The
normalised text is used for matching only; reports are always displayed as written.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import re
from collections.abc import Iterable
from pathlib import Path

import jieba
import opencc

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Full-width ASCII (！..～) to half-width, ideographic space to space: length-preserving.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")

jieba.setLogLevel(logging.WARNING)


@functools.lru_cache(maxsize=1)
def _t2s() -> tuple[opencc.OpenCC, re.Pattern[str]]:
    """The OpenCC converter and a pattern that finds characters it would change."""
    converter = opencc.OpenCC("t2s")
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    changing = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values.split() != [key]:
            changing.add(key)
    pattern = re.compile("[" + "".join(sorted(re.escape(ch) for ch in changing)) + "]")
    return converter, pattern


def to_simplified(text: str) -> str:
    """OpenCC Traditional→Simplified; skipped when the text has no Traditional character.

    OpenCC's pure-Python converter costs about as much as jieba itself, and most reports
    are Simplified already, so the quick scan keeps building fast.
    """
    converter, traditional = _t2s()
    if not traditional.search(text):
        return text
    return converter.convert(text)


def is_traditional(text: str) -> bool:
    """True when the text holds Traditional-only characters (the user wrote Traditional)."""
    return bool(_t2s()[1].search(text))


def normalize(text: str) -> str:
    """Simplified script, half-width ASCII, lower case. Keeps length for CJK text."""
    return to_simplified(text).translate(_WIDTH).lower()


@functools.lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified→Traditional for answers to users who wrote in Traditional script."""
    return _s2t().convert(text)


def _read_words(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


class TextPipeline:
    """Normalisation plus one jieba Tokenizer with the domain dictionary and stopwords."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        self.stopwords = frozenset(normalize(w) for w in _read_words(data_dir / "stopwords.txt"))
        self.synonyms: dict[str, str] = {}
        self._groups: dict[str, tuple[str, ...]] = {}
        for line in _read_words(data_dir / "synonyms.txt"):
            group = tuple(normalize(w) for w in line.split())
            for word in group:
                self.synonyms[word] = group[0]
            self._groups[group[0]] = group
        for line in _read_words(data_dir / "dict.txt"):
            self.add_word(line.split()[0])
        for word in self.synonyms:
            self.add_word(word)

    def add_word(self, word: str) -> None:
        """Keep a word whole (domain terms, township names)."""
        word = normalize(word)
        if self._tokenizer.FREQ.get(word, 0) < 1000:
            self._tokenizer.add_word(word, freq=1000)

    def in_dictionary(self, word: str) -> bool:
        """True when jieba's dictionary (or ours) knows the word."""
        return self._tokenizer.FREQ.get(normalize(word), 0) > 0

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes whenever the dictionary, stopwords or synonyms change."""
        return data_fingerprint(self.data_dir)

    def tokens(self, text: str) -> list[str]:
        """Matching tokens of a text: normalised, segmented, filtered, synonyms folded."""
        return self.tokens_of_normalized(normalize(text))

    def tokens_of_normalized(self, norm: str) -> list[str]:
        """Tokens of already normalised text (the groups below, flattened)."""
        return [token for group in self.word_groups(norm) for token, _ in group]

    def word_groups(self, norm: str) -> list[tuple[tuple[str, float], ...]]:
        """Each word of the text with the sub-words that stand for part of it.

        A group is `((sub-word, share of the word's characters), ..., (word, 1.0))`: the
        output of jieba's search mode (人民调解 → 人民, 民调, 调解, 人民调解) kept together,
        so relevance can credit a passage that holds part of a word. Single characters
        are dropped (镇, 村 are everywhere), but a run of them is usually a word jieba does
        not know (七进 in 宪法“七进”), so adjacent pairs in a run become bigram words.
        """
        groups: list[tuple[tuple[str, float], ...]] = []
        run: list[str] = []

        def flush() -> None:
            groups.extend(((a + b, 1.0),) for a, b in itertools.pairwise(run))
            run.clear()

        freq = self._tokenizer.FREQ
        for word in self._tokenizer.cut(norm, HMM=False):
            word = word.strip()
            if len(word) == 1 and _CJK.match(word):
                if word not in self.stopwords:
                    run.append(word)
                    continue
            elif not word or _PUNCT_ONLY.match(word):
                continue  # punctuation does not end a run: “七进”
            flush()
            if word in self.stopwords or len(word) < 2:
                continue
            grams = [
                word[i : i + n]
                for n in (2, 3)
                if len(word) > n
                for i in range(len(word) - n + 1)
                if freq.get(word[i : i + n])
            ]
            group = [
                (self.synonyms.get(g, g), len(g) / len(word))
                for g in grams
                if g not in self.stopwords
            ]
            group.append((self.synonyms.get(word, word), 1.0))
            groups.append(tuple(group))
        flush()
        return groups

    def surface_forms(self, terms: Iterable[str]) -> list[str]:
        """The words a matched term stands for in text (itself and its synonyms)."""
        forms: set[str] = set()
        for term in terms:
            forms.update(self._groups.get(term, (term,)))
        return sorted(forms, key=len, reverse=True)


def data_fingerprint(data_dir: Path) -> str:
    """A hash of the files that shape tokens: dictionary, stopwords, synonyms."""
    digest = hashlib.sha1()
    for name in ("dict.txt", "stopwords.txt", "synonyms.txt"):
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _pipeline(data_dir: Path, fingerprint: str) -> TextPipeline:
    return TextPipeline(data_dir)


def default_pipeline(data_dir: Path = DATA_DIR) -> TextPipeline:
    """One pipeline (one jieba dictionary load) per process and version of the data files.

    Editing data/*.txt gives a new pipeline on the next build, so a reload picks it up.
    """
    return _pipeline(data_dir, data_fingerprint(data_dir))
