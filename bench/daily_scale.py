"""The daily routines at scale: a database with many conversations, many of them waiting.

Prints: how long the every-minute waiting-customer sweep takes when nothing is due (its
standing cost), how long the sweep takes to ping a burst of customers left waiting together
(claim + send to a counting fake), duplicates after sweeping again, and how long building the
morning digest takes on that database, and how long the digest's 14-day chart takes over
that many conversations spread across the last two weeks (each with a reply sent, three in
five with a CTA and a tracked link, clicked one time in three, redeemed one time in ten): the
figures, then the drawing, cold (matplotlib imported on first use) and warm. The scheduler,
its jobs, the ledger and SQLite (a real file) are the real ones; the clock is fixed at a
Monday 10:00 in the team's time zone.

    .venv/bin/python bench/daily_scale.py [--conversations 20000] [--waiting 2000]
        [--chart docs/digest-chart.png]
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
from bot.store import iso, open_db, transaction  # noqa: E402
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


def fill_history(db, total: int, today, zone) -> None:
    """`total` conversations over the 14 days before `today`, for the chart."""
    first = 10_000_000
    # Busier on Fridays and Saturdays, quieter on Sundays and Mondays, as shops are.
    weights = [(0.8, 1.0, 1.0, 1.1, 1.4, 1.6, 0.7)[(today - timedelta(days=1 + d)).weekday()]
               for d in range(14)]
    days = [d for d, w in enumerate(weights) for _ in range(round(total * w / sum(weights)))]
    days += [0] * (total - len(days))
    rows = {"conversations": [], "messages": [], "suggestions": [], "feedback": [],
            "links": [], "clicks": [], "redemptions": []}
    for n in range(total):
        cid = first + n
        day = today - timedelta(days=1 + days[n])
        at = iso(datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=9,
                                                                              seconds=n % 3600))
        rows["conversations"].append((cid, "slack", "C1", f"h{n}", f"slack:h{n}", at, at,
                                      "answered"))
        rows["messages"].append((cid, cid, "slack", f"h{n}", f"h{n}", "customer", "price?", at,
                                 "pricing", "promotion"))
        cta = "autumn-offer" if n % 5 < 3 else None  # three replies in five ask for the sale
        rows["suggestions"].append((cid, cid, cid, 0, "pricing", "promotion", "Box £12: link",
                                    cta, "sent", at, "template"))
        rows["feedback"].append((cid, cid, "send", "slack", "U1", at))
        rows["links"].append((f"tok{n:012d}", "reply", str(cid), cta, "", "slack", "C1",
                              "https://x.example", at))
        if cta and (n % 3 == 0 or (days[n] % 7 == 2 and n % 3 == 1)):  # a good day
            rows["clicks"].append((f"tok{n:012d}", at))
        if cta and n % 10 == 0:
            rows["redemptions"].append(("AUTUMN10", "autumn10", day.isoformat(), 1, "bench",
                                        "bench", at))
    statements = {
        "conversations": "insert into conversations (id, platform, channel, thread, "
                         "customer_id, started_at, last_message_at, status) values "
                         "(?, ?, ?, ?, ?, ?, ?, ?)",
        "messages": "insert into messages (id, conversation_id, platform, event_key, author_id, "
                    "author_role, text, created_at, intent, stage) values "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "suggestions": "insert into suggestions (id, message_id, conversation_id, rank, intent, "
                       "stage, text, cta_id, status, created_at, source) values "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "feedback": "insert into feedback (id, suggestion_id, action, platform, user_id, "
                    "created_at) values (?, ?, ?, ?, ?, ?)",
        "links": "insert into links (token, kind, ref_id, cta_id, variant, platform, channel, "
                 "url, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "clicks": "insert into clicks (token, at) values (?, ?)",
        "redemptions": "insert into redemptions (code, offer_id, day, count, source, "
                       "recorded_by, recorded_at) values (?, ?, ?, ?, ?, ?, ?)",
    }
    with transaction(db):
        for table, statement in statements.items():
            db.conn.executemany(statement, rows[table])


def time_chart(app: Application, total: int, now: datetime, save: Path | None) -> float:
    """Fill the history, then time the figures and the drawing; returns the cold total."""
    from bot.results.charts import chart_png, daily_series

    zone = app.config.zone
    today = now.astimezone(zone).date()
    fill_history(app.db, total, today, zone)
    timings = []
    for _ in range(2):
        began = time.perf_counter()
        series = daily_series(app.db, today - timedelta(days=1), zone)
        counted = time.perf_counter()
        png = chart_png(series)
        timings.append((counted - began, time.perf_counter() - counted))
    (figures, cold), (_, warm) = timings
    if save is not None:
        save.write_bytes(png)
        print(f"chart saved to {save}")
    print(f"chart of {sum(series.customer_messages):,} conversations over 14 days: figures "
          f"{figures:.2f} s, drawing {cold:.2f} s cold (matplotlib imported) / {warm:.2f} s "
          f"warm; total {figures + cold:.2f} s (goal ≤ 1 s); PNG {len(png) // 1024} KB")
    return figures + cold


async def sweep(app: Application) -> float:
    began = time.perf_counter()
    await app.scheduler.run_job("ping", "sweep")
    return time.perf_counter() - began


async def main(total: int, waiting: int, keep: bool, chart: Path | None) -> int:
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
    time_chart(app, total, now, chart)
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
    parser.add_argument("--chart", type=Path, help="save the chart drawn here (a PNG)")
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.conversations, options.waiting, options.keep,
                              options.chart)))
