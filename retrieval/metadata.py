"""Inferring a report's township, county, province, year and dates from its text.

Evidence is weighed in a fixed order: the title, the `信息来源` line and the signature
block are trusted; phrases in the body (`同心县王团镇`, `现将…2024年…报告如下`) come
next; counting mentions is the last resort and is reported in `warnings`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .cleaning import CleanText
from .text import default_pipeline, normalize, to_simplified

_CJK = "\u4e00-\u9fff"
_ADMIN = re.compile(
    rf"(?P<province>[{_CJK}]{{2,3}}省|[{_CJK}]{{2,8}}?自治区|北京市|天津市|上海市|重庆市)?"
    rf"(?P<city>[{_CJK}]{{2,4}}?(?:市|州|盟|地区))?"
    rf"(?P<county>[{_CJK}]{{1,5}}?(?:县|区|市|旗))?"
    rf"(?P<town>[{_CJK}]{{2,7}}?(?:民族乡|镇|乡|街道))"
)
_LEADING = re.compile(r"^(?:关于|中共|20\d\d\s*年度?|\s)+")
_TOWN_SUFFIX = re.compile(r"镇|街道|(?:民族)?乡")
# A character right before 镇/乡 that shows the word is not a place name (依法治镇, 返镇, 全镇).
NOT_NAME_END = set("治进到出返回在全各本我该每此城集村重名小强大乡市县区范个一的")
_NOT_NAME_WORDS = {"示范", "法治", "城乡", "乡镇", "村镇", "集镇", "城镇", "农村", "美丽"}
_PROVINCES = (
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
)
_MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}
_DATE = re.compile(r"(20\d\d)\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
_YEAR = re.compile(r"(20\d\d)\s*年")
_PLAN_WORDS = re.compile(r"规划|计划|安排|打算|思路|下一步|目标")


@dataclass(frozen=True)
class Metadata:
    title: str | None
    township: str | None
    township_simplified: str | None
    county: str | None
    province: str | None
    year: int | None
    published: str | None
    warnings: tuple[str, ...]


def _short(province: str) -> str:
    return re.sub(r"(省|市|回族自治区|壮族自治区|维吾尔自治区|自治区)$", "", province)


def _as_written(name: str, lines: list[str]) -> str:
    """The name in the script the report uses (潭灣鎮 for 潭湾镇)."""
    for line in lines:
        norm = normalize(line)
        at = norm.find(name)
        if at >= 0 and len(norm) == len(line):
            return line[at : at + len(name)]
    return name


def parse_admin(text: str) -> dict[str, str] | None:
    """Split `重庆市綦江区安稳镇人民政府` into province/city/county/town (Simplified)."""
    text = _LEADING.sub("", normalize(text))
    match = _ADMIN.match(text)
    if not match or not _is_name(match["town"]):
        return None
    parts = {k: v for k, v in match.groupdict().items() if v}
    if parts.get("city") in _MUNICIPALITIES and "province" not in parts:
        parts["province"] = parts.pop("city")
    if "county" not in parts and "city" in parts:
        parts["county"] = parts.pop("city")
    return parts


def _is_name(town: str) -> bool:
    stem = _TOWN_SUFFIX.split(town)[0]
    return len(stem) >= 2 and stem[-1] not in NOT_NAME_END and stem not in _NOT_NAME_WORDS


def _towns_in(text: str) -> Counter[str]:
    """Count `XX镇`-like names, trying 2- and 3-character stems at every mention."""
    counts: Counter[str] = Counter()
    for m in _TOWN_SUFFIX.finditer(text):
        for size in (2, 3):
            stem = text[max(0, m.start() - size) : m.start()]
            if len(stem) == size and re.fullmatch(f"[{_CJK}]+", stem):
                name = stem + m.group()
                if _is_name(name):
                    counts[name] += 1 if size == 2 else 0.9
    return counts


def _best_town(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    name, count = counts.most_common(1)[0]
    # Prefer a 3-character stem when nearly every mention carries the same extra character.
    longer = [
        n for n, c in counts.items() if n.endswith(name) and len(n) > len(name) and c >= 0.8 * count
    ]
    return longer[0] if longer else name


def _county_before(town: str, text: str) -> str | None:
    """The county written right before the town (同心县王团镇, 巴林左旗城东街道).

    The county's length is taken from jieba's dictionary, which knows most county names:
    the longest known word wins; a two-character stem is the fallback.
    """
    counts: Counter[str] = Counter()
    pipeline = default_pipeline()
    for m in re.finditer(rf"([{_CJK}]{{1,6}}?)(?:县|区|市|旗){re.escape(town)}", text):
        end = m.end() - len(town)
        forms = [text[end - n : end] for n in range(2, 8) if end - n >= m.start()]
        known = [f for f in forms if pipeline.in_dictionary(f)]
        counts[known[-1] if known else text[max(0, end - 3) : end]] += 1
    return counts.most_common(1)[0][0] if counts else None


def _province_in(text: str) -> str | None:
    counts = Counter()
    for province in _PROVINCES:
        counts[province] = text.count(_short(province))
    best = counts.most_common(1)[0]
    return best[0] if best[1] else None


def _report_year(
    title: str, body: list[str], published: str | None
) -> tuple[int | None, str | None]:
    """The year the report covers, and a warning when it is a guess."""
    if m := _YEAR.search(title):
        return int(m[1]), None
    for line in body[:40]:
        for sentence in re.split(r"[。！!]", line):
            if "现将" in sentence and (m := _YEAR.search(sentence)):
                return int(m[1]), None
    for line in body[:3]:
        if m := re.match(r"^\s*(20\d\d)\s*年", line):
            return int(m[1]), None
    for line in body[:12]:  # a first-level heading such as 一、2024年度…主要工作成果
        heading = re.match(r"^[一二]、", line) and not _PLAN_WORDS.search(line)
        if heading and (m := _YEAR.search(line)):
            return int(m[1]), None
    counts: Counter[int] = Counter()
    for line in body:
        if _PLAN_WORDS.search(line[:40]):
            continue
        counts.update(int(y) for y in _YEAR.findall(line))
    if counts:
        year = counts.most_common(1)[0][0]
        return year, f"报告年份 {year} 由正文中最常见的年份推断"
    if published:
        year = int(published[:4]) - (1 if int(published[5:7]) <= 6 else 0)
        return year, f"报告年份 {year} 由发布日期推断"
    return None, "未找到报告年份"


def _date(text: str) -> str | None:
    if m := _DATE.search(normalize(text)):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def extract(clean: CleanText) -> Metadata:
    """Metadata from a cleaned report; every guess is named in `warnings`."""
    warnings: list[str] = []
    body = [normalize(line) for line in clean.body]
    title = clean.title
    all_lines = [*(t for t in [title] if t), *clean.meta, *clean.body, *clean.signature]

    meta_dates = [d for d in map(_date, clean.meta) if d]
    signed = next((d for d in map(_date, reversed(clean.signature)) if d), None)
    published = meta_dates[0] if meta_dates else signed
    if meta_dates and signed and signed != meta_dates[0]:
        warnings.append(f"落款日期 {signed} 与发布日期 {meta_dates[0]} 不一致，采用发布日期")

    strong: list[dict[str, str]] = []
    sources = [title or "", *(re.split(r"[:：]", m, maxsplit=1)[-1] for m in clean.meta)]
    sources += list(clean.signature)
    for text in sources:
        for m in re.finditer(rf"(?:来源\s*[:：]\s*)?([{_CJK}]+)", normalize(text)):
            if parsed := parse_admin(m[1]):
                strong.append(parsed)
    joined = "\n".join(body)
    for m in re.finditer(rf"[{_CJK}]{{2,20}}?(?:镇|乡|街道)人民政府", joined):
        # Shortest prefix that still names a county: 大冶市保安镇, not 向社会公布大冶市保安镇.
        for start in range(len(m[0]) - 7, -1, -1):
            parsed = parse_admin(m[0][start:])
            if parsed and len(parsed.get("county", "")) >= 3:
                strong.append(parsed)
                break

    township = strong[0]["town"] if strong else None
    if township is None:
        township = _best_town(_towns_in(joined))
        if township:
            warnings.append(f"乡镇名称 {township} 由正文中的提及次数推断")
        else:
            warnings.append("未找到乡镇名称")
    elif any(p["town"] != township for p in strong):
        others = sorted({p["town"] for p in strong} - {township})
        warnings.append(f"乡镇名称有多种写法: {township} / {'、'.join(others)}")

    county = next((p["county"] for p in strong if p.get("county") and p["town"] == township), None)
    if county is None and township:
        county = _county_before(township, joined)
    if county is None:
        counts = Counter(re.findall(rf"([{_CJK}]{{2}}[县区旗])(?:人民政府|委|政府|司法局)", joined))
        if counts:
            county = counts.most_common(1)[0][0]
            warnings.append(f"县区 {county} 由正文推断")
        else:
            warnings.append("未找到所属县区")

    province = next((p["province"] for p in strong if p.get("province")), None)
    province = province or _province_in(joined)

    year, year_warning = _report_year(normalize(title or ""), body, published)
    if year_warning:
        warnings.append(year_warning)

    return Metadata(
        title=title,
        township=_as_written(township, all_lines) if township else None,
        township_simplified=township,
        county=county,
        province=province,
        year=year,
        published=published,
        warnings=tuple(warnings),
    )


def simplified(name: str | None) -> str | None:
    return to_simplified(name) if name else None
