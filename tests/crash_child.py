"""A Nudge process for the crash tests, run as `python -m tests.crash_child CONFIG POSTS_LOG`.

The real Application and scheduler on the config's database file; posts go to a CountingAdapter
that appends them to POSTS_LOG (fsynced, so they survive a SIGKILL). With `--freeze-at STEP`
the process writes MARKER and then freezes right after that delivery step ("claimed": the claim
is committed and nothing is sent yet; "posted": the platform has the post and the ledger does
not know yet), so the test can kill it at that exact point. With `--ready FILE` it writes FILE
once everything due at start has run; `--reconcile SECONDS` makes it look for changes made by
other processes that often (30 s by default). It stops cleanly when stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from bot.app import Application
from bot.config import Secrets, load_config
from tests.fakes import CountingAdapter


def freeze_at(step: str, marker: Path):
    def observer(current: str, delivery_id: int) -> None:
        if current == step:
            marker.write_text(str(delivery_id))
            time.sleep(3600)  # blocks the event loop: nothing else happens until the kill

    return observer


async def main(args: argparse.Namespace) -> None:
    app = Application(load_config(args.config), Secrets.from_env({}))
    adapter = CountingAdapter("console", args.posts)
    app.add_adapter(adapter)
    if args.reconcile:
        app.scheduler.reconcile_seconds = args.reconcile
    if args.freeze_at:
        app.scheduler.sender.observer = freeze_at(args.freeze_at, Path(args.marker))
    loop = asyncio.get_running_loop()

    async def stop_when_stdin_closes() -> None:
        await loop.run_in_executor(None, sys.stdin.read)
        await adapter.stop()

    watcher = asyncio.create_task(stop_when_stdin_closes())
    if args.ready:
        ready = asyncio.create_task(mark_ready(app, Path(args.ready)))
    await app.run()
    watcher.cancel()
    if args.ready:
        ready.cancel()


async def mark_ready(app: Application, marker: Path) -> None:
    """Once the scheduler runs, fire whatever is due (as APScheduler does by itself) and write
    MARKER: from then on, anything this process was going to send at start has been sent."""
    while not app.scheduler.running:
        await asyncio.sleep(0.01)
    await app.scheduler.run_due()
    marker.write_text("ready")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("config")
    parser.add_argument("posts")
    parser.add_argument("--freeze-at", choices=["claimed", "posted"])
    parser.add_argument("--marker", default="")
    parser.add_argument("--ready", default="", help="a file to write once started")
    parser.add_argument("--reconcile", type=float, default=0.0,
                        help="seconds between looks for changes made elsewhere")
    asyncio.run(main(parser.parse_args()))
