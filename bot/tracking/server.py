"""The redirect behind tracked links: GET /r/<token> counts a click and answers 302.

Served by Nudge's own aiohttp: mounted on the Slack HTTP server when that runs, otherwise on a
small listener of its own (`links.tracking.host`/`port`). What is not counted:
- link-preview fetchers (Slack, Discord, Facebook, Twitter/X and the like unfurl every link
  posted, before any person clicks), and HEAD requests, which only check the link;
- the same client clicking the same link again within a minute (a double click, a reload).
  The client is its address, kept in memory only as a hash and never stored. The user agent
  is not part of it, and X-Forwarded-For is believed only from `links.tracking.trusted_proxies`
  (none by default): both are written by the client, which could otherwise count itself as
  thousands of people. The recent clicks are remembered oldest first, at most MAX_REMEMBERED
  of them, so each click forgets the few that are too old instead of sweeping them all: a
  flood costs the event loop (shared with Slack's HTTP acks) the same small work per click.

Counted clicks are written in batches, at most `flush_seconds` after the click (and when the
server stops), by a worker thread with a connection of its own, opened on the database the
application gives (`target`): a write to SQLite waits for the disk (about 6 ms here), one to
PostgreSQL for the server, either of which would otherwise be in redirects' answer times. A
crash loses at most the last second's clicks.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.store import MEMORY, close, open_db
from bot.store.connection import Database
from bot.store.failures import passes
from bot.store.links import destination, record_clicks

log = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(minutes=1)
FLUSH_SECONDS = 1.0
MAX_REMEMBERED = 50_000  # recent (client, token) pairs kept; older ones are forgotten first
MAX_HOPS = 20  # X-Forwarded-For hops looked at, from the nearest
MAX_PENDING = 100_000  # counted clicks waiting to be written; past this (a stuck disk) new ones
#                        are dropped rather than held in memory without end
# The user agents of link-preview fetchers and crawlers: none of them is a person clicking.
PREVIEW_AGENTS = re.compile(
    r"slackbot|slack-imgproxy|discordbot|facebookexternalhit|facebot|twitterbot|linkedinbot|"
    r"whatsapp|telegrambot|skypeuripreview|redditbot|pinterest|embedly|iframely|mastodon|"
    r"applebot|googlebot|bingbot|duckduckbot|yandex|baiduspider|bot\b|crawler|spider|"
    r"preview|unfurl",
    re.IGNORECASE,
)
TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")


def is_preview(user_agent: str) -> bool:
    """Whether a request comes from a link-preview fetcher or crawler rather than a person."""
    return bool(PREVIEW_AGENTS.search(user_agent or ""))


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None,
             proxies: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(request: web.Request, proxies: tuple[Network, ...] = ()) -> str:
    """The clicking client's address: the peer's, unless the peer is a trusted proxy; then the
    nearest X-Forwarded-For hop that is not one (hops further left are the client's own say)."""
    remote = request.remote or ""
    if not proxies or not _trusted(_address(remote), proxies):
        return remote
    hops = request.headers.get("X-Forwarded-For", "").split(",")
    for hop in reversed(hops[-MAX_HOPS:]):
        address = _address(hop)
        if address is None:
            return remote  # a header no proxy of ours wrote: count the proxy, not a stranger
        if not _trusted(address, proxies):
            return str(address)
    return remote


class RepeatFilter:
    """Remembers, in memory only, who clicked which link in the last minute.

    Entries are kept in the order they were counted, so the expired ones are always at the
    front: each click removes those (one at a time) and, past `limit`, the oldest one.
    """

    def __init__(self, window: timedelta = REPEAT_WINDOW, limit: int = MAX_REMEMBERED):
        self.window = window
        self.limit = limit
        self.seen: OrderedDict[bytes, datetime] = OrderedDict()
        self.forgotten = 0  # entries let go so far (expired, or the oldest past `limit`)

    def __len__(self) -> int:
        return len(self.seen)

    @staticmethod
    def key(token: str, address: str) -> bytes:
        return hashlib.blake2b(f"{token}\0{address}".encode(), digest_size=16).digest()

    def first_in_window(self, token: str, address: str, now: datetime) -> bool:
        """True for a click to count; False for a repeat within the window."""
        self._forget_before(now - self.window)
        key = self.key(token, address)
        counted = self.seen.get(key)
        if counted is not None and now - counted < self.window:
            return False
        self.seen[key] = now
        self.seen.move_to_end(key)
        if len(self.seen) > self.limit:  # a flood within one minute: the oldest goes
            self.seen.popitem(last=False)
            self.forgotten += 1
        return True

    def _forget_before(self, moment: datetime) -> None:
        while self.seen:
            key, counted = next(iter(self.seen.items()))
            if counted >= moment:
                return
            del self.seen[key]
            self.forgotten += 1


class ClickTracker:
    """The /r/<token> route, bound to the database.

    `db` answers the redirects (on the event loop: a lookup by primary key); `target`, where
    that database is (a SQLite path or a PostgreSQL URL), is where the click writer opens its
    own connection. Without one (or for a database in memory) clicks are written on `db`.
    """

    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None,
                 flush_seconds: float = FLUSH_SECONDS, proxies: tuple[Network, ...] = (),
                 target: str | None = None):
        self.db = db
        self.target = target
        self.proxies = proxies
        self.clock = clock or (lambda: datetime.now(UTC))
        self.flush_seconds = flush_seconds
        self.repeats = RepeatFilter()
        self.pending: list[tuple[str, datetime]] = []  # counted clicks not yet written
        self.dropped = 0  # clicks not kept since the pending list filled up
        self._flush_timer: asyncio.TimerHandle | None = None
        self._writing: asyncio.Task | None = None  # a batch being written off the loop
        self._writer: Database | None = None  # that thread's own connection

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/r/{token}", self.redirect)  # aiohttp answers HEAD through it too
        app.on_cleanup.append(self._write_on_cleanup)

    async def redirect(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        url = destination(self.db, token) if TOKEN.fullmatch(token) else None
        if url is None:
            return web.Response(status=404, text="This link is not known to Nudge.\n",
                                headers={"Cache-Control": "no-store"})
        user_agent = request.headers.get("User-Agent", "")
        if request.method == "GET" and not is_preview(user_agent):
            now = self.clock()
            if self.repeats.first_in_window(token, client_address(request, self.proxies), now):
                self.count(token, now)
        return web.Response(status=302, headers={
            "Location": url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    def count(self, token: str, now: datetime) -> None:
        """Keep a click to write with the next batch (within `flush_seconds`)."""
        if len(self.pending) >= MAX_PENDING:
            if not self.dropped:
                log.warning("%d clicks wait to be written; dropping new ones until the "
                            "database takes them", MAX_PENDING)
            self.dropped += 1
            return
        self.dropped = 0
        self.pending.append((token, now))
        self._write_soon()

    def _write_soon(self) -> None:
        if self._flush_timer is None:
            self._flush_timer = asyncio.get_running_loop().call_later(self.flush_seconds,
                                                                      self._write_batch)

    def _write_batch(self) -> None:
        """The timer: write the batch in a worker thread, with a connection of its own, so no
        redirect waits for the disk (a file database; one in memory is written here)."""
        self._flush_timer = None
        if self._writing is not None and not self._writing.done():
            self._write_soon()  # the previous batch is still being written
            return
        writer = self._writer_db()
        if writer is None:
            self.flush()
            return
        batch, self.pending = self.pending, []
        if batch:
            self._writing = asyncio.ensure_future(self._write_off_loop(writer, batch))

    async def _write_off_loop(self, writer: Database,
                              batch: list[tuple[str, datetime]]) -> None:
        if not await asyncio.to_thread(self._write, writer, batch):
            self.pending = batch + self.pending
            self._write_soon()

    def _writer_db(self) -> Database | None:
        if self._writer is None:
            if not self.target or str(self.target) == MEMORY:
                return None
            try:
                self._writer = open_db(self.target, pool_size=1)
            except Exception:  # the redirects' connection still answers: write there
                log.exception("could not open a connection for writing clicks; they are "
                              "written on the main one")
                self.target = None
                return None
        return self._writer

    @staticmethod
    def _write(db: Database, batch: list[tuple[str, datetime]]) -> bool:
        """Write a batch; False when it should be tried again (the database was busy)."""
        try:
            record_clicks(db, batch)
        except Exception as error:
            if passes(error):  # busy or locked past the timeout: next time
                log.warning("could not write %d clicks yet; trying again shortly", len(batch))
                return False
            # The visitors got where they were going; only the count is lost.
            log.exception("could not record %d clicks", len(batch))
        return True

    def flush(self) -> int:
        """Write the clicks kept so far, now, on this thread; returns how many were written."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        batch, self.pending = self.pending, []
        if not batch:
            return 0
        if not self._write(self.db, batch):
            self.pending = batch + self.pending
            self._write_soon()
            return 0
        return len(batch)

    async def close(self) -> None:
        """Finish the batch being written, write what is left, close the writer connection."""
        if self._writing is not None:
            await self._writing
        self.flush()
        if self._writer is not None:
            close(self._writer)
            self._writer = None

    async def _write_on_cleanup(self, app: web.Application) -> None:
        await self.close()


async def serve(tracker: ClickTracker, host: str, port: int) -> web.AppRunner:
    """Nudge's own listener for tracked links, when no Slack HTTP server carries them."""
    app = web.Application()
    tracker.add_routes(app)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("tracked links served on http://%s:%s/r/", host, port)
    return runner
