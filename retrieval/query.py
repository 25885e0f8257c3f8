"""Reading a question: the years it names and its search terms (the places it names are
read in `places`)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence

from . import related
from .gazetteer import (
    ANY_TOWN,
    SUB_DISTRICT,
    TOWN_KINDS,
    TOWN_SUFFIXES,
    gazetteer,
)
from .models import Query
from .passages import NEXT_YEAR, PLAN_WORDS
from .places import (
    Places,
    left_out,
    misspelt_places,
    places_in,
    unknown_places,
    without_leaving_out,
)
from .text import TextPipeline, normalize

_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*(?:年度|年)?(?!\d)")
# Years as staff also write them: 二〇二四年, and 24年 at the start, after punctuation or
# 那/在/是/和 (那23年的呢), where nothing before it makes it a span of time (有20年经验,
# 干了15年, 近10年) and nothing after it does (20年来, 10年前)
_CHINESE_YEAR = re.compile(r"二[〇零○]([〇零○一二三四五六七八九]{2})(?=年)")
_SHORT_YEAR = re.compile(
    r"(?:^|(?<=[\s，。！？、：；,.!?:;“”\"那在是和与及]))([1-3]\d)(?=年(?![来前后以多左里内间半代级余期]))"
)
_DIGIT = str.maketrans("〇零○一二三四五六七八九", "000123456789")
# What leaves a place out of a question (除了峰灵镇), within a clause (no punctuation)
# Spans of years: 2022到2024年 (and 2022-2024年, 2022至2024年) is three years, 2021年以来 is
# 2021 and every later year of the corpus, 2023年以前 every earlier one. A span counted
# back from now (近三年, 这两年, 过去五年) is when, not what, as 去年 and 近年来 are
# (`data/question_words.txt`): no year of the reports is "now" (they were written after).
_YEAR_RANGE = re.compile(
    r"(?<!\d)(20\d\d)\s*(?:年度|年)?\s*(?:-|—|–|~|～|到|至)\s*(20\d\d)\s*(?:年度|年)?(?!\d)"
)
# 2022年前的 and 2022年后, as staff shorten 以前, 以后; not 2022年前三季度, 2022年后续工作
_YEAR_ON = re.compile(
    r"(?<!\d)(20\d\d)\s*(?:年度|年)?\s*(以来|以后|之后|起|至今|以前|之前|(?<=年)[前后](?=的|[\s，。？！、,.?!]|$))"
)
_YEARS_BACK = re.compile(
    r"(?:最近|近|这|过去|(?<!提)前)[一二两三四五六七八九十几数\d]{1,2}年(?:来|以来|里|内|间|中)?"
)
# What a place named leaves behind in the topic (广东的镇怎么调解 → 的镇怎么调解; 除了峰灵镇，
# …: a comma): a reply naming another place reads "下洋镇 镇怎么调解", not "下洋镇 的镇怎么调解"
_PLACE_LEFTOVER = re.compile(r"(?<= )的(?=\S)")
# The year after "now" as staff say it. No report is written in the year it names as 明年
# (the latest are a year old when asked), so 明年 is read as each report's next year: the
# plan that closes it (六、下一步工作打算) or a heading naming a later year (2022年工作思路
# in a 2021 report). Not 下一步 or 今后: 安稳镇下一步怎么推进阳光政务 asks about the work,
# which the report tells of in its year's part.
AHEAD = re.compile(NEXT_YEAR)
# A plan's own words: with 明年 they only repeat that the plan is asked for (各镇明年有什么
# 打算), and a question of nothing else, with 明年 or without, asks for the plans themselves,
# found by the name reports give them (`data/synonyms.txt` folds 工作计划, 工作思路… into 工作打算).
_PLANS = "工作打算"
_PLAN_WORDS = frozenset({*PLAN_WORDS, _PLANS})
LONGEST_SPAN = 20  # years; a longer one (2010-2035年远景目标) keeps its two ends only


def _years_spelled_out(text: str, known: frozenset[int]) -> str:
    """The question with each span of years written as the years it covers (2022到2024年:
    2022年 2023年 2024年) and spans counted back from now taken out."""

    def listed(first: int, last: int) -> str:
        if not 0 <= last - first <= LONGEST_SPAN:
            return f" {first}年 {last}年 "
        return " " + " ".join(f"{y}年" for y in range(first, last + 1)) + " "

    def on(m: re.Match[str]) -> str:
        year = int(m[1])
        if m[2] in ("以前", "之前", "前"):
            return listed(min(known | {year}), year)
        return listed(year, max(known | {year}))

    text = _YEAR_RANGE.sub(lambda m: listed(int(m[1]), int(m[2])), text)
    return _YEARS_BACK.sub(" ", _YEAR_ON.sub(on, text))


# 咋 and 啥 ask (how, what) in every word jieba makes of them: 咋搞, 咋干, 干啥, 啥样
_COLLOQUIAL_ASKING = re.compile("[咋啥]")
# 哪 asks which, whatever follows (哪几个, 哪一类): jieba keeps 哪几个 whole, and as a word no
# report uses it weighed against every passage (stop 30: 法治建设领导小组下面设了办公室的，一般从
# 哪几个部门抽人). jieba's dictionary has no content word beginning with 哪 (哪吒 aside).
_WHICH = re.compile("^哪")
# 几 or 多少 with a measure word asks how many (几场, 多少次, 几名), whatever is counted
_HOW_MANY = re.compile("^(?:几|多少)[个次件场名人家项回位份批期种类条处所]$")
# A count the asker states (学了八次左右, 一年二十多次, 一百多人, 十几场): reports write counts in
# digits (学法8次, 23次), so such a word is in no passage and weighed against every one. Counts of
# events and people only: 四个亲自, 两张清单 and 三项制度 name things; 一次 is 最多跑一次's; a
# span of days (放几天假) is what a question is about, as for `_HOW_MANY`.
_COUNTED = re.compile(
    "^(?!一[次场名人件份期批回篇位家]$)[零一二两三四五六七八九十百千万几数]+"
    "(?:[多几来余][个次件场名人家项回位份批期种类条处所篇]?|[次场名人件份期批回篇位家])$"
)
# 报告, the kinds of towns and the words that count or collect reports: a question of these
# alone that asks for reports or which towns (有哪些镇的报告, 收录了哪些报告, 湖北有哪些镇,
# 一共几个街道) asks which reports there are, as /towns answers
_REPORT_WORDS = frozenset(
    {"报告", "年度报告", "工作报告", "收录", "一共", "总共", "共有", *TOWN_KINDS}
)
_WHICH_TOWNS = re.compile(
    "(?:哪些|哪几个|几个|多少个|几份|多少份)(报告|" + "|".join((ANY_TOWN, *TOWN_SUFFIXES)) + ")"
)
# A question's clauses (what punctuation or a space ends), and what makes one ask something.
_CLAUSE = re.compile(r"([^，。！？：；,.!?:;\s]+)([，。！？：；,.!?:;\s]*)")
_ASKS = re.compile(
    _COLLOQUIAL_ASKING.pattern
    + r"|[吗呢么?？]|怎|如何|哪|什么|谁|几|多少|是否|有没有|是不是|能不能|会不会|要不要|可不可以"
)


def _without_scaffolding(
    group: tuple[tuple[str, float, bool], ...], scaffolding: frozenset[str]
) -> tuple[tuple[str, float, bool], ...]:
    """A word's group without sub-words that say nothing (信访工作: 工作); when such a
    sub-word was the word's head, what remains of the word carries its meaning."""
    parts = [p for p in group[:-1] if p[0] not in scaffolding]
    if len(parts) < len(group) - 1 and any(p[2] for p in group[:-1] if p[0] in scaffolding):
        parts = [(token, share, True) for token, share, _ in parts]
    return (*parts, group[-1])


def _with_related(
    groups: tuple[tuple[tuple[str, float, bool], ...], ...],
    frequency: Callable[[str], int],
    pipeline: TextPipeline,
) -> tuple[tuple[tuple[tuple[str, float, bool], ...], ...], dict[str, float]]:
    """Each content word's group with the related words the corpus holds (律师 → 法官…),
    each covering `related.CREDIT` × similarity of the word and never its head; and
    their BM25 weights (`related.WEIGHT` × similarity).

    `frequency` is how many passages hold a word. Words the corpus uses least are served
    first, and related words stop once the question has `related.MAX_TERMS` distinct
    terms: search judges relevance from a table over every pattern of terms present,
    which doubles with each term (a long question needs related words least).
    """
    table = related.related_words()
    taken = {part[0] for group in groups for part in group}
    room = related.MAX_TERMS - len(taken)
    near: dict[int, list[tuple[str, float]]] = {}

    def keep(word: str) -> bool:
        return word not in taken and not _asks_only(word, pipeline) and frequency(word) > 0

    for n in sorted(range(len(groups)), key=lambda n: frequency(groups[n][-1][0])):
        if room <= 0:
            break
        if groups[n][-1][0] in TOWN_KINDS:  # which reports, not a topic with neighbours
            continue
        near[n] = table.near(groups[n][-1][0], keep, min(room, related.PER_WORD))
        taken.update(word for word, _ in near[n])
        room -= len(near[n])
    weights = {w: related.WEIGHT * s for words in near.values() for w, s in words}
    out = tuple(
        (*((w, related.CREDIT * s, False) for w, s in near.get(n, ())), *group)
        for n, group in enumerate(groups)
    )
    return out, weights


def _with_bridging_pairs(
    groups: tuple[tuple[tuple[str, float, bool], ...], ...],
    weights: dict[str, float],
    text: str,
    frequency: Callable[[str], int],
    pipeline: TextPipeline,
) -> tuple[tuple[tuple[tuple[str, float, bool], ...], ...], dict[str, float]]:
    """A content word the corpus never uses may be jieba cutting the question where the
    reports' words cross its edge: 开会前 is 开会 | 前, reports write 会前学法. The character
    pair across each edge of such a word, when it is a word (in jieba's dictionary or ours;
    not 年下 of 一年下村) and the corpus uses it, joins the word's group as a related word
    of similarity 1 (never its head, so it cannot make a passage relevant alone), beyond
    `related.MAX_TERMS`: few questions have such words. Measured in the README (real set
    +1 question, the others unchanged)."""
    taken = {part[0] for group in groups for part in group}
    fold = pipeline.synonyms.get
    out = []
    for group in groups:
        word = group[-1][0]
        at = text.find(word)
        pairs: list[str] = []
        if at >= 0 and frequency(word) == 0:
            end = at + len(word)
            for pair in (text[max(at - 1, 0) : at + 1], text[end - 1 : end + 1]):
                pair = fold(pair, pair)
                if (
                    len(pair) == 2
                    and all("\u3400" <= c <= "\u9fff" for c in pair)  # as `TextPipeline._kind`
                    and pipeline.in_dictionary(pair)  # a word: 会前, not 年下 of 一年下村
                    and pair not in taken
                    and not _asks_only(pair, pipeline)
                    and pair not in pipeline.stopwords
                    and frequency(pair) > 0
                ):
                    pairs.append(pair)
                    taken.add(pair)
        weights.update((pair, related.WEIGHT) for pair in pairs)
        out.append((*((pair, related.CREDIT, False) for pair in pairs), *group))
    return tuple(out), weights


def _asks_only(word: str, pipeline: TextPipeline) -> bool:
    """True for a word that frames a question rather than says what about: on the
    scaffolding list (有没有, 做法, 各位…), made with 咋/啥 (咋搞, 干啥), asks which (哪几个)
    or how many (几场, 多少次), states a count (八次, 二十多次: `_COUNTED`), or a function word
    (某些, 关于, 或者: `TextPipeline.is_function_word`)."""
    return (
        word in pipeline.question_words
        or bool(_COLLOQUIAL_ASKING.search(word) or _WHICH.match(word) or _HOW_MANY.match(word))
        or bool(_COUNTED.match(word))
        or pipeline.is_function_word(word)
    )


def _chat_words(
    text: str, pipeline: TextPipeline, frequency: Callable[[str], int]
) -> frozenset[str]:
    """Words of the chat around a question: clauses after the last one that asks
    (？在线等, ？辛苦了, ？麻烦回复一下) or a first clause closed by ！ or ： before it
    (早上好！ 小白求问：), when no passage uses any of their words and the rest of the
    question holds a word passages use. Such words weighed as evidence that the question
    is about something else (chat around the real questions cost up to 8 of their 52
    answers: README, `data/calibration/chat_frames.tsv`). A first clause closed by a
    comma stays: it may be the topic (身份证快到期了，去派出所换证要带哪些材料？)."""
    clauses = [(m[1], m[2]) for m in _CLAUSE.finditer(text)]
    asks = [n for n, clause in enumerate(clauses) if _ASKS.search("".join(clause))]
    chatty = list(range(asks[-1] + 1, len(clauses))) if asks else []
    if asks and asks[0] > 0 and any(mark in clauses[0][1] for mark in "！!：:"):
        chatty.insert(0, 0)
    if not chatty:
        return frozenset()
    said = [
        {g[-1][0] for g in pipeline.word_groups(c) if not _asks_only(g[-1][0], pipeline)}
        for c, _ in clauses
    ]
    chatty = [n for n in chatty if not any(map(frequency, said[n]))]
    rest = set().union(*(said[n] for n in range(len(clauses)) if n not in chatty))
    if not chatty or not any(map(frequency, rest)):
        return frozenset()
    return frozenset(set().union(*(said[n] for n in chatty)) - rest)


# Scaffolding that asks or is polite, and says nothing of which towns: 请问乡镇接了一堆
# 执法权 is about what 乡镇 were given (it found nothing, without 请问 22 passages).
_ASKING_ONLY = frozenset(("请问", "问下", "问问", "打听", "一下", "麻烦", "谢谢", "关于"))


@functools.lru_cache(maxsize=4)
def _framing(pipeline: TextPipeline) -> re.Pattern[str]:
    """What a question drops from its text before it is cut: 乡镇 after scaffolding
    (其他乡镇, 别的乡镇, 有没有乡镇: "any town") or a county's name (彭水的乡镇), and
    scaffolding that jieba cuts in pieces (兄弟乡镇 is 兄弟 | 乡镇, 会不会 is 会 | 不会).
    Cut, 乡镇 stayed behind as a content word:
    兄弟乡镇普法 found 4 passages where 普法 finds 42. 街道 after scaffolding stays: 别的街道
    asks for sub-districts (dropped, two real questions' answers fell a place); so does
    哪个街道, and 各街道, whose 各 jieba keeps in one word with 街道 (since stop 38; both
    were scaffolding words dropped whole, and 哪个街道统计过… was answered from 镇s)."""
    words = sorted(pipeline.question_words, key=lambda w: (-len(w), w))
    split = [w for w in words if len(pipeline.segmenter.words(w)) > 1]
    which = [w for w in words if w not in _ASKING_ONLY]
    framed = f"(?:{'|'.join(map(re.escape, which))})的?{ANY_TOWN}"
    # a county's towns (彭水的乡镇, 大冶下面的镇): the county's name was taken out before,
    # leaving a space
    placed = f"(?<= )(?:(?:下面|下辖|辖区内?|境内|所有)的?(?:{ANY_TOWN}|镇|乡)|的?{ANY_TOWN})"
    each = f"各(?={SUB_DISTRICT})"
    return re.compile("|".join([framed, placed, each, *map(re.escape, split)]))


def _regions_in(
    cut: list[tuple[tuple[str, float, bool], ...]], places: Places, placed: bool, asked: str
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Province and prefecture words of a cut question (黄石, 湖北): all of them, which
    are never content words (no report's passages use them: 黄石保安镇普法 found 1 of
    保安镇's 16); and, unless a town or county is named (`placed`), the regions they filter
    to (湖北的镇, 杭州的街道, 江西那边), those no report lies in (said so) and those the
    question leaves out (除了湖北, `left_out` in the question as `asked`)."""
    named = [g[-1][0] for g in cut if gazetteer().names_region(g[-1][0])]
    if placed:
        return named, [], [], []
    known = [w for w in named if w in places.regions]
    left = [places.regions[w] for w in known if left_out(asked, w)]
    kept = [places.regions[w] for w in known if places.regions[w] not in left]
    return named, kept, [w for w in named if w not in places.regions], left


def _years_in(text: str, places: Places) -> tuple[list[int], str]:
    """The years a question names (2024年, 二〇二四年, 24年 where it is a year), and its text
    with them taken out."""
    text = _CHINESE_YEAR.sub(lambda m: "20" + m[1].translate(_DIGIT), text)
    text = _years_spelled_out(_SHORT_YEAR.sub(r"20\1", text), places.years)
    return [int(y) for y in _YEAR.findall(text)], _YEAR.sub(" ", text)


def _next_year_in(text: str, pipeline: TextPipeline) -> tuple[bool, str]:
    """Whether a question says 明年 (`AHEAD`), and its text without it. Only where the
    words begin as jieba cuts them: not in 说明年度, 原来年底, 将来年轻干部, 证明年龄; the
    start of a word, as 明年初 is, or whole words, as 下|一|年度 is, both are. The question
    is cut only when it holds one of the words (most do not)."""
    matches = list(AHEAD.finditer(text))
    if not matches:
        return False, text
    starts = pipeline.word_edges(text)
    said = []
    for m in matches:
        at = bisect.bisect_left(starts, m.start())
        # a word starts there, and one ends where it does or it goes on past it (明年初);
        # a match ends before the text does, so a word start follows `at`
        if starts[at] == m.start() and (m.end() in starts or starts[at + 1] > m.end()):
            said.append(m.span())
    for start, end in reversed(said):
        text = f"{text[:start]} {text[end:]}"
    return bool(said), text


def _content_groups(
    cut: list[tuple[tuple[str, float, bool], ...]], pipeline: TextPipeline, chat: frozenset[str]
) -> tuple[tuple[tuple[str, float, bool], ...], ...]:
    """The word groups of a question that say what it is about: not those that only ask
    (`_asks_only`) or chat, and without the scaffolding inside a group."""
    return tuple(
        _without_scaffolding(g, pipeline.question_words)
        for g in cut
        if not _asks_only(g[-1][0], pipeline) and g[-1][0] not in chat
    )


def parse_question(
    question: str,
    places: Places,
    pipeline: TextPipeline,
    frequency: Callable[[str], int] | None = None,
) -> Query:
    """Split a question into content words and the township/county/year filters it names.

    Scaffolding (`pipeline.question_words`: 有没有, 做法…) is dropped from the content
    words but kept in `topic`, which follow-up questions reuse; the framing `_framing`
    takes out of the text (兄弟乡镇, 别的乡镇) leaves both. With `frequency`
    (how many passages of the corpus hold a word), content words bring in related words.
    """
    asked = normalize(question)
    towns, counties, excluded, text = places_in(asked, places, pipeline)
    years, text = _years_in(text, places)
    ahead, text = _next_year_in(text, pipeline)
    unknown = unknown_places(text, pipeline) + misspelt_places(text, places, pipeline)
    for name in unknown:
        text = text.replace(name, " ")
    text = _framing(pipeline).sub(" ", text)  # before the cut, or 兄弟乡镇 leaves 乡镇
    chat = _chat_words(text, pipeline, frequency) if frequency is not None else frozenset()
    cut = pipeline.word_groups(text)
    placed = bool(towns or counties)
    named, regions, elsewhere, left = _regions_in(cut, places, placed, asked)
    excluded += left
    unknown += elsewhere
    if named:  # out of the text and the topic as other places are; 湖北的乡镇 is framing
        for word in named:
            text = text.replace(word, " ")
        if left:  # 不要湖北的: 不要 is no topic, as for a town left out (`places.places_in`)
            text = without_leaving_out(text)
        cut = pipeline.word_groups(_framing(pipeline).sub(" ", text))
    groups = _plans_asked(_content_groups(cut, pipeline, chat), pipeline, ahead)
    weights: dict[str, float] = {}
    if frequency is not None:
        groups, weights = _with_related(groups, frequency, pipeline)
        groups, weights = _with_bridging_pairs(groups, weights, text, frequency, pipeline)
    return Query(
        text=question,
        terms=tuple(part[0] for group in groups for part in group),
        groups=groups,
        weights=tuple(weights.items()),
        topic=" ".join(["明年"] * ahead + _PLACE_LEFTOVER.sub("", text).split()).lstrip(
            ",，、;；:： "
        ),
        townships=tuple(towns),
        counties=tuple(counties),
        years=tuple(dict.fromkeys(years)),
        unknown_places=tuple(dict.fromkeys(unknown)),
        regions=tuple(dict.fromkeys(regions)),
        excluded=tuple(excluded),
        ahead=ahead,
    )


def _plans_asked(
    groups: tuple[tuple[tuple[str, float, bool], ...], ...], pipeline: TextPipeline, ahead: bool
) -> tuple[tuple[tuple[str, float, bool], ...], ...]:
    """A question's content words, where they ask for a report's plan: one about 明年
    (`AHEAD`) without the plan's own words (`_PLAN_WORDS`: they repeat what 明年 asks); and
    one whose only content words are plan words (安稳镇有什么计划, 峰灵镇明年的打算, 明年呢)
    asks for the plans themselves, by the name reports give them (`_PLANS`). A kind of
    township is no topic here: it says which reports (各街道有什么打算)."""
    topic = tuple(g for g in groups if g[-1][0] not in _PLAN_WORDS)
    if any(g[-1][0] not in TOWN_KINDS for g in topic):
        return topic if ahead else groups
    if not ahead and len(topic) == len(groups):
        return groups  # no plan asked for (街道有哪些)
    cut = pipeline.word_groups(_PLANS)
    return topic + tuple(_without_scaffolding(g, pipeline.question_words) for g in cut)


def asks_for_reports(query: Query) -> bool:
    """Whether a question asks which reports (towns) there are, in the places and years it
    names, rather than what they did: it has no content word but 报告, kinds of towns and
    words that count (`_REPORT_WORDS`), and names 报告 or asks which towns (`_WHICH_TOWNS`;
    in the words as asked: the topic has lost 哪些乡镇 as framing); or its only content
    words are kinds of towns (杭州的街道: which of 杭州's reports are sub-districts')."""
    heads = _heads(query)
    if not heads <= _REPORT_WORDS:
        return False
    if heads and heads <= TOWN_KINDS:
        return True
    return "报告" in heads or bool(_WHICH_TOWNS.search(normalize(query.text)))


# Kinds of township a listing keeps to when a question names them. Not 镇 nor 乡镇: staff
# say them of any township (有哪些镇的报告, 别的镇怎么做, as the search reads 别的镇).
_LISTED_KINDS = ("街道", "乡", "苏木")


def kinds_listed(query: Query) -> tuple[str, ...]:
    """The kinds of township a question asking for reports names, which the listing keeps
    to (一共几个街道, 杭州的街道, 湖北有哪些乡); () for every kind."""
    named = _heads(query)
    named.update(m.group(1) for m in _WHICH_TOWNS.finditer(normalize(query.text)))
    return tuple(kind for kind in _LISTED_KINDS if kind in named)


def _heads(query: Query) -> set[str]:
    """The question's content words (each group's whole word), without their sub-words."""
    return {group[-1][0] for group in query.groups}


def follow_up(previous: Query, reply: Query) -> str | None:
    """The question a reply such as 那峰灵镇呢 or 2023年的呢 stands for.

    A reply that only names a place or a year keeps the topic of the question it replies
    to. A new place replaces the old places and, unless a year is named too, the old year
    (that year belonged to the old place's report); a new year alone keeps the places.
    明年呢 asks for the plans on the same topic, in the same places, in any year.
    Returns None when the reply asks something new.
    """
    if reply.ahead:  # 明年呢: its only word is the plans', not a topic
        if _heads(reply) != {_PLANS}:  # (`_plans_asked`)
            return None
    elif reply.terms or not (reply.places or reply.years):
        return None
    if not previous.topic or asks_for_reports(reply):  # 大冶市有几个镇: a question of its own
        return None
    places = reply.places or previous.places
    years = reply.years or (() if reply.places or reply.ahead else previous.years)
    excluded = [name for name in previous.excluded if name not in places]
    ahead = ["明年"] if reply.ahead and not previous.ahead else []
    return _asked(places, years, excluded, " ".join([*ahead, previous.topic]))


def topic_there(previous: Query, reply: Query) -> str | None:
    """The question a topic alone (普法) stands for in reply to a message that named only
    places or years (王团镇, which the bot asked what about): the topic there. None when
    the reply names a place, a year or a kind of township (别的镇怎么搞普法 asks of every
    town), or the earlier message had a topic of its own or named a place no report has.
    Whether its places have reports is the caller's to check."""
    if previous.terms or previous.unknown_places or not (previous.places or previous.years):
        return None
    if not reply.terms or reply.places or reply.years or reply.excluded or _names_towns(reply):
        return None
    return _asked(previous.places, previous.years, previous.excluded, reply.topic)


def _asked(places: Sequence[str], years: Sequence[int], excluded: Sequence[str], topic: str) -> str:
    """A question that names its places, years and places left out, then its topic."""
    left_out = [f"除了{name}" for name in excluded]
    return " ".join([*places, *(f"{y}年" for y in years), *left_out, topic])


def _names_towns(query: Query) -> bool:
    """Whether a question speaks of townships in general (别的镇, 各街道, 哪个乡): a kind
    of township among its words, or in its text outside its content words (乡 of 乡村治理
    is not)."""
    heads = _heads(query)
    if heads & TOWN_KINDS:
        return True
    text = normalize(query.text)
    return any(kind in text and not any(kind in h for h in heads) for kind in TOWN_SUFFIXES)
