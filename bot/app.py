"""Building and running the Telegram Application."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from retrieval.build import stop_builders

from . import handlers, health, uploads
from .callbacks import ButtonSigner
from .querylog import QueryLog
from .ratelimit import UserRateLimiter
from .render import COMMANDS
from .service import SearchService
from .settings import Settings

log = logging.getLogger(__name__)

# button presses per user and minute: paging through a long answer is ~2 a second at most;
# beyond this a user (or a script) is hammering, and each press costs a search
PRESSES_PER_MINUTE = 40


async def post_init(app: Application) -> None:
    """Create the shared objects: index, query log (one writer), limiter; register commands."""
    settings: Settings = app.bot_data["settings"]
    app.bot_data["service"] = await SearchService.start(settings.corpus_dir, settings.index_cache)
    app.bot_data["query_log"] = await QueryLog(settings.query_log_path).open()
    app.bot_data["limiter"] = UserRateLimiter(settings.questions_per_minute)
    app.bot_data["press_limiter"] = UserRateLimiter(PRESSES_PER_MINUTE)
    app.bot_data["signer"] = ButtonSigner.load(settings.button_key_path)
    await app.bot.set_my_commands([BotCommand(name, desc) for name, desc in COMMANDS])
    index = app.bot_data["service"].index
    log.info("serving %d reports, %d passages", len(index.corpus.reports), len(index))
    if not settings.allowed_chat_ids:
        log.warning("ALLOWED_CHAT_IDS is empty: answering every chat and user that writes")


async def post_shutdown(app: Application) -> None:
    qlog: QueryLog | None = app.bot_data.get("query_log")
    if qlog is not None:
        await qlog.close()


def build_application(settings: Settings) -> Application:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(True)  # one slow question never holds up other chats
        # a slow send (5-10 s) completes instead of failing after it may have been delivered
        .read_timeout(30)
        .write_timeout(30)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.base_url:
        builder = builder.base_url(settings.base_url)
        if settings.base_url.rstrip("/").endswith("/bot"):  # file downloads live beside it
            builder = builder.base_file_url(
                settings.base_url.rstrip("/")[: -len("/bot")] + "/file/bot"
            )
    app = builder.build()
    app.bot_data["settings"] = settings
    app.add_handler(TypeHandler(Update, handlers.gatekeeper), group=-1)
    app.add_handler(CommandHandler("start", handlers.start))
    app.add_handler(CommandHandler("help", handlers.help_command))
    app.add_handler(CommandHandler("ask", handlers.ask))
    app.add_handler(CommandHandler("towns", handlers.towns))
    app.add_handler(CommandHandler("reload", handlers.reload))
    app.add_handler(CommandHandler("stats", handlers.stats))
    app.add_handler(CommandHandler("remove", uploads.remove))
    added = filters.ChatType.PRIVATE | filters.CaptionRegex(r"^/add(@\w+)?(\s|$)")
    app.add_handler(MessageHandler(filters.Document.ALL & added, uploads.document))
    people = filters.UpdateType.MESSAGE  # not channel posts, not edits
    app.add_handler(MessageHandler(people & filters.TEXT & ~filters.COMMAND, handlers.text_message))
    app.add_handler(CallbackQueryHandler(uploads.button, pattern=r"^(up|rm):"))
    app.add_handler(CallbackQueryHandler(handlers.button))
    app.add_error_handler(handlers.on_error)
    return app


@contextlib.asynccontextmanager
async def running(app: Application, poll_timeout: int = 10) -> AsyncIterator[Application]:
    """The same start/stop sequence as `run_polling`, usable from tests and `serve`."""
    await app.initialize()
    try:
        await post_init(app)
        await app.updater.start_polling(timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
        await app.start()
        settings: Settings = app.bot_data["settings"]
        heartbeat = asyncio.create_task(
            health.beat(settings.heartbeat_path, lambda: app.updater.running and app.running)
        )
        try:
            yield app
        finally:
            heartbeat.cancel()
            await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
        await post_shutdown(app)


async def serve(settings: Settings) -> None:
    """Run the bot until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running(build_application(settings)):
        log.info("bot is running; press Ctrl+C to stop")
        await stop.wait()
        stop_builders()  # a reload in progress must not hold up the exit
