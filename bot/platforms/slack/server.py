"""HTTP mode: an aiohttp server that checks Slack's deliveries, then hands them to bolt.

Before anything is parsed, each request's signature is checked (HMAC-SHA256 of the raw body
with SLACK_SIGNING_SECRET, timestamp at most five minutes old): a forged, stale or unsigned
request gets 401, a malformed one (not UTF-8, bad JSON, a timestamp that is not a number) 400,
each with one log line that never contains the body. A slash command or interaction delivered
again with the same signed body (a replay) is answered 200 and not run twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.platforms.slack.dedupe import RecentEvents

log = logging.getLogger("bot.platforms.slack")

MAX_BODY_BYTES = 1024 * 1024
MAX_AGE_SECONDS = 60 * 5


class Refused(Exception):
    """A request answered without reaching bolt: its status and the one line to log."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check_signature(secret: str, headers, body: bytes, now: float) -> None:
    """Raise Refused(401) unless Slack signed this body, less than five minutes ago."""
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not stamp or not signature:
        raise Refused(401, "unsigned request")
    if not stamp.isdigit():
        raise Refused(400, "malformed timestamp")
    if abs(now - int(stamp)) > MAX_AGE_SECONDS:
        raise Refused(401, "stale timestamp")
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body,
                                hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise Refused(401, "bad signature")


def check_body(content_type: str, body: bytes) -> dict:
    """The decoded payload, or Refused(400) when it is not what Slack sends."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    try:
        if content_type == "application/json":
            data = json.loads(text)
        else:
            form = {key: values[0] for key, values in parse_qs(text).items()}
            data = json.loads(form["payload"]) if "payload" in form else form
    except ValueError:
        raise Refused(400, "body is not valid JSON") from None
    if not isinstance(data, dict):
        raise Refused(400, "body is not an object")
    return data


def is_replayable(data: dict) -> bool:
    """Slash commands and interactions: they change things, and Slack never resends them
    itself (events are resent with a retry header; dedupe.py handles those)."""
    return "command" in data or data.get("type") in (
        "block_actions", "view_submission", "view_closed", "shortcut", "message_action")


def handler(bolt: AsyncApp, secret: str, recent: RecentEvents):
    async def deliveries(request: web.Request) -> web.Response:
        try:
            body = await request.read()
            check_signature(secret, request.headers, body, time.time())
            data = check_body(request.content_type, body)
            signature = request.headers["X-Slack-Signature"]
            if is_replayable(data) and not recent.first_time("replay:" + signature):
                log.warning("Slack HTTP: a signed %s delivered again; not run twice",
                            data.get("command") or data.get("type"))
                return web.Response(status=200)
        except Refused as refused:
            log.warning("Slack HTTP: refused a request from %s: %s (%d)", request.remote,
                        refused.reason, refused.status)
            return web.Response(status=refused.status, text=refused.reason)
        except web.HTTPException as error:  # a body over the size limit
            log.warning("Slack HTTP: refused a request from %s: %s", request.remote,
                        error.reason)
            return web.Response(status=error.status, text=error.reason)
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    return deliveries


async def serve(bolt: AsyncApp, host: str, port: int, path: str,
                routes: Callable[[web.Application], None] | None = None, *, secret: str = "",
                recent: RecentEvents | None = None) -> web.AppRunner:
    """Start serving `path` on host:port; return the runner (its `addresses` give the port).

    `routes` adds Nudge's own routes to the same server (the tracked-link redirect)."""

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    recent = recent or RecentEvents(ttl=2 * MAX_AGE_SECONDS)
    app.router.add_post(path, handler(bolt, secret, recent))
    app.router.add_get("/healthz", health)
    if routes is not None:
        routes(app)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("Slack HTTP mode listening on http://%s:%s%s", host, port, path)
    return runner
