"""Pure rendering: search results and admin reports as Telegram HTML (or plain text).

Every corpus and user string is escaped; every message fits Telegram's 4096 characters;
answers are written in the script the user wrote in.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from retrieval import (
    Elsewhere,
    Hit,
    Query,
    Report,
    ReportTable,
    SearchResult,
    to_simplified,
    to_traditional,
)
from retrieval.sentences import SENTENCE_END
from retrieval.text import HAN_CHARACTER, LATIN_WORD, normalize

from .callbacks import ButtonSigner
from .querylog import Stats
from .service import ReloadSummary

PAGE_SIZE = 3
MAX_MESSAGE = 4096
TRADITIONAL = "traditional"
SIMPLIFIED = "simplified"
# The query log keeps UTC; staff read Beijing time (all of China keeps it, with no summer time)
BEIJING = timezone(timedelta(hours=8))


def in_script(text: str, script: str) -> str:
    """The text in the user's script (HTML tags and entities are ASCII and unaffected)."""
    return to_traditional(text) if script == TRADITIONAL else to_simplified(text)


def _spans(text: str, forms: Iterable[str]) -> list[tuple[int, int]]:
    """Merged character spans of the matched words inside a displayed text."""
    norm = normalize(text)
    if len(norm) != len(text):
        return []  # script conversion changed the length: show the passage unmarked
    spans = sorted(
        (m.start(), m.end()) for form in forms if form for m in re.finditer(re.escape(form), norm)
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def excerpt(text: str, forms: Sequence[str], limit: int = 240) -> str:
    """Escaped HTML of a passage: matched words in bold, cut where most of the different
    matched words come together (the earliest such place; a quarter of the window before
    the match it starts at). Its lines stay lines (merged points, each under its heading),
    their spaces collapsed."""
    text = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    spans = _spans(text, forms)
    start = (
        _sentence_start(text, spans, _window(text, spans, limit), limit) if len(text) > limit else 0
    )
    end = min(len(text), start + limit)
    out = ["…" if start else ""]
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out += [html.escape(text[at:s]), "<b>", html.escape(text[s:e]), "</b>"]
        at = e
    out.append(html.escape(text[at:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def _sentence_start(text: str, spans: list[tuple[int, int]], start: int, limit: int) -> int:
    """The window's start moved to the beginning of the sentence holding its first match,
    when that lies within half a window before the match (it began …待提高，执法程序…,
    mid-sentence); else the start as it was (a sentence longer than that)."""
    first = next((s for s, _ in spans if s >= start), None)
    if first is None:
        return start
    ends = list(SENTENCE_END.finditer(text, max(0, first - limit // 2), first))
    return ends[-1].end() if ends else start


def _window(text: str, spans: list[tuple[int, int]], limit: int) -> int:
    """Where a `limit`-character excerpt of a long text starts: before the match from which
    the window holds the most different matched words (a passage's 法治 in its first line
    and 执法记录仪 with 全过程 further on: the window shows the latter together)."""
    best, start = -1, 0
    for s, _ in spans:
        at = max(0, min(s - limit // 4, len(text) - limit))
        words = {text[a:b] for a, b in spans if a >= at and b <= at + limit}
        if len(words) > best:
            best, start = len(words), at
    return start


def source_line(report: Report, section: str) -> str:
    year = f"{report.year}年报告" if report.year else "年份不详"
    parts = [f"<b>{html.escape(report.name)}</b>", html.escape(report.county_shown), year]
    if report.url:
        parts.append(f'<a href="{html.escape(report.url, quote=True)}">原文</a>')
    line = " · ".join(parts)
    if section:
        if len(section) > 70:
            section = "…" + section[-69:]
        line += f"\n<i>{html.escape(section)}</i>"
    return line


def _hit_block(n: int, hit: Hit, forms: Sequence[str], limit: int, script: str) -> str:
    text = in_script(hit.passage.text, script)
    section = in_script(hit.passage.section, script)
    quote = excerpt(text, forms, limit)
    # shown for its meaning, not its words; holding only common parts of the question's words
    tag = "（意思相近）" if hit.near else "（部分相关）" if hit.partial else ""
    return f"{n}. {tag}{source_line(hit.report, section)}\n<blockquote>{quote}</blockquote>"


def _found_header(result: SearchResult) -> str:
    """找到 12 段相关内容、40 段部分相关的内容和 1 段意思相近的内容: only passages relevant in
    full count as 相关 (`relevance`); the others are named for what they are."""
    full = result.total - result.near - result.partial
    kinds = [f"{full} 段相关内容"] if full else []
    if result.partial:
        kinds.append(f"{result.partial} 段部分相关的内容")
    if result.near:  # passages shown for their meaning, not their words
        kinds.append(f"{result.near} 段意思相近的内容")
    return "找到 " + ("、".join(kinds[:-1]) + "和 " if len(kinds) > 1 else "") + kinds[-1]


def answer_html(
    result: SearchResult, forms: Sequence[Sequence[str]], script: str, page: int = 0
) -> str:
    """The answer to a question with hits: a header, then each hit with its source line.

    `forms[i]` are the words to bold in hit i.
    """
    pages = -(-result.total // PAGE_SIZE)
    if result.tentative:  # only a small part of the question matched: say so
        header = f"没有完全对应的内容，以下 {result.total} 段可能相关"
    else:
        header = _found_header(result)
    header += f"（第 {page + 1}/{pages} 页）：" if pages > 1 else "："
    if where := where_named(result.query):  # how the question's places were read
        header = f"{html.escape(where)}，{header}"
    if result.query.counties and any(hit.report.county is None for hit in result.hits):
        # reports the gazetteer places there only by their township's name (Index)
        named = html.escape("、".join(result.query.counties))
        header += f"\n（标“县区不详”的报告未写明所属县区，{named}有同名乡镇）"
    for limit in (260, 180, 120, 60):
        blocks = [
            _hit_block(page * PAGE_SIZE + n, hit, hit_forms, limit, script)
            for n, (hit, hit_forms) in enumerate(zip(result.hits, forms, strict=True), start=1)
        ]
        message = in_script("\n\n".join([header, *blocks]), script)
        if len(message) <= MAX_MESSAGE:
            return message
    return message[: MAX_MESSAGE - 1] + "…"


def corpus_summary(reports: Sequence[Report]) -> str:
    towns = "、".join(f"{r.name}（{r.year or '年份不详'}）" for r in reports[:12])
    more = f"等 {len(reports)} 份" if len(reports) > 12 else f"共 {len(reports)} 份"
    return f"{towns}，{more}报告"


# What a reply to a place or year named alone (王团镇) offers as examples, in this order,
# those that find passages there (`Index.topics_held`): practices staff ask about first,
# and last the two words nearly every report holds (of the 51 towns of the 55 reports, 法治建设
# finds passages in 51, 依法行政 in 43, 普法 in 25, 法律顾问 in 16).
EXAMPLE_TOPICS = (
    "普法",
    "法律顾问",
    "行政执法",
    "依法决策",
    "学法",
    "合法性审查",
    "人民调解",
    "矛盾纠纷",
    "政务公开",
    "规范性文件",
    "行政复议",
    "信访",
    "法治宣传",
    "依法行政",
    "法治建设",
)

NOTHING_TO_LOOK_UP = "这句话里没有要查的内容。请直接说想了解哪方面的做法{}；发送 /help 查看用法。"


def years_named(years: Sequence[int]) -> str:
    """Years as a reply writes them: 2024年, 2022—2024年 for a span, 2021年、2023年."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return "、".join(f"{a}年" if a == b else f"{a}—{b}年" for a, b in runs)


def where_named(query: Query) -> str:
    """The places and years a question names, and those it leaves out: 湖北省2024年,
    除峰灵镇外, 2022—2024年; several places larger first, one from the next by 、
    (大冶市、保安镇2023年: run together they read 保安镇大冶市, 峰灵镇王团镇); and
    下一年的打算 for a question about 明年."""
    left_out = f"除{'、'.join(query.excluded)}外" if query.excluded else ""
    # 明年 is read as the year after each report (`query.AHEAD`): said, as a year is
    ahead = "下一年的打算" if query.ahead else ""
    return left_out + "、".join(query.places) + years_named(query.years) + ahead


def no_hits_html(
    query: Query,
    reports: ReportTable,
    script: str,
    shorter: Sequence[tuple[str, int]] = (),
    elsewhere: Elsewhere | None = None,
    spelt_like: Sequence[str] = (),
    examples: Sequence[str] = (),
) -> str:
    """Say plainly that nothing was found, what the corpus holds, and what to try; or,
    when the message holds nothing to look up (谢谢, 你好, 在吗), how to ask. `shorter`:
    words of the question that find passages alone, with how many (`Index.words_that_find`),
    suggested before anything else; `elsewhere`: what the question finds without the years
    or places it names, and in which towns (`Index.found_elsewhere`); `spelt_like`: the
    corpus's towns or counties a place it lacks may be a misspelling of (`Places.spelt_like`);
    `examples`: for a place or year named alone, topics that find passages there; for a
    message with nothing to look up, anywhere (`Index.topics_held` of EXAMPLE_TOPICS)."""
    if not (query.terms or query.names_place or query.years):
        return in_script(_how_to_ask(examples), script)
    elsewhere = elsewhere or Elsewhere()
    known_towns = set(reports.column("township_simplified"))  # one column, not every report
    missing = [p for p in query.unknown_places if p not in known_towns]
    years_missing = bool(query.years) and not set(query.years) & set(reports.years.tolist())
    if not query.terms and not missing and not years_missing:
        return in_script(_asked_what_about(query, elsewhere, examples), script)
    q = html.escape(query.text.strip()[:100])
    lines = [f"没有找到与“{q}”相关的内容。"]
    if missing:
        lines.append(f"语料中没有{html.escape('、'.join(missing))}的报告。")
    if spelt_like:
        lines.append(f"是不是要问{html.escape('、'.join(spelt_like))}？")
    if years_missing:
        lines.append(f"语料中没有 {'、'.join(map(str, query.years))} 年的报告。")
    if elsewhere.years_there:
        lines.append(_years_there(query, elsewhere))
    lines.append(f"现有：{html.escape(corpus_summary(reports))}。")
    lines.append(_what_to_try(query, shorter, elsewhere))
    return in_script("\n".join(lines), script)


def _how_to_ask(examples: Sequence[str]) -> str:
    """谢谢, 你好: how to ask, with topics the reports hold as examples (it offered
    王团镇的普法 whatever the corpus held)."""
    asks = [f"别的镇怎么做{examples[0]}", *examples[1:]] if examples else []
    shown = "".join(f"“{html.escape(a)}”" for a in asks)
    return NOTHING_TO_LOOK_UP.format(f"，例如{shown}" if shown else "")


def _years_there(query: Query, elsewhere: Elsewhere) -> str:
    """语料中峰灵镇只有 2025年的报告。"""
    places = html.escape("、".join(query.places))
    return f"语料中{places}只有 {years_named(elsewhere.years_there)}的报告。"


def _asked_what_about(query: Query, elsewhere: Elsewhere, examples: Sequence[str]) -> str:
    """A place or a year alone, which the corpus has (王团镇): what about it, with the
    examples that find passages there. When the places have no report of the years named
    (2021年峰灵镇), that first, and the examples without the years: 峰灵镇2021年普法 would
    find nothing."""
    lines = []
    if elsewhere.years_there:
        lines.append(_years_there(query, elsewhere))
        query = replace(query, years=())
    where = html.escape(where_named(query))
    shown = "".join(f"“{where}{html.escape(topic)}”" for topic in examples)
    lines.append(f"请说说想了解{where}哪方面的做法" + (f"，例如{shown}。" if shown else "。"))
    return "\n".join(lines)


def _what_to_try(query: Query, shorter: Sequence[tuple[str, int]], elsewhere: Elsewhere) -> str:
    """A "not found" reply's last line: the question's words that find passages alone,
    then what it finds without its places or years, else a plain suggestion."""
    if shorter:
        asks = "、".join(f"“{html.escape(word)}”（{n} 段）" for word, n in shorter)
        found = f"只问问题里的关键词能找到：{asks}，可以从这里开始。"
        return f"{found}\n{_found_without(elsewhere)}" if elsewhere.total else found
    if elsewhere.total:
        return _found_without(elsewhere)
    if query.names_place or query.years:
        return "可以去掉镇名或年份再问一次，看看其他乡镇的做法。"
    if LATIN_WORD.search(query.text) and not HAN_CHARACTER.search(query.text):  # how do towns do …
        return "报告都是中文的，请用中文提问，例如“法律顾问”“行政处罚”“人民调解”。"
    return "可以换个说法，或用更短的关键词，例如“法律顾问”“行政处罚”“人民调解”。"


# what a "not found" reply says was dropped to find passages, and what to drop
_WITHOUT = {
    ("ahead",): ("不限下一年的打算", "去掉“明年”"),
    ("years",): ("不限年份", "去掉年份"),
    ("places",): ("不限乡镇", "去掉镇名"),
    ("places", "years"): ("不限乡镇和年份", "去掉镇名或年份"),
}


def _found_without(elsewhere: Elsewhere) -> str:
    """不限年份能找到 3 段（峰灵镇），去掉年份再问一次即可。"""
    towns = html.escape("、".join(elsewhere.towns)) + ("等" if len(elsewhere.towns) >= 3 else "")
    unlimited, drop = _WITHOUT[elsewhere.without]
    return f"{unlimited}能找到 {elsewhere.total} 段（{towns}），{drop}再问一次即可。"


PREVIOUS_PAGE, NEXT_PAGE = "◀ 上一页", "下一页 ▶"
# the reply to 下一页 or 更多 typed in Telegram, where the answer's buttons turn its pages
PAGE_BY_BUTTONS = f"请点回答下面的“{NEXT_PAGE}”“{PREVIOUS_PAGE}”按钮翻页。"


def answer_keyboard(
    signer: ButtonSigner, question_id: int, chat_id: int, page: int, total: int
) -> InlineKeyboardMarkup:
    """Paging and 👍/👎 buttons.

    Callback data names the logged question (not memory), so buttons survive restarts, and
    is signed for this chat (bot/callbacks.py).
    """
    nav = []
    if page > 0:
        data = signer.page(question_id, page - 1, chat_id)
        nav.append(InlineKeyboardButton(PREVIOUS_PAGE, callback_data=data))
    if (page + 1) * PAGE_SIZE < total:
        data = signer.page(question_id, page + 1, chat_id)
        nav.append(InlineKeyboardButton(NEXT_PAGE, callback_data=data))
    votes = [
        InlineKeyboardButton("👍 有用", callback_data=signer.vote(question_id, 1, chat_id)),
        InlineKeyboardButton("👎 没用", callback_data=signer.vote(question_id, -1, chat_id)),
    ]
    return InlineKeyboardMarkup([nav, votes] if nav else [votes])


TOWNS_LISTED = 40  # above this, /towns summarises by county and /towns 县名 lists one


def split_lines(lines: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Messages of whole lines, each at most `limit` characters (a line is never cut, so
    its HTML tags stay closed)."""
    messages: list[str] = []
    current = ""
    for line in lines:
        line = line[:limit]
        if current and len(current) + 1 + len(line) > limit:
            messages.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*messages, current] if current else messages


def _report_line(r: Report, passage_counts: dict[str, int]) -> str:
    town, county = html.escape(r.name), html.escape(r.county_shown)
    return (
        f"• <b>{town}</b> · {county} · {r.year or '年份不详'}年 · "
        f"{passage_counts.get(r.source, 0)} 段"
    )


def towns_messages(
    reports: Sequence[Report], passage_counts: dict[str, int], where: str = ""
) -> list[str]:
    """/towns: every report, or with many a summary by county or by province (`_listing`);
    `/towns 县名` the same for the reports of the counties, towns or provinces (/towns 湖北)
    whose name contains it."""
    if not reports:
        return ["语料中还没有报告。"]
    if where:
        chosen = [r for r in reports if any(where in (name or "") for name in _names_of(r))]
        if not chosen:
            return [f"没有找到“{html.escape(where)}”的报告。发送 /towns 查看全部县区。"]
        return _listing(chosen, passage_counts, f"“{html.escape(where)}”")
    return _listing(reports, passage_counts, "语料中")


def reports_html(
    reports: Sequence[Report], passage_counts: dict[str, int], where: str, script: str
) -> str:
    """The answer to 有哪些镇的报告, 湖北有哪些镇, 2024年有哪些报告: the reports in the places
    and years named (`where`, empty for none), listed as /towns lists them, in one message."""
    if not reports:
        return in_script(f"语料中没有{html.escape(where)}的报告。发送 /towns 查看全部。", script)
    messages = _listing(reports, passage_counts, html.escape(where) or "语料中")
    more = "\n……发送 /towns 查看全部。" if len(messages) > 1 else ""
    return in_script(messages[0] + more, script)


def _listing(reports: Sequence[Report], passage_counts: dict[str, int], where: str) -> list[str]:
    """Under `where`共有 N 份报告: every report when they are few or all of one county; else
    a line per county when those are few or all of one province; else a line per province
    (5,005 reports from 2,269 counties made 2,270 lines, a dozen messages, of /towns)."""
    counties = Counter((r.province or "", r.county or "县区不详") for r in reports)
    if len(reports) <= TOWNS_LISTED or len(counties) == 1:
        head = f"{where}共有 {len(reports)} 份报告："
        return split_lines([head, *(_report_line(r, passage_counts) for r in reports)])
    provinces = Counter(province for province, _ in counties.elements())
    if len(counties) <= TOWNS_LISTED or len(provinces) == 1:
        lines = [f"{where}共有 {len(reports)} 份报告，来自 {len(counties)} 个县区："]
        for (province, county), n in sorted(counties.items()):
            named = f"{html.escape(county)}（{html.escape(province)}）" if province else county
            lines.append(f"• {named}：{n} 份")
        example = next((c for _, c in sorted(counties) if c != "县区不详"), "大冶")
        lines.append(f"发送 /towns 县区名（例如 /towns {html.escape(example)}）查看该县区的报告。")
        return split_lines(lines)
    in_province = Counter(province for province, _ in counties)
    lines = [
        f"{where}共有 {len(reports)} 份报告，来自 {len(provinces)} 个省份、{len(counties)} 个县区："
    ]
    for province, n in sorted(provinces.items()):
        held = f"，{in_province[province]} 个县区" if province else ""
        lines.append(f"• {html.escape(province or '省份不详')}：{n} 份{held}")
    example = next((p for p in sorted(provinces) if p), "湖北")
    lines.append(f"发送 /towns 省份名（例如 /towns {html.escape(example)}）查看该省份的县区。")
    return split_lines(lines)


def _names_of(report: Report) -> tuple[str | None, ...]:
    return (report.county, report.township, report.township_simplified, report.province)


COMMANDS: tuple[tuple[str, str], ...] = (
    ("ask", "提问，例如 /ask 别的镇怎么落实一村一法律顾问"),
    ("towns", "查看语料中有哪些乡镇的报告（/towns 县名 查看某县区）"),
    ("help", "使用说明"),
    ("start", "开始使用"),
    ("reload", "（管理员）重新加载报告"),
    ("remove", "（管理员）把一份报告移入回收站：/remove 文件名或乡镇"),
    ("stats", "（管理员）查看提问统计"),
)


def help_html(bot_username: str | None) -> str:
    at = f"@{bot_username}" if bot_username else "@机器人"
    return "\n".join(
        [
            "<b>乡镇法治报告问答</b>",
            "我从各乡镇的法治政府建设年度报告里找出最相关的原文段落，并注明乡镇、县区、年份和章节。",
            "",
            "<b>私聊</b>：直接发送问题即可；接着发“那峰灵镇呢？”“2023年的呢”可以追问。",
            "<b>群聊</b>：",
            f"• /ask 问题（或 /ask{at} 问题）",
            f"• 在消息里 {html.escape(at)} 提问",
            "• 回复我的回答继续追问，例如“那峰灵镇呢？”“2023年的呢”",
            "群里的其他聊天我不会回应。",
            "",
            "<b>关于隐私模式</b>：机器人默认开启隐私模式，"
            "在群里只能收到 / 开头的命令和对它消息的回复，"
            f"有些情况下收不到 {html.escape(at)}。如果 @ 我没有反应，请改用 /ask，"
            "或请群管理员把我设为管理员（或在 @BotFather 用 /setprivacy 关闭隐私模式）。",
            "",
            "<b>提问技巧</b>：写明乡镇名或年份会只看该镇、该年的报告，例如“王团镇2024年行政处罚多少件”；"
            "问“明年”看的是各报告写给下一年的打算，例如“各镇明年普法有什么打算”；"
            "用繁体提问会得到繁体回答。问“有哪些镇的报告”“湖北有哪些镇”可看收录了哪些报告。",
            "标“部分相关”的段落只对上问题的一部分（如问“三项制度”只对上“制度”），"
            "标“意思相近”的段落用词不同、意思接近。",
            "",
            "<b>管理员添加报告</b>：私聊把报告文件（.docx、.pdf、.txt、.md、网页）发给我，"
            "或在群里发送文件并附上说明 /add；我会先给出识别结果，确认后才保存。",
            "",
            "<b>命令</b>：",
            *(f"/{name} — {html.escape(desc)}" for name, desc in COMMANDS),
        ]
    )


def html_to_text(message: str) -> str:
    """Plain text of a rendered message, for the console."""
    message = re.sub(r"</?blockquote>", "\n", message)
    message = re.sub(r"<b>|</b>", "*", message)
    return html.unescape(re.sub(r"<[^>]+>", "", message)).replace("\n\n\n", "\n\n").strip()


def _files(reports: Sequence[Report]) -> str:
    return "、".join(
        f"{html.escape(r.source)}（{html.escape(r.township or '乡镇不详')}）" for r in reports
    )


def reload_html(summary: ReloadSummary) -> str:
    lines = [
        f"✅ 重新加载完成，用时 {summary.seconds:.1f} 秒：{summary.reports} 份报告，"
        f"{summary.passages} 个段落。"
    ]
    for label, reports in (
        ("新增", summary.added),
        ("删除", summary.removed),
        ("更新", summary.changed),
    ):
        if reports:
            lines.append(f"{label} {len(reports)} 份：{_files(reports)}")
    if not (summary.added or summary.removed or summary.changed):
        lines.append("报告没有变化。")
    if summary.skipped:
        lines.append(f"⚠️ 跳过 {len(summary.skipped)} 个文件：")
        lines += [f"• {html.escape(s.source)}：{html.escape(s.reason)}" for s in summary.skipped]
    return "\n".join(lines)[:MAX_MESSAGE]


def _beijing_time(logged: str) -> str:
    """A query-log time (ISO 8601, UTC) as staff read it: 2026-12-02 09:20 北京时间."""
    at = datetime.fromisoformat(logged)
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return f"{at.astimezone(BEIJING):%Y-%m-%d %H:%M} 北京时间"


def stats_html(stats: Stats, days: int = 7) -> str:
    lines = [f"<b>最近 {days} 天共 {stats.total} 个提问</b>"]
    if stats.log_down:
        lines.insert(
            0, f"⚠️ 查询日志暂时无法写入，{stats.pending} 条记录在内存中等待写入，以下数字不含它们。"
        )
    for chat_id, chat_type, count in stats.by_chat:
        lines.append(f"• 会话 {chat_id}（{html.escape(chat_type)}）：{count}")
    if stats.frequent:
        lines.append("\n<b>最常见的问题</b>")
        lines += [
            f"{n}. {html.escape(q[:60])}（{c}次）" for n, (q, c) in enumerate(stats.frequent, 1)
        ]
    if stats.no_hits:
        lines.append("\n<b>最近没有找到答案的问题</b>")
        lines += [f"• {html.escape(q[:60])}（{_beijing_time(ts)}）" for q, ts in stats.no_hits]
    lines.append(f"\n反馈：👍 {stats.up}  👎 {stats.down}")
    return "\n".join(lines)[:MAX_MESSAGE]
