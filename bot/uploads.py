"""Admins add and remove reports from the chat: preview, corrections, 确认 / 取消.

An admin sends a report file (in private, or in a group with the caption /add); the bot
reads it and shows what it found, with 确认 and 取消 buttons. Replying to the preview with
`县=象山县 年份=2022` corrects a field (written to catalog.csv on 确认). On 确认 the file is
saved atomically under a safe name, the index is updated, and the bot names the report.
`/remove 名称` moves a report to the corpus folder's trash after the same confirmation.
Pending actions live in memory: after a restart the buttons say they have expired.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from retrieval import Report, parse_report
from retrieval.library import add_report, safe_name, trash
from retrieval.reading import UnreadableReport, decode_report

from .service import ReloadBusy, ReloadFailed
from .shared_state import is_admin, service_of

MAX_DOWNLOAD = 20 * 1024 * 1024  # what Telegram lets a bot download
NOT_ADMIN = "抱歉，只有管理员可以添加或删除报告。"
EXPIRED = "这个操作已过期，请重新发送。"
# Correction keys as admins write them, and the catalog field each one sets.
_FIELDS = {
    "镇": "township",
    "乡": "township",
    "乡镇": "township",
    "街道": "township",
    "县": "county",
    "区": "county",
    "县区": "county",
    "省": "province",
    "省份": "province",
    "年": "year",
    "年份": "year",
    "发布": "published",
    "发布日期": "published",
    "标题": "title",
    "原文": "url",
    "网址": "url",
}
_PAIR = re.compile(r"([\u4e00-\u9fff]{1,4})\s*[=＝:：]\s*([^\s,，;；]+)")


@dataclass(frozen=True)
class Pending:
    """An add or remove waiting for an admin's 确认."""

    kind: str  # "add" or "remove"
    name: str  # the report's file name in the corpus folder
    data: bytes = b""
    stated: dict[str, str] = field(default_factory=dict)
    replaces: Report | None = None


def _pending(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Pending]:
    return context.bot_data.setdefault("pending", {})


def _previews(context: ContextTypes.DEFAULT_TYPE) -> dict[tuple[int, int], str]:
    """(chat, preview message) → pending token, for corrections sent as replies."""
    return context.bot_data.setdefault("previews", {})


def _buttons(token: str, kind: str, confirm: str) -> InlineKeyboardMarkup:
    prefix = "up" if kind == "add" else "rm"
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(f"✅ {confirm}", callback_data=f"{prefix}:ok:{token}"),
                InlineKeyboardButton("✖ 取消", callback_data=f"{prefix}:no:{token}"),
            ]
        ]
    )


def _facts(report: Report, passages: int) -> list[str]:
    def show(value: object) -> str:
        return html.escape(str(value)) if value else "（未识别）"

    lines = [
        f"乡镇：{show(report.township)}",
        f"县区：{show(report.county)}",
        f"省份：{show(report.province)}",
        f"年份：{show(report.year)}",
        f"发布日期：{show(report.published)}",
        f"段落：{passages} 段",
    ]
    lines += [f"⚠️ {html.escape(w)}" for w in report.warnings]
    return lines


def _read(pending: Pending) -> tuple[Report, int]:
    """What the corpus would hold for this file (raises UnreadableReport)."""
    text = decode_report(pending.data, pending.name)
    report, passages = parse_report(pending.name, text, pending.stated or None)
    return report, len(passages)


def _preview_html(pending: Pending, report: Report, passages: int) -> str:
    lines = [f"📄 收到报告 <code>{html.escape(pending.name)}</code>，识别结果：", ""]
    lines += _facts(report, passages)
    if pending.replaces is not None:
        old = pending.replaces.name
        lines += ["", f"已有同名报告（{html.escape(old)}），确认后旧文件移入回收站并替换。"]
    lines += ["", "有误可回复本消息更正，例如：县=象山县 年份=2022", "确认无误请点“确认”。"]
    return "\n".join(lines)


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A report file from an admin: read it and show a preview with 确认 / 取消."""
    message = update.effective_message
    if not is_admin(update, context):
        await message.reply_text(NOT_ADMIN, do_quote=True)
        return
    doc = message.document
    if doc.file_size and doc.file_size > MAX_DOWNLOAD:
        await message.reply_text("文件超过 20 MB（Telegram 机器人的下载上限），请压缩图片后再发。")
        return
    name = safe_name(doc.file_name, fallback=f"report-{doc.file_unique_id}.txt")
    telegram_file = await context.bot.get_file(doc.file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    index = service_of(context).index
    replaces = index.corpus.reports.first_where("source", name)
    pending = Pending("add", name, data, {}, replaces)
    try:
        report, passages = await asyncio.to_thread(_read, pending)
    except UnreadableReport as exc:
        await message.reply_text(f"❌ 无法读取 {name}：{exc}。没有保存。", do_quote=True)
        return
    same = index.corpus.reports.first_where("digest", report.digest)
    if same is not None and same.source != name:  # the corpus would skip it (corpus.Repeats)
        text = f"ℹ️ {name} 与已有的 {same.source}（{same.name}）内容相同，不必再添加。没有保存。"
        await message.reply_text(text, do_quote=True)
        return
    token = secrets.token_hex(6)
    _pending(context)[token] = pending
    confirm = "确认替换" if replaces is not None else "确认添加"
    sent = await message.reply_html(
        _preview_html(pending, report, passages), reply_markup=_buttons(token, "add", confirm)
    )
    _previews(context)[(sent.chat_id, sent.message_id)] = token


def parse_corrections(text: str) -> dict[str, str] | None:
    """`县=象山县 年份=2022` → catalog fields; None when the text is not corrections."""
    pairs = _PAIR.findall(text)
    if not pairs or any(key not in _FIELDS for key, _ in pairs):
        return None
    stated = {_FIELDS[key]: value for key, value in pairs}
    if "year" in stated and not re.fullmatch(r"20\d\d", stated["year"]):
        return None
    return stated


async def correct(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A reply to a preview: apply corrections. False when the reply is not one (it is
    then an ordinary question)."""
    message = update.effective_message
    replied = message.reply_to_message
    if replied is None:
        return False
    token = _previews(context).get((message.chat_id, replied.message_id))
    pending = _pending(context).get(token or "")
    if pending is None or pending.kind != "add":
        return False
    if not is_admin(update, context):
        await message.reply_text(NOT_ADMIN, do_quote=True)
        return True
    stated = parse_corrections(message.text or "")
    if stated is None:
        usage = (
            "没看懂要更正什么。请这样写：县=象山县 年份=2022"
            "（可用：镇、县、省、年份、发布日期、标题、网址）"
        )
        await message.reply_text(usage, do_quote=True)
        return True
    pending = dataclasses.replace(pending, stated={**pending.stated, **stated})
    report, passages = await asyncio.to_thread(_read, pending)
    _pending(context)[token] = pending
    confirm = "确认替换" if pending.replaces is not None else "确认添加"
    await context.bot.edit_message_text(
        _preview_html(pending, report, passages),
        chat_id=message.chat_id,
        message_id=replied.message_id,
        parse_mode=ParseMode.HTML,
        reply_markup=_buttons(token, "add", confirm),
    )
    await message.reply_text("已更正，请检查后点“确认”。", do_quote=True)
    return True


def _find(reports: Sequence[Report], wanted: str) -> list[Report]:
    exact = [r for r in reports if wanted in (r.source, r.township, r.township_simplified)]
    return exact or [r for r in reports if wanted in (r.township_simplified or "")]


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove 文件名或乡镇 (admins): move a report to the trash after 确认."""
    message = update.effective_message
    if not is_admin(update, context):
        await message.reply_text(NOT_ADMIN, do_quote=True)
        return
    wanted = " ".join(context.args or []).strip()
    reports = service_of(context).index.corpus.reports  # a Report per report: in a thread
    found = await asyncio.to_thread(_find, reports, wanted) if wanted else []
    if len(found) != 1:
        names = "、".join(f"{r.township or '?'}（{r.source}）" for r in found[:10])
        hint = f"有多份匹配：{names}。请写文件名。" if found else "没有找到这份报告。"
        await message.reply_text(f"用法：/remove 文件名或乡镇名。{hint}", do_quote=True)
        return
    report = found[0]
    token = secrets.token_hex(6)
    _pending(context)[token] = Pending("remove", report.source)
    text = f"将把 {report.name}（{report.source}）移入回收站，确认吗？"
    await message.reply_text(text, reply_markup=_buttons(token, "remove", "确认删除"))


async def _apply(context: ContextTypes.DEFAULT_TYPE, pending: Pending) -> str:
    """Change the corpus folder and update the index; the message to show."""
    service = service_of(context)
    corpus = service.corpus_dir
    if pending.kind == "add":
        await asyncio.to_thread(add_report, corpus, pending.name, pending.data, pending.stated)
    else:
        await asyncio.to_thread(trash, corpus, pending.name)
    summary = await service.reload(wait=True)
    if pending.kind == "remove":
        return f"🗑 已将 {pending.name} 移入回收站（语料目录下的 .trash，可移回恢复）。"
    report = service.index.corpus.reports.first_where("source", pending.name)
    if report is None:  # read at the preview, skipped at the reload: say why
        why = next((s.reason for s in summary.skipped if s.source == pending.name), "原因不明")
        return f"⚠️ 已保存 {pending.name}，但没有加入语料：{why}"
    counts = service.index.corpus.passage_counts()
    verb = "替换" if pending.replaces is not None else "添加"
    # labelled as answers cite it: 静海区（县区本级，2023年）, not 静海区（静海区 · 2023年）
    return (
        f"✅ 已{verb}：{html.escape(report.label)}，"
        f"{counts.get(report.source, 0)} 段，现共 {summary.reports} 份报告。发送 /towns 查看。"
    )


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """确认 / 取消 under a preview (`up:ok:<token>`, `rm:no:<token>`…)."""
    query = update.callback_query
    match = re.fullmatch(r"(up|rm):(ok|no):([0-9a-f]{12})", query.data or "")
    pending = _pending(context).get(match[3]) if match else None
    if pending is None:
        await query.answer(EXPIRED, show_alert=True)
        return
    if not is_admin(update, context):
        await query.answer(NOT_ADMIN, show_alert=True)
        return
    if match[2] == "no":
        _pending(context).pop(match[3], None)
        await query.answer("已取消")
        await query.edit_message_text("已取消，没有做任何改动。")
        return
    if service_of(context).reloading:
        await query.answer("正在重新加载报告，请稍后再点确认。", show_alert=True)
        return
    _pending(context).pop(match[3], None)
    await query.answer("处理中……")
    try:
        text = await _apply(context, pending)
    except (ReloadBusy, ReloadFailed, OSError, ValueError) as exc:
        text = f"❌ 没有完成：{exc}"
    await query.edit_message_text(text)
