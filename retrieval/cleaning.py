"""Turning a published page into clean lines: title, metadata lines, body."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import normalize

_INLINE_NOISE = re.compile(r"\[bookmark:[^\]]*\]|\[image:[^\]]*\]", re.IGNORECASE)
# A reading in pinyin after a character, which some sites' script converters print
# (區(qū)委, 領(lǐng)導(dǎo); after a character they garbled too, ?,F(xiàn)將): never report text
# (a tone mark in brackets), and it splits the words it stands in.
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(rf"[(（][a-zü]*[{_TONES}][a-zü{_TONES}]*[)）]")
# Page furniture of government sites, matched on normalised (Simplified, half-width) text.
_NOISE_LINE = re.compile(
    r"^[\s\-•·*]*(?:【\s*)?(?:分享|字号(?:大小)?|字体(?:大小)?|打印|关闭|收藏|扫一扫|浏览次数|阅读次数|点击数|访问量|"
    r"浏览量|阅读量|上一篇|下一篇|返回顶部|相关链接|责任编辑|附件下载|视力保护色"
    # a site's footer below the text (a wiki's copy, stop 31: 相關詞條 熱門詞條 聯絡我們)
    r"|相关(?:词条|文章|阅读|推荐)|热门(?:词条|文章|推荐)|联系我们|联络我们|关于我们|网站地图)"
    r"(?:\s*[:：】]|\s|$|本页|窗口|此页|到)"
    # breadcrumbs: 当前位置：首页 > 政务公开, 首页 > 海丰县人民政府门户网站 > …
    r"|^\s*(?:您?(?:现在|当前)?(?:所在)?的?位置|当前位置)\s*[:：]?"
    r"|^\s*首页\s*[>›»]"
    # a site's widgets alone on a line: 长者版 无障碍阅读, 进入老年模式 退出老年模式, 简体| 繁体
    r"|^(?:[\s|/]*(?:进入|退出|切换)?(?:老年模式|长者版|关怀版|关怀模式|无障碍(?:阅读|浏览|模式)?"
    r"|简体|繁体|手机版|English"
    # and the text's: 加大字体 缩小字体 收藏 取消收藏 打印, 字号 大 中 小
    r"|(?:加大|缩小|放大|默认)?字体|(?:取消)?收藏|打印|关闭|分享|字号|[大中小]))+[\s|/]*$"
    r"|^\s*今天是"  # today's date, 今天是:2019年10月31日 星期三 农历十月初七
)
# a page's date with its weekday (天津市静海区人民政府 2019年12月3日星期二): the day it was
# saved, in a short line, never a report's
_TODAY = re.compile(r"20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*星期[一二三四五六日天]")
# a PDF's page number, printed between two pages' text: — 2 —, - 3 -, 第 2 页 共 5 页, 2/5
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–·]+\s*\d{1,3}\s*[-—–·]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|共\s*\d{1,3}\s*页\s*[,，/]?\s*第\s*\d{1,3}\s*页|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
# a breadcrumb without its 当前位置 (7首页 > 政务公开 > 年度报告, 市司法局>专题专栏>…) has
# two > (or › ») and no sentence mark
_SENTENCE_MARK = re.compile(r"[。,，;；!！?？:：]")
# Labels of the metadata that sites print above a report (their 政府信息公开 tables), in
# any of the forms pages come in: `来源:…`, `- 发布机构:…` (a list item), `[ 发布机构 ] …`,
# `| [ 成文日期 ] | 2026-02-11 | [ 发布日期 ] | … |` (a table row), `索 引 号:…` (spaced out).
_META_LABELS = (
    "发布时间 发布日期 发表时间 发表日期 成文日期 成文时间 发文日期 发文时间 生成日期 "
    "公文生成日期 更新时间 更新日期 日期 时间 信息来源 文章来源 稿件来源 来源 作者 发布者 "
    "发布人 发布机构 发文机构 发文机关 发布单位 所属机构 文号 发文字号 备注/文号 索引号 "
    "主题分类 体裁分类 信息类别 主题词 关键词 有效性 是否有效 效力状态 公文时效 公开方式 "
    "公开形式 公开范围 公开时限 内容概述 标题 名称 原文 "
    # more of the 政府信息公开 table (蛟川街道's page left a bare `文件编号:` in its text)
    "文件编号 发文单位 组配分类 服务对象 信息分类 所属主题 公开日期 公开时间 生效日期 废止日期 "
    # an official document's own (GB/T 9704): 签发人 above the title, 抄送 at the end
    "签发人 抄送 抄报 联系人 联系电话"
).split()
_LABEL = "|".join(r"\s*".join(map(re.escape, label)) for label in _META_LABELS)
# A label (after a bullet, a bar or an opening bracket) ends with a colon (anywhere in a
# report), or, above the report, with a table cell's bar or in brackets (a table of the
# report's own, `| 时间 | 地点 |`, stays text)
_META_LINE = re.compile(rf"^[\s\-•·*|(]*(?:{_LABEL})\s*[:：]")
_META_CELL = re.compile(
    rf"^[\s\-•·*|]*(?:[\[【]\s*(?:{_LABEL})\s*[\]】]|(?:{_LABEL})\s*\|)"
    # or a row of the table whose labels are further along (| 公开目录 | 结果公示 | 发布日期 |)
    rf"|^\s*\|.*\|\s*(?:{_LABEL})\s*[|:：]"
)
_LABELLED = re.compile(rf"(?:{_LABEL})\s*[:：]")  # a label anywhere in a line
_LABEL_ONLY = re.compile(_META_LINE.pattern + r"\s*$")  # `• 发文字号:`, its value below
_TITLE_LABEL = re.compile(r"^[\s\-•·*|]*[\[【]?\s*(?:标\s*题|名\s*称)\s*[\]】]?\s*[:：|]\s*")
# A date alone on a line (a page's date above the report, a signature's below it)
_DATE_ALONE = r"20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|20\d\d[-./]\d{1,2}[-./]\d{1,2}"
_TITLE_WORDS = re.compile(r"报告|总结|情况|述法")
_SENTENCE_END = re.compile(r"[。:：;；!！?？]\s*$")
# Signature block at the end: the issuing body and a date, each alone on its line.
# How the body issuing a report ends its name: 人民政府, 党委, 党工委, 街道办事处, 司法所
_ISSUER = "政府|党委|党工委|委员会|办事处|办公室|司法所"
_SIGNATURE_LINE = re.compile(rf"^(?:[\u4e00-\u9fff()（）]{{2,30}}(?:{_ISSUER})|{_DATE_ALONE})$")
# an official document's last line (GB/T 9704's 印发机关和印发日期), the printing office and
# day: 同心县王团镇党政办公室 2025年2月10日印发
_PRINTED_LINE = re.compile(rf"^[\u4e00-\u9fff()（）]{{2,30}}\s*(?:{_DATE_ALONE})\s*印发$")
_DATE_LINE = re.compile(rf"^\s*(?:{_DATE_ALONE})(?:\s+\d{{1,2}}:\d\d(?::\d\d)?)?\s*$")
# an official document's number alone on its line (GB/T 9704's 发文字号: 雷东府〔2025〕26号)
_DOC_NUMBER = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*20\d\d\s*[〕\]】)）]\s*\d{1,4}\s*号$"
)
# a date with its clock time in a short line (浙江/台州-2026-01-27 00:00:00): a page's stamp,
# never a report's sentence
_STAMP = re.compile(r"20\d\d[-./]\d{1,2}[-./]\d{1,2}\s+\d{1,2}:\d\d")
_WS = re.compile(r"[\s\u00a0\u3000]+")
_CONTENT = re.compile(r"[\w\u3400-\u9fff]")
_HEADING_START = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．是]|[(（]|\d{1,2}\s*[、.．)）])")
_ISSUER_END = re.compile(rf"(?:{_ISSUER})$")
_NUMERALS = set("一二三四五六七八九十0123456789")
_META_PAIR = re.compile(r"(发布时间|信息来源)\s*[:：]")
# spaces a flattened document left between characters (`_rejoined`); of 128 reports only
# one such copy has a body line of 80 characters with 3 of them (海滨街道, stop 30)
_HAN_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \t]+(?=[\u3400-\u9fff])")
_NUMBER_GAP = re.compile(r"(?<=[\u3400-\u9fff])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[\u3400-\u9fff])")
_FLAT_LENGTH, _FLAT_GAPS = 80, 3


@dataclass(frozen=True)
class CleanText:
    """A report's lines sorted by role; all as written (original script)."""

    title: str | None
    meta: tuple[str, ...]
    body: tuple[str, ...]
    signature: tuple[str, ...] = ()


def _tidy(line: str) -> str:
    if "[" in line:  # most lines have no inline markup
        line = _INLINE_NOISE.sub("", line)
    if "(" in line or "（" in line:
        line = _PINYIN.sub("", line)
    return line.replace("\u00a0", " ").replace("\u3000", " ").strip()


def is_noise(line: str) -> bool:
    norm = normalize(line)
    if _NOISE_LINE.match(norm):
        return True
    if not _CONTENT.search(norm):
        return True
    # one character alone is a page's widget (字号 大 / 中 / 小), never a report's line (无。
    # is: an answer under its heading; so is a heading's number on its own line)
    alone = norm.strip()
    if len(alone) == 1:
        return alone not in _NUMERALS
    return _is_furniture(alone)


def _is_furniture(alone: str) -> bool:
    """Today's date, a page number, a printing line or a bare breadcrumb. Each pattern is
    tried only on lines that could hold it (cleaning runs on every line of every report)."""
    if "星期" in alone and len(alone) <= 40 and _TODAY.search(alone):
        return True
    if len(alone) <= 15 and _PAGE_NUMBER.match(alone):
        return True
    if alone.endswith("印发") and _PRINTED_LINE.match(alone):
        return True
    if ">" not in alone and "›" not in alone and "»" not in alone:
        return False
    # a breadcrumb: two separators before any sentence mark (the page's date and widgets may
    # follow on its line: …> 法治政府建设年度报告日期:2025-02-28 14:30 字体:[ 大 中 小 ])
    mark = _SENTENCE_MARK.search(alone)
    trail = alone[: mark.start()] if mark else alone
    return trail.count(">") + trail.count("›") + trail.count("»") >= 2


def _looks_like_title(line: str) -> bool:
    """A report's title: 8 to 60 characters naming a 报告, 总结, 情况 or 述法, not a sentence
    and not a heading (六郎镇2024年…报告 and 2020年…报告 are titles; 一、…情况 is not;
    工作报告 alone is a site's column)."""
    norm = normalize(line)
    return (
        8 <= len(norm) <= 60
        and bool(_TITLE_WORDS.search(norm))
        and not _SENTENCE_END.search(norm)
        and "现将" not in norm
        and not _HEADING_START.match(norm)
    )


def _is_header(line: str) -> bool:
    """A short line that is no sentence and no heading: above a title, the site's name,
    its column, the issuing body (大河乡人民政府, 政府信息公开, 搜索位置)."""
    norm = normalize(line)
    return len(norm) <= 40 and not _SENTENCE_MARK.search(norm) and not _HEADING_START.match(norm)


def _title_in(header: list[str], line: str) -> tuple[str, int] | None:
    """The title a line makes, alone or after the header's last line, and how many header
    lines it takes: the issuing body on the line above (仁和镇人民政府 / 关于2024年度…的
    报告), or a title broken in two (柳城县龙头镇2025年法治政府建设 / 年度报告)."""
    above = header[-1] if header else ""
    starts = bool(above) and bool(_ISSUER_END.search(above) or "法治" in above)
    if starts and not _TITLE_WORDS.search(normalize(above)) and _looks_like_title(above + line):
        return above + line, 1
    return (line, 0) if _looks_like_title(line) else None


def clean(text: str) -> CleanText:
    """Drop noise, pull out the title and metadata lines, keep every content line."""
    page = _Page()
    for raw in text.splitlines():
        line = _tidy(raw)
        if line and not is_noise(line):
            page.add(line)
    return page.sorted()


class _Page:
    """A page's lines sorted as they come: metadata, the title, the page's header (short
    lines above the report's text, `_is_header`), the report's text."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.squeezed_title = ""
        self.meta: list[str] = []
        self.header: list[str] = []
        self.pending: list[str] = []  # short lines under the title, the page's or the text's
        self.body: list[str] = []
        self.value_due = False  # the line before was a label whose value is on the next line

    def add(self, line: str) -> None:
        before_body = not self.body
        if _is_meta(line, before_body) or (self.value_due and _is_value(line, before_body)):
            self.meta.extend(self.pending)  # a site's lines above its table (浙江/台州 招标采购)
            self.pending.clear()
            self.meta.append(line)
            self.value_due = bool(_LABEL_ONLY.match(normalize(line)))
            if self.title is None and (title := _labelled_title(line)):
                self._entitle(title)
            return
        self.value_due = False
        if before_body and self._above_body(line):
            return
        # the title repeated under the page header (a line starts with a non-space)
        squeezed = self.squeezed_title
        if line[0] == squeezed[:1] and _WS.sub("", line) == squeezed:
            return
        self.body.append(line)

    def _above_body(self, line: str) -> bool:
        """Takes a line above the report's text if it is the title or the page's header."""
        if self.title is None and (found := _title_in(self.header, line)):
            del self.header[len(self.header) - found[1] :]
            self._entitle(found[0])
            return True
        if _is_header(line) and (self.title is None or self._of_title(line)):
            self.header.append(line)
            return True
        if _is_header(line):  # under the title: decided by what follows (`add`, `_flush_header`)
            self.pending.append(line)
            return True
        self._flush_header()
        return False

    def _of_title(self, line: str) -> bool:
        """Whether a short line under the title belongs to it: part of it, the issuing
        body, or the title in other words. Only those: a PDF's text wraps, and the first
        line of its first paragraph may hold no punctuation."""
        squeezed = _WS.sub("", line)
        return (
            squeezed in self.squeezed_title
            or bool(_ISSUER_END.search(normalize(squeezed)))
            or _looks_like_title(line)
        )

    def _entitle(self, title: str) -> None:
        self.title = _WS.sub(" ", title.strip(" |"))
        self.squeezed_title = _WS.sub("", self.title)

    def _flush_header(self) -> None:
        """Short lines above the text are the page's header when the page has a title
        (its site, the issuing body, the title again in two lines), else the report's."""
        (self.meta if self.title else self.body).extend(self.header)
        self.header.clear()
        # short lines under the title that the text follows, not the site's metadata: the
        # text's own (a PDF's first line may hold no punctuation)
        self.body.extend(self.pending)
        self.pending.clear()

    def sorted(self) -> CleanText:
        self._flush_header()
        body, signature = self.body, []
        while body and len(signature) < 3 and _SIGNATURE_LINE.match(normalize(body[-1])):
            signature.insert(0, body.pop())
        body = [_rejoined(line) for line in body]
        return CleanText(self.title, tuple(self.meta), tuple(body), tuple(signature))


def _rejoined(line: str) -> str:
    """A document's text flattened into one line (a file-sharing site's copy of a .docx)
    keeps a space where each printed line ended: 深入推进法 治政府建设, 2020 年, 辖区 72 个网格.
    Chinese puts no space between characters, nor between a number and its measure word;
    a long line with several such gaps has them closed. A short line keeps its spaces (a
    greeting's two issuers, 中共…委员会 …人民政府)."""
    # a line with no space or tab (most) is not searched: the regex, tried at every
    # character, was 12 % of cleaning
    gapless = " " not in line and "\t" not in line
    if len(line) < _FLAT_LENGTH or gapless or len(_HAN_GAP.findall(line)) < _FLAT_GAPS:
        return line
    return _NUMBER_GAP.sub("", _HAN_GAP.sub("", line))


def _is_value(line: str, before_body: bool) -> bool:
    """Whether a line after a bare label (`• 发文字号:`) is its value (`镇政发〔2024〕7号`):
    above the report, short, and not the report's title."""
    return before_body and len(line) <= 40 and not _looks_like_title(line)


def _labelled_title(line: str) -> str | None:
    """The title a `标题:`/`名称:` metadata line gives, if it reads as one."""
    named = _TITLE_LABEL.sub("", line, count=1)
    if named == line or not _looks_like_title(named):
        return None
    return _WS.sub(" ", named.strip(" |"))


def _two_labels(norm: str) -> bool:
    """Whether a line holds two labels with their colons (tried only with two colons)."""
    return norm.count(":") + norm.count("：") >= 2 and len(_LABELLED.findall(norm)) >= 2


def _is_meta(line: str, before_body: bool) -> bool:
    """A metadata line: a label and its value (`_META_LINE`), a short line such as
    `发布时间:2025-04-11 信息来源:辰溪县潭湾镇` with the pair anywhere in it, or with two
    labels anywhere (浏览:5072次 时间:2022-12-07 来源:本站), or, above the report, a site's
    table row (`_META_CELL`) or a date alone."""
    norm = normalize(line)
    if _META_LINE.match(norm):
        return True
    if len(norm) < 80 and (_META_PAIR.search(norm) or _two_labels(norm)):
        return True
    if not before_body:
        return False
    return bool(
        _META_CELL.match(norm)
        or _DATE_LINE.match(norm)
        or _DOC_NUMBER.match(norm.strip())
        or (len(norm) <= 40 and _STAMP.search(norm) and not _SENTENCE_END.search(norm))
    )
