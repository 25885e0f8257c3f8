"""Telegram handlers: each one parses, calls the service, renders and replies."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from . import uploads
from .answering import Answer, answer_page, answer_question, help_asked, page_asked, script_of
from .delivery import deliver
from .render import (
    PAGE_BY_BUTTONS,
    answer_keyboard,
    help_html,
    in_script,
    reload_html,
    stats_html,
    towns_messages,
)
from .service import ReloadBusy, ReloadFailed
from .shared_state import (
    is_admin,
    press_limiter_of,
    query_log_of,
    question_limiter_of,
    service_of,
    settings_of,
    signer_of,
)

log = logging.getLogger(__name__)

USAGE = "用法：/ask 问题，例如 /ask 别的镇怎么落实一村一法律顾问"
TOO_FAST = "您提问有点快，请稍等一分钟再问。"
ADMINS_ONLY = "抱歉，这个命令只有管理员可以使用。"
PRESSES_TOO_FAST = "点得太快了，请稍等再试。"


async def _send_answer(
    message: Message, context: ContextTypes.DEFAULT_TYPE, answer: Answer
) -> None:
    markup = None
    if answer.question_id is not None and answer.has_hits:
        markup = answer_keyboard(
            signer_of(context), answer.question_id, message.chat_id, 0, answer.result.total
        )
    sent = await deliver(
        lambda: message.reply_html(answer.html, reply_markup=markup, do_quote=True)
    )
    if answer.question_id is not None:
        await query_log_of(context).set_answer_message(
            answer.question_id, sent.chat_id, sent.message_id
        )


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Answer a question from any entry point (command, private text, mention, reply)."""
    message = update.effective_message
    user = update.effective_user
    limiter = question_limiter_of(context)
    if user is None:
        return  # channel posts and anonymous admins: no one to answer or to limit
    if not limiter.allow(user.id):
        if limiter.should_warn(user.id):
            await message.reply_text(TOO_FAST, do_quote=True)
        return
    previous = None
    replied = message.reply_to_message
    if replied is not None and replied.from_user and replied.from_user.id == context.bot.id:
        previous = await query_log_of(context).question_answered_by(
            message.chat_id, replied.message_id
        )
    elif replied is None and message.chat.type == ChatType.PRIVATE:
        # a private chat is one conversation, as the console is: 那峰灵镇呢 needs no reply
        previous = await query_log_of(context).last_question(message.chat_id)
    answer = await answer_question(
        service_of(context),
        query_log_of(context),
        question,
        chat_id=message.chat_id,
        chat_type=message.chat.type,
        user_id=user.id if user else None,
        previous=previous,
    )
    await _send_answer(message, context, answer)


async def gatekeeper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before every handler: with ALLOWED_CHAT_IDS set, only those chats (and admins) are
    served; the bot leaves any other group it is added to, and says nothing elsewhere."""
    settings = settings_of(context)
    chat = update.effective_chat
    if not settings.allowed_chat_ids or chat is None or chat.id in settings.allowed_chat_ids:
        return
    if chat.type == ChatType.PRIVATE and is_admin(update, context):
        return
    log.warning("ignoring chat %s (%s): not in ALLOWED_CHAT_IDS", chat.id, chat.type)
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        await context.bot.leave_chat(chat.id)
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greet and explain how to ask."""
    await update.effective_message.reply_html(help_html(context.bot.username))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to ask in private and in groups, and every command."""
    await update.effective_message.reply_html(help_html(context.bot.username))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question> (also /ask@botname in groups)."""
    question = " ".join(context.args or []).strip()
    if not question:
        await update.effective_message.reply_text(USAGE, do_quote=True)
        return
    await _ask(update, context, question)


def _addressed_to_bot(message: Message, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The question in a group message meant for the bot (mention or reply), else None."""
    username = context.bot.username or ""
    mentioned = any(
        (entity.type == MessageEntityType.MENTION and text.lower() == f"@{username.lower()}")
        or (entity.type == MessageEntityType.TEXT_MENTION and entity.user.id == context.bot.id)
        for entity, text in message.parse_entities().items()
    )
    replied = message.reply_to_message
    reply_to_bot = (
        replied is not None and replied.from_user and replied.from_user.id == context.bot.id
    )
    if not (mentioned or reply_to_bot):
        return None
    return re.sub(rf"@{re.escape(username)}\b", " ", message.text, flags=re.IGNORECASE).strip()


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text: every message in private; in groups only mentions and replies to the bot."""
    message = update.effective_message
    if message.reply_to_message is not None and await uploads.correct(update, context):
        return  # a correction to a report preview, not a question
    if message.chat.type == ChatType.PRIVATE:
        question = message.text.strip()
    else:
        question = _addressed_to_bot(message, context)
        if question is None:
            return  # group chatter: stay quiet
    if not question:
        await message.reply_text(USAGE, do_quote=True)
        return
    if (help_text := help_asked(question, context.bot.username)) is not None:
        await message.reply_html(help_text)
        return
    if page_asked(question) is not None:  # 下一页, 更多: typed, not a question
        await message.reply_text(in_script(PAGE_BY_BUTTONS, script_of(question)), do_quote=True)
        return
    await _ask(update, context, question)


async def towns(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/towns [县名]: the reports in the corpus (by county when there are many)."""
    corpus = service_of(context).index.corpus
    where = " ".join(context.args or []).strip()
    # a Report per report (44 ms at 5,000 reports): off the event loop
    messages = await asyncio.to_thread(
        towns_messages, corpus.reports, corpus.passage_counts(), where
    )
    for message in messages:
        await update.effective_message.reply_html(message)


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins): re-read the corpus folder and swap in the new index."""
    message = update.effective_message
    if not is_admin(update, context):
        await message.reply_text(ADMINS_ONLY, do_quote=True)
        return
    service = service_of(context)
    if service.reloading:
        await message.reply_text("正在重新加载中，请等这次完成后再试。", do_quote=True)
        return
    await message.reply_text("开始重新加载报告，期间仍用原有报告回答问题……")
    try:
        summary = await service.reload()
    except ReloadBusy:
        await message.reply_text("正在重新加载中，请等这次完成后再试。", do_quote=True)
        return
    except ReloadFailed as exc:
        await message.reply_text(f"❌ 重新加载失败，仍在使用原有报告。原因：{exc}", do_quote=True)
        return
    await message.reply_html(reload_html(summary), do_quote=True)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins): what people asked this week, what found nothing, feedback."""
    message = update.effective_message
    if not is_admin(update, context):
        await message.reply_text(ADMINS_ONLY, do_quote=True)
        return
    # every chat's figures only in an admin's private chat; a group sees its own
    private = message.chat.type == ChatType.PRIVATE
    figures = await query_log_of(context).stats(chat_id=None if private else message.chat_id)
    await message.reply_html(stats_html(figures))


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline buttons on answers: signed page and vote data (bot/callbacks.py)."""
    query = update.callback_query
    chat_id = query.message.chat.id if query.message else None
    user_id = update.effective_user.id if update.effective_user else None
    if user_id is not None and not press_limiter_of(context).allow(user_id):
        await query.answer(PRESSES_TOO_FAST)
        return
    press = signer_of(context).parse(query.data, chat_id)
    qlog = query_log_of(context)
    logged = None if press is None else await qlog.question(press.question_id)
    if press is None or logged is None or logged.chat_id != chat_id:
        await query.answer("这个按钮已失效，请重新提问。")
        return
    await qlog.record_event(press.question_id, chat_id, user_id, press.kind, press.value)
    if press.kind == "vote":
        if user_id is not None:
            await qlog.record_vote(press.question_id, user_id, press.value)
        await query.answer("谢谢反馈！")
        return
    answer = await answer_page(service_of(context), logged, press.value)
    if not answer.has_hits:
        await query.answer("没有更多结果了。")
        return
    await query.answer()
    markup = answer_keyboard(
        signer_of(context), logged.id, chat_id, answer.page, answer.result.total
    )
    try:
        await query.edit_message_text(answer.html, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:  # a double tap: the page is already showing
        if "not modified" not in str(exc).lower():
            raise


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log unexpected errors and tell the user something went wrong."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text("抱歉，处理时出错了，请稍后再试。")
        except Exception:
            log.warning("could not tell the user about the error")
