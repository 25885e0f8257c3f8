"""China's administrative divisions down to township level, and finding them in text.

`data/gazetteer/divisions.tsv.gz` (built by `data/gazetteer/build_gazetteer.py` from the
Ministry of Civil Affairs' list; see `data/gazetteer/NOTICE`) is the only place-name
knowledge: a name that is not in it is never reported as a place. Names are matched whole
(永嘉镇 never stands for 永嘉县); a township name that several counties share (保安镇,
新田镇) is placed only when the text names one of its counties, prefectures or provinces.
"""

from __future__ import annotations

import functools
import gzip
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .memo import derived
from .paths import GAZETTEER

SUB_DISTRICT = "街道"
TOWN_SUFFIXES = (SUB_DISTRICT, "镇", "乡", "苏木")
# The word for townships in general: after 其他, 别的, 有没有 it means "any town". (街道
# is not: a question that says 街道 wants sub-districts, see query._framing.)
ANY_TOWN = "乡镇"
# The words for a kind of township (街道, 乡镇, 镇): in a question they say which reports,
# not what about (杭州的街道怎么做普法 is about 普法).
TOWN_KINDS = frozenset((ANY_TOWN, *TOWN_SUFFIXES))
# What a township of each kind is called; 乡镇 is any township but a sub-district.
_KIND_ENDINGS = {ANY_TOWN: ("镇", "乡", "苏木")}


def of_kind(township: str, kind: str) -> bool:
    """Whether a township is of a kind (小营街道 is a 街道; 王团镇 a 镇 and a 乡镇)."""
    return bool(township) and township.endswith(_KIND_ENDINGS.get(kind, (kind,)))


# What a place's short name leaves off (王团镇 → 王团, 大冶市 → 大冶), longest first.
TOWN_ENDINGS = ("民族乡", "街道", "苏木", "镇", "乡")
COUNTY_ENDINGS = ("自治县", "自治旗", "县", "区", "市", "旗")
PROVINCE_ENDINGS = ("回族自治区", "壮族自治区", "维吾尔自治区", "自治区", "省", "市")
# County names that are also words: only a place when a prefecture or province precedes.
_WORD_LIKE = {"城区", "郊区", "矿区", "新区", "市区", "东区", "西区", "南区", "北区", "中区"}
_STREET_SELF = re.compile(r"[我全本该]街(?!道)")  # a text that speaks as a sub-district
# China's 56 peoples as place names write them (桐木漯瑶族乡, 檀营满族蒙古族乡), and the
# generic 民族 and 各族: a closed list, so that a stem is not cut inside (桐木漯, not 桐木)
_PEOPLES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 "
    "水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 "
    "乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 汉 民 各"
).split()
_ANY_PEOPLES = f"(?:(?:{'|'.join(sorted(_PEOPLES, key=len, reverse=True))})族)+"
_ETHNIC_TOWN = re.compile(f"^(.{{2,}}?){_ANY_PEOPLES}(乡|镇)$")
# 江华瑶族自治县 is written 江华县 (张家川回族自治县: 张家川县, not 张家县)
_ETHNIC = re.compile(f"^(.{{2,}}?){_ANY_PEOPLES}自治(县|旗)$")


@dataclass(frozen=True)
class County:
    province: str
    prefecture: str  # "" where the county sits directly under a province-level unit
    name: str  # "" for a township known only from the older list: county not asserted


@dataclass(frozen=True)
class Gazetteer:
    towns: dict[str, tuple[County, ...]]  # township name -> the counties that have one
    counties: dict[str, tuple[County, ...]]  # county name or short form -> counties
    prefectures: dict[str, tuple[str, ...]]  # prefecture name or short form -> provinces
    provinces: dict[str, str]  # province name or short form -> province
    longest_town: int

    @classmethod
    def load(cls, path: Path = GAZETTEER) -> Gazetteer:
        towns: dict[str, set[County]] = defaultdict(set)
        counties: dict[str, set[County]] = defaultdict(set)
        prefectures: dict[str, set[str]] = defaultdict(set)
        provinces: dict[str, str] = {}
        places: dict[tuple[str, str, str], County] = {}  # one object per county: 40k rows
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                province, prefecture, county, town, _ = line.rstrip("\n").split("\t")
                key = (province, prefecture, county)
                if (place := places.get(key)) is None:
                    place = places[key] = County(*map(sys.intern, key))
                if town:
                    towns[town].add(place)
                for name in _county_forms(county) if county else ():
                    counties[name].add(place)
                if prefecture:
                    prefectures[prefecture].add(province)
                    if short := _short_prefecture(prefecture):
                        prefectures[short].add(province)
                provinces[province] = province
                provinces[short_province(province)] = province
        return cls(
            towns={k: tuple(sorted(v, key=str)) for k, v in towns.items()},
            counties={k: tuple(sorted(v, key=str)) for k, v in counties.items()},
            prefectures={k: tuple(sorted(v)) for k, v in prefectures.items()},
            provinces=provinces,
            longest_town=max(map(len, towns), default=0),
        )

    # Last characters of every name: a suffix (镇, 县) that no name ends with there is
    # passed over without trying each length of name (towns_in 2.7x faster on reports).
    # Computed, not stored: a pickled gazetteer from the per-user cache lacks them.
    @functools.cached_property
    def _town_endings(self) -> frozenset[str]:
        """The last three characters of every township name: found names have at least
        two characters before their suffix, so at least three."""
        return frozenset(name[-3:] for name in self.towns if len(name) >= 3)

    @functools.cached_property
    def _county_endings(self) -> frozenset[str]:
        return frozenset(name[-2:] for name in self.counties)

    def towns_in(self, text: str) -> list[tuple[int, str]]:
        """(position, name) of every township name in the text, the longest at each end
        (广安门内街道, not 门内街道). `text` is in matching form (Simplified)."""
        found = []
        endings = self._town_endings
        for suffix in TOWN_SUFFIXES:
            for m in re.finditer(suffix, text):
                end = m.end()
                if text[end - 3 : end] not in endings:  # 全镇, 乡镇: no name ends so
                    continue
                for size in range(min(self.longest_town, end), len(suffix) + 1, -1):
                    name = text[end - size : end]
                    if name in self.towns:
                        found.append((end - size, name))
                        break
        return sorted(found)

    def streets_in(self, text: str) -> list[tuple[int, str]]:
        """(position, name) of sub-districts written without 道, as Guangzhou names its
        own (鹤龙街 for 鹤龙街道), where the text shows it means the sub-district: the name
        before 党工委 or 办事处, or anywhere in a text that speaks as one (全街, 我街).
        Elsewhere X街 is as likely a street (解放街, 文化街)."""
        speaks = _STREET_SELF.search(text) is not None
        found = []
        for m in re.finditer("街(?!道)", text):
            end = m.end()
            if not speaks and not text.startswith(("党工委", "办事处"), end):
                continue
            for size in range(min(self.longest_town - 1, end), 2, -1):
                name = text[end - size : end] + "道"
                if name in self.towns:
                    found.append((end - size, name))
                    break
        return found

    def counties_in(self, text: str) -> list[tuple[int, str]]:
        """(position, name) of county names (full, or 江华县 for 江华瑶族自治县)."""
        found = []
        endings = self._county_endings
        for m in re.finditer("[县区市旗]", text):
            end = m.end()
            if text[end - 2 : end] not in endings:
                continue
            for size in range(min(12, end), 1, -1):
                name = text[end - size : end]
                if name in self.counties and self._is_county_mention(text, end - size, name):
                    found.append((end - size, name))
                    break
        return sorted(found)

    def _is_county_mention(self, text: str, start: int, name: str) -> bool:
        """Guards for names that are also words: 和县 in 政府和县委, 城区 in 城区管理."""
        before = text[start - 1 : start] if start else ""
        rest = text[start + len(name) :]
        if len(name) == 2:  # a one-character stem: after a boundary or a larger unit, and
            # before a government word or a township (渠县人民政府, 达州市渠县三汇镇)
            boundary = not before or not ("\u4e00" <= before <= "\u9fff") or before in "省市州盟"
            follows = rest[:1] in ("人", "委", "政", "司", "法", "依") or re.match(
                r"[\u4e00-\u9fff]{2,6}(镇|乡|街道)", rest
            )
            return boundary and bool(follows)
        if name in _WORD_LIKE:
            return before in ("市", "州", "盟")
        return True

    def has_place(self, name: str) -> bool:
        """Whether a name is a township's, a county's, a prefecture's or a province's."""
        return name in self.towns or name in self.counties or self.names_region(name)

    def names_region(self, word: str) -> bool:
        """Whether a word is a prefecture's or province's name (黄石, 湖北省, 湖北)."""
        return word in self.prefectures or word in self.provinces

    def regions_of(self, county: str | None, province: str | None) -> tuple[str, ...]:
        """The province and the prefecture a report lies in, as far as its county and
        province tell (湖北省, 黄石市 for 大冶市)."""
        found = [province] if province else []
        prefectures = {
            c.prefecture
            for c in self.counties.get(county or "", ())
            if c.prefecture and province in (None, c.province)
        }
        if len(prefectures) == 1:
            found.append(prefectures.pop())
        return tuple(found)

    def mentions(self, text: str) -> tuple[set[str], set[str], set[str]]:
        """Counties, prefectures and provinces (canonical names) the text names; used
        only to narrow a township several counties share."""
        counties = {c.name for _, n in self.counties_in(text) for c in self.counties[n]}
        # a name is looked for only where the text has its first two characters: 632
        # substring searches of a whole report took 4 ms a call, a tenth of analysing a
        # report; those of the names whose characters it has, 1.1 ms; this, ~0.1 ms
        prefectures: set[str] = set()
        provinces: set[str] = set()
        starts, names, firsts = self._larger_units
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lead = np.flatnonzero(firsts[np.minimum(codes[:-1], 0xFFFF)])  # a name's 1st char
        pairs = codes[lead].astype(np.int64) << 21 | codes[lead + 1]
        at = np.minimum(np.searchsorted(starts, pairs), len(starts) - 1)
        for start in np.unique(pairs[starts[at] == pairs]).tolist():
            for is_province, name, full in names[start]:
                if len(name) == 2 or name in text:
                    (provinces if is_province else prefectures).add(full)
        return counties, prefectures, provinces

    @functools.cached_property
    def _larger_units(
        self,
    ) -> tuple[np.ndarray, dict[int, list[tuple[bool, str, str]]], np.ndarray]:
        """Prefecture and province names (and short forms) by their first two characters'
        code points (`(a << 21) | b`), those codes sorted, with each name its canonical
        one; and which characters (0xFFFF: any beyond) start some name, the only places
        a pair is looked up (a binary search for every pair of a report took 0.2 ms)."""
        names: dict[int, list[tuple[bool, str, str]]] = defaultdict(list)
        units = [(False, p, p) for p in self.prefectures if len(p) >= 2]
        for is_province, name, full in [*units, *((True, *p) for p in self.provinces.items())]:
            names[ord(name[0]) << 21 | ord(name[1])].append((is_province, name, full))
        firsts = np.zeros(0x10000, dtype=bool)
        firsts[[min(code >> 21, 0xFFFF) for code in names]] = True
        return np.array(sorted(names), dtype=np.int64), dict(names), firsts

    def counties_of(self, town: str, province: str | None = None) -> tuple[str, ...]:
        """The counties that have a township of this name (in `province` when given)."""
        options = self.towns.get(town, ())
        return tuple(c.name for c in options if c.name and province in (None, c.province))

    def place(self, town: str, text: str) -> tuple[County | None, str | None, str | None]:
        """The county of a township named in the text (None when the text does not say
        which of several), the province when it is known even so, and why not."""
        listed = options = self.towns.get(town, ())
        if len(options) == 1 and options[0].name:
            return options[0], options[0].province, None
        counties, prefectures, provinces = self.mentions(text)
        # an entry of the older list (a province, no county) stands for the one county of
        # that province the text names, beside the current list's counties or alone
        older = {c: self._named_in(c, counties) for c in options if not c.name}
        options = tuple(dict.fromkeys(older.get(c) or c for c in options))
        if len(options) == 1:
            only = options[0]
            older_only = bool(only.name) and only not in listed
            why = (
                f"{town} 只见于较早的区划数据，县区按正文所写取 {only.name}" if older_only else None
            )
            return only, only.province, why
        superior = _superior_kind(text)
        for test in (
            lambda c: c.name in counties,
            lambda c: c.prefecture in prefectures or _short_prefecture(c.prefecture) in prefectures,
            lambda c: c.province in provinces,
            lambda c: bool(superior) and c.name.endswith(superior),
        ):
            narrowed = [c for c in options if test(c)]
            if len(narrowed) == 1:
                return narrowed[0], narrowed[0].province, None
            if narrowed:
                options = tuple(narrowed)
        names = "、".join(sorted({c.name for c in options if c.name})[:4])
        why = f"{town} 在多个县区都有（{names}…），正文未说明是哪一个，县区留空"
        shared = {c.province for c in options}
        return None, shared.pop() if len(shared) == 1 else None, why

    def _named_in(self, older: County, counties: set[str]) -> County | None:
        """The one county of the older list's province (and prefecture, when it has one)
        that the text names, if exactly one: where a township the current divisions no
        longer list lies (下太镇, 广东省 only, in a report that names 英德市)."""
        found = {
            c
            for name in counties
            for c in self.counties.get(name, ())
            if c.province == older.province and older.prefecture in ("", c.prefecture)
        }
        return found.pop() if len(found) == 1 else None


def short_name(name: str, endings: tuple[str, ...]) -> str:
    """The name without the first of `endings` it has (`TOWN_ENDINGS`, `COUNTY_ENDINGS`)."""
    for ending in endings:
        if name.endswith(ending):
            return name[: -len(ending)]
    return name


@functools.lru_cache(maxsize=1 << 16)  # more than China's ~40,000 townships
def town_spellings(name: str) -> tuple[str, ...]:
    """How staff may write a township's name: whole, without its ending (王团镇 → 王团),
    and an ethnic township also without its peoples (桐木漯瑶族乡 → 桐木漯乡, 桐木漯;
    1,067 of the gazetteer's townships are such); a sub-district also as X街 (金花街道 →
    金花街, as reports write it too: 鹤龙街党工委); a long name also by its first and last
    characters (`_abbreviation`). Stems shorter than two characters are left out: one
    character is too often part of a phrase.

    Kept per name for the process: every index made (a reload's too) spells each of its
    towns; at a million passages (30,035 towns) `Places.of` took 0.31 s, 0.19 with the
    spellings kept (medians of five in one process)."""
    forms = [name, short_name(name, TOWN_ENDINGS)]
    if m := _ETHNIC_TOWN.match(name):
        forms += [m[1] + m[2], m[1]]
    if street := street_form(name):
        forms.append(street)
    if short := _abbreviation(name):
        forms.append(short)
    return tuple(_usable(forms))


def _abbreviation(name: str) -> str | None:
    """A long name as its first and last characters (广安门内街道 → 广内街道, 朝阳门外 → 朝外,
    as Beijing's are called, and 广安门内街道's report calls itself), unless that is
    another township's name."""
    stem = short_name(name, TOWN_ENDINGS)
    if len(stem) < 4 or stem == name or _ETHNIC_TOWN.match(name):  # 桐木漯瑶族乡: 桐木漯乡
        return None
    short = stem[0] + stem[-1] + name[len(stem) :]
    return None if short in gazetteer().towns else short


def street_form(name: str) -> str | None:
    """A sub-district's name as X街 (金花街道 → 金花街), None for other townships. In a
    question it names the place only where it is a word of its own (金花街的, not
    古城街区: `places._names_place`)."""
    stem = short_name(name, TOWN_ENDINGS)
    return stem + "街" if name.endswith("街道") and len(stem) >= 2 else None


def region_spellings(name: str) -> list[str]:
    """How staff may write a province or prefecture: 江西省 or 江西, 杭州市 or 杭州."""
    return _usable([name, short_province(name), _short_prefecture(name) or name])


def county_spellings(name: str) -> list[str]:
    """How staff may write a county's name: whole, without its ending (大冶市 → 大冶), an
    autonomous county also as its people-less form (彭水苗族土家族自治县 → 彭水县, 彭水), and
    a district or city by the county it was (綦江区 and 大冶市 were 綦江县 and 大冶县)."""
    stem = short_name(name, COUNTY_ENDINGS)
    forms = [name, stem]
    for form in _county_forms(name)[1:]:
        forms += [form, short_name(form, COUNTY_ENDINGS)]
    if name[-1] in "区市" and stem != name:
        forms.append(stem + "县")
    return _usable(forms)


def _usable(forms: list[str]) -> list[str]:
    """Each spelling once, in order, none shorter than two characters."""
    return list(dict.fromkeys(f for f in forms if len(f) >= 2))


def _superior_kind(text: str) -> str | None:
    """What kind of county a township report answers to: 在县委、县政府的领导下 is a 县's
    township, 区委、区政府 a 区's, 市委、市政府 alone a county-level city's."""
    counts = {kind: len(re.findall(f"{kind}委|{kind}政府", text)) for kind in "县区旗市"}
    lower = [kind for kind in "县区旗" if counts[kind]]
    if len(lower) == 1:
        return lower[0]
    if not lower and counts["市"]:
        return "市"
    return None


def _county_forms(county: str) -> list[str]:
    forms = [county]
    if m := _ETHNIC.match(county):
        forms.append(m[1] + m[2])  # 江华瑶族自治县 is written 江华县
    return forms


def _short_prefecture(name: str) -> str | None:
    short = re.sub(r"(市|地区|盟|[\u4e00-\u9fff]{1,6}族自治州|自治州)$", "", name)
    return short if len(short) >= 2 and short != name else None


def short_province(name: str) -> str:
    return short_name(name, PROVINCE_ENDINGS)


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process (about 40k rows; 0.3 s to parse, a third of
    that from the per-user cache)."""
    return derived(GAZETTEER, "gazetteer", Gazetteer.load)
