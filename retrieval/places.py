"""How a question names places: the towns, counties and regions a corpus holds, spelled
as staff write them (王团, 金花街, 广内街道, 彭水县), found where the phrase makes them places
(那保安呢, 除了安稳，…, 可大和小陶) and not where they are words (保安人员, 水龙头), and
the real townships the corpus has no report for (城关镇). `query.parse_question` reads a
question's places here first."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .gazetteer import (
    TOWN_ENDINGS,
    TOWN_KINDS,
    Gazetteer,
    county_spellings,
    gazetteer,
    region_spellings,
    short_name,
    street_form,
    town_spellings,
)
from .segment import RARE_NAME_COUNT
from .text import TextPipeline, normalize, occurrences

# Misspelt places (`misspelt_places`): the endings of the names read, townships' then
# counties' — not 区 or 市, which end as many other names (经开区, 自贸区; 塘田市, a town's
# short name in benchmark text, one off 和田市), so a misspelt district or city is answered as
# before; and how many corpus places one character off a name still make it a slip.
PLACE_ENDINGS = (*TOWN_ENDINGS, "县", "旗")
MISSPELT_NEIGHBOURS = 3
_HAN_STEM = re.compile("[\u3400-\u9fff]+")
_LEAVING_OUT = "除了|除去|除开|不包括|不含|不算|不要|不看|排除"
_LEFT_OUT_AFTER = "以外|之外|除外"  # 峰灵镇以外的镇
_IN_CLAUSE = "[^，。,.!?！？；;]"
_OURS = "(?:我们|咱们)?"  # 除了我们峰灵镇
# A town's short name that is also an everyday word (保安, 安稳, 龙头) names the town only
# in a place-like phrase: 那保安呢, 保安的做法, 保安那边; otherwise 保安人员培训 is about guards.
_BEFORE_PLACE = set("那和与跟及问看查在")
_AFTER_PLACE = ("的", "呢", "那边", "这边", "那里", "这里", "有没有", "是", "在", "怎么", "如何")
# a county's towns: 长寿各镇, 高平下面的镇, 雷州所有乡镇, 镇海哪些镇, 长寿那几个镇
_AFTER_PLACE += ("各", "下面", "下辖", "辖区", "境内", "所有", "哪些", "哪几", "那几", "几个")
_AFTER_PLACE += tuple(_LEFT_OUT_AFTER.split("|"))  # 双合以外的镇
_JOINED = ("和", "与", "跟", "及", "以及", "还有", "、", "，", ",")  # names in a list
_PUNCTUATION = set("，,、。.？?！!：:；;")
# 除了双合，别的镇…: a name left out, where the name ends the phrase (除了保安人员 is about
# guards)
_LEFT_OUT_PLACE = re.compile(
    f"(?:除了|除去|除开|排除){_OURS}({_IN_CLAUSE}+?)(?:[，,、和与及]|以外|之外|$)"
)


@dataclass(frozen=True)
class Places:
    """The places and years a corpus holds, for recognising them in questions."""

    towns: dict[str, str]  # any spelling (simplified, with or without 镇) -> simplified name
    counties: dict[str, str]
    years: frozenset[int]
    starts: frozenset[str]  # the first two characters of every spelling
    regions: dict[str, str] = field(default_factory=dict)  # 湖北, 湖北省 -> 湖北省
    # a short spelling several towns have -> all of them (新华 for 新华乡 and 新华街道)
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        towns: Iterable[str | None],
        counties: Iterable[str | None],
        years: Iterable[int],
        regions: Iterable[str] = (),
    ) -> Places:
        """From the reports' simplified township names, counties and years (0: none), and
        the provinces and prefectures they lie in."""
        spelled = {town: town_spellings(town) for town in dict.fromkeys(towns) if town}
        by_town = _by_spelling(spelled, spelled.__getitem__)
        by_county = _by_spelling((normalize(c) for c in counties if c), county_spellings)
        by_region = _by_spelling(regions, region_spellings)
        starts = frozenset(spelling[:2] for spelling in (*by_town, *by_county))
        years_held = frozenset(years) - {0}
        return cls(by_town, by_county, years_held, starts, by_region, _shared(spelled))

    @functools.cached_property
    def _one_off(self) -> dict[str, tuple[str, ...]]:
        """Each town's and county's full name with one character of its stem blanked (峰?镇,
        ?灵镇, 巫?县) -> the places spelled so; made on the first misspelt name, not at
        start-up."""
        variants: dict[str, list[str]] = {}
        for name in dict.fromkeys([*self.towns.values(), *self.counties.values()]):
            for key in _blanked(name):
                variants.setdefault(key, []).append(name)
        return {key: tuple(names) for key, names in variants.items()}

    def spelt_like(self, name: str) -> tuple[str, ...]:
        """The corpus's towns or counties whose full name differs from `name` in one
        character of the stem, the ending the same (峰岭镇 → 峰灵镇, 巫西县 → 巫溪县); ()
        for none."""
        near = (self._one_off.get(key, ()) for key in _blanked(name))
        return tuple(dict.fromkeys(place for some in near for place in some if place != name))


@dataclass(frozen=True)
class CorpusPlaces:
    """Where a corpus's reports lie, for questions that name places: the `Places` read in
    questions, the counties a report whose text leaves its county open may lie in, and
    each report's province and prefecture. Made once per corpus from the reports' columns;
    a snapshot keeps it (`cache`): spelling every town again took 0.5 s of a cold start at
    50,000 reports."""

    places: Places
    maybe_in: dict[str, list[int]]  # county -> reports whose county is open (`_possible_counties`)
    regions_of: list[tuple[str, ...]]  # per report: its province and prefecture

    @classmethod
    def of(
        cls,
        towns: list[str | None],
        counties: list[str | None],
        provinces: list[str | None],
        years: Iterable[int],
    ) -> CorpusPlaces:
        """From the reports' simplified township names, counties, provinces and years."""
        maybe_in = _possible_counties(towns, counties, provinces)
        regions_of = _regions(counties, provinces)
        places = Places.of(
            towns,
            [*counties, *maybe_in],
            set(years),  # a set, not np.unique: that imports numpy.ma
            [region for regions in regions_of for region in regions],
        )
        return cls(places, maybe_in, regions_of)


def _possible_counties(
    towns: list[str | None], counties: list[str | None], provinces: list[str | None]
) -> dict[str, list[int]]:
    """Reports whose county the text leaves open (下洋镇: 徐闻县, 永春县 and 永定区 each
    have one), under every county the gazetteer has a township of that name in (within
    the report's province when known): a question naming one of those counties gets
    them, with 县区不详 on their source line, rather than "no report from there"."""
    pairs = enumerate(zip(towns, counties, strict=True))
    open_ = [i for i, (town, county) in pairs if town and not county]
    gaz = gazetteer()
    maybe: dict[str, list[int]] = {}
    for i in open_:
        for county in gaz.counties_of(towns[i], provinces[i]):
            maybe.setdefault(county, []).append(i)
    return maybe


def _regions(counties: list[str | None], provinces: list[str | None]) -> list[tuple[str, ...]]:
    """Each report's province and prefecture (湖北省, 黄石市), looked up once per county: a
    question naming one alone (湖北的镇, 杭州的街道) asks for the reports there."""
    pairs = list(zip(counties, provinces, strict=True))
    gaz = gazetteer()
    known = {pair: gaz.regions_of(*pair) for pair in dict.fromkeys(pairs)}
    return [known[pair] for pair in pairs]


def _blanked(name: str) -> list[str]:
    """A place's name with each character of its stem in turn blanked (峰?镇, ?灵镇); none
    for a name without one of `PLACE_ENDINGS`."""
    stem = short_name(name, PLACE_ENDINGS)
    if stem == name:
        return []
    return [f"{name[:i]}?{name[i + 1 :]}" for i in range(len(stem))]


def _by_spelling(
    names: Iterable[str | None], spellings: Callable[[str], Sequence[str]]
) -> dict[str, str]:
    """Every spelling of each name (its `spellings`, the name first) -> the name. A name
    in full is never taken by another's short form (a corpus with 桐木漯乡 and
    桐木漯瑶族乡); among short forms, the first name in corpus order keeps it."""
    names = [name for name in dict.fromkeys(names) if name]
    found = {name: name for name in names}
    for name in names:
        for spelling in spellings(name)[1:]:
            found.setdefault(spelling, name)
    return found


def _shared(spelled: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Short spellings (each town's `town_spellings`) two or more towns have, none of them
    in full: a question that says 新华 may mean 新华乡 or 新华街道, and is shown both."""
    having: dict[str, list[str]] = {}
    for name, spellings in spelled.items():
        for spelling in spellings[1:]:
            having.setdefault(spelling, []).append(name)
    return {s: tuple(ns) for s, ns in having.items() if len(ns) > 1 and s not in spelled}


def _spellings_in(
    text: str, spellings: dict[str, str], starts: frozenset[str], longest: int = 12
) -> list[str]:
    """Known names in the text, longest first, by dictionary lookup of every substring
    that starts as some name does (`starts`: the first two characters of every name).

    Costs a few dozen lookups per question however many towns the corpus holds.
    """
    found = {
        text[i : i + n]
        for i in range(len(text) - 1)
        if text[i : i + 2] in starts
        for n in range(2, min(longest, len(text) - i) + 1)
        if text[i : i + n] in spellings
    }
    return sorted(found, key=lambda name: (-len(name), text.find(name)))


def _names_place(
    text: str, spelling: str, name: str, pipeline: TextPipeline, towns: dict[str, str]
) -> bool:
    """True when `spelling` (a known town's or county's name or short name) is a place.

    A full name (王团镇) or a short name jieba does not know (王团, 峰灵) is a place
    wherever it stands; one jieba knows only as a name (綦江, 巫溪: `is_everyday_word`)
    wherever jieba cuts it as a word (not 西兴 in 江西兴国); a short name that is an
    everyday word (保安, 安稳, 大冶) only where the phrase around it is place-like, or
    beside a town's name (大冶保安镇, 可大和小陶: `_beside_a_town`).
    """
    if spelling == name:
        return True
    street = spelling == street_form(name)
    if not street and not pipeline.general_freq(spelling):
        return True
    edges = set(pipeline.word_edges(text))  # one cut of the question for every test below
    whole = _cut_as_a_word(text, spelling, edges)
    if street:
        return whole  # 金花街的, not 古城街区, 宜城街上
    if whole and not pipeline.is_everyday_word(spelling):
        return True
    if any(m[1] == spelling for m in _LEFT_OUT_PLACE.finditer(text)):
        return True
    for i in occurrences(text, spelling):
        before, after = text[i - 1 : i], text[i + len(spelling) :]
        if before in _BEFORE_PLACE:
            return True
        # 保安的, but not 龙头 in 水龙头的 (jieba's cut starts no word there)
        starts = i in edges or not before.strip() or before in _PUNCTUATION
        if starts and after.startswith(_AFTER_PLACE):
            return True
        if _beside_a_town(text[:i], after, towns):
            return True
    return False


def _beside_a_town(head: str, tail: str, towns: dict[str, str]) -> bool:
    """Whether a town's name comes right after (大冶保安镇), or in a list with it, before or
    after (可大和小陶, 鱼复街道、三张: 23 of 150 pairs over 141 reports, a sweep)."""
    for joint in ("", *_JOINED):
        rest = tail[len(joint) :] if tail.startswith(joint) else ""
        if any(rest[:n] in towns for n in range(2, min(len(rest), 12) + 1)):
            return True
    for joint in _JOINED:
        rest = head[: -len(joint)] if head.endswith(joint) else ""
        if any(rest[-n:] in towns for n in range(2, min(len(rest), 12) + 1)):
            return True
    return False


def _cut_as_a_word(text: str, word: str, edges: set[int]) -> bool:
    """Whether jieba's words of `text` (their `word_edges`) start and end where `word` does
    somewhere."""
    return any(i in edges and i + len(word) in edges for i in occurrences(text, word))


def unknown_places(text: str, pipeline: TextPipeline) -> list[str]:
    """Real townships and counties (in the gazetteer) the question names that the corpus
    has no report for (the corpus's own were taken out of the text before): 城关镇 and
    凤阳县 are; 以前镇里, 各乡镇, 送法下乡, 政府和县委 are not, nor the 下各镇 of 了解下各镇
    (`_cut_as_a_name`)."""
    gaz = gazetteer()
    towns = [
        name
        for at, name in gaz.towns_in(text)
        if len(name) > 2 and _cut_as_a_name(text, at, name, pipeline)
    ]
    return list(dict.fromkeys([*towns, *(name for _, name in gaz.counties_in(text))]))


def misspelt_places(text: str, places: Places, pipeline: TextPipeline) -> list[str]:
    """Names in the question shaped as a township's or a county's (a stem of 2–4 Han
    characters and one of `PLACE_ENDINGS`: 镇, 乡, 街道, 县, 旗) that no place has, the
    gazetteer's or the corpus's, but that differ from a corpus town's or county's in one
    character of the stem: 峰岭镇 for 峰灵镇, 巫西县 for 巫溪县. Read as a place the corpus
    has no report for, not as words to search all towns by (峰岭 found 69 passages "possibly
    relevant" everywhere; 巫西县's 巫西 and 西县 answered from every county); the reply asks
    whether the corpus's place was meant.

    Not where the words before the ending say otherwise: the question's scaffolding (其他镇,
    别的镇, 这个镇), a word of the ending's own (为全镇 is not a misspelt 万全镇, nor 小城镇 a
    小河镇, 贫困县 a county), or an everyday word jieba counts as often as `RARE_NAME_COUNT`
    (中心镇, 重点镇: below it jieba's words are names, `segment`; 峰岭 is counted 7 times). A
    misspelling these hide is answered as before. And the stem starts where one of jieba's
    words does (not 法律进镇村's 律进镇, 成立由镇长's 立由镇), and at most
    `MISSPELT_NEIGHBOURS` corpus places are one character off: a name most towns' stems are
    near (清化镇, a real town the gazetteer lacks, is one off 13 towns of the 100k benchmark
    corpus's 4,624) is a pattern of names, not a slip of one. Over the sentences of 400
    benchmark reports (16,519 holding 镇, 乡, 街道, 县, 区, 市 or 旗) and of the 55 real ones (453),
    read as questions, no other name is taken for a misspelling."""
    gaz = gazetteer()
    found: list[str] = []
    for suffix in PLACE_ENDINGS:
        for end in (m.end() for m in re.finditer(suffix, text)):
            ending = text[max(end - len(suffix) - 1, 0) : end]  # 全镇, 城镇, 各镇
            if ending in pipeline.question_words or pipeline.in_dictionary(ending):
                continue
            for size in range(len(suffix) + 4, len(suffix) + 1, -1):
                if (name := _misspelt(text, end - size, end, places, pipeline, gaz)) is not None:
                    found.append(name)
                    break
    return list(dict.fromkeys(found))


def _misspelt(
    text: str, at: int, end: int, places: Places, pipeline: TextPipeline, gaz: Gazetteer
) -> str | None:
    """text[at:end] when it is a misspelt corpus place there (`misspelt_places`), else None."""
    name = text[max(at, 0) : end]
    stem = short_name(name, PLACE_ENDINGS)
    if at < 0 or not _HAN_STEM.fullmatch(stem) or gaz.has_place(name):
        return None
    tails = [stem[i:] for i in range(len(stem) - 1)]
    if any(
        t in pipeline.question_words or pipeline.general_freq(t) >= RARE_NAME_COUNT for t in tails
    ):
        return None
    if not 0 < len(places.spelt_like(name)) <= MISSPELT_NEIGHBOURS:
        return None
    if at not in pipeline.word_edges(text):
        return None  # 法律进镇村, 成立由镇…, 部署和镇党委: the stem starts inside a word
    return name if _cut_as_a_name(text, at, name, pipeline) else None


def _cut_as_a_name(text: str, at: int, name: str, pipeline: TextPipeline) -> bool:
    """Whether the township `name` at `at` is not a question's own words with a character
    beside them: no word of the question's scaffolding (`question_words`: 各镇) or of the
    kinds of township (乡镇) runs across its ending (了解|下|各镇: 13 of 903 ways to ask
    各镇, 村镇… named 下各镇, a place no report has, and found nothing; 友邻|乡镇 named
    友邻乡). jieba's cut of a name is no guide otherwise (江油|关镇, 热|柯|依达乡 are names)."""
    end_of = at + len(name)
    stem_end = at + len(short_name(name, PLACE_ENDINGS))
    start = 0
    for word in pipeline.segmenter.cuts(text):
        end = start + len(word)
        across = at < start < stem_end < end or start < end_of < end
        if across and (word in pipeline.question_words or word in TOWN_KINDS):
            return False
        start = end
    return True


# What follows a county's name when its towns are meant: 长寿各镇, 长寿下面的镇, 长寿的乡镇
_TOWNS_OF = re.compile(
    "^(?:的|各个?|下面的?|下辖的?|辖区的?|境内的?|所有的?|哪些|哪几个|那几个|几个)"
    "(?:乡镇|镇|乡|街道)"
)


def _another_place(text: str, spelling: str, name: str, places: Places, town: bool) -> bool:
    """Whether a town's (`town`) or county's spelling found in the question is not that
    place here: part of a longer name already taken (长寿县 holds 寿县); a county's short
    name that is a prefecture's too (南昌 is 南昌市, which holds 南昌县: `query._regions_in`); a
    town's short name that is a county's too, followed by that county's towns (长寿各镇,
    长寿的乡镇: 长寿区's, not 长寿镇's), or the start of a county's longer name (红寺堡区)."""
    if spelling not in text:
        return True
    if not town:
        return places.regions.get(spelling, name) != name
    at = text.find(spelling)
    if any(text[at : at + n] in places.counties for n in range(len(spelling) + 1, 13)):
        return True  # 红寺堡区各镇: the county 红寺堡区, not the town 红寺堡镇
    rest = text[at + len(spelling) :]
    return spelling in places.counties and bool(_TOWNS_OF.match(rest))


def places_in(
    text: str, places: Places, pipeline: TextPipeline
) -> tuple[list[str], list[str], list[str], str]:
    """Known towns and counties the question names, those it leaves out (除了峰灵镇), each
    in the order the question names them, and the text without them."""
    towns: list[str] = []
    counties: list[str] = []
    excluded: list[str] = []
    asked = text  # the phrase around a name, before any other name is taken out
    where: dict[str, int] = {}  # where in the question each place is first named
    for spellings, named in ((places.towns, towns), (places.counties, counties)):
        for spelling in _spellings_in(text, spellings, places.starts):
            name = spellings[spelling]
            if _another_place(text, spelling, name, places, named is towns):
                continue
            if not _names_place(asked, spelling, name, pipeline, places.towns):
                continue
            into = excluded if left_out(asked, spelling) else named
            for each in places.shared.get(spelling, (name,)) if named is towns else (name,):
                if each not in named and each not in excluded:  # as its first spelling says
                    into.append(each)
                    where[each] = asked.find(spelling)
            text = text.replace(spelling, " ")
    if excluded:  # 除了, 以外 said what to leave out; 不要 and 不算 are no topic
        text = without_leaving_out(text)
    in_order = functools.partial(sorted, key=where.__getitem__)
    return in_order(towns), in_order(counties), in_order(excluded), text


def without_leaving_out(text: str) -> str:
    return re.sub(f"{_LEAVING_OUT}|{_LEFT_OUT_AFTER}", " ", text)


def left_out(asked: str, spelling: str) -> bool:
    """Whether the question names a place to leave out: 除了峰灵镇，别的镇…, 不要峰灵镇和王团镇
    的, 峰灵镇以外的镇 (other towns than the asker's own, as staff of 峰灵镇 ask)."""
    name = re.escape(spelling)
    before = f"(?:{_LEAVING_OUT}){_OURS}(?:{_IN_CLAUSE}*?[、和与及])?{name}"  # 除了峰灵镇、王团镇
    after = f"{name}(?:[、和与及]{_IN_CLAUSE}*?)?(?:{_LEFT_OUT_AFTER})"
    return bool(re.search(f"{before}|{after}", asked))
