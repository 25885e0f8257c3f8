"""Reading a question: the places and years it names, and its search terms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .metadata import NOT_NAME_END
from .models import Query, Report
from .text import TextPipeline, normalize

_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*(?:年度|年)?(?!\d)")
# A town the corpus does not have: `XX镇` at the start or after a separator or a
# word such as 那/和/问, so that 别的镇, 各乡镇, 乡村 are never mistaken for names.
_OTHER_TOWN = re.compile(
    r"(?:^|[^\u4e00-\u9fff]|[那和与跟及问看查在])([\u4e00-\u9fff]{2,4}?)(镇|街道|乡)(?![镇村])"
)
_EVERYDAY_WORDS = set(
    "下乡 城乡 家乡 故乡 老乡 他乡 返乡 回乡 同乡 异乡 还乡 思乡 梦乡 水乡 进乡 "
    "乡镇 城镇 村镇 集镇 重镇 小镇 古镇 名镇 坐镇 市镇 全镇 各镇 进镇".split()
)
_GENERIC_STEMS = {"其他", "其它", "别的", "各个", "哪些", "周边", "兄弟", "附近", "我们", "你们"}
_NOT_STEM_END = NOT_NAME_END | set("们些他它有几")


@dataclass(frozen=True)
class Places:
    """The places and years a corpus holds, for recognising them in questions."""

    towns: dict[str, str]  # any spelling (simplified, with or without 镇) -> simplified name
    counties: dict[str, str]
    years: frozenset[int]

    @classmethod
    def of(cls, reports: Iterable[Report]) -> Places:
        towns: dict[str, str] = {}
        counties: dict[str, str] = {}
        years: set[int] = set()
        for r in reports:
            if r.township_simplified:
                name = r.township_simplified
                towns[name] = name
                stem = re.sub(r"(民族乡|镇|乡|街道)$", "", name)
                if len(stem) >= 2:
                    towns.setdefault(stem, name)
            if r.county:
                counties[normalize(r.county)] = normalize(r.county)
            if r.year:
                years.add(r.year)
        return cls(towns, counties, frozenset(years))


def _spellings_in(text: str, spellings: dict[str, str], longest: int = 12) -> list[str]:
    """Known names in the text, longest first, by dictionary lookup of every substring.

    Costs a few hundred lookups per question however many towns the corpus holds.
    """
    found = {
        text[i : i + n]
        for i in range(len(text))
        for n in range(2, min(longest, len(text) - i) + 1)
        if text[i : i + n] in spellings
    }
    return sorted(found, key=len, reverse=True)


def parse_question(question: str, places: Places, pipeline: TextPipeline) -> Query:
    """Split a question into search terms and the township/county/year filters it names."""
    text = normalize(question)
    towns: list[str] = []
    counties: list[str] = []
    for spellings, found in ((places.towns, towns), (places.counties, counties)):
        for spelling in _spellings_in(text, spellings):
            if spellings[spelling] not in found:
                found.append(spellings[spelling])
            text = text.replace(spelling, " ")
    years = [int(y) for y in _YEAR.findall(text)]
    text = _YEAR.sub(" ", text)
    unknown = []
    for m in _OTHER_TOWN.finditer(text):
        stem = m[1]
        name = stem + m[2]
        if name[-2:] in _EVERYDAY_WORDS:
            continue  # 送法下乡, 城乡: an everyday word, not a place
        if stem not in _GENERIC_STEMS and stem[-1] not in _NOT_STEM_END:
            unknown.append(name)
            text = text.replace(name, " ")
    groups = tuple(pipeline.word_groups(text))
    return Query(
        text=question,
        terms=tuple(token for group in groups for token, _ in group),
        groups=groups,
        topic=" ".join(text.split()),
        townships=tuple(towns),
        counties=tuple(counties),
        years=tuple(dict.fromkeys(years)),
        unknown_places=tuple(unknown),
    )


def follow_up(previous: Query, reply: Query) -> str | None:
    """The question a reply such as 那峰灵镇呢 or 2023年的呢 stands for.

    A reply that only names a place or a year keeps the topic of the question it replies
    to. A new place replaces the old places and, unless a year is named too, the old year
    (that year belonged to the old place's report); a new year alone keeps the places.
    Returns None when the reply asks something new.
    """
    if reply.terms or not (reply.places or reply.years) or not previous.topic:
        return None
    places = reply.places or previous.places
    years = reply.years or (() if reply.places else previous.years)
    return " ".join([*places, *(f"{y}年" for y in years), previous.topic])
