"""How much time the LLM path adds on our side: the guardrail check, and a full round trip.

Prints the median time to check one draft against its facts, and the median time of
LLMDrafter.improve against an instant OpenAI-compatible server on 127.0.0.1 (so the figure is
Nudge's own overhead: prompt rendering, HTTP, JSON, guardrails; a real model adds its own time).
Run: .venv/bin/python bench/llm_guardrails.py
"""

from __future__ import annotations

import asyncio
import statistics
import time

from aiohttp import web

from bot.config import LLM, Brand
from bot.engine.types import Suggestion
from bot.llm import ChatClient, LLMDrafter, check_draft

URL = "https://crumbandco.example/offers/autumn?ref=chat&utm_source=slack&utm_medium=chat"
SUGGESTION = Suggestion(
    text=f"Good news: 10% off your first pastry box with the code AUTUMN10, until 2026-12-31. "
         f"Get 10% off your first box: {URL}",
    rationale="pricing", cta_id="autumn-offer", cta_kind="offer",
    cta_label="Get 10% off your first box", cta_url=URL, offer_id="autumn10",
    facts=("10% off your first pastry box", "code AUTUMN10", "valid until 2026-12-31",
           "Mill Road, 12 Mill Road, Cambridge CB1 2AD, open today 08:00-18:00"),
)
DRAFTS = [
    f"Treat yourself! AUTUMN10 takes 10% off your first pastry box until 31 Dec. {URL}",
    f"Use AUTUMN10 for 10% off, we're open 8am to 6pm at 12 Mill Road! More at www.x.com {URL}",
    f"Use AUTUMN10 or FREE100 for 100% off! {URL}",
    f"Use AUTUMN10 for 10% off; a box is only £9.99 on Monday! {URL}",
]
ROUNDS = 2000
TRIPS = 300


def bench_guardrails() -> None:
    times = []
    for _ in range(ROUNDS // len(DRAFTS)):
        for draft in DRAFTS:
            start = time.perf_counter()
            check_draft(draft, SUGGESTION)
            times.append(time.perf_counter() - start)
    print(f"guardrail check: median {statistics.median(times) * 1e6:.0f} µs, "
          f"p95 {statistics.quantiles(times, n=20)[-1] * 1e6:.0f} µs per draft "
          f"({len(times)} drafts, {len(DRAFTS)} kinds)")


async def bench_round_trip() -> None:
    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"choices": [{"message": {"role": "assistant",
                                                           "content": DRAFTS[0]},
                                               "finish_reason": "stop"}]})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    settings = LLM(enabled=True, base_url=f"http://127.0.0.1:{port}/v1")
    drafter = LLMDrafter(ChatClient(settings.base_url, settings.model))
    brand = Brand(name="Crumb & Co.")
    times = []
    for _ in range(TRIPS):
        start = time.perf_counter()
        result = await drafter.improve(SUGGESTION, "how much is a box?", brand)
        times.append(time.perf_counter() - start)
        assert result.source == "llm"
    await drafter.close()
    await runner.cleanup()
    print(f"improve() round trip to an instant local server: median "
          f"{statistics.median(times) * 1e3:.2f} ms, p95 "
          f"{statistics.quantiles(times, n=20)[-1] * 1e3:.2f} ms ({TRIPS} calls)")


if __name__ == "__main__":
    bench_guardrails()
    asyncio.run(bench_round_trip())
