"""`python -m bot --console`: the bot's answers as plain text, without Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from typing import TextIO

from .answering import Answer, answer_page, answer_question, help_asked, page_asked, script_of
from .querylog import LoggedQuestion, QueryLog
from .render import (
    PAGE_SIZE,
    help_html,
    html_to_text,
    in_script,
    reload_html,
    stats_html,
    towns_messages,
)
from .service import ReloadFailed, SearchService
from .settings import Settings

CONSOLE_CHAT_ID = 0
PROMPT = "问> "
# Paging, which Telegram does with the answer's buttons
MORE_PAGES = "（输入“下一页”看后面的内容）"
NOTHING_TO_PAGE = "没有可以翻页的回答，请先提问。"
FIRST_PAGE = "已经是第一页了。"
LAST_PAGE = "已经是最后一页了。"


class _Conversation:
    """The console's one chat: the last question answered, which the next line may follow
    up (那峰灵镇呢) or page through (下一页), and the page of it shown."""

    def __init__(self, service: SearchService, qlog: QueryLog) -> None:
        self.service, self.qlog = service, qlog
        self.previous: LoggedQuestion | None = None
        self.page = self.pages = 0

    async def ask(self, line: str) -> str:
        """The answer to a line, as the bot gives it (a follow-up where it reads as one),
        with how to see its next page."""
        answer = await answer_question(
            self.service,
            self.qlog,
            line,
            chat_id=CONSOLE_CHAT_ID,
            chat_type="console",
            user_id=None,
            previous=self.previous,
            source="console",
        )
        self.page = self.pages = 0
        if answer.question_id is not None:  # else it cannot be paged: no row to page
            self.previous = await self.qlog.question(answer.question_id)
            self.pages = -(-answer.result.total // PAGE_SIZE) if answer.has_hits else 0
        return self._shown(answer, script_of(line))

    async def turn(self, step: int, script: str) -> str:
        """The page `step` pages on from the one shown, or why there is none; in the
        script of the question answered (as its pages are), else of the message."""
        page = self.page + step
        if self.previous is None or not self.pages:
            return in_script(NOTHING_TO_PAGE, script)
        script = self.previous.script
        if not 0 <= page < self.pages:
            return in_script(FIRST_PAGE if page < 0 else LAST_PAGE, script)
        self.page = page
        return self._shown(await answer_page(self.service, self.previous, page), script)

    def _shown(self, answer: Answer, script: str) -> str:
        """The page shown as text, and how to see the next one if there is one."""
        more = [in_script(MORE_PAGES, script)] if self.page + 1 < self.pages else []
        return "\n".join([html_to_text(answer.html), *more])


async def _command(line: str, service: SearchService, qlog: QueryLog) -> str:
    if line in ("/help", "/start"):
        return html_to_text(help_html(None))
    command, _, rest = line.partition(" ")
    if command == "/towns":
        corpus = service.index.corpus
        messages = towns_messages(corpus.reports, corpus.passage_counts(), rest.strip())
        return "\n".join(html_to_text(m) for m in messages)
    if line == "/reload":
        try:
            return html_to_text(reload_html(await service.reload()))
        except ReloadFailed as exc:
            return f"重新加载失败，仍在使用原有报告。原因：{exc}"
    if line == "/stats":
        return html_to_text(stats_html(await qlog.stats()))
    return "可用命令：/help /towns /reload /stats /quit；其他输入都当作问题。"


async def _read_line(stdin: TextIO) -> str:
    """The next line of `stdin` ('' at its end), read in a daemon thread. A thread of the
    default executor (asyncio.to_thread) kept the console running after Ctrl+C until the
    user pressed Enter, since asyncio.run waits for those threads to finish."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def settle(text: str, error: Exception | None) -> None:
        if line.done():  # cancelled by Ctrl+C
            return
        if error is None:
            line.set_result(text)
        else:
            line.set_exception(error)

    def read() -> None:
        text, error = "", None
        try:
            text = stdin.readline()
        except Exception as exc:  # undecodable input: raised where the line is awaited
            error = exc
        # RuntimeError: the loop has closed (Ctrl+C) and nobody waits for the line
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, text, error)

    threading.Thread(target=read, name="console-stdin", daemon=True).start()
    return await line


async def run_console(
    settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> None:
    """Read questions line by line; each one may follow up on the previous answer."""
    service = await SearchService.start(settings.corpus_dir, settings.index_cache)
    qlog = await QueryLog(settings.query_log_path).open()
    index = service.index
    print(f"已加载 {len(index.corpus.reports)} 份报告、{len(index)} 个段落。", file=stdout)
    print("输入问题后回车；/help 查看说明，/quit 退出。", file=stdout)
    chat = _Conversation(service, qlog)
    try:
        while True:
            print(PROMPT, end="", file=stdout, flush=True)
            line = await _read_line(stdin)
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            if line in ("/quit", "/exit", "退出"):
                break
            if line.startswith("/"):
                print(await _command(line, service, qlog), file=stdout)
                continue
            if (help_text := help_asked(line, None)) is not None:
                print(html_to_text(help_text), file=stdout)
                continue
            if (step := page_asked(line)) is not None:
                print(await chat.turn(step, script_of(line)), file=stdout, flush=True)
                continue
            print(await chat.ask(line), file=stdout, flush=True)
    finally:
        await qlog.close()
