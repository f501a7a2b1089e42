"""HTTP mode: an aiohttp server that hands Slack's deliveries to bolt.

Bolt checks every request's signature and timestamp (HMAC with SLACK_SIGNING_SECRET, at most
five minutes old); a forged or stale request gets 401 before any listener runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

log = logging.getLogger("bot.platforms.slack")

MAX_BODY_BYTES = 1024 * 1024


async def serve(bolt: AsyncApp, host: str, port: int, path: str,
                routes: Callable[[web.Application], None] | None = None) -> web.AppRunner:
    """Start serving `path` on host:port; return the runner (its `addresses` give the port).

    `routes` adds Nudge's own routes to the same server (the tracked-link redirect)."""

    async def deliveries(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(path, deliveries)
    app.router.add_get("/healthz", health)
    if routes is not None:
        routes(app)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("Slack HTTP mode listening on http://%s:%s%s", host, port, path)
    return runner
