"""`python -m bot` runs the Telegram bot; `python -m bot --console` runs it in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from .logs import configure
from .settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="乡镇法治报告问答机器人")
    parser.add_argument("--console", action="store_true", help="在终端里提问（不连接 Telegram）")
    args = parser.parse_args(argv)
    configure(logging.INFO, os.environ.get("TELEGRAM_BOT_TOKEN", "").strip() or None)
    try:
        settings = Settings.from_env(os.environ, need_token=not args.console)
    except SettingsError as exc:
        print(f"配置错误 / setting error: {exc}", file=sys.stderr)
        return 2
    if args.console:
        logging.getLogger().setLevel(logging.WARNING)
        from .console import run_console

        try:
            asyncio.run(run_console(settings))
        except KeyboardInterrupt:
            print("\n再见。", file=sys.stderr)
            return 130
        return 0
    from telegram.error import InvalidToken, NetworkError

    from .app import serve

    try:
        asyncio.run(serve(settings))
    except InvalidToken:
        print(
            "Telegram 拒绝了 TELEGRAM_BOT_TOKEN（InvalidToken）：请在 @BotFather 核对令牌",
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:
        print(f"无法连接 Telegram（{type(exc).__name__}），请检查网络后重启", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
