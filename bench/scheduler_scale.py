"""Scheduler at scale: 10,000 active promotions in one database, 1,000 of them due together.

Prints: the time to start (load the table and reconcile the AsyncIOScheduler's jobs), memory,
the lateness of the 1,000 posts due in the same second (p50, p99, max), duplicates and losses,
and the time to start again on the same file. Sends go to a counting fake adapter; the
scheduler, its triggers and SQLite (a real file) are the real ones.

    .venv/bin/python bench/scheduler_scale.py [--promotions 10000] [--due 1000]

Targets (issue 6): start <= 2 s, p99 lateness <= 1 s, zero duplicates, zero lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import Application  # noqa: E402
from bot.config import Secrets, parse_config  # noqa: E402
from bot.scheduling.timeparse import parse_schedule  # noqa: E402
from bot.store import iso, open_db, transaction  # noqa: E402

# The mix of the 9,000 promotions that are not due during the run.
LATER = [
    "at 2030-12-01T09:00",
    "at dec 24 8:30",
    "every day at 9:00",
    "every mon,thu at 10:00",
    "every 2 weeks on friday at 16:00",
    "on the 1st of every month at 9:00",
    'cron "0 9 * * 1-5"',
    "every 6 hours",
]


class CountingPlatform:
    """A chat platform that only counts: when each post arrived, and what it said."""

    platform = "console"

    def __init__(self):
        self.arrivals: list[tuple[float, str]] = []
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()

    async def start(self, app) -> None:
        self.ready.set()
        await self._stop.wait()

    async def stop(self) -> None:
        self._stop.set()

    async def post(self, post) -> str:
        self.arrivals.append((time.time(), post.text.splitlines()[0]))
        return str(len(self.arrivals))

    async def notify_team(self, reply) -> None:
        print(f"  team notice: {reply.text}", file=sys.stderr)


def make_config(folder: Path):
    raw = yaml.safe_load((ROOT / "config.example.yaml").read_text())
    raw["storage"] = {"path": str(folder / "nudge.db")}
    return parse_config(yaml.safe_dump(raw))


def row(number: int, spec: dict, zone: str, next_run: datetime, now: datetime) -> tuple:
    return (f"Deal #{number}", json.dumps([{"platform": "console", "channel": "customers"}]),
            spec.get("summary", ""), json.dumps(spec, sort_keys=True), zone, "active",
            "bench:bench", iso(now), iso(now), iso(next_run), 0)


def fill(config, total: int, due_count: int, due_at: datetime) -> None:
    """Insert the promotions directly, in one transaction, as if added over months."""
    now = datetime.now(UTC)
    zone = config.timezone
    later = [parse_schedule(text, now, zone) for text in LATER]
    local_due = due_at.astimezone(config.zone)
    rows = []
    for number in range(total):
        if number < due_count // 2:  # one-off, due now
            spec = {"type": "date", "at": due_at.isoformat(), "summary": "once"}
            rows.append(row(number, spec, zone, due_at, now))
        elif number < due_count:  # recurring daily, due now
            spec = {"type": "cron", "summary": "every day",
                    "fields": {"hour": str(local_due.hour), "minute": str(local_due.minute),
                               "second": str(local_due.second)}}
            rows.append(row(number, spec, zone, due_at, now))
        else:
            schedule = later[number % len(later)]
            rows.append(row(number, schedule.spec, zone, schedule.first_run, now))
    db = open_db(config.storage.path)
    with transaction(db):
        db.conn.executemany(
            "insert into promotions (text, targets, schedule, trigger, timezone, status, "
            "created_by, created_at, updated_at, next_run_at, runs) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.conn.close()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def start_app(config) -> tuple[Application, CountingPlatform, float]:
    app = Application(config, Secrets.from_env({}))
    platform = CountingPlatform()
    app.add_adapter(platform)
    began = time.perf_counter()
    await app.scheduler.start()
    return app, platform, time.perf_counter() - began


async def main(total: int, due_count: int, lead_seconds: float, keep: bool) -> int:
    folder = Path(tempfile.mkdtemp(prefix="nudge-bench-"))
    config = make_config(folder)
    due_at = (datetime.now(UTC) + timedelta(seconds=lead_seconds)).replace(microsecond=0)
    fill(config, total, due_count, due_at)
    print(f"{total:,} active promotions ({due_count:,} due at {due_at:%H:%M:%S} UTC), "
          f"database {folder / 'nudge.db'}")

    memory_before = rss_mb()
    app, platform, start_seconds = await start_app(config)
    jobs = len(app.scheduler.scheduler.get_jobs())
    print(f"start (load + reconcile + start): {start_seconds:.2f} s for {jobs:,} jobs "
          f"(target <= 2 s)")

    deadline = time.monotonic() + lead_seconds + 60
    while len(platform.arrivals) < due_count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # anything extra (a duplicate) would arrive now
    memory_after = rss_mb()
    commits = app.scheduler.writer.commits
    await app.scheduler.stop()

    lateness = [arrived - due_at.timestamp() for arrived, _ in platform.arrivals]
    texts = Counter(text for _, text in platform.arrivals)
    duplicates = sum(count - 1 for count in texts.values() if count > 1)
    expected = {f"📣 Deal #{n}" for n in range(due_count)}
    lost = len(expected - set(texts))
    unexpected = len(set(texts) - expected)
    sent = app.db["deliveries"].count_where("status = 'sent'")
    print(f"memory: peak RSS {memory_after:.0f} MB ({memory_after - memory_before:+.0f} MB "
          "for start and the burst)")
    if lateness:
        print(f"lateness of {len(lateness):,} posts due in the same second: "
              f"p50 {percentile(lateness, 0.5):.3f} s, p99 {percentile(lateness, 0.99):.3f} s, "
              f"max {max(lateness):.3f} s (target p99 <= 1 s); {commits} commits")
    print(f"duplicates: {duplicates}, lost: {lost}, unexpected posts: {unexpected}, "
          f"deliveries sent in the ledger: {sent:,}")
    app.db.conn.close()

    again, platform_again, restart_seconds = await start_app(config)
    jobs_again = len(again.scheduler.scheduler.get_jobs())
    await asyncio.sleep(1.0)
    await again.scheduler.stop()
    print(f"start again on the same file: {restart_seconds:.2f} s for {jobs_again:,} jobs "
          f"(the {due_count // 2:,} one-offs are done); posts after restart: "
          f"{len(platform_again.arrivals)} (expected 0)")
    ok = (start_seconds <= 2 and lateness and percentile(lateness, 0.99) <= 1 and
          duplicates == 0 and lost == 0 and unexpected == 0 and sent == due_count
          and not platform_again.arrivals)
    again.db.conn.close()
    print("result:", "all targets met" if ok else "TARGET MISSED")
    if not keep:
        shutil.rmtree(folder)
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promotions", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--lead", type=float, default=6.0,
                        help="seconds between filling the database and the burst")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.promotions, options.due, options.lead, options.keep)))
