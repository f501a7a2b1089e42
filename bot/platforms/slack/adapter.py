"""SlackAdapter: Nudge in a Slack workspace, over Socket Mode or HTTP.

It only translates: Slack payloads become neutral Requests for the handlers, and their Replies
become Block Kit. Socket Mode is used when SLACK_APP_TOKEN is set (no public URL needed);
otherwise an HTTP server receives Slack's signed deliveries.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import weakref
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.config import Config, Secrets, database_target
from bot.core.errors import DeliveryError, StartupError
from bot.core.types import Image, Post, Reply
from bot.platforms.inbox import Inbox
from bot.platforms.slack import api, blocks, catch_up, listeners, problems
from bot.platforms.slack.dedupe import RecentEvents, event_dedupe
from bot.platforms.slack.listeners.common import update_review
from bot.platforms.slack.people import People
from bot.platforms.slack.server import serve
from handlers import review

if TYPE_CHECKING:
    from bot.app import Application
    from bot.core.context import Context

log = logging.getLogger("bot.platforms.slack")

STOP_GRACE_SECONDS = 5
HEAVY_COMMANDS_AT_ONCE = 4  # see listeners.commands.slot_for
MAX_CACHED_PERMALINKS = 2000
# Reviews cut off after some of their parts were posted, waiting for the outbox's retry; one
# whose retries all failed is never popped, so the oldest are forgotten past this many.
MAX_PARTIAL_REVIEWS = 1000


def connection_mode(config: Config, secrets: Secrets) -> str:
    """"socket" or "http", as `plan_platforms` decides it."""
    mode = config.platforms.slack.mode
    if mode == "socket" or (mode == "auto" and secrets.slack_app_token is not None):
        return "socket"
    return "http"


def channel_id(target: str) -> str:
    """"#C0123", "<#C0123|general>" and "C0123" all name the channel C0123."""
    target = target.strip()
    if target.startswith("<#") and target.endswith(">"):
        target = target[2:-1].split("|")[0]
    return target.lstrip("#")


class _QuietTokenNotice(logging.Filter):
    """Bolt also reads SLACK_BOT_TOKEN from the environment and warns that our client (which
    carries that same token) takes precedence: true, expected, and only noise in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("As you gave `client` as well")


QUIET_TOKEN_NOTICE = _QuietTokenNotice()


class SlackAdapter:
    platform = "slack"

    def __init__(self, config: Config, secrets: Secrets):
        if secrets.slack_bot_token is None:
            raise ValueError("the Slack adapter needs SLACK_BOT_TOKEN")
        self.config = config
        self.settings = config.platforms.slack
        self.secrets = secrets
        self.mode = connection_mode(config, secrets)
        self.listen_channels = frozenset(self.settings.listen_channels)
        self.review_channel = channel_id(self.settings.review_channel)
        self.recent_events = RecentEvents()
        self.workspace = ""  # our team id, from auth.test
        self.workspace_url = ""
        self.bot_user_id = ""
        self.http_port: int | None = None
        self.ready = asyncio.Event()
        self._stopped = asyncio.Event()
        self._jobs: set[asyncio.Task] = set()
        self._permalinks: OrderedDict[str, str] = OrderedDict()
        self._review_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = \
            weakref.WeakValueDictionary()
        self._session: aiohttp.ClientSession | None = None
        self._socket: Any = None
        self._runner: Any = None
        self._closed = False
        self.inbox: Inbox | None = None
        self.catching_up: asyncio.Task | None = None
        self.heavy_commands = asyncio.Semaphore(HEAVY_COMMANDS_AT_ONCE)
        self._review_parts_shown: dict[Any, int] = {}  # suggestion id -> parts posted
        self.inbox_options: dict[str, Any] = {}  # tests shorten the inbox's waits
        self.in_hand: set[str] = set()  # customer messages being handled right now

    # ---- life cycle -------------------------------------------------------------------------

    @property
    def ctx(self) -> Context:
        return self.app.ctx

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The HTTP session every Slack call shares (response URLs included)."""
        return self._session

    async def start(self, app: Application) -> None:
        """Connect (Socket Mode) or listen (HTTP mode), then serve until stop()."""
        self.app = app
        self._session = aiohttp.ClientSession()
        self.client = api.make_client(
            self.secrets.slack_bot_token.get_secret_value(), self.settings.api_base_url,
            self._session,
        )
        self.people = People(self.client, self.settings)
        self.inbox = Inbox(
            database_target(self.config), self.platform,
            functools.partial(listeners.events.handle_body, self), self.notify_team,
            on_recovered=self._catch_up_after_outage, **self.inbox_options,
        )
        try:
            await self._identify()
            self.bolt = self._build_bolt()
            if self.mode == "socket":
                await self._connect_socket_mode()
            else:
                await self._listen_http()
            await self._check_channels()
        except BaseException:
            await self.stop()
            raise
        self.ready.set()
        self.inbox.start()
        self.catching_up = asyncio.create_task(self._catch_up())
        self._jobs.add(self.catching_up)  # stop() lets it finish, briefly
        await self._stopped.wait()

    async def _catch_up(self) -> None:
        """Read back what customers wrote while Nudge was away (catch_up.py)."""
        try:
            await catch_up.catch_up(self)
        except Exception:
            log.exception("Slack: could not read back the messages written while away")
        finally:
            self._jobs.discard(asyncio.current_task())

    async def _catch_up_after_outage(self) -> None:
        """The database accepts messages again: read back what Slack stopped retrying while
        it refused them (Slack retries an event for about five minutes)."""
        if self.catching_up is not None and not self.catching_up.done():
            return
        self.catching_up = asyncio.current_task()
        await self._catch_up()

    async def _identify(self) -> None:
        try:
            who = await self.client.auth_test()
        except Exception as error:
            raise StartupError(
                f"Slack did not accept SLACK_BOT_TOKEN (auth.test: {api.error_code(error)}); "
                "check the token and the app's installation"
            ) from None
        self.workspace = who.get("team_id") or ""
        self.workspace_url = who.get("url") or ""
        self.bot_user_id = who.get("user_id") or ""
        self.people.workspace = self.workspace
        log.info("Slack: connected to workspace %s as %s", who.get("team"), who.get("user"))

    def _build_bolt(self) -> AsyncApp:
        secret = self.secrets.slack_signing_secret
        bolt_log = logging.getLogger("bot.platforms.slack.bolt")
        bolt_log.addFilter(QUIET_TOKEN_NOTICE)  # the same object each time: added once
        bolt = AsyncApp(
            client=self.client,
            signing_secret=secret.get_secret_value() if secret else "",
            request_verification_enabled=self.mode == "http",
            process_before_response=False,
            logger=bolt_log,
            name="nudge",
        )
        bolt.middleware(event_dedupe(self.recent_events))
        bolt.middleware(self.keep_before_ack)
        listeners.register(bolt, self)

        @bolt.error
        async def log_listener_errors(error: Exception, body: dict) -> None:
            kind = body.get("type") or body.get("command") or "request"
            log.error("Slack %s failed: %s", kind, error.__class__.__name__,
                      exc_info=(type(error), error, error.__traceback__))

        return bolt

    async def keep_before_ack(self, body: dict, next) -> BoltResponse | None:
        """A bolt middleware: a customer message is written to the inbox before bolt
        acknowledges it. One the disk refused is not acknowledged (an error status in HTTP
        mode, no ack in Socket Mode): Slack delivers it again, a store that survives a kill,
        where this process's memory would not."""
        key = listeners.events.inbox_key(self, body)
        if key is not None and not await self.inbox.keep(key, body):
            if body.get("event_id"):
                self.recent_events.forget(body["event_id"])  # its retry is not a repeat
            return BoltResponse(status=503, body="")
        return await next()

    async def _connect_socket_mode(self) -> None:
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        self._socket = AsyncSocketModeHandler(
            self.bolt, self.secrets.slack_app_token.get_secret_value(), web_client=self.client,
            logger=logging.getLogger("bot.platforms.slack.socket"),
        )
        try:
            await self._socket.connect_async()
        except Exception as error:
            raise StartupError(
                f"Slack Socket Mode could not connect ({api.error_code(error)}); check "
                "SLACK_APP_TOKEN (an app-level token with connections:write)"
            ) from None
        log.info("Slack: Socket Mode connected")

    async def _listen_http(self) -> None:
        http = self.settings.http
        try:
            secret = self.secrets.slack_signing_secret
            self._runner = await serve(self.bolt, http.host, http.port, http.path,
                                       routes=self.app.link_routes,
                                       secret=secret.get_secret_value() if secret else "")
        except OSError as error:
            raise StartupError(
                f"Slack HTTP mode cannot listen on {http.host}:{http.port} ({error.strerror}); "
                "change platforms.slack.http.port or stop what is using it"
            ) from None
        self.http_port = self._runner.addresses[0][1]

    async def _check_channels(self) -> None:
        """Report at start-up the channels Nudge cannot use (in the log and in the next
        digest), rather than failing silently on the first customer message."""
        if not self.review_channel:
            log.warning("Slack: platforms.slack.review_channel is not set; suggestions cannot "
                        "be shown to the team")
        for channel in sorted({self.review_channel, *self.listen_channels} - {""}):
            try:
                info = await api.call_or_raise(self.client, "conversations.info",
                                               channel=channel)
            except api.SlackCallError as error:
                if not problems.report(self.ctx, error.code, channel, needed=error.needed):
                    log.warning("Slack: channel %s cannot be read (%s); is the id right?",
                                channel, error.code)
                continue
            about = info.get("channel") or {}
            if about.get("is_archived"):
                problems.report(self.ctx, "is_archived", channel)
            elif not about.get("is_member", True):
                problems.report(self.ctx, "not_in_channel", channel)

    async def stop(self) -> None:
        """Stop receiving, let in-flight work finish (briefly), then close the connections."""
        if self._closed:
            return
        self._closed = True
        self._stopped.set()
        if self._socket is not None:
            try:
                await self._socket.close_async()
            except Exception as error:
                log.warning("Slack: closing Socket Mode failed: %s", error.__class__.__name__)
        if self._runner is not None:
            await self._runner.cleanup()
        await self.finish_jobs(STOP_GRACE_SECONDS)
        # Still running after the grace (a review waiting out a rate limit): stopped here, not
        # left to run against closed connections. What they were doing is on disk: the inbox
        # row, the delivery "retrying" for the outbox to resume at the next start.
        leftover = [job for job in self._jobs if not job.done()]
        for job in leftover:
            job.cancel()
        await asyncio.gather(*leftover, return_exceptions=True)
        if self.inbox is not None:
            await self.inbox.stop()
        if self._session is not None:
            await self._session.close()

    async def finish_jobs(self, timeout: float) -> None:
        """Wait (at most `timeout` seconds) for the work listeners started after their acks."""
        pending = [job for job in self._jobs if not job.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        if self.inbox is not None:
            await self.inbox.finish(timeout)

    def job(self, listener):
        """Wrap a listener so stop() waits for it to finish (bolt runs it after the ack)."""

        @functools.wraps(listener)
        async def tracked(*args, **kwargs):
            task = asyncio.current_task()
            if task is not None:
                self._jobs.add(task)
            try:
                return await listener(*args, **kwargs)
            finally:
                if task is not None:
                    self._jobs.discard(task)

        return tracked

    # ---- what the application asks of every adapter -----------------------------------------

    async def post(self, post: Post) -> str:
        """Post in a channel (in a thread when given), or as a direct message from the app when
        the post names a person; return the ts of its first message. A text longer than one
        Slack message (40,000 characters) goes out whole, as consecutive messages (in the
        same thread when there is one); a promotion's image comes with the last. A part refused
        after the first went out is a lasting error: retrying would post the first ones twice;
        the error says how many went out (`parts_sent`), and a post with `skip_parts` goes on
        after them."""
        person = post.direct_user
        # A user id as the channel lands in the app's Messages tab with that person.
        channel = person if person is not None else channel_id(post.channel)
        pieces = blocks.escaped_pieces(post.text, blocks.MAX_TEXT, limit=blocks.MAX_TEXT)
        if post.image_url:  # the last part is also in the image message's blocks: keep it within
            room = blocks.MAX_BLOCKS_TEXT - min(len(post.image_alt or ""), blocks.MAX_ALT_TEXT) - 10
            pieces[-1:] = blocks.split_exact(pieces[-1], room, escaped=True)
        first, data = "", {}
        for number, text in enumerate(pieces, 1):
            if number <= post.skip_parts:
                continue
            args: dict[str, Any] = {"channel": channel, "text": text}
            if post.thread and person is None:
                args["thread_ts"] = post.thread
            if post.image_url and number == len(pieces):
                args["blocks"] = blocks.text_and_image(text, post.image_url, post.image_alt)
            try:
                data = await self._post_message(args, person=person is not None)
            except DeliveryError as error:
                if number == post.skip_parts + 1:  # nothing out in this attempt: may retry
                    error.parts_sent = post.skip_parts
                    raise
                # Part of it is out: another attempt would repeat those parts to the reader.
                raise DeliveryError(f"Slack posted {number - 1} of {len(pieces)} parts, then "
                                    f"refused the rest: {error}", transient=False,
                                    code=error.code, status=error.status,
                                    parts_sent=number - 1) from None
            first = first or str(data.get("ts") or "")
        if post.image is not None:
            await self.upload_image(str(data.get("channel") or channel), post.image)
        return first

    async def upload_image(self, channel: str, image: Image) -> bool:
        """Upload a picture into the channel after its message (files_upload_v2: get an upload
        URL, send the bytes, complete the upload). The message is already delivered, so a
        refused upload is logged and kept for the digest (a missing files:write scope) rather
        than raised; True when Slack took it."""
        try:
            await self.client.files_upload_v2(channel=channel, file=image.data,
                                              filename=image.filename,
                                              title=image.title or image.filename)
        except Exception as error:  # the text went out; the picture is a bonus
            code = api.error_code(error)
            needed = ""
            response = getattr(error, "response", None)
            if response is not None and hasattr(response, "get"):
                needed = str(response.get("needed") or "")
            log.warning("Slack: could not upload %s to %s: %s", image.filename, channel, code)
            problems.report(self.ctx, code, channel, needed=needed)
            return False
        return True

    async def _post_message(self, args: dict[str, Any], person: bool = False) -> dict[str, Any]:
        """chat.postMessage; a refusal a person must fix is also kept for the digest."""
        try:
            return await api.call_or_raise(self.client, "chat.postMessage", **args)
        except api.SlackCallError as error:
            if not error.transient:
                problems.report(self.ctx, error.code, args["channel"], person=person,
                                needed=error.needed)
            raise

    async def notify_team(self, reply: Reply) -> None:
        """Show a reply in the review channel; a review remembers where it was shown."""
        await self.post_review(reply)

    async def post_review(self, reply: Reply) -> tuple[str, str]:
        """Post in the review channel; return (channel, ts) so the message can be redrawn. A
        review longer than one message (50 blocks) goes on over several; the ts is the last
        one's, which carries the buttons."""
        if not self.review_channel:
            raise DeliveryError("platforms.slack.review_channel is not set", transient=False)
        reply = await self.with_permalink(reply)
        suggestion_id = reply.meta.get("suggestion_id")
        # A retry (the outbox's) goes on after the parts already shown, never repeats them.
        shown = self._review_parts_shown.pop(suggestion_id, 0) if suggestion_id else 0
        for number, part in enumerate(blocks.message_parts(reply)):
            if number < shown:
                continue
            try:
                data = await self._post_message({
                    "channel": self.review_channel, **part,
                    "unfurl_links": False, "unfurl_media": False,
                })
            except DeliveryError:
                if suggestion_id and number:
                    self._review_parts_shown[suggestion_id] = number
                    while len(self._review_parts_shown) > MAX_PARTIAL_REVIEWS:
                        self._review_parts_shown.pop(next(iter(self._review_parts_shown)))
                raise
        channel, ts = data.get("channel") or self.review_channel, str(data.get("ts") or "")
        if suggestion_id:
            review.remember_review_message(self.ctx, suggestion_id, f"{channel}:{ts}")
        return channel, ts

    async def redraw_review(self, ref: str, reply: Reply) -> None:
        """Replace the review message at `ref` ("channel:ts", as stored by post_review)."""
        channel, _, ts = ref.partition(":")
        await update_review(self, channel, ts, reply)

    # ---- helpers the listeners share --------------------------------------------------------

    def listens_to(self, channel: str) -> bool:
        """Customer channels: the configured ones, or with none configured every channel the
        bot was invited to except the review channel."""
        if self.listen_channels:
            return channel in self.listen_channels
        return channel != self.review_channel

    def review_lock(self, channel: str, ts: str) -> asyncio.Lock:
        """One lock per review message, so a button press and a late LLM draft never redraw
        it in the wrong order."""
        key = f"{channel}:{ts}"
        lock = self._review_locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._review_locks[key] = lock
        return lock

    async def permalink(self, channel: str, ts: str) -> str:
        key = f"{channel}:{ts}"
        if key in self._permalinks:
            return self._permalinks[key]
        data = await api.call(self.client, "chat.getPermalink", channel=channel, message_ts=ts)
        link = (data or {}).get("permalink") or ""
        if link:
            if len(self._permalinks) >= MAX_CACHED_PERMALINKS:
                self._permalinks.popitem(last=False)
            self._permalinks[key] = link
        return link

    async def with_permalink(self, reply: Reply) -> Reply:
        """A review keeps its link to the customer's message when it is redrawn."""
        meta = reply.meta or {}
        if meta.get("permalink") or meta.get("platform") != "slack":
            return reply
        channel, _, ts = str(meta.get("customer_message_id") or "").partition(":")
        if not (channel and ts):
            return reply
        link = await self.permalink(channel, ts)
        return dataclasses.replace(reply, meta={**meta, "permalink": link}) if link else reply
