"""How fast Nudge answers on Discord, measured against the local fake Discord.

For N customer messages: the time from the MESSAGE_CREATE event on the Gateway to the review
posted in the team channel (engine included). For N `/nudge help` commands: the time to the
interaction callback (Discord allows 3 seconds) and to the followup carrying the answer.
Then a burst of N customer messages sent at once: the time until every review is posted.
Everything runs in one process on 127.0.0.1 with the real discord.py client and engine, so the
figures are Nudge's own overhead, without Discord's network time.

Run: .venv/bin/python bench/discord_latency.py [N]   (N defaults to 50)
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.discord_helpers import discord_config, running_nudge  # noqa: E402
from tests.fake_discord import FakeDiscord  # noqa: E402

QUESTIONS = (
    "How much is the autumn pastry box?",
    "Are you open on Sunday?",
    "Do you have gluten-free bread?",
    "I'd like to order two boxes for Saturday",
    "My order never arrived and I'm upset",
)


def describe(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, round(len(ms) * 0.95) - 1)]
    return (f"{name:<38} n={len(ms):<4} p50={statistics.median(ms):7.1f} ms  "
            f"p95={p95:7.1f} ms  max={ms[-1]:7.1f} ms")


async def measure(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with FakeDiscord() as fake:
            started = time.perf_counter()
            async with running_nudge(discord_config(Path(folder), fake)):
                print(f"{'connect and get ready':<38} {1000 * (time.perf_counter() - started):.1f}"
                      " ms (with guild_ready_timeout at 50 ms)")
                loop = asyncio.get_running_loop()
                reviews = []
                for n in range(count):
                    mark, sent = len(fake.calls), loop.time()
                    await fake.say(fake.carol, fake.customers, QUESTIONS[n % len(QUESTIONS)])
                    call = await fake.wait_for_call("POST", rf"/channels/{fake.team}/messages",
                                                    mark)
                    reviews.append(call.at - sent)
                print(describe("customer message -> review posted", reviews))

                acks, answers = [], []
                for _ in range(count):
                    mark = len(fake.calls)
                    ran = await fake.slash(fake.alice, fake.team, "help")
                    ack = await fake.wait_for_call("POST", rf"/interactions/{ran.id}/", mark)
                    answer = await fake.wait_for_call("POST", rf"/webhooks/.*/{ran.token}", mark)
                    acks.append(ack.at - ran.sent_at)
                    answers.append(answer.at - ran.sent_at)
                print(describe("/nudge help -> acknowledged (limit 3 s)", acks))
                print(describe("/nudge help -> answered", answers))

                mark, sent = len(fake.calls), loop.time()
                for n in range(count):
                    await fake.say(fake.carol, fake.customers, QUESTIONS[n % len(QUESTIONS)])
                await fake.wait_for(lambda: len(fake.calls_to(
                    "POST", rf"/channels/{fake.team}/messages", mark)) >= count, timeout=120)
                print(f"{f'burst of {count} messages -> all reviewed':<38} "
                      f"{1000 * (loop.time() - sent):.1f} ms")


if __name__ == "__main__":
    asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
