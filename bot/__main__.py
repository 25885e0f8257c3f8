"""`python -m bot` runs the Telegram bot; `python -m bot --console` runs it in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time

from .logs import configure
from .settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="乡镇法治报告问答机器人")
    parser.add_argument("--console", action="store_true", help="在终端里提问（不连接 Telegram）")
    parser.add_argument(
        "--health", action="store_true", help="检查运行中的机器人是否正常（供容器健康检查用）"
    )
    args = parser.parse_args(argv)
    configure(logging.INFO, os.environ.get("TELEGRAM_BOT_TOKEN", "").strip() or None)
    try:
        settings = Settings.from_env(os.environ, need_token=not (args.console or args.health))
    except SettingsError as exc:
        print(f"配置错误 / setting error: {exc}", file=sys.stderr)
        return 2
    if args.health:
        from .health import check

        problem = check(settings.heartbeat_path)
        print(problem or "ok", file=sys.stderr if problem else sys.stdout)
        return 1 if problem else 0
    if args.console:
        logging.getLogger().setLevel(logging.WARNING)
        from .console import run_console

        try:
            asyncio.run(run_console(settings))
        except KeyboardInterrupt:
            print("\n再见。", file=sys.stderr)
            return 130
        return 0
    return _serve_with_retries(settings)


def _serve_with_retries(settings: Settings, first_delay: float = 2.0, longest: float = 60.0) -> int:
    """Run the bot; when Telegram cannot be reached at start-up, say so in one line and try
    again after 2, 4, 8 … s (at most a minute apart) until it can, or until stopped."""
    from telegram.error import InvalidToken, NetworkError

    from .app import serve

    delay = first_delay
    while True:
        try:
            asyncio.run(serve(settings))
            return 0
        except InvalidToken:
            print(
                "Telegram 拒绝了 TELEGRAM_BOT_TOKEN（InvalidToken）：请在 @BotFather 核对令牌",
                file=sys.stderr,
            )
            return 2
        except NetworkError as exc:
            print(
                f"无法连接 Telegram（{type(exc).__name__}），{delay:.0f} 秒后重试",
                file=sys.stderr,
                flush=True,
            )
        except KeyboardInterrupt:
            return 130
        try:
            time.sleep(delay)
        except KeyboardInterrupt:
            return 130
        delay = min(delay * 2, longest)


if __name__ == "__main__":
    sys.exit(main())
