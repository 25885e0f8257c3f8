"""Splitting a report body into phone-sized passages that keep their heading path.

A passage is one numbered point or paragraph. Long ones are split at sentence ends,
short neighbours under the same heading are merged, and a heading is never a passage
on its own: it becomes part of the path of what follows it.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

from .models import Passage
from .text import normalize

MIN_CHARS = 80
MAX_CHARS = 400
SEPARATOR = " › "

_CN = "一二三四五六七八九十"
# The year after, as a report heads its plan with it (明年工作打算) and staff ask for one
# (各镇明年有什么打算: `query.AHEAD`)
NEXT_YEAR = "明年|来年|下一年度?|下年度"
# What reports call a plan, after 工作 (工作打算, 工作规划…), and staff ask by (有什么计划)
PLAN_WORDS = ("计划", "打算", "规划", "思路", "安排", "设想")
# What heads a report's plan for the coming year (六、下一步工作打算, 四、2025年…工作规划,
# 五、2024年度…的主要安排, 今后工作思路), not its year's work (一、坚持规划引领, 一是制定
# 年度计划): stricter than `metadata`'s words for headings that do not give the report's year.
_PLAN_HEADING = re.compile(
    rf"下一步|下步|{NEXT_YEAR}|今后|打算|展望|工作(?:{'|'.join(PLAN_WORDS)})|主要安排"
)
_TOP_KINDS = ("cn", "paren_cn")  # the `_MARKERS` a report's parts are headed by: 一、 (一)
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn", re.compile(rf"^[{_CN}]+\s*、")),
    ("paren_cn", re.compile(rf"^(?:\([{_CN}]+\)|[{_CN}]+\))")),
    ("paren_num", re.compile(r"^\(\d{1,2}\)")),
    ("num", re.compile(r"^\d{1,2}\s*[.、](?!\d)")),
    ("ordinal", re.compile(rf"^第[{_CN}]+[,、]")),
    ("shi", re.compile(rf"^[{_CN}]是")),
)
_BARE_NUMBER = re.compile(r"^(\d{1,2})(?=[\u4e00-\u9fff])(?![年月日])")
# a heading's label ends at a sentence mark or a space, but not the space of `2025 年`
_LABEL_END = re.compile(r"[。:;!?]|\s(?![年月日])")
_SENTENCE = re.compile(r"[^。!?;！？；]*[。!?;！？；]+[”」』\"]?|[^。!?;！？；]+$")
_CLAUSE = re.compile(r"[^,，、]*[,，、]|[^,，、]+$")
_FOUR_WORD_CHARS = re.compile(r"\w(?:\W*\w){3}")  # stops at the fourth, not the end


@dataclass(frozen=True)
class _Para:
    path: tuple[str, ...]
    text: str


def _marker(norm: str, last_num: int) -> tuple[str, int] | None:
    """The heading kind of a line and the length of its marker, if it starts with one."""
    for kind, pattern in _MARKERS:
        if m := pattern.match(norm):
            return kind, m.end()
    if (m := _BARE_NUMBER.match(norm)) and int(m[1]) == last_num + 1:
        return "num", m.end()  # `7完善工作机制` between `6.` and `8.`
    return None


def _is_bare_heading(rest: str) -> bool:
    return len(rest) <= 60 and "。" not in rest and not rest.rstrip().endswith(("；", ";"))


def _label(line: str, marker_len: int) -> str:
    rest = line[marker_len:].strip()
    # the label is at most 30 characters: only they are searched (normalising the rest of
    # a long point took most of the time splitting a report)
    m = _LABEL_END.search(normalize(rest[:31]))
    label = rest[: m.start()] if m and m.start() > 0 else rest
    return (line[:marker_len].strip() + label[:30]).strip()


def _paragraphs(lines: list[str]) -> list[_Para]:
    """Assign every content line its heading path (kinds nest in order of appearance)."""
    norms = [normalize(line).lstrip() for line in lines]
    stack: list[tuple[str, str]] = []
    paras: list[_Para] = []
    last_num = 0
    markers = []
    for norm in norms:
        found = _marker(norm, last_num)
        if found and found[0] == "num":
            last_num = int(re.match(r"\d+", norm)[0])
        markers.append(found)
    for i, line in enumerate(lines):
        found = markers[i]
        if found is None:
            paras.append(_Para(tuple(label for _, label in stack), line.strip()))
            continue
        kind, size = found
        kinds = [k for k, _ in stack]
        if kind in kinds:
            del stack[kinds.index(kind) :]
        stack.append((kind, _label(line.strip(), size)))
        rest = norms[i][size:]
        if i + 1 == len(lines):
            has_children = False
        elif markers[i + 1] is None:
            has_children = True  # body text follows
        else:  # only a deeper heading makes this one a parent
            has_children = markers[i + 1][0] not in [k for k, _ in stack]
        if not (_is_bare_heading(rest) and has_children):
            paras.append(_Para(tuple(label for _, label in stack), line.strip()))
    return paras


def _split_long(text: str) -> list[str]:
    """Cut a long paragraph at sentence ends into nearly equal parts of at most MAX_CHARS."""
    if len(text) <= MAX_CHARS:
        return [text]
    pieces: list[str] = []
    for sentence in _SENTENCE.findall(text):
        if len(sentence) <= MAX_CHARS:
            pieces.append(sentence)
            continue
        for clause in _CLAUSE.findall(sentence):
            pieces.extend(clause[i : i + MAX_CHARS] for i in range(0, len(clause), MAX_CHARS))
    target = len(text) / math.ceil(len(text) / MAX_CHARS)
    chunks: list[str] = [""]
    for piece in pieces:
        if chunks[-1] and (len(chunks[-1]) >= target or len(chunks[-1]) + len(piece) > MAX_CHARS):
            chunks.append("")
        chunks[-1] += piece
    return [c for c in chunks if c.strip()]


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _merge_short(paras: list[_Para]) -> list[_Para]:
    """Join short neighbours that share a parent heading, within MAX_CHARS."""
    out: list[_Para] = []
    for para in paras:
        if out:
            prev = out[-1]
            short = len(prev.text) < MIN_CHARS or len(para.text) < MIN_CHARS
            depth = len(_common(prev.path, para.path))
            siblings = depth >= max(len(prev.path), len(para.path)) - 1
            if short and siblings and len(prev.text) + len(para.text) + 1 <= MAX_CHARS:
                common = _common(prev.path, para.path)
                text = _headed(prev, common, "")
                out[-1] = _Para(common, text + "\n" + _headed(para, common, text))
                continue
        out.append(para)
    return out


def _headed(para: _Para, common: tuple[str, ...], before: str) -> str:
    """A paragraph's text led by the headings of its own that merging takes off its path
    and that neither its text (an inline `1. 加强规范性文件管理。…` is its own heading) nor
    the merged text `before` it shows: a bare `(二)深入学习…` line above it. Merged under
    their common parent, each part still shows what it is about."""
    shown = _squashed(before + "\n" + para.text)
    own = [label for label in para.path[len(common) :] if _squashed(label) not in shown]
    return "\n".join([*own, para.text])


def _squashed(text: str) -> str:
    return normalize(text).replace(" ", "")


def split_passages(source: str, lines: list[str]) -> list[Passage]:
    """Passages of a report body, in reading order, each with a stable id."""
    paras = [
        _Para(p.path, chunk)
        for p in _paragraphs(lines)
        for chunk in _split_long(p.text)
        if _FOUR_WORD_CHARS.search(chunk)  # drop `无。` and similar
    ]
    seen: dict[str, int] = {}
    passages = []
    for para in _merge_short(paras):
        section = SEPARATOR.join(para.path)
        key = hashlib.sha1(f"{source}\x1f{section}\x1f{para.text}".encode()).hexdigest()[:16]
        seen[key] = seen.get(key, 0) + 1
        pid = key if seen[key] == 1 else f"{key}-{seen[key]}"
        passages.append(Passage(id=pid, source=source, section=section, text=para.text))
    return passages


def plans_ahead(section: str) -> bool:
    """Whether a heading path lies under a top-level heading of the report's plan
    (六、下一步工作打算 › (一)…), in either script; a point such as 一是制定年度工作计划
    under the year's work is no plan."""
    top = normalize(section.split(SEPARATOR, 1)[0])
    marker = _marker(top, 0)
    return bool(marker and marker[0] in _TOP_KINDS and _PLAN_HEADING.search(top))
