"""Logging set-up: one format, httpx quiet, and the bot token never written anywhere."""

from __future__ import annotations

import logging


class RedactSecret(logging.Filter):
    """Replaces a secret in every record a handler writes: message, arguments, traceback."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            text += "\n" + record.exc_text
        record.msg, record.args, record.exc_text = text.replace(self.secret, "[TOKEN]"), (), None
        return True


def configure(level: int, secret: str | None) -> None:
    """Root logging to stderr; every handler redacts the secret."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if secret:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RedactSecret(secret))
