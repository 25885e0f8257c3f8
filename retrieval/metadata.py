"""Inferring a report's township, county, province, year and dates from its text.

Places come from `placing` (the gazetteer: only real divisions are ever reported); the
year covered from the title, `现将…2024年…报告如下` or a first-level heading; dates from the
page's date line or the signature. Every guess is reported in `warnings`.
"""

from __future__ import annotations

import re
from collections import Counter

from .cleaning import CleanText
from .models import Metadata
from .placing import place
from .text import normalize, to_simplified

_DATE = re.compile(r"(20\d\d)\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
# a site's table may give the written date (成文日期) before the published one
_PUBLISHED_LABEL = re.compile(r"发[布表](?:日期|时间)[\s\]】|:：]*")
_YEAR = re.compile(r"(20\d\d)\s*年")
# a year, not the end of a span (2021—2025年, 2021至2025年)
_SINGLE_YEAR = re.compile(r"(?<![—–\-~至到\d])(20\d\d)\s*年")
# 现将 2024年…报告如下 (or 现就, 现对, 现把 … 如下): the sentence that says what the report
# covers; not 实现对…, 发现将…
_NOW = re.compile(r"(?<![实发出体表])(?:现将|现[就对把](?=.*如下))")
_PLAN_WORDS = re.compile(r"规划|计划|安排|打算|思路|下一步|目标")


def _as_written(name: str, lines: list[str]) -> str:
    """The name in the script the report uses (潭灣鎮 for 潭湾镇)."""
    for line in lines:
        norm = normalize(line)
        at = norm.find(name)
        if at >= 0 and len(norm) == len(line):
            return line[at : at + len(name)]
    return name


def _report_year(
    title: str, body: list[str], published: str | None
) -> tuple[int | None, str | None]:
    """The year the report covers, and a warning when it is a guess."""
    if m := _YEAR.search(title):
        return int(m[1]), None
    for line in body[:40]:
        for sentence in re.split(r"[。！!]", line):
            # the year after 现将 (现将2024年…报告如下; 现对2023年所做工作总结如下), not a
            # plan's span before it (落实《纲要(2021—2025年)》…,现将2024年…报告如下)
            if not (lead := _NOW.search(sentence)):
                continue
            after = sentence[lead.start() :]
            if m := _YEAR.search(after) or _SINGLE_YEAR.search(sentence):
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


def _url(meta: tuple[str, ...]) -> str | None:
    """The page's own address, from a `原文:` line (a saved page's canonical link)."""
    for line in meta:
        if m := re.match(r"^\s*原文\s*[:：]\s*(https?://\S+)\s*$", line):
            return m[1]
    return None


def _date(text: str) -> str | None:
    text = normalize(text)
    if label := _PUBLISHED_LABEL.search(text):
        text = text[label.end() :]
    if m := _DATE.search(text):
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

    labelled_first = sorted(clean.meta, key=lambda m: not _PUBLISHED_LABEL.search(normalize(m)))
    meta_dates = [d for d in map(_date, labelled_first) if d]
    signed = next((d for d in map(_date, reversed(clean.signature)) if d), None)
    published = meta_dates[0] if meta_dates else signed
    if meta_dates and signed and signed != meta_dates[0]:
        warnings.append(f"落款日期 {signed} 与发布日期 {meta_dates[0]} 不一致，采用发布日期")

    sources = [title or "", *(re.split(r"[:：]", m, maxsplit=1)[-1] for m in clean.meta)]
    placed = place([normalize(t) for t in (*sources, *clean.signature) if t], "\n".join(body))
    warnings += placed.warnings
    township, county, province = placed.township, placed.county, placed.province

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
        url=_url(clean.meta),
    )


def simplified(name: str | None) -> str | None:
    return to_simplified(name) if name else None
