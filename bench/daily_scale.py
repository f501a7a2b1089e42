"""The daily routines at scale: a database with many conversations, many of them waiting.

Prints: how long the every-minute waiting-customer sweep takes when nothing is due (its
standing cost), how long the sweep takes to ping a burst of customers left waiting together
(claim + send to a counting fake), duplicates after sweeping again, and how long building the
morning digest takes on that database. The scheduler, its jobs, the ledger and SQLite (a real
file) are the real ones; the clock is fixed at a Monday 10:00 in the team's time zone.

    .venv/bin/python bench/daily_scale.py [--conversations 20000] [--waiting 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import Application  # noqa: E402
from bot.config import Secrets, parse_config  # noqa: E402
from bot.storage import iso, open_db, transaction  # noqa: E402
from handlers.digest import build_digest  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from scheduler_scale import CountingPlatform  # noqa: E402


def make_config(folder: Path):
    raw = yaml.safe_load((ROOT / "config.example.yaml").read_text())
    raw["storage"] = {"path": str(folder / "nudge.db")}
    return parse_config(yaml.safe_dump(raw))


def fill(config, total: int, waiting: int, now: datetime) -> None:
    """`total` conversations with a customer message each: `waiting` of them unanswered for
    40 min (due a ping), the rest answered or written 5 min ago (not due)."""
    conversations, messages = [], []
    for number in range(1, total + 1):
        due = number <= waiting
        written = now - timedelta(minutes=40 if due else 5)
        status = "waiting" if due or number % 2 else "answered"
        conversations.append((number, "console", "customers", f"t{number}",
                              f"console:c{number}", iso(written), iso(written), iso(written),
                              status))
        messages.append((number, number, "console", f"e{number}", f"c{number}", "customer",
                         f"Question number {number}", iso(written)))
    db = open_db(config.storage.path)
    with transaction(db):
        db.conn.executemany(
            "insert into conversations (id, platform, channel, thread, customer_id, started_at, "
            "last_message_at, last_customer_message_at, status) values (?, ?, ?, ?, ?, ?, ?, ?, "
            "?)", conversations)
        db.conn.executemany(
            "insert into messages (id, conversation_id, platform, event_key, author_id, "
            "author_role, text, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)", messages)
    db.conn.close()


async def sweep(app: Application) -> float:
    began = time.perf_counter()
    await app.scheduler.run_job("ping", "sweep")
    return time.perf_counter() - began


async def main(total: int, waiting: int, keep: bool) -> int:
    folder = Path(tempfile.mkdtemp(prefix="nudge-bench-"))
    config = make_config(folder)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(config.timezone))
    fill(config, total, waiting, now)
    print(f"{total:,} conversations, {waiting:,} waiting past {config.waiting.after_minutes} min "
          f"(database {folder / 'nudge.db'})")
    config.digest.enabled = False
    app = Application(config, Secrets.from_env({}), clock=lambda: now)
    platform = CountingPlatform()
    app.add_adapter(platform)
    await app.scheduler.start(paused=True)

    burst = await sweep(app)
    pinged = len(platform.arrivals)
    idle = [await sweep(app) for _ in range(20)]
    duplicates = len(platform.arrivals) - pinged
    print(f"burst sweep: {pinged:,} pings claimed and sent in {burst:.2f} s")
    print(f"idle sweep (nothing due, runs every minute): median {sorted(idle)[10] * 1000:.1f} ms,"
          f" max {max(idle) * 1000:.1f} ms")
    print(f"duplicates after 20 more sweeps: {duplicates}")

    began = time.perf_counter()
    digest = build_digest(app.ctx, now)
    waiting_now = app.db["conversations"].count_where("status = 'waiting'")
    print(f"digest built in {time.perf_counter() - began:.2f} s ({waiting_now:,} customers "
          f"waiting, the oldest 10 listed; {len(digest.text):,} characters)")
    await app.scheduler.stop()
    app.db.conn.close()
    if not keep:
        shutil.rmtree(folder)
    ok = pinged == waiting and duplicates == 0
    print("result:", "every waiting customer pinged once" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--waiting", type=int, default=2_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.conversations, options.waiting, options.keep)))
