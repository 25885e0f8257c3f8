"""One question in, one rendered answer out: shared by Telegram and the console."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

from retrieval import (
    Hit,
    Index,
    Query,
    SearchResult,
    asks_for_reports,
    follow_up,
    is_traditional,
    kinds_listed,
    to_simplified,
    topic_there,
)

from .querylog import LoggedQuestion, QueryLog
from .render import (
    EXAMPLE_TOPICS,
    PAGE_SIZE,
    SIMPLIFIED,
    TRADITIONAL,
    answer_html,
    help_html,
    in_script,
    no_hits_html,
    reports_html,
    where_named,
)
from .service import SearchService


@dataclass(frozen=True)
class Answer:
    html: str
    result: SearchResult
    question_id: int | None  # the query-log row, when logging worked
    page: int

    @property
    def has_hits(self) -> bool:
        return bool(self.result.hits)


def script_of(text: str) -> str:
    return TRADITIONAL if is_traditional(text) else SIMPLIFIED


# What may end a message that is not a question: punctuation, spaces, a tilde
_ENDING = "[?？!！。.~～\\s]*"

# A message that asks how to use the bot, not about reports: 帮助 searched the reports for
# 帮助, 有什么功能 answered with a passage on 政务服务功能, and 怎么上传报告 found nothing
# (the help says how admins add reports)
_HELP = re.compile(
    "(?:帮助|使用说明|说明书?|怎么用|如何使用|怎么使用|怎么问|怎么提问|你能做什么|你会什么|"
    "有什么功能|有哪些功能|功能|菜单|help|"
    "(?:怎么|如何|怎样)?(?:上传|添加|导入|发送?)(?:新的?)?(?:报告|文件))" + _ENDING,
    re.IGNORECASE,
)


# A message that only asks for another page of the answer before (下一页, 更多, 还有吗;
# 上一页): the console turns the page; in Telegram the answer's buttons do, and it says so.
# As questions they found nothing (没有找到与“下一页”相关的内容).
_NEXT_PAGE = re.compile("(?:下一?页|后一页|翻页|更多|还有吗|还有呢|还有没有|继续)" + _ENDING)
_PREVIOUS_PAGE = re.compile("(?:上一?页|前一页)" + _ENDING)


def page_asked(text: str) -> int | None:
    """1 when a message only asks for the next page, -1 for the page before, else None."""
    plain = to_simplified(text).strip()
    if _NEXT_PAGE.fullmatch(plain):
        return 1
    return -1 if _PREVIOUS_PAGE.fullmatch(plain) else None


def help_asked(text: str, username: str | None) -> str | None:
    """/help's text in the message's script when a message (its mention taken out) only
    asks how to use the bot; else None."""
    if not _HELP.fullmatch(to_simplified(text).strip()):
        return None
    return in_script(help_html(username), script_of(text))


def _render(service: SearchService, result: SearchResult, script: str, page: int) -> str:
    """The answer's HTML; with no hits it searches again (`words_that_find`,
    `found_elsewhere`), so callers run it off the event loop."""
    if not result.hits:
        index, query = service.index, result.query
        shorter = index.words_that_find(query)
        elsewhere = index.found_elsewhere(query)
        near = [town for p in query.unknown_places for town in index.places.spelt_like(p)]
        # a place or year alone (王团镇): what there is to ask about there
        examples = () if query.terms else index.topics_held(query, EXAMPLE_TOPICS)
        reports = index.corpus.reports
        return no_hits_html(query, reports, script, shorter, elsewhere, near, examples)
    return answer_html(
        result, [_highlights(service, result, hit) for hit in result.hits], script, page
    )


def _reports_listed(service: SearchService, query: Query, script: str) -> tuple[str, int]:
    """Which reports there are where a question asks (有哪些镇的报告, 湖北有哪些镇), and
    how many."""
    index = service.index
    kinds = kinds_listed(query)
    reports = [index.corpus.reports[i] for i in index.reports_named(query, kinds)]
    where = where_named(query)
    if kinds:  # 北京市的街道, 街道
        where = f"{where}的{'、'.join(kinds)}" if where else "、".join(kinds)
    return reports_html(reports, index.corpus.passage_counts(), where, script), len(reports)


def _highlights(service: SearchService, result: SearchResult, hit: Hit) -> list[str]:
    """Words to bold: the question's whole words and the related words (押韵的小段子 →
    顺口溜) the passage holds, else the parts of words it holds."""
    words = {group[-1][0] for group in result.query.groups}
    words.update(term for term, _ in result.query.weights)
    whole = [t for t in hit.matched if t in words]
    return service.index.pipeline.surface_forms(whole or hit.matched)


def resolve(service: SearchService, question: str, previous: LoggedQuestion | None) -> str:
    """The question to search: a reply like 那峰灵镇呢 keeps the earlier topic, unless that
    topic found nothing in any report (天气怎么样, then 殷祖镇2024年干了啥: a new question,
    not 殷祖镇 2024年 天气怎么样). A topic that found nothing where the question looked
    (a town named, or left out: 除了峰灵镇…首违不罚) may be found where the reply looks."""
    if previous is None:
        return question
    index = service.index
    before = index.parse(previous.effective)
    if not previous.hit_count and not (before.places or before.years or before.excluded):
        return question
    reply = index.parse(question)
    return follow_up(before, reply) or _topic_there(index, before, reply) or question


def _topic_there(index: Index, before: Query, reply: Query) -> str | None:
    """普法 in reply to 王团镇 alone, which the bot asked what about: 王团镇's 普法
    (`topic_there`); in reply to 2021年峰灵镇, 峰灵镇's, as the examples offered there
    (the town has no 2021 report)."""
    before = index.in_years_held(before)
    return topic_there(before, reply) if index.reports_named(before) else None


async def answer_question(
    service: SearchService,
    qlog: QueryLog,
    question: str,
    *,
    chat_id: int,
    chat_type: str,
    user_id: int | None,
    previous: LoggedQuestion | None = None,
    source: str = "telegram",
) -> Answer:
    started = time.perf_counter()
    effective = resolve(service, question, previous)
    result = await service.search(effective, top_k=PAGE_SIZE)
    latency_ms = (time.perf_counter() - started) * 1000
    script = script_of(question)
    query = result.query
    listing = None
    if asks_for_reports(query):  # a Report per report listed: off the event loop
        listing = await asyncio.to_thread(_reports_listed, service, query, script)
    if listing is not None:  # a list of reports, not passages: no pages, no votes
        result = SearchResult(query, (), 0)
    question_id = await qlog.record_question(
        chat_id=chat_id,
        chat_type=chat_type,
        user_id=user_id,
        question=question,
        effective=effective,
        script=script,
        filters={name: list(values) for name, values in query.filters().items()},
        hit_ids=[h.passage.id for h in result.hits],
        scores=[h.score for h in result.hits],
        hit_count=listing[1] if listing else result.total,  # a listing: reports listed
        latency_ms=latency_ms,
        source=source,
    )
    html = listing[0] if listing else await asyncio.to_thread(_render, service, result, script, 0)
    return Answer(html, result, question_id, 0)


async def answer_page(service: SearchService, logged: LoggedQuestion, page: int) -> Answer:
    """Another page of a logged question's results (works across restarts)."""
    result = await service.search(logged.effective, top_k=PAGE_SIZE, offset=page * PAGE_SIZE)
    html = await asyncio.to_thread(_render, service, result, logged.script, page)
    return Answer(html, result, logged.id, page)
