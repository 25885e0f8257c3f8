"""Settings read once from the environment, validated with one clear line per problem."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from retrieval.build import default_cache_dir
from retrieval.paths import CACHE_ROOT, QUERY_LOG, SEEDS_DIR

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{10,}$")


class SettingsError(ValueError):
    """A missing or malformed setting; the message names it."""


def _ids(env: Mapping[str, str], name: str) -> set[int]:
    """Comma-separated numeric Telegram ids (groups are negative)."""
    ids = set()
    for part in env.get(name, "").replace(" ", "").split(","):
        if not part:
            continue
        if not re.fullmatch(r"-?\d{1,20}", part):
            raise SettingsError(f"{name} must be comma-separated numeric ids: {part!r}")
        ids.add(int(part))
    return ids


@dataclass(frozen=True)
class Settings:
    token: str | None
    base_url: str | None
    admin_ids: frozenset[int]
    corpus_dir: Path
    query_log_path: Path
    questions_per_minute: int = 6
    cache_dir: Path = CACHE_ROOT
    allowed_chat_ids: frozenset[int] = frozenset()  # empty: every chat

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, need_token: bool = True) -> Settings:
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
        if need_token and token is None:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)")
        if token is not None and not _TOKEN.match(token):
            raise SettingsError("TELEGRAM_BOT_TOKEN is malformed (expected 123456:ABC-DEF…)")
        base_url = env.get("TELEGRAM_BASE_URL", "").strip() or None
        if base_url is not None and not re.match(r"^https?://", base_url):
            raise SettingsError(
                f"TELEGRAM_BASE_URL must start with http:// or https://: {base_url}"
            )
        admin_ids = _ids(env, "ADMIN_USER_IDS")
        allowed = _ids(env, "ALLOWED_CHAT_IDS")
        corpus_dir = Path(env.get("CORPUS_DIR", "").strip() or SEEDS_DIR)
        if not corpus_dir.is_dir():
            raise SettingsError(f"CORPUS_DIR is not a folder: {corpus_dir}")
        log_path = Path(env.get("QUERY_LOG_PATH", "").strip() or QUERY_LOG)
        if log_path.is_dir():
            raise SettingsError(f"QUERY_LOG_PATH is a folder, not a file: {log_path}")
        rate = env.get("QUESTIONS_PER_MINUTE", "").strip() or "6"
        if not rate.isdigit() or int(rate) < 1:
            raise SettingsError(f"QUESTIONS_PER_MINUTE must be a positive whole number: {rate!r}")
        cache_dir = Path(env.get("INDEX_CACHE_DIR", "").strip() or CACHE_ROOT)
        if cache_dir.exists() and not cache_dir.is_dir():
            raise SettingsError(f"INDEX_CACHE_DIR is not a folder: {cache_dir}")
        return cls(
            token=token,
            base_url=base_url,
            admin_ids=frozenset(admin_ids),
            corpus_dir=corpus_dir,
            query_log_path=log_path,
            questions_per_minute=int(rate),
            cache_dir=cache_dir,
            allowed_chat_ids=frozenset(allowed),
        )

    @property
    def button_key_path(self) -> Path:
        """The secret that signs inline-button data, kept beside the query log."""
        return self.query_log_path.with_name("button.key")

    @property
    def heartbeat_path(self) -> Path:
        """Touched by the running bot; the container health check reads its age."""
        return self.query_log_path.with_name("heartbeat")

    @property
    def index_cache(self) -> Path:
        """This corpus's cache folder (one per corpus folder)."""
        return default_cache_dir(self.corpus_dir, self.cache_dir)
