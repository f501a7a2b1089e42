"""Helpers for the tracked-link and A/B tests: a config with tracking on, a customer thread
with a CTA suggestion stored as the engine stores it, and the redirect served on loopback."""

from __future__ import annotations

from contextlib import asynccontextmanager

import aiohttp

from bot.core.types import Request
from bot.engine.links import tag_url
from bot.store import iso
from bot.store.links import click_count
from bot.tracking.server import ClickTracker, serve
from handlers import conversation
from tests.conftest import example_config

PUBLIC_URL = "https://nudge.crumb.example"
BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0 Safari/537.36")


def tracking_config(tmp_path, enabled: bool = True):
    return example_config(tmp_path, links={"tracking": {"enabled": enabled,
                                                        "public_url": PUBLIC_URL}})


def pricing_thread(ctx, *, thread: str = "1.1", cta_id: str = "autumn-offer",
                   variant: str | None = None, platform: str = "slack", channel: str = "C1",
                   text: str | None = None, intent: str = "pricing") -> int:
    """A customer asks about prices; the engine's suggestion carries the tagged CTA link."""
    request = Request(platform=platform, text="how much is the box?", user="U1",
                      channel=channel, thread=thread, message_id=f"{thread}-m", workspace="T1")
    recorded = conversation.record_message(request, ctx)
    cta = ctx.config.cta(cta_id)
    url = tag_url(cta.url, platform=platform, campaign=cta.campaign)
    return ctx.db["suggestions"].insert({
        "message_id": recorded.message_id, "conversation_id": recorded.conversation_id,
        "rank": 0, "intent": intent, "stage": "promotion", "confidence": 0.9,
        "text": text or f"Our box is £12. {cta.label}: {url}", "cta_id": cta_id,
        "cta_url": url, "cta_kind": cta.kind, "rationale": "test", "status": "pending",
        "created_at": iso(ctx.now()), "variant": variant,
    }).last_pk


@asynccontextmanager
async def redirect_server(db, clock, tracker: ClickTracker | None = None):
    """The tracked-link redirect on an ephemeral loopback port; yields (base URL, session).

    Clicks are written in batches; `clicks()` below writes the pending batch before counting.
    """
    tracker = tracker or ClickTracker(db, clock=clock)
    runner = await serve(tracker, "127.0.0.1", 0)
    port = runner.addresses[0][1]
    TRACKERS[id(db)] = tracker
    try:
        async with aiohttp.ClientSession() as session:
            yield f"http://127.0.0.1:{port}", session
    finally:
        await runner.cleanup()
        TRACKERS.pop(id(db), None)


TRACKERS: dict[int, ClickTracker] = {}  # the running redirect of each test database


async def click(session, base: str, token: str, *, agent: str = BROWSER,
                method: str = "GET") -> aiohttp.ClientResponse:
    async with session.request(method, f"{base}/r/{token}", allow_redirects=False,
                               headers={"User-Agent": agent}) as response:
        await response.read()
        return response


def clicks(db, token: str | None = None) -> int:
    """Clicks written to the database, after writing any the running redirect still holds."""
    if id(db) in TRACKERS:
        TRACKERS[id(db)].flush()
    return click_count(db, token)
