"""The tracked-link redirect on loopback: latency at a steady rate, and the highest rate it holds.

The redirect runs as Nudge runs it (bot.tracking.server on aiohttp, a real SQLite file in WAL
mode) in its own process; this process sends GET /r/<token> at a fixed rate, open loop (each
request is timed from the moment it was due, so a slow server cannot hide its queue), every
request with its own user agent so each one is counted and written as a click: the worst case.

Prints p50/p99/max at 500 requests/s (goal: p99 ≤ 5 ms), then steps the rate up and prints the
highest rate whose p99 stays ≤ 20 ms. Both processes share this machine's cores, so the figures
are a floor, not a ceiling.

    .venv/bin/python bench/links.py [--seconds 5] [--rates 500,1000,1500,2000,3000,4000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.storage import open_db, transaction  # noqa: E402
from bot.tracking.store import LinkInfo, create_link  # noqa: E402

LINKS = 1000
GOAL_STEADY_MS = 5.0
GOAL_STEP_MS = 20.0


def make_links(path: Path) -> list[str]:
    db = open_db(path)
    now = datetime.now(UTC)
    with transaction(db):
        tokens = [create_link(db, LinkInfo("reply", str(n), "menu", "", "slack", "C1"),
                              f"https://crumbandco.example/menu?utm_source=slack&n={n}", now)
                  for n in range(LINKS)]
    db.conn.close()
    return tokens


async def serve(path: Path, port: int) -> None:
    """The server process: the redirect as `nudge run` serves it, until stdin closes."""
    from bot.tracking.server import ClickTracker
    from bot.tracking.server import serve as serve_links

    db = open_db(path)
    runner = await serve_links(ClickTracker(db), "127.0.0.1", port)
    print(runner.addresses[0][1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


async def run_at(session: aiohttp.ClientSession, base: str, tokens: list[str], rate: int,
                 seconds: float) -> tuple[list[float], int]:
    """Latencies (ms) of rate*seconds requests sent on schedule; and how many failed."""
    total = int(rate * seconds)
    latencies: list[float] = []
    failures = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def one(n: int) -> None:
        nonlocal failures
        due = start + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        headers = {"User-Agent": f"Mozilla/5.0 bench/{n}"}
        try:
            async with session.get(f"{base}/r/{tokens[n % len(tokens)]}", headers=headers,
                                   allow_redirects=False) as response:
                await response.read()
                if response.status != 302:
                    failures += 1
        except aiohttp.ClientError:
            failures += 1
        latencies.append((loop.time() - due) * 1000)

    await asyncio.gather(*(one(n) for n in range(total)))
    return sorted(latencies), failures


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


async def main(seconds: float, rates: list[int]) -> int:
    folder = Path(tempfile.mkdtemp(prefix="nudge-links-bench-"))
    path = folder / "nudge.db"
    tokens = make_links(path)
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        port = int(server.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        connector = aiohttp.TCPConnector(limit=200)
        async with aiohttp.ClientSession(connector=connector) as session:
            await run_at(session, base, tokens, 200, 0.5)  # warm up: connections, caches
            held = None
            for index, rate in enumerate(rates):
                latencies, failures = await run_at(session, base, tokens, rate, seconds)
                p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
                print(f"{rate:>5} req/s for {seconds:g} s: p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
                      f"max {latencies[-1]:.2f} ms, failures {failures}")
                if index == 0:
                    verdict = "meets" if p99 <= GOAL_STEADY_MS else "misses"
                    print(f"  at {rate} req/s p99 {p99:.2f} ms {verdict} the goal of "
                          f"≤ {GOAL_STEADY_MS:g} ms")
                if p99 > GOAL_STEP_MS or failures:
                    break
                held = rate
        print(f"highest rate tried with p99 ≤ {GOAL_STEP_MS:g} ms: "
              f"{held if held else 'none'} req/s")
    finally:
        server.stdin.close()
        server.wait(10)
    sent = open_db(path)["clicks"].count
    print(f"{sent:,} clicks written (each request counted once; the last batch on stop); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        asyncio.run(serve(Path(sys.argv[2]), 0))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rates", default="500,1000,1500,2000,3000,4000")
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.seconds, [int(r) for r in options.rates.split(",")])))
