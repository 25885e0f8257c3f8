"""The one text pipeline: script/width normalisation and jieba tokens.

Passages and questions go through the same `TextPipeline` instance, so a question in
Traditional script finds the same passages as the same question in Simplified. The
normalised text is used for matching only; reports are always displayed as written.
Segmentation (jieba's words, run natively) is `segment.Segmenter`.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, AnyStr, NamedTuple

import numpy as np
import opencc

from .paths import DATA_DIR
from .segment import Segmenter, everyday_word, function_words

if TYPE_CHECKING:
    from .meaning import Meaning

# Full-width ASCII (！..～) to half-width, ideographic space to space: length-preserving.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
HAN_CHARACTER = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile("[A-Za-z]{2,}")  # a word in Latin letters (AI, APP), any case


class _Word(NamedTuple):
    """A jieba word as matching sees it: itself, its sub-words, and its tokens."""

    word: str
    parts: tuple[str, ...]
    tokens: tuple[str, ...]


_RUN = _Word("", (), ())  # a single character that may pair with its neighbours
_IGNORE = _Word("", (), ())  # punctuation within a phrase (公、检、法; “七进”): no token
_END = _Word("", (), ())  # ends a run, adds nothing (a stopword, a lone letter, a clause's end)
# Punctuation that ends a clause: no token, and it ends a run (领导好，打12345热线 made 好打)
_CLAUSE_END = frozenset(",.?!;:。")


def occurrences(text: AnyStr, word: AnyStr) -> Iterator[int]:
    """Where `word` starts in `text`, every start, overlapping ones too (00 twice in 000).
    `find` from one past each match: a regex look-ahead does the same trying every
    character (210 ms, not 12, over 100k passages' headings)."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


@functools.lru_cache(maxsize=1)
def _t2s() -> tuple[opencc.OpenCC, re.Pattern[str], dict[int, int]]:
    """The OpenCC converter, a pattern for characters it changes, and the matching table.

    The matching table folds each Traditional character to its first Simplified form
    (OpenCC's own character table), full-width ASCII to half-width and A-Z to a-z, in one
    `str.translate`: length-preserving and about a hundred times faster than OpenCC's
    pure-Python converter, which is kept for text people read.
    """
    converter = opencc.OpenCC("t2s")
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    folding: dict[int, int] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        first = values.split()[0] if values.split() else key
        if len(key) == 1 and len(first) == 1 and first != key:
            folding[ord(key)] = ord(first)
    pattern = re.compile("[" + "".join(sorted(re.escape(chr(c)) for c in folding)) + "]")
    matching = folding | _WIDTH | {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
    for wide, narrow in _WIDTH.items():
        if ord("A") <= narrow <= ord("Z"):
            matching[wide] = narrow + 32
    return converter, pattern, matching


def to_simplified(text: str) -> str:
    """OpenCC Traditional→Simplified, for display; skipped when nothing is Traditional."""
    converter, traditional, _ = _t2s()
    if not traditional.search(text):
        return text
    return converter.convert(text)


def is_traditional(text: str) -> bool:
    """True when the text holds Traditional-only characters (the user wrote Traditional)."""
    return bool(_t2s()[1].search(text))


@functools.lru_cache(maxsize=1)
def _folding_array() -> np.ndarray:
    """The matching table as an array over every code point (4.4 MB, of which a report's
    characters touch a few pages)."""
    folded = np.arange(0x110000, dtype=np.uint32)
    table = _t2s()[2]
    folded[list(table)] = list(table.values())
    return folded


# From this length on, folding through the array beats `str.translate`'s lookup per
# character (measured on the real reports: even at ~100 characters, 2x at 256, 4.5x for
# a whole report); below it, the array's fixed cost of a few µs dominates.
_ARRAY_FROM = 100


@functools.lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """The matching form: Simplified characters, half-width ASCII, lower case; same length.

    Cached: cleaning, metadata and splitting each look at the same line in matching form,
    and translating is the costly part (a dictionary lookup per character).
    """
    if len(text) >= _ARRAY_FROM:
        try:
            codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:  # a lone surrogate, which only `translate` takes
            pass
        else:
            return _folding_array()[codes].tobytes().decode("utf-32-le")
    return text.translate(_t2s()[2])


@functools.lru_cache(maxsize=1)
def _s2tw() -> opencc.OpenCC:
    return opencc.OpenCC("s2tw")


def to_traditional(text: str) -> str:
    """Simplified→Traditional for answers to users who wrote in Traditional script.

    In the characters Traditional-script readers write (OpenCC's s2tw: 為, 群眾, 峰靈鎮),
    as the real questions asked in Traditional (執法, 沒有) and the Traditional reports do
    (潭灣鎮's 為), not OpenCC's own standard forms (s2t: 爲, 羣衆, 峯靈鎮), which neither
    uses. Characters only: s2twp's vocabulary (信息 → 資訊) would change quoted passages."""
    return _s2tw().convert(text)


def _read_words(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a data file."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


class TextPipeline:
    """Normalisation plus jieba segmentation (rjieba, with jieba's dictionary as reference)
    with the domain dictionary, stopwords and synonyms."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        # Per-word results, filled as words are met: reports repeat their vocabulary.
        self._kinds: dict[str, tuple[_Word, ...]] = {}
        self._cut_tokens: dict[str, tuple[str, ...] | _Word] = {}
        # jieba's own frequency of the words we add, before we raise it: everyday-language
        # frequency is what tells a domain word (执法) from an everyday one (县城).
        self._general: dict[str, int] = {}
        self.stopwords = frozenset(normalize(w) for w in _read_words(data_dir / "stopwords.txt"))
        self.synonyms: dict[str, str] = {}
        self._groups: dict[str, tuple[str, ...]] = {}
        for line in _read_words(data_dir / "synonyms.txt"):
            group = tuple(normalize(w) for w in line.split())
            for word in group:
                self.synonyms[word] = group[0]
            self._groups[group[0]] = group
        self.question_words = frozenset(
            normalize(w) for w in _read_words(data_dir / "question_words.txt")
        )
        self._own_words = [line.split()[0] for line in _read_words(data_dir / "dict.txt")]
        self._own_words += list(self.synonyms)

    @functools.cached_property
    def segmenter(self) -> Segmenter:
        """jieba's dictionary with our words, made when first needed: a build's parent
        process only merges what its workers analysed and never segments (0.4 s and
        ~100 MB saved there)."""
        segmenter = Segmenter()
        for word in self._own_words:
            self._keep_whole(segmenter, word)
        return segmenter

    def word_edges(self, text: str) -> list[int]:
        """Where jieba's words of `text` (in matching form) start and end, in order: 0
        first, len(text) last."""
        return list(itertools.accumulate(map(len, self.segmenter.cuts(text)), initial=0))

    def add_word(self, word: str) -> None:
        """Keep a word whole (domain terms, township names)."""
        self._keep_whole(self.segmenter, word)

    def _keep_whole(self, segmenter: Segmenter, word: str) -> None:
        word = normalize(word)
        self._general.setdefault(word, segmenter.freq.get(word, 0))
        if segmenter.freq.get(word, 0) < 1000:
            segmenter.add_word(word, 1000)
            self._kinds.clear()
            self._cut_tokens.clear()

    def general_freq(self, word: str) -> int:
        """How often everyday Chinese uses a word: jieba's dictionary count, before our
        additions raised it (0 for words it does not know)."""
        freq = self.segmenter.freq  # made first: it fills `_general`
        return self._general.get(word, freq.get(word, 0))

    def general_share(self, word: str) -> float:
        """`general_freq` as a share of all words, smoothed so that no word has share 0."""
        return (self.general_freq(word) + 1) / self.segmenter.total

    def is_everyday_word(self, word: str) -> bool:
        """True when everyday Chinese uses the word as a word, not only as a name: jieba's
        dictionary has it and it is not one of its rare place or personal names (保安,
        安稳, 太平 are everyday words; 綦江, 巫溪 only names)."""
        return everyday_word(normalize(word))

    @functools.cached_property
    def _function_words(self) -> frozenset[str]:
        own = {normalize(w) for w in self._own_words}
        return frozenset(w for w in map(normalize, function_words()) if w not in own)

    def is_function_word(self, word: str) -> bool:
        """True for a pronoun, preposition, conjunction or particle of everyday Chinese
        (`segment.FUNCTION_TAGS`: 某些, 关于, 或者), unless our dictionary or synonyms
        list it as a domain word."""
        return word in self._function_words

    def in_dictionary(self, word: str) -> bool:
        """True when jieba's dictionary (or ours) knows the word."""
        return self.segmenter.freq.get(normalize(word), 0) > 0

    @functools.cached_property
    def meaning(self) -> Meaning:
        """The word vectors passages and questions are placed by (`meaning`)."""
        from .meaning import meaning_table  # it reads this module's normalisation

        return meaning_table(self.data_dir / "meaning.npz")

    @functools.cached_property
    def fingerprint(self) -> str:
        """Changes whenever the dictionary, stopwords or synonyms change."""
        return data_fingerprint(self.data_dir)

    def tokens(self, text: str) -> list[str]:
        """Matching tokens of a text: normalised, segmented, filtered, synonyms folded."""
        return self.tokens_of_normalized(normalize(text))

    def tokens_of_normalized(self, norm: str) -> list[str]:
        """Tokens of already normalised text: each word's sub-words, then the word.

        What `_scan` yields, flattened, in one loop over rjieba's words: each word's part
        (its tokens, or a place in a run of single characters, or nothing) is looked up
        once per distinct word. The hot loop of a build (a generator and a `_Word` per word
        cost twice as much).
        """
        out: list[str] = []
        run: list[str] = []
        parts = self._cut_tokens
        for cut in self.segmenter.cuts(norm):
            try:  # a subscript, not .get(): 6 % of this loop
                got = parts[cut]
            except KeyError:
                got = parts[cut] = self._cut_part(cut)
            if got.__class__ is tuple:
                if run:
                    if len(run) > 1:
                        out += self._pair_tokens(run)
                    run = []
                out += got
            elif got is _RUN:
                run.append(cut)
        if len(run) > 1:
            out += self._pair_tokens(run)
        return out

    def _cut_part(self, cut: str) -> tuple[str, ...] | _Word:
        """One rjieba word's part in `tokens_of_normalized`: `_RUN`, `_IGNORE`, or the
        tokens of its jieba words (which end a run, even when there are none)."""
        kinds = self._kinds_of(cut)
        if len(kinds) == 1 and (kinds[0] is _RUN or kinds[0] is _IGNORE):
            return kinds[0]
        if all(kind is _IGNORE for kind in kinds):
            return _IGNORE
        # an ASCII run split in pieces never holds a single Han character (no _RUN here)
        return tuple(t for kind in kinds if kind is not _IGNORE for t in kind.tokens)

    def _kinds_of(self, cut: str) -> tuple[_Word, ...]:
        """What each jieba word of one of rjieba's words is (`_kind`), made once a word."""
        kinds = self._kinds.get(cut)
        if kinds is None:
            kinds = self._kinds[cut] = tuple(self._kind(w) for w in self.segmenter.split(cut))
        return kinds

    def _pair_tokens(self, run: list[str]) -> list[str]:
        fold = self.synonyms.get
        return [fold(a + b, a + b) for a, b in itertools.pairwise(run)]

    def word_groups(self, norm: str) -> list[tuple[tuple[str, float, bool], ...]]:
        """Each word of the text with the sub-words that stand for part of it.

        A group is `((sub-word, share of the word's characters, is head), ..., (word, 1.0,
        True))`: the output of jieba's search mode (人民调解 → 人民, 民调, 调解, 人民调解) kept
        together, so relevance can credit a passage that holds part of a word. Chinese
        compounds are head-final: a sub-word ending the word and at least half as long
        (调解 in 人民调解) names what the word is about; 信用 in 信用卡 does not.
        """
        fold = self.synonyms.get
        groups = []
        for w in self._scan(norm):
            word = fold(w.word, w.word)
            # a word folded into its group's first word (驻村律师 → 村法律顾问) also has that
            # word's parts, so 法律顾问 answers it
            spans = dict.fromkeys((p, w.word) for p in w.parts)
            spans.update(dict.fromkeys((p, w.word) for p in self._heads(w.word)))
            if word != w.word:
                spans.update(dict.fromkeys((p, word) for p in self._subwords(word)))
            parts = tuple(
                (fold(p, p), len(p) / len(of), of.endswith(p) and 2 * len(p) >= len(of))
                for p, of in spans
            )
            groups.append((*parts, (word, 1.0, True)))
        return groups

    def _heads(self, word: str) -> list[str]:
        """Dictionary words ending a long word and at least half as long, which jieba's
        search mode never gives (it stops at three characters): 法律顾问 in 一村一法律顾问."""
        if len(word) < 5:
            return []
        return [
            part
            for part in self._subwords(word)
            if len(part) > 3 and 2 * len(part) >= len(word) and word.endswith(part)
        ]

    def _subwords(self, word: str) -> list[str]:
        """Every dictionary word inside a word, shorter than it (村法律顾问 → 法律顾问…).
        Substrings longer than the longest word are not tried: a pasted run of a few
        thousand letters took seconds, as every substring was looked up."""
        freq = self.segmenter.freq
        return [
            g
            for n in range(2, min(len(word), freq.longest + 1))
            for i in range(len(word) - n + 1)
            if freq.get(g := word[i : i + n]) and g not in self.stopwords
        ]

    def _scan(self, norm: str) -> Iterator[_Word]:
        """Meaningful words with their in-dictionary sub-words (as jieba's search mode).

        Single characters are dropped (镇, 村 are everywhere), but a run of them is usually
        a word jieba does not know (七进 in 宪法“七进”), so adjacent pairs in a run become
        words; punctuation within a clause (公、检、法) does not end a run, its end does.
        Questions are read through it (`word_groups`); a build's `tokens_of_normalized`
        gives the same tokens in a faster loop (a test holds them equal).
        """
        run: list[str] = []
        for cut in self.segmenter.cuts(norm):
            for kind in self._kinds_of(cut):
                if kind is _RUN:
                    run.append(cut)  # a single Han character (never from an ASCII run)
                elif kind is not _IGNORE:
                    if len(run) > 1:
                        yield from self._pairs(run)
                    run = []
                    if kind.word:
                        yield kind
        if len(run) > 1:
            yield from self._pairs(run)

    def _pairs(self, run: list[str]) -> Iterator[_Word]:
        """Adjacent pairs of a run of single characters, as words without sub-words."""
        fold = self.synonyms.get
        for a, b in itertools.pairwise(run):
            yield _Word(a + b, (), (fold(a + b, a + b),))

    def _kind(self, word: str) -> _Word:
        """What a jieba word contributes: part of a single-character run, nothing
        (punctuation), or its sub-words and itself (none for stopwords and lone letters)."""
        if len(word) == 1:
            if "\u3400" <= word <= "\u9fff":
                if word not in self.stopwords:
                    return _RUN
            elif word in _CLAUSE_END:
                return _END
            elif not word.isalnum():
                return _IGNORE
        elif not word.isalnum() and _PUNCT_ONLY.match(word):
            return _IGNORE
        word = word.strip()
        if len(word) < 2 or word in self.stopwords:
            return _END
        freq, size = self.segmenter.freq, len(word)
        parts = tuple(
            g
            for n in (2, 3)
            if size > n
            for i in range(size - n + 1)
            if freq.get(g := word[i : i + n]) and g not in self.stopwords
        )
        fold = self.synonyms.get
        return _Word(word, parts, (*(fold(p, p) for p in parts), fold(word, word)))

    def surface_forms(self, terms: Iterable[str]) -> list[str]:
        """The words a matched term stands for in text (itself and its synonyms)."""
        forms: set[str] = set()
        for term in terms:
            forms.update(self._groups.get(term, (term,)))
        return sorted(forms, key=len, reverse=True)


_TOKEN_FILES = ("dict.txt", "stopwords.txt", "synonyms.txt", "question_words.txt")


def data_fingerprint(data_dir: Path) -> str:
    """A hash of the data files that shape an analysed report or a parsed question:
    dictionary, stopwords, synonyms, question words, the gazetteer and the meaning table."""
    digest = hashlib.sha1()
    for name in (*_TOKEN_FILES, "gazetteer/divisions.tsv.gz", "meaning.npz"):
        path = data_dir / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _pipeline(data_dir: Path, fingerprint: str) -> TextPipeline:
    pipeline = TextPipeline(data_dir)
    # the hash it is kept under, not a second one (17 ms of a cold start, meaning.npz's)
    pipeline.__dict__["fingerprint"] = fingerprint
    return pipeline


def default_pipeline(data_dir: Path = DATA_DIR) -> TextPipeline:
    """One pipeline (one jieba dictionary load) per process and version of the data files.

    Editing data/*.txt gives a new pipeline on the next build, so a reload picks it up.
    """
    return _pipeline(data_dir, data_fingerprint(data_dir))
