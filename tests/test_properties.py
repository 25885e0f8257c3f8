"""Property-based tests: whatever text arrives, reading, cleaning, splitting, metadata,
question parsing and rendering never crash and keep their promises. Bounded examples, no
example database, so the suite stays deterministic in time."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.render import MAX_MESSAGE, SIMPLIFIED, TRADITIONAL, answer_html, no_hits_html
from bot.render import split_lines as split_messages
from retrieval import parse_report
from retrieval.columns import FileBytes, JoinedBytes, Strings
from retrieval.formats import UnreadableReport, extract_text
from retrieval.update import _insert

from .conftest import SEEDS

PROFILE = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEED_LINES = [
    line
    for path in sorted(SEEDS.glob("*.txt"))
    for line in path.read_text("utf-8").splitlines()
    if line.strip()
]
# Text shaped like reports: seed lines, headings, noise, dates, any characters.
REPORT_LINE = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(["分享:", "字号", "当前位置：首页 > 政务", "一、", "(一)", "1.", "一是", ""]),
    st.from_regex(r"20\d\d[-年]\d{1,2}[-月]\d{1,2}日?", fullmatch=True),
    st.text(max_size=80),
)
REPORT = st.lists(REPORT_LINE, max_size=40).map("\n".join)


TELEGRAM_TAGS = frozenset({"b", "i", "a", "code", "blockquote", "pre", "u", "s"})


class _Checker(HTMLParser):
    """Telegram's HTML subset, balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag in TELEGRAM_TAGS, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag


def _well_formed(message: str) -> None:
    assert len(message) <= MAX_MESSAGE
    checker = _Checker()
    checker.feed(message)
    checker.close()
    assert not checker.stack
    assert not re.search(r"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);)", message)


@PROFILE
@given(REPORT)
def test_any_report_text_parses_or_is_refused_clearly(text):
    try:
        report, passages = parse_report("x.txt", text)
    except UnreadableReport as exc:
        assert str(exc)
        return
    assert passages and all(p.text.strip() for p in passages)
    assert report.year is None or 2000 <= report.year <= 2099
    assert all(len(p.id) > 0 and p.source == "x.txt" for p in passages)


@PROFILE
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".docx", ".pdf", ".html", ".doc"]))
def test_any_bytes_are_read_or_refused_with_a_reason(data, suffix):
    try:
        text = extract_text(data, suffix)
    except UnreadableReport as exc:
        assert str(exc) and re.search(r"[\u4e00-\u9fff]", str(exc))  # said in Chinese
        return
    assert isinstance(text, str)


@PROFILE
@given(st.text(max_size=120))
def test_any_question_parses_and_searches(seed_index, question):
    query = seed_index.parse(question)
    assert all(isinstance(t, str) and t for t in query.terms)
    result = seed_index.search(question)
    assert len(result.hits) <= 5 and result.total >= len(result.hits)


@PROFILE
@given(st.text(max_size=300), st.sampled_from([SIMPLIFIED, TRADITIONAL]))
def test_every_answer_is_well_formed_telegram_html(seed_index, question, script):
    result = seed_index.search(question)
    forms = [list(h.matched) for h in result.hits]
    message = answer_html(result, forms, script) if result.hits else None
    message = message or no_hits_html(result.query, seed_index.corpus.reports, script)
    _well_formed(message)


@PROFILE
@given(st.lists(st.text(max_size=200).map(html.escape), max_size=80))
def test_long_lists_split_on_line_boundaries(lines):
    lines = [f"<b>{line}</b>" for line in lines]
    messages = split_messages(lines)
    for message in messages:
        _well_formed(message)
    assert "\n".join(messages) == "\n".join(lines)  # nothing lost, nothing cut


@PROFILE
@given(
    st.lists(st.integers(0, 99), max_size=30),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 99)), max_size=10),
)
def test_update_inserts_postings_where_numpy_would(old, new):
    """An update inserts new postings into old runs without np.insert; same result."""
    old_values = np.array(old, dtype=np.int32)
    where = np.array(sorted(min(w, len(old)) for w, _ in new), dtype=np.int64)
    values = np.array([v for _, v in new], dtype=np.int32)
    got = _insert(old_values, where, values)
    assert np.array_equal(got, np.insert(old_values, where, values))


@PROFILE
@given(st.binary(max_size=300), st.lists(st.integers(0, 300), min_size=4, max_size=4))
def test_passage_texts_read_across_joined_parts_as_one(tmp_path_factory, data, cuts):
    """An updated index reads old texts from their file and new ones from memory."""
    path = tmp_path_factory.mktemp("blob") / "b.bin"
    whole = np.frombuffer(data, dtype=np.uint8)
    path.write_bytes(data)
    a, b, c, d = sorted(min(x, len(data)) for x in cuts)
    on_disk = FileBytes.open(path)
    joined = JoinedBytes.of([on_disk.view(a, b), whole[c:d].copy(), on_disk.view(b, c)])
    expected = np.concatenate([whole[a:b], whole[c:d], whole[b:c]])
    assert np.array_equal(np.asarray(joined), expected)
    for start in range(0, len(expected) + 1, 7):
        assert np.array_equal(joined[start : start + 11], expected[start : start + 11])


@PROFILE
@example(names=["0", "00"], text="00")  # a match across two strings hid the one in the second
@given(
    st.lists(st.text(alphabet="20年度一二工作", max_size=8), max_size=12),
    st.text("20年5", max_size=4),
)
def test_headings_found_by_a_year_as_python_finds_them(names, text):
    """Heading paths stored as bytes answer `text in heading` as Python does, never
    across two headings."""
    found = Strings.concat([Strings.of(names[:3]), Strings.of(names[3:])]).containing(text)
    assert found.tolist() == [text in name for name in names]


# Pieces that make dictionary words when joined: a few of ours and jieba's, characters,
# letters and digits (jieba has English words), and jieba's longest word (16 characters)
# and parts of it; joined, they make words longer than any, whose substrings longer than
# the longest word are not tried.
WORD_PIECES = ["法律顾问", "一村一", "人民调解", "普法", "调解", "村", "律", "ab", "app", "1", "-"]
LONGEST = "外交部驻澳门特别行政区特派员公署"


@PROFILE
@example(pieces=["a"] * 400)  # a pasted run: every substring tried took seconds
@example(pieces=["我", LONGEST, "的"])
@given(st.lists(st.sampled_from([*WORD_PIECES, LONGEST, LONGEST[:15], LONGEST[5:]]), max_size=30))
def test_sub_words_are_every_dictionary_word_inside(seed_index, pieces):
    """A question word's sub-words (what relevance credits as part of it) are exactly the
    dictionary words inside it, shortest first then by place, as trying every substring
    finds them."""
    pipeline = seed_index.pipeline
    word = "".join(pieces)
    freq = pipeline.segmenter.freq
    expected = [
        g
        for n in range(2, len(word))
        for i in range(len(word) - n + 1)
        if freq.get(g := word[i : i + n]) and g not in pipeline.stopwords
    ]
    assert pipeline._subwords(word) == expected
