"""The tracked-link redirect on loopback: latency at a steady rate, and the highest rate it holds.

The redirect runs as Nudge runs it (bot.tracking.server on aiohttp, a real SQLite file in WAL
mode) in its own process; this process sends GET /r/<token> at a fixed rate, open loop (each
request is timed from the moment it was due, so a slow server cannot hide its queue), every
request from its own client (an X-Forwarded-For address of its own, the bench standing in for a
trusted proxy) so each one is counted and written as a click: the worst case.

Prints p50/p99/max at 500 requests/s (goal: p99 ≤ 5 ms), then steps the rate up and prints the
highest rate whose p99 stays ≤ 20 ms. Both processes share this machine's cores, so the figures
are a floor, not a ceiling.

    .venv/bin/python bench/links.py [--seconds 5] [--rates 500,1000,1250,1500,1750,2000]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.store import open_db, transaction  # noqa: E402
from bot.store.links import LinkInfo, create_link  # noqa: E402

LINKS = 1000
AGENT = "Mozilla/5.0 bench/{round_}.{n}"
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
    import ipaddress

    from bot.tracking.server import ClickTracker
    from bot.tracking.server import serve as serve_links

    db = open_db(path)
    proxy = (ipaddress.ip_network("127.0.0.1/32"),)  # as `links.tracking.trusted_proxies` says
    runner = await serve_links(ClickTracker(db, proxies=proxy, target=str(path)), "127.0.0.1", port)
    print(runner.addresses[0][1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


class Connections:
    """Keep-alive HTTP/1.1 connections to the server, lent out one request at a time.

    A few lines over asyncio streams rather than an HTTP client library: the load generator
    shares the machine with the server, so the less CPU it spends, the truer the figures."""

    def __init__(self, port: int, size: int):
        self.port, self.size = port, size
        self.idle: asyncio.Queue = asyncio.Queue()

    async def open(self) -> None:
        for _ in range(self.size):
            self.idle.put_nowait(await asyncio.open_connection("127.0.0.1", self.port))

    async def get(self, path: str, agent: str, client: str) -> int:
        """GET `path` for `client` (behind the proxy); returns the status code (0 when the
        connection failed)."""
        reader, writer = await self.idle.get()
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {agent}\r\n"
                         f"X-Forwarded-For: {client}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            status = int(head.split(b" ", 2)[1])
        except (OSError, asyncio.IncompleteReadError, ValueError):
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            status = 0
        self.idle.put_nowait((reader, writer))
        return status

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait()[1].close()


async def run_at(pool: Connections, tokens: list[str], rate: int,
                 seconds: float, round_: int = 0) -> tuple[list[float], int]:
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
        client = f"10.{round_ % 256}.{n // 256 % 256}.{n % 256}"  # a new client each request
        status = await pool.get(f"/r/{tokens[n % len(tokens)]}", AGENT.format(round_=round_, n=n),
                                client)
        if status != 302:
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
        pool = Connections(port, 64)
        await pool.open()
        try:
            await run_at(pool, tokens, 200, 0.5)  # warm up
            held = None
            for index, rate in enumerate(rates):
                latencies, failures = await run_at(pool, tokens, rate, seconds, index + 1)
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
        finally:
            pool.close()
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
    parser.add_argument("--rates", default="500,1000,1250,1500,1750,2000,2500,3000")
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.seconds, [int(r) for r in options.rates.split(",")])))
