"""`python -m bot` runs the Telegram bot; `python -m bot --console` runs it in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

from .settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="乡镇法治报告问答机器人")
    parser.add_argument("--console", action="store_true", help="在终端里提问（不连接 Telegram）")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_env(os.environ, need_token=not args.console)
    except SettingsError as exc:
        print(f"配置错误 / setting error: {exc}", file=sys.stderr)
        return 2
    if args.console:
        logging.getLogger().setLevel(logging.WARNING)
        from .console import run_console

        asyncio.run(run_console(settings))
        return 0
    from .app import serve

    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
