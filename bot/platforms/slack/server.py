"""HTTP mode: an aiohttp server that checks Slack's deliveries, then hands them to bolt.

Before anything is parsed, each request's signature is checked (HMAC-SHA256 of the raw body
with SLACK_SIGNING_SECRET, timestamp at most five minutes old): a forged, stale or unsigned
request gets 401, a malformed one (not UTF-8, bad JSON, a timestamp that is not a number) 400,
each with one log line that never contains the body. A slash command or interaction delivered
again with the same signed body (a replay) is answered 200 and not run twice.

A slash command is acknowledged as soon as its signature is checked, then handed to bolt a few
at a time (CommandLane): a burst of 200 `/nudge digest` would otherwise queue 200 dispatches on
the event loop in front of the next customer message's acknowledgement.
"""

from __future__ import annotations

import asyncio
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
COMMANDS_AT_ONCE = 4
DRAIN_SECONDS = 5


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


class CommandLane:
    """Slash commands already acknowledged, dispatched to bolt by a few workers in turn.

    Slack takes an empty 200 as the acknowledgement of a command (Nudge's listener answers
    through the response URL), so nothing bolt would add to that answer is lost."""

    def __init__(self, bolt: AsyncApp, workers: int = COMMANDS_AT_ONCE):
        self.bolt = bolt
        self.queue: asyncio.Queue = asyncio.Queue()
        self.workers = [asyncio.get_running_loop().create_task(self._work())
                        for _ in range(workers)]

    def submit(self, request) -> None:
        self.queue.put_nowait(request)

    async def _work(self) -> None:
        while True:
            request = await self.queue.get()
            try:
                await self.bolt.async_dispatch(request)
            except Exception as error:  # bolt logs listener errors itself; this is a backstop
                log.error("Slack HTTP: a slash command failed in dispatch: %s",
                          error.__class__.__name__)
            finally:
                self.queue.task_done()

    async def close(self, _app: web.Application | None = None) -> None:
        """Run the commands already acknowledged (briefly), then stop the workers."""
        try:
            await asyncio.wait_for(self.queue.join(), DRAIN_SECONDS)
        except TimeoutError:
            log.warning("Slack HTTP: %d acknowledged commands not run at stop",
                        self.queue.qsize())
        for worker in self.workers:
            worker.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)


def handler(bolt: AsyncApp, secret: str, recent: RecentEvents, lane: CommandLane):
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
        if "command" in data:
            lane.submit(bolt_request)
            return web.Response(status=200)
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
    lane = CommandLane(bolt)
    app.on_shutdown.append(lane.close)
    app.router.add_post(path, handler(bolt, secret, recent, lane))
    app.router.add_get("/healthz", health)
    if routes is not None:
        routes(app)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("Slack HTTP mode listening on http://%s:%s%s", host, port, path)
    return runner
