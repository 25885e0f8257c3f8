"""Word segmentation: jieba's algorithm and dictionary, run natively by rjieba.

rjieba (jieba-rs) gives the same words as jieba (precise mode, no HMM) about 17 times
faster, except that it keeps a run like `2021-2025` whole where jieba splits it into
letter-and-digit runs, symbols and dictionary words (c#); `Segmenter.split` re-cuts such
runs with jieba's own rules. The word frequencies (for sub-words and for how everyday a
word is) are jieba's dictionary file, made once per user into a trie file that each
process memory-maps (`memo.derived_file`; jieba's own loader takes over 1 s, unpickling
a dict of it 0.13-0.19 s). jieba itself is loaded only
for `reference_words`, the yardstick tests compare against (tests/test_text.py: identical
on every seed and real report).
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import logging
import math
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import marisa_trie

from .memo import derived, derived_file

if TYPE_CHECKING:
    import jieba

log = logging.getLogger(__name__)

# jieba's dictionary file, found without importing jieba (0.1 s saved at every start)
_JIEBA_DICT = Path(importlib.util.find_spec("jieba").origin).parent / "dict.txt"
_HAN_BLOCK = re.compile(r"([a-zA-Z0-9+#&\._%\-]+)")  # jieba's re_han_default, ASCII part
_SKIP = re.compile(r"(\r\n|\s)")
_ENG = re.compile(r"[a-zA-Z0-9]")


@functools.cache
def _rjieba() -> type:
    """rjieba's cutter class, loaded without running the package's `__init__`, which
    builds a default cutter we never use (0.12-0.17 s of every process's start). Falls
    back to importing the package if its extension module cannot be found that way."""
    if (loaded := sys.modules.get("rjieba.rjieba")) is not None:
        return loaded.Jieba
    try:
        spec = importlib.util.find_spec("rjieba")  # finds the package, does not run it
        folder = Path(spec.submodule_search_locations[0])  # type: ignore[union-attr,index]
        path = next(
            folder / f"rjieba{suffix}"
            for suffix in importlib.machinery.EXTENSION_SUFFIXES
            if (folder / f"rjieba{suffix}").exists()
        )
        module_spec = importlib.util.spec_from_file_location("rjieba.rjieba", path)
        module = importlib.util.module_from_spec(module_spec)  # type: ignore[arg-type]
        module_spec.loader.exec_module(module)  # type: ignore[union-attr]
    except (ImportError, OSError, StopIteration, AttributeError, TypeError) as exc:
        log.debug("importing rjieba whole (%s)", exc)
        import rjieba

        return rjieba.Jieba
    sys.modules["rjieba.rjieba"] = module  # a later `import rjieba` reuses it
    return module.Jieba


@functools.lru_cache(maxsize=1)
def jieba_frequencies() -> tuple[marisa_trie.RecordTrie, int]:
    """jieba's dictionary as a trie of word -> (count,), and the total count.

    A memory-mapped trie rather than a dict: unpickling 350k entries took 0.13-0.19 s of
    every process's start and ~40 MB of its memory; mapping the 1.7 MB trie file takes
    nothing, and a lookup ~1 µs (a dict's: 0.1 µs; a build looks up each distinct word's
    parts once)."""
    total = derived(_JIEBA_DICT, "jieba-total", lambda: sum(_read_jieba_dictionary().values()))
    path = derived_file(_JIEBA_DICT, "jieba-freq-trie", _write_trie)
    if path is not None:
        try:
            return marisa_trie.RecordTrie("<I").mmap(os.fspath(path)), total
        except RuntimeError as exc:  # damaged (marisa checks the header and sizes)
            log.warning("ignoring %s: %s", path, exc)
            path.unlink(missing_ok=True)  # made again by the next process
    return _trie(_read_jieba_dictionary()), total


@functools.cache  # read once per process
def jieba_longest_word() -> int:
    """Characters in jieba's longest word (16), counted once per machine."""
    return derived(_JIEBA_DICT, "jieba-longest", lambda: max(map(len, _read_jieba_dictionary())))


def _jieba_entries() -> Iterator[tuple[str, int, str]]:
    """(word, count, part of speech) of every line of jieba's dictionary file."""
    with _JIEBA_DICT.open(encoding="utf-8") as f:
        for line in f:
            word, count, tag = line.split()[:3]  # every line has all three
            yield word, int(count), tag


def _read_jieba_dictionary() -> dict[str, int]:
    return {word: count for word, count, _ in _jieba_entries()}


# Parts of speech that jieba's dictionary gives closed classes of words that never say
# what a question is about: pronouns and determiners (r: 某些, 这种, 一样, 别的), prepositions
# (p: 关于, 对于, 除了), conjunctions (c: 或者, 以及, 因为), particles (u, y) and
# interjections (e). Adverbs (d) are not among them: jieba tags 到期, 轻微 and 重复 so, and
# taking them out let an off-topic question through (README, "Function words").
FUNCTION_TAGS = frozenset("r p c u y e".split())


@functools.cache  # read once per process, never per question
def function_words() -> frozenset[str]:
    """Words jieba's dictionary tags with one of `FUNCTION_TAGS` (1,480 words)."""
    return derived(_JIEBA_DICT, "jieba-function-words", _read_function_words)


def _read_function_words() -> frozenset[str]:
    return _tagged(FUNCTION_TAGS)


def _tagged(tags: frozenset[str], below: float = math.inf) -> frozenset[str]:
    """Words of jieba's dictionary with one of `tags`, counted fewer than `below` times."""
    return frozenset(word for word, count, tag in _jieba_entries() if tag in tags and count < below)


# Proper names: jieba's dictionary tags place names ns and personal names nr, nrt, and
# among them the ones it counts rarely are only names (綦江 19, 西兴 16, 巫溪 7), while the
# frequent ones are also everyday words (夕阳 299, 太平 1,113, 平原 7,457). Of the
# gazetteer's short names so tagged, the share that the general word vectors also list
# rises with the count: 1 % below 10, 3 % to 25, 8 % to 50, 16 % to 100, 20-62 % above
# (data/calibration/proper_names.tsv); below 50 they are names.
PROPER_TAGS = frozenset(("ns", "nr", "nrt"))
RARE_NAME_COUNT = 50


@functools.cache  # read once per process, never per question
def rare_proper_names() -> frozenset[str]:
    """Words jieba's dictionary tags as place or personal names and counts fewer than
    `RARE_NAME_COUNT` times: names, not everyday words (綦江, 巫溪)."""
    return derived(_JIEBA_DICT, "jieba-rare-names", _read_rare_proper_names)


def _read_rare_proper_names() -> frozenset[str]:
    return _tagged(PROPER_TAGS, RARE_NAME_COUNT)


def everyday_word(word: str) -> bool:
    """True when everyday Chinese uses the word (Simplified) as a word, not only as a
    name: jieba's dictionary has it and it is not one of its rare place or personal names
    (保安, 安稳, 太平 are everyday words; 綦江, 巫溪 only names; 舒桥 no word at all)."""
    counted = jieba_frequencies()[0].get(word)
    return bool(counted) and counted[0][0] > 0 and word not in rare_proper_names()


def _trie(freq: dict[str, int]) -> marisa_trie.RecordTrie:
    return marisa_trie.RecordTrie("<I", ((word, (count,)) for word, count in freq.items()))


def _write_trie(path: Path) -> None:
    _trie(_read_jieba_dictionary()).save(os.fspath(path))


class Frequencies:
    """Word counts: jieba's dictionary, with the words we add over it (its counts are
    never changed)."""

    def __init__(self, base: marisa_trie.RecordTrie, longest: int) -> None:
        self._base = base
        self._added: dict[str, int] = {}
        self.longest = longest  # characters in the longest word counted

    def get(self, word: str, default: int | None = None) -> int | None:
        count = self._added.get(word)
        if count is None:
            found = self._base.get(word)
            count = found[0][0] if found else None
        return default if count is None else count

    def __setitem__(self, word: str, count: int) -> None:
        self._added[word] = count
        self.longest = max(self.longest, len(word))


class Segmenter:
    """jieba's dictionary plus our words, and a native cutter that agrees with jieba."""

    def __init__(self) -> None:
        base, total = jieba_frequencies()
        self.freq = Frequencies(base, jieba_longest_word())
        self.total = total
        self._cutter = _rjieba()()
        self._added: list[tuple[str, int]] = []

    def add_word(self, word: str, freq: int) -> None:
        """As jieba's add_word: the word gets `freq` and the total grows by it."""
        self.freq[word] = freq
        self.total += freq
        self._cutter.add_word(word, freq, None)
        self._added.append((word, freq))

    def cuts(self, norm: str) -> list[str]:
        """rjieba's words: jieba's, except ASCII runs with symbols (see `split`)."""
        return self._cutter.cut(norm, False)

    def split(self, cut: str) -> tuple[str, ...]:
        """One of rjieba's words as jieba's words."""
        if len(cut) > 1 and cut.isascii() and not cut.isalnum():
            return tuple(self._ascii(cut))
        return (cut,)

    def words(self, norm: str) -> list[str]:
        """jieba's words (precise mode, no HMM), whitespace left out."""
        return [w for cut in self.cuts(norm) for w in self.split(cut) if not w.isspace()]

    def reference_words(self, norm: str) -> list[str]:
        """The same words from jieba itself (slow; for tests)."""
        return [w for w in self._reference().cut(norm, HMM=False) if not w.isspace()]

    @functools.cache  # noqa: B019 - one jieba per segmenter, for tests only
    def _reference(self) -> jieba.Tokenizer:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.cache_file = f"jieba.u{os.getuid()}.cache"  # per user, as ours
        tokenizer.initialize()
        for word, freq in self._added:
            tokenizer.add_word(word, freq=freq)
        return tokenizer

    def _ascii(self, text: str) -> Iterator[str]:
        """jieba.cut(text, HMM=False) for an ASCII run: blocks of jieba's word characters
        cut by its dictionary route, other characters one by one, whitespace as is."""
        for block in _HAN_BLOCK.split(text):
            if not block:
                continue
            if _HAN_BLOCK.fullmatch(block):
                yield from self._route_cut(block)
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.fullmatch(piece):
                        yield piece
                    else:
                        yield from piece

    def _route_cut(self, block: str) -> Iterator[str]:
        """jieba's __cut_DAG_NO_HMM: the most probable dictionary route; single letters
        and digits off the route gathered into runs."""
        freq, n = self.freq, len(block)
        log_total = math.log(self.total)
        route: dict[int, tuple[float, int]] = {n: (0.0, 0)}
        for i in range(n - 1, -1, -1):
            ends = [j for j in range(i, n) if freq.get(block[i : j + 1])] or [i]
            route[i] = max(
                (math.log(freq.get(block[i : j + 1]) or 1) - log_total + route[j + 1][0], j)
                for j in ends
            )
        i, run = 0, ""
        while i < n:
            j = route[i][1] + 1
            word = block[i:j]
            if len(word) == 1 and _ENG.match(word):
                run += word
            else:
                if run:
                    yield run
                    run = ""
                yield word
            i = j
        if run:
            yield run
