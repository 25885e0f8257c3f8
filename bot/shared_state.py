"""The objects handlers share through `bot_data` (created in `app.post_init`), and who is
an admin: one place for both handler modules."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from .callbacks import ButtonSigner
from .querylog import QueryLog
from .ratelimit import UserRateLimiter
from .service import SearchService
from .settings import Settings


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


def service_of(context: ContextTypes.DEFAULT_TYPE) -> SearchService:
    return context.bot_data["service"]


def query_log_of(context: ContextTypes.DEFAULT_TYPE) -> QueryLog:
    return context.bot_data["query_log"]


def signer_of(context: ContextTypes.DEFAULT_TYPE) -> ButtonSigner:
    return context.bot_data["signer"]


def question_limiter_of(context: ContextTypes.DEFAULT_TYPE) -> UserRateLimiter:
    return context.bot_data["limiter"]


def press_limiter_of(context: ContextTypes.DEFAULT_TYPE) -> UserRateLimiter:
    return context.bot_data["press_limiter"]


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_ids
