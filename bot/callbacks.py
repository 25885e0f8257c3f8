"""Inline-button data for answers: signed, bound to its chat, validated on the way back.

`pg:<question>:<page>:<sig>` pages and `fb:<question>:<±1>:<sig>` votes, where sig is an
HMAC-SHA256 (cut to 16 base64url characters, 96 bits) of kind, question, value and the
chat id under a key kept beside the query log. A press whose data was not made by this
bot for this chat - forged, edited, copied to another chat or from before a key change -
is refused without touching the log. The key survives restarts, so old buttons keep
working; if it cannot be stored, a key for this process only is used (with a warning).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

KEY_BYTES = 32
_DATA = re.compile(r"(pg|fb):(\d{1,16}):(-1|\d{1,4}):([\w-]{16})")


@dataclass(frozen=True)
class Press:
    kind: str  # "page" or "vote"
    question_id: int
    value: int  # page number, or +1 / -1


@dataclass(frozen=True)
class ButtonSigner:
    key: bytes

    @classmethod
    def load(cls, path: Path) -> ButtonSigner:
        """The key at `path`, created (mode 0600) when missing."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                key = path.read_bytes()
                if len(key) == KEY_BYTES:
                    return cls(key)
                raise OSError(f"{path} is not a {KEY_BYTES}-byte key") from None
            key = secrets.token_bytes(KEY_BYTES)
            with os.fdopen(fd, "wb") as out:
                out.write(key)
            return cls(key)
        except OSError as exc:
            log.warning("button key not usable (%s); buttons will not survive a restart", exc)
            return cls(secrets.token_bytes(KEY_BYTES))

    def _sig(self, kind: str, question_id: int, value: int, chat_id: int) -> str:
        message = f"{kind}:{question_id}:{value}:{chat_id}".encode()
        digest = hmac.new(self.key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:16]

    def page(self, question_id: int, page: int, chat_id: int) -> str:
        return f"pg:{question_id}:{page}:{self._sig('pg', question_id, page, chat_id)}"

    def vote(self, question_id: int, value: int, chat_id: int) -> str:
        return f"fb:{question_id}:{value}:{self._sig('fb', question_id, value, chat_id)}"

    def parse(self, data: str | None, chat_id: int | None) -> Press | None:
        """The press `data` stands for, if this bot made it for this chat; else None."""
        match = _DATA.fullmatch(data or "")
        if match is None or chat_id is None:
            return None
        kind, question, value, sig = (
            match.group(1, 2, 3, 4) if match[1] else match.group(5, 6, 7, 8)
        )
        expected = self._sig(kind, int(question), int(value), chat_id)
        if not hmac.compare_digest(sig, expected):
            return None
        return Press("page" if kind == "pg" else "vote", int(question), int(value))
