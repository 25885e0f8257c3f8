"""Which township (or county) a report is about, from where its text names places.

Evidence is weighed by where it stands: the title, the `信息来源` line and the signature
block count most, mentions in the body once each. Only names in the gazetteer count. A
report that speaks as a county (全县, 我区) and names no township up front is a county-level
report: a county and no township.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .gazetteer import County, Gazetteer, gazetteer
from .models import UNNAMED_TOWNSHIP
from .segment import everyday_word
from .text import occurrences

STRONG = 5  # weight of a name in the title, source line or signature
# How a report refers to itself: 我镇, 全街道 (a township) or 全县, 我区 (a county); a
# sub-district's also 街道 alone at the head of a clause (,街道按照…; 。街道建立…).
_TOWN_SELF = re.compile(r"[我全本该](?:镇|乡|街道|街)")
_CLAUSE_HEAD = frozenset("\n,，。;；:：!！?？")  # 街道 after these (or first) heads a clause
_TITLE = re.compile(r"^.{0,30}(?:报告|情况)$")
_COUNTY_SELF = re.compile(r"[我全本该](?:县|区|旗)(?![委])")
# The line greeting whom a report goes to (县委、县政府:, 中共将乐县委员会,将乐县人民政府:,
# 城中区委全面依法治区委员会:): it names the addressee, not the speaker.
_SALUTATION = re.compile(
    r"^\s*[^。;；]{0,40}(?:委员会|人民政府|政府|党委|[县区市州旗]委|办公室|[县区市]办|司法局)[:：]\s*$"
)
# A place's name in its rule-of-law slogan: 法治舒桥建设, “法治东里”, 建设法治桐木漯, or
# before it: 谱写鱼复法治建设新篇章.
_SLOGAN = re.compile(r"法治([\u4e00-\u9fff]{2,3})|([\u4e00-\u9fff]{2,3})法治建设")


@dataclass(frozen=True)
class Placed:
    township: str | None  # Simplified
    county: str | None
    province: str | None
    warnings: tuple[str, ...] = ()


Names = tuple[list[tuple[int, str]], list[tuple[int, str]]]  # (towns, counties) with positions


def _names(gaz: Gazetteer, text: str) -> Names:
    towns = [(at, n) for at, n in gaz.towns_in(text) if len(n) > 2]
    return sorted([*towns, *gaz.streets_in(text)]), gaz.counties_in(text)


def _weighed(gaz: Gazetteer, strong: list[str], body: Names) -> tuple[Counter, Counter, set[str]]:
    """Township and county names with their weights, and the townships named up front.
    Townships need a two-character stem: one character (沙镇) is too often a phrase's."""
    towns: Counter[str] = Counter()
    counties: Counter[str] = Counter()
    up_front: set[str] = set()
    for names, weight in [*((_names(gaz, t), STRONG) for t in strong), (body, 1)]:
        for _, name in names[0]:
            towns[name] += weight
            if weight == STRONG:
                up_front.add(name)
        for _, name in names[1]:
            counties[name] += weight
    return towns, counties, up_front


def place(strong: list[str], body: str) -> Placed:
    """Township, county and province of a report. `strong` are the title, source lines
    and signature, `body` the rest; all in matching form (Simplified)."""
    gaz = gazetteer()
    # a title repeated in the body (site header first, then 碧土乡2024年…情况报告)
    strong = [*strong, *(line for line in body.split("\n")[:12] if _TITLE.search(line))]
    in_body = _names(gaz, body)
    towns, counties, up_front = _weighed(gaz, strong, in_body)
    text = "\n".join([*strong, body])
    warnings: list[str] = []
    for name in list(towns):  # a township of a county the report names is the likelier one
        if any(c.name in counties for c in gaz.towns[name]):
            towns[name] += 2
    subject = _subject(gaz, body, in_body)
    kinds = _self_kinds(body)
    town_voice = kinds.total()
    county_voice = len(_COUNTY_SELF.findall(body))
    best = towns.most_common(1)[0][0] if towns else None
    if not towns and town_voice > county_voice and (slogan := _slogan_town(gaz, body, kinds)):
        best, phrase = slogan
        warnings.append(f"乡镇名称 {best} 由正文“{phrase}”推断，正文未写全称")
        up_front.add(best)  # no other name to weigh it against
    if up_front:
        county_level = False
    elif subject:
        # a county named first but a report that speaks as a township (全镇, 我乡) and
        # names one: a township's report to its county (中共渠县县委、渠县人民政府: …)
        county_level = subject in counties and not (towns and town_voice > county_voice)
        best = subject if subject in towns else best
    else:
        county_level = bool(counties) and county_voice > town_voice
    if best and not county_level:
        where, province, why = gaz.place(best, text)
        if best not in up_front:
            warnings.append(f"乡镇名称 {best} 由正文推断")
        if why:
            warnings.append(why)
        if where is not None and not where.name:
            warnings.append(f"{best} 只见于较早的区划数据，所属县区可能已调整，县区留空")
        county = where.name if where is not None and where.name else None
        return Placed(best, county, province, tuple(warnings))
    return _no_township(gaz, counties, text, town_voice > county_voice, warnings)


def _no_township(
    gaz: Gazetteer, counties: Counter, text: str, town_voiced: bool, warnings: list[str]
) -> Placed:
    """A report placed in no township: a county's own, or a township's that never writes
    its name (我镇, 全镇 more than 全县: 中牟县's 我镇…), which asks an admin for the
    township."""
    if counties:
        name = counties.most_common(1)[0][0]
        where = _county(gaz, name, text)
        if where is None:
            warnings.append(f"{name} 在多个地区都有，正文未说明是哪一个")
        why = UNNAMED_TOWNSHIP if town_voiced else "未找到乡镇名称，按县级报告处理"
        return Placed(
            None, name if where else None, where.province if where else None, (*warnings, why)
        )
    unnamed = UNNAMED_TOWNSHIP if town_voiced else "未找到乡镇名称"
    return Placed(None, None, None, (unnamed, "未找到所属县区"))


def _self_kinds(body: str) -> Counter[str]:
    """How often the report calls itself each kind of township (我镇, 全街, 街道按照…)."""
    kinds = Counter("街道" if m[1:] == "街" else m[1:] for m in _TOWN_SELF.findall(body))
    if leads := _clause_heads(body):
        kinds["街道"] += leads
    return kinds


def _clause_heads(body: str) -> int:
    """How many clauses begin with 街道 (not 街道、…, a list of kinds). Found by `find`,
    not a regex whose look-behind is tried at every character: 5x faster, and one fifth of
    placing a report was that regex (same counts over 2,055 real and synthetic reports)."""
    return sum(
        (at == 0 or body[at - 1] in _CLAUSE_HEAD) and body[at + 2 : at + 3] != "、"
        for at in occurrences(body, "街道")
    )


def _slogan_town(gaz: Gazetteer, body: str, kinds: Counter[str]) -> tuple[str, str] | None:
    """The township of a report that speaks as one (我乡) but never writes its name in
    full, only in its slogan (法治舒桥建设: 舒桥乡; 鱼复法治建设: 鱼复街道): the stem that,
    with the kind the report calls itself, is a township the gazetteer has, and is no
    everyday word (法治建设, 法治文化, 法治讲堂 are not places), with the slogan as written
    (法治舒桥, 鱼复法治建设). None when no stem or several do. `kinds`: how often the report
    calls itself each kind (镇, 乡, 街道)."""
    kind = kinds.most_common(1)[0][0]
    found = set()
    for m in _SLOGAN.finditer(body):
        for stem in (m[1], m[1][:2]) if m[1] else (m[2], m[2][-2:]):
            if stem + kind in gaz.towns and not everyday_word(stem):
                found.add((stem + kind, f"法治{stem}" if m[1] else f"{stem}法治建设"))
                break
    return found.pop() if len(found) == 1 else None


def _subject(gaz: Gazetteer, body: str, in_body: Names) -> str | None:
    """The first township or county the body names outside breadcrumbs and the line
    greeting whom the report goes to: who speaks (2025年,在县委、县政府的正确领导下,平东镇
    持续… is 平东镇's report; 城中区委全面依法治区委员会: / 人民街街道办事处坚持… is 人民街
    街道's, not 城中区's own). `in_body`: the names in the whole body, which serve when it
    has neither."""
    lines = body.split("\n")
    kept = [line for line in lines if ">" not in line and not _SALUTATION.match(line)]
    text = body
    if len(kept) < len(lines):
        text = "\n".join(kept)
        in_body = _names(gaz, text)
    towns = dict(in_body[0])
    counties = in_body[1]
    named = sorted([*towns.items(), *counties])
    if not named:
        return None
    at, name = named[0]
    # 云阳县凤鸣镇, 西城区人民政府广安门内街道: the township is the subject
    end = at + len(name)
    return towns.get(end) or towns.get(end + 4 if text[end : end + 4] == "人民政府" else -1) or name


def _county(gaz: Gazetteer, name: str, text: str) -> County | None:
    options = gaz.counties[name]
    if len(options) == 1:
        return options[0]
    _, prefectures, provinces = gaz.mentions(text)
    narrowed = [c for c in options if c.prefecture in prefectures] or [
        c for c in options if c.province in provinces
    ]
    return narrowed[0] if len(narrowed) == 1 else None
