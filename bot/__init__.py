"""Telegram adapter for the retrieval engine (the only async code)."""

from .settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError"]
