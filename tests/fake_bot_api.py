"""A fake Telegram Bot API on 127.0.0.1: the only stand-in in the bot tests.

It serves getUpdates (long polling) from a queue the test fills, records every other
call, and answers sendMessage/editMessageText with real-looking Message objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOT_ID = 999000
BOT_USERNAME = "township_qa_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "乡镇问答", "username": BOT_USERNAME}


class FakeBotAPI:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.paths: list[str] = []
        self._updates: list[dict] = []
        self._cond = threading.Condition()
        self._next_update = 1
        self._next_message = 1000
        self.files: dict[str, bytes] = {}  # file_id -> contents, for getFile and downloads
        self.reject_token = False  # answer every call as Telegram does a revoked token
        self.not_modified = False  # refuse edits as Telegram does one that changes nothing
        # method -> what its next calls meet: an HTTP status, "drop" (the connection closes
        # without an answer) or ("slow", seconds) before a normal answer
        self.failures: dict[str, list[object]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake._respond(self, body)

            do_GET = do_POST

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> FakeBotAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- the HTTP side -------------------------------------------------------------
    def _respond(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        self.paths.append(handler.path)
        if handler.path.startswith("/file/"):  # a download: /file/bot<token>/<file_path>
            self._download(handler)
            return
        method = handler.path.rstrip("/").rsplit("/", 1)[-1]
        if self.reject_token:
            self._send(
                handler, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
            return
        with self._cond:
            queue = self.failures.get(method)
            failure = queue.pop(0) if queue else None
        if failure == "drop":
            handler.close_connection = True
            return
        if isinstance(failure, int):
            body_ = {"ok": False, "error_code": failure, "description": "Bad Gateway"}
            self._send(handler, failure, body_)
            return
        if isinstance(failure, tuple) and failure[0] == "slow":
            time.sleep(failure[1])
        if self.not_modified and method == "editMessageText":
            with self._cond:
                self.calls.append((method, {}))
            description = "Bad Request: message is not modified"
            self._send(handler, 400, {"ok": False, "error_code": 400, "description": description})
            return
        params = self._params(handler.headers.get("Content-Type", ""), body)
        if method == "getUpdates":
            result: object = self._get_updates(params)
        else:
            result = self._result(method, params)
            if isinstance(result, dict) and "message_id" in result:
                params["_result"] = result  # what the bot got back, for replies in tests
            params["_at"] = time.monotonic()  # when it arrived, for load figures
            with self._cond:
                self.calls.append((method, params))
        self._send(handler, 200, {"ok": True, "result": result})

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.wfile.write(payload)  # fails when the bot stopped polling mid-request

    def _download(self, handler: BaseHTTPRequestHandler) -> None:
        file_id = handler.path.rsplit("/", 1)[-1]
        data = self.files.get(file_id)
        handler.send_response(200 if data is not None else 404)
        handler.send_header("Content-Length", str(len(data or b"")))
        handler.end_headers()
        handler.wfile.write(data or b"")

    @staticmethod
    def _params(content_type: str, body: bytes) -> dict:
        if "json" in content_type:
            return json.loads(body or b"{}")
        raw = dict(urllib.parse.parse_qsl(body.decode()))
        out: dict = {}
        for key, value in raw.items():
            if key == "text":
                out[key] = value
                continue
            try:
                out[key] = json.loads(value)
            except ValueError:
                out[key] = value
        return out

    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        with self._cond:
            while True:
                ready = [u for u in self._updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0:
                    return ready
                self._cond.wait(remaining)

    def _message(self, chat_id: int, text: str, params: dict) -> dict:
        with self._cond:
            self._next_message += 1
            message_id = self._next_message
        chat_type = "private" if chat_id > 0 else "supergroup"
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
            "from": BOT_USER,
            "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _result(self, method: str, params: dict) -> object:
        if method == "getMe":
            return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False}
        if method == "sendMessage":
            return self._message(int(params["chat_id"]), _plain(params["text"]), params)
        if method == "getFile":
            file_id = params["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}",
            }
        if method == "editMessageText":
            message = self._message(int(params["chat_id"]), _plain(params["text"]), params)
            message["message_id"] = int(params["message_id"])
            return message
        return True  # setMyCommands, answerCallbackQuery, deleteWebhook, close, ...

    # --- the test side -------------------------------------------------------------
    def _push(self, update: dict) -> dict:
        with self._cond:
            update["update_id"] = self._next_update
            self._next_update += 1
            self._updates.append(update)
            self._cond.notify_all()
        return update

    def _user_message(self, chat_id: int, user_id: int) -> dict:
        """A new message from a user in a chat (positive id: private, negative: group)."""
        with self._cond:
            self._next_message += 1
            message_id = self._next_message
        chat = (
            {"id": chat_id, "type": "private", "first_name": "用户"}
            if chat_id > 0
            else {"id": chat_id, "type": "supergroup", "title": "司法所工作群"}
        )
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}"},
        }

    def send_text(
        self,
        text: str,
        *,
        chat_id: int = 1,
        user_id: int = 1,
        reply_to: dict | None = None,
    ) -> dict:
        """A user writes `text` in a chat (positive id: private, negative: group)."""
        message = {**self._user_message(chat_id, user_id), "text": text}
        entities = []
        if m := re.match(r"/\w+(@\w+)?", text):
            entities.append({"type": "bot_command", "offset": 0, "length": len(m[0])})
        for m in re.finditer(r"(?<!\S)@\w+", text):
            entities.append({"type": "mention", "offset": m.start(), "length": len(m[0])})
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self._push({"message": message})
        return message

    def send_document(
        self,
        file_name: str,
        data: bytes,
        *,
        chat_id: int = 1,
        user_id: int = 1,
        caption: str | None = None,
    ) -> dict:
        """A user sends a file (a document message) to a chat."""
        message = self._user_message(chat_id, user_id)
        file_id = f"doc{message['message_id']}"
        with self._cond:
            self.files[file_id] = data
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "file_size": len(data),
        }
        if caption is not None:
            message["caption"] = caption
            if m := re.match(r"/\w+(@\w+)?", caption):
                message["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(m[0])}
                ]
        self._push({"message": message})
        return message

    def press(self, message: dict, data: str, *, user_id: int = 1) -> None:
        """A user presses an inline button under one of the bot's messages."""
        self._push(
            {
                "callback_query": {
                    "id": f"cb{time.monotonic_ns()}",
                    "from": {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}"},
                    "chat_instance": "ci",
                    "message": message,
                    "data": data,
                }
            }
        )

    def sent(self, method: str = "sendMessage") -> list[dict]:
        with self._cond:
            return [params for name, params in self.calls if name == method]

    async def wait_for(self, method: str = "sendMessage", count: int = 1, timeout: float = 15):
        """The first `count` calls of a method, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while len(self.sent(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {count}x {method} within {timeout}s: {self.calls}")
            await asyncio.sleep(0.02)
        return self.sent(method)[:count]

    @staticmethod
    def reply_target(params: dict) -> dict:
        """The bot's message for a recorded sendMessage, as a user's reply quotes it."""
        return params["_result"]


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)
