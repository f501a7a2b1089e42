"""How fast `Engine.suggest` answers, on one core, and how much memory a serving process needs.

The model is trained (and cached) first in a separate process, exactly as Nudge does on first
use, so this process measures what serving costs: loading the cached model and the sentence-
embedding model (the warm-up), then answering messages. The trainer's own peak memory is
printed too. Messages are the dev set's 452 texts, answered with rotating thread states
(cadence due or not, opted out or not) and platforms, so every policy branch and template is
exercised. Last, `nudge classify` itself is run on one core over the dev texts.

    .venv/bin/python bench/engine_speed.py [--messages 5000]

Targets (issue 11): p99 <= 30 ms per message, `nudge classify` >= 150 messages/s, serving
peak RSS <= 400 MB, model load at start <= 3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATE, TARGET_P99_MS, TARGET_RSS_MB, TARGET_LOAD_S = 150, 30.0, 400, 3.0


def one_core() -> str:
    """Pin this process to a single CPU and BLAS to one thread, as the targets are per core."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity here)"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    kilobytes = resource.getrusage(who).ru_maxrss  # kilobytes on Linux
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5_000)
    args = parser.parse_args()
    pinned = one_core()
    with tempfile.TemporaryDirectory(prefix="nudge-bench-") as cache_dir:
        os.environ["NUDGE_CACHE_DIR"] = cache_dir
        return measure(args.messages, pinned)


def measure(messages: int, pinned: str) -> int:

    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.engine.warm", os.environ["NUDGE_CACHE_DIR"]],
                   check=True, cwd=ROOT)
    print(f"training in a child process: {time.perf_counter() - started:.2f} s wall, "
          f"peak RSS {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")

    from bot.config import EXAMPLE_CONFIG, load_config
    from bot.engine import Engine
    from bot.engine.corpus import dev_examples
    from bot.engine.types import ThreadState

    config = load_config(EXAMPLE_CONFIG)
    engine = Engine(config)
    started = time.perf_counter()
    engine.warm()
    load_s = time.perf_counter() - started
    print(f"warm-up (cached intent model + embedding model): {load_s:.2f} s   "
          f"(target <= {TARGET_LOAD_S} s)")

    texts = [example.text for example in dev_examples()]
    states = [ThreadState(customer_messages_since_cta=n, opted_out=n == 4) for n in (1, 2, 3, 4)]
    platforms = ("slack", "discord", "console")
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    calls = [(texts[i % len(texts)], states[i % 4], platforms[i % 3])
             for i in range(messages)]
    for text, state, platform in calls[: len(texts)]:  # warm-up: templates, caches
        engine.suggest(text, platform=platform, state=state, now=now)

    latencies = []
    clock = time.perf_counter_ns
    started = clock()
    for text, state, platform in calls:
        before = clock()
        engine.suggest(text, platform=platform, state=state, now=now)
        latencies.append(clock() - before)
    elapsed = (clock() - started) / 1e9
    latencies.sort()

    def ms(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] / 1e6

    rate, p99, rss = len(calls) / elapsed, ms(0.99), peak_rss_mb()
    print(f"suggest, {len(calls)} messages on one core ({pinned}):")
    print(f"  throughput  {rate:,.0f} messages/s")
    print(f"  latency     p50 {ms(0.50):.3f} ms   p90 {ms(0.90):.3f} ms   p99 {p99:.3f} ms   "
          f"max {latencies[-1] / 1e6:.3f} ms   (target p99 <= {TARGET_P99_MS} ms)")
    print(f"  peak RSS    {rss:.0f} MB of this serving process   (target <= {TARGET_RSS_MB} MB)")

    batch = texts * 4
    started = time.perf_counter()
    engine.classify_many(batch)
    print(f"classify_many: {len(batch) / (time.perf_counter() - started):,.0f} texts/s")
    cli_rate = classify_cli(texts * 4)
    print(f"nudge classify, {len(texts) * 4} lines through a pipe, start-up included: "
          f"{cli_rate:,.0f} messages/s   (target >= {TARGET_RATE})")
    met = (cli_rate >= TARGET_RATE and p99 <= TARGET_P99_MS and rss <= TARGET_RSS_MB
           and load_s <= TARGET_LOAD_S)
    print(f"targets: {'met' if met else 'NOT met'}")
    return 0 if met else 1


def classify_cli(texts: list[str]) -> float:
    """Messages per second of the `nudge classify` command (it inherits the one-core pinning
    and the warm cache), from start to exit."""
    import json

    lines = "".join(json.dumps({"text": text}) + "\n" for text in texts).encode()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "classify"], input=lines, check=True,
                   cwd=ROOT, capture_output=True)
    return len(texts) / (time.perf_counter() - started)


if __name__ == "__main__":
    sys.exit(main())
