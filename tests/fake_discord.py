"""A small Discord on 127.0.0.1: the REST endpoints and Gateway that Nudge's client uses.

The real discord.py client talks to it over HTTP and a WebSocket, exactly as it talks to
Discord. The Gateway says HELLO, accepts IDENTIFY and heartbeats, sends READY and GUILD_CREATE
(one server with roles, channels, a thread and members), then MESSAGE_CREATE and
INTERACTION_CREATE events when a test makes a person speak, press a button or run a command.
Every request the bot sends is recorded, so tests read what Nudge actually put on the wire.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fake_discord_limits import RateLimits, too_many

API = "/api/v10"
TIMESTAMP = "2026-11-23T10:00:00.000000+00:00"
MESSAGE_CONTENT_INTENT = 1 << 15
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Permission bits, as Discord numbers them.
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # a server without boosts
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | \
    USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS
BOT_PERMISSIONS = MEMBER_PERMISSIONS | EMBED_LINKS | ATTACH_FILES

_ids = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> int:
    return next(_ids)


MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
EMBED_URL_SCHEMES = ("http://", "https://", "attachment://")


def _url_error(url: Any) -> dict | None:
    if isinstance(url, str) and url.startswith(EMBED_URL_SCHEMES) and " " not in url:
        return None
    return {"_errors": [{"code": "URL_TYPE_INVALID_URL", "message": "Not a well formed URL."}]}


def embed_errors(body: Any) -> dict:
    """Discord's "Invalid Form Body" errors for a message's embeds ({} when valid): at most
    10 embeds, 6,000 characters of text in all, and image / thumbnail objects whose url is
    required and must be http(s) or attachment://."""
    embeds = body.get("embeds") if isinstance(body, dict) else None
    if not embeds:
        return {}
    if len(embeds) > MAX_EMBEDS:
        return {"embeds": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                        "message": f"Must be {MAX_EMBEDS} or fewer in length."}]}}
    errors: dict[str, Any] = {}
    total = 0
    for index, embed in enumerate(embeds):
        total += sum(len(str(embed.get(key) or "")) for key in ("title", "description"))
        total += sum(len(str(f.get("name", ""))) + len(str(f.get("value", "")))
                     for f in embed.get("fields") or [])
        for kind in ("image", "thumbnail"):
            if kind not in embed:
                continue
            media = embed[kind]
            problem = _url_error(media.get("url") if isinstance(media, dict) else None)
            if problem:
                errors.setdefault(str(index), {})[kind] = {"url": problem}
    if total > MAX_EMBED_TOTAL:
        errors["_errors"] = [{"code": "MAX_EMBED_SIZE_EXCEEDED",
                              "message": "Embed size exceeds maximum size of 6000"}]
    return {"embeds": errors} if errors else {}


# ---- what Discord refuses (https://discord.com/developers/docs/resources/message) ------------

CONTENT_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_TITLE_LIMIT = 256
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
MAX_FIELDS = 25
MAX_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
CUSTOM_ID_LIMIT = 100
LABEL_LIMIT = 80
TEXT_INPUT_LIMIT = 4000
INTERACTION_WINDOW = 3.0  # seconds to answer an interaction
HEARTBEAT_ROUND_TRIP = 0.05  # seconds before a heartbeat is acknowledged


def form_errors(body: dict) -> dict:
    """The `errors` object of a 50035 for a message body, or {} when Discord would take it."""
    errors: dict = {}

    def too_long(path: str, limit: int) -> None:
        errors[path] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH",
                                     "message": f"Must be {limit} or fewer in length."}]}

    if not isinstance(body, dict):
        return errors
    if len(body.get("content") or "") > CONTENT_LIMIT:
        too_long("content", CONTENT_LIMIT)
    embeds = body.get("embeds") or []
    for n, embed in enumerate(embeds):
        if len(embed.get("description") or "") > EMBED_DESCRIPTION_LIMIT:
            too_long(f"embeds.{n}.description", EMBED_DESCRIPTION_LIMIT)
        if len(embed.get("title") or "") > EMBED_TITLE_LIMIT:
            too_long(f"embeds.{n}.title", EMBED_TITLE_LIMIT)
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            too_long(f"embeds.{n}.fields", MAX_FIELDS)
        for m, item in enumerate(fields):
            if len(item.get("name") or "") > FIELD_NAME_LIMIT:
                too_long(f"embeds.{n}.fields.{m}.name", FIELD_NAME_LIMIT)
            if len(item.get("value") or "") > FIELD_VALUE_LIMIT:
                too_long(f"embeds.{n}.fields.{m}.value", FIELD_VALUE_LIMIT)
    _component_errors(body.get("components") or [], "components", too_long)
    data = body.get("data")
    if isinstance(data, dict):  # an interaction callback or a modal
        inner = form_errors(data)
        errors.update({f"data.{key}": value for key, value in inner.items()})
    return errors


def _component_errors(rows: list, path: str, too_long) -> None:
    if len(rows) > MAX_ROWS:
        too_long(path, MAX_ROWS)
    for n, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") == 1 and len(items) > MAX_BUTTONS_PER_ROW and all(
                item.get("type") == 2 for item in items):
            too_long(f"{path}.{n}.components", MAX_BUTTONS_PER_ROW)
        for m, item in enumerate(items + ([row["component"]] if row.get("component") else [])):
            where = f"{path}.{n}.components.{m}"
            if len(item.get("custom_id") or "") > CUSTOM_ID_LIMIT:
                too_long(f"{where}.custom_id", CUSTOM_ID_LIMIT)
            if len(item.get("label") or "") > (45 if item.get("type") == 4 else LABEL_LIMIT):
                too_long(f"{where}.label", LABEL_LIMIT)
            if item.get("type") == 4 and len(item.get("value") or "") > TEXT_INPUT_LIMIT:
                too_long(f"{where}.value", TEXT_INPUT_LIMIT)


def message_errors(body: Any) -> dict:
    """Everything Discord's "Invalid Form Body" (50035) lists for a message or an interaction
    response: the embed rules above and every length and count limit ({} when valid)."""
    if not isinstance(body, dict):
        return {}
    errors = {**embed_errors(body), **form_errors(body)}
    data = body.get("data")
    if isinstance(data, dict):
        errors.update({f"data.{key}": value for key, value in embed_errors(data).items()})
    return errors


class Refusal(Exception):
    """What a route answers instead of success: an HTTP status and Discord's error body."""

    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.body = status, {"message": message, "code": code}


def _json(body: Any, status: int = 200, headers: dict | None = None) -> web.Response:
    # Exactly "application/json", without a charset: discord.py compares the header as is.
    return web.Response(body=json.dumps(body).encode(), status=status,
                        headers={**(headers or {}), "Content-Type": "application/json"})


def component_problems(body: Any) -> list[str]:
    """What Discord refuses in a message's components (documented limits): more than 5 action
    rows, more than 5 buttons or more than one select in a row, a custom_id over 100
    characters, a string select with no options or more than 25, option labels or values over
    100 characters."""
    if not isinstance(body, dict):
        return []
    rows = body.get("components")
    if rows is None and isinstance(body.get("data"), dict):
        rows = body["data"].get("components")  # an interaction callback
    problems = []
    rows = rows if isinstance(rows, list) else []
    if len(rows) > 5:
        problems.append("at most 5 action rows")
    for row in rows:
        items = row.get("components") or []
        selects = [item for item in items if item.get("type") == 3]
        if len(items) > 5 or (selects and len(items) > 1):
            problems.append("a row holds up to 5 buttons or one select")
        for item in items:
            if len(item.get("custom_id") or "") > 100:
                problems.append("custom_id longer than 100 characters")
        for select in selects:
            options = select.get("options") or []
            if not 1 <= len(options) <= 25:
                problems.append("a string select needs 1 to 25 options")
            if any(len(o["label"]) > 100 or len(o["value"]) > 100 for o in options):
                problems.append("option label or value longer than 100 characters")
    return problems


@dataclass
class Person:
    id: int
    name: str
    roles: tuple[int, ...] = ()
    bot: bool = False

    def user(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name, "discriminator": "0",
                "global_name": self.name.title(), "avatar": None, "bot": self.bot}

    def member(self, with_user: bool = True) -> dict[str, Any]:
        member = {"roles": [str(r) for r in self.roles], "joined_at": TIMESTAMP, "deaf": False,
                  "mute": False, "flags": 0, "nick": None, "pending": False}
        if with_user:
            member["user"] = self.user()
        return member


@dataclass
class Call:
    """One request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    files: list[Attachment] = field(default_factory=list)  # multipart files[n] parts
    status: int = 0  # what the fake answered (429: over a rate limit, nothing done)
    response: Any = None  # the body of a successful answer (a message created, ...)


@dataclass
class Attachment:
    """A file sent as a multipart `files[n]` part, as Discord receives it."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class Interaction:
    id: int
    token: str
    type: int
    sent_at: float
    message_id: int | None = None  # the message a button belongs to
    original: int | None = None  # the response message, once there is one
    deferred: bool = False
    callbacks: list[dict] = field(default_factory=list)


class FakeDiscord:
    """One Discord server ("guild") with a customers channel, a team channel and a thread."""

    def __init__(self, *, message_content_enabled: bool = True,
                 limits: RateLimits | None = None):
        self.message_content_enabled = message_content_enabled
        self.application_id = snowflake()
        self.guild_id = snowflake()
        self.staff_role, self.bot_role = snowflake(), snowflake()
        self.bot = Person(self.application_id, "nudge", (self.bot_role,), bot=True)
        self.alice = Person(snowflake(), "alice", (self.staff_role,))  # on the team
        self.carol = Person(snowflake(), "carol")  # a customer
        self.robot = Person(snowflake(), "robot", bot=True)  # another server's bot
        self.customers, self.team, self.general = snowflake(), snowflake(), snowflake()
        self.locked = snowflake()  # Nudge may read but not write here
        self.thread = snowflake()  # a thread started in #customers
        self.extra_channels: set[int] = set()  # more channels a test says exist
        # Discord refuses an interaction response after 3 s. Tests check that Nudge answers
        # first and works after (the order of the calls); the time it takes is measured by
        # bench/discord_latency.py. A busy test machine gets this much more.
        self.interaction_grace = 30.0
        self.calls: list[Call] = []
        self.latency = 0.0  # seconds each REST answer takes, as over a network
        self.in_flight: Counter[str] = Counter()  # "METHOD path" -> requests being answered
        self.most_in_flight: Counter[str] = Counter()  # "METHOD path" -> most at one time
        # Discord's rate limits, enforced on every REST request (see fake_discord_limits.py).
        self.limits = limits or RateLimits()
        self.messages: dict[int, dict[str, Any]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.commands: dict[str, list[dict]] = {}  # "global" or a guild id -> the commands
        self.dms: dict[int, int] = {}  # person id -> their direct-message channel with the bot
        self.identify: dict[str, Any] | None = None
        self.heartbeats = 0
        self.attach_files = True  # False: the bot lacks Attach Files (403, code 50013)
        self.cdn: dict[str, Attachment] = {}  # files people attached, by CDN path
        self.cdn_hits: list[str] = []  # the CDN paths asked for, in order
        # A test's own answer for CDN requests (a body bigger than declared, a redirect).
        self.cdn_handler: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None
        self.url = ""
        self._failures: list[tuple[str, re.Pattern[str], int, dict, dict, int, int]] = []
        self._sockets: dict[web.WebSocketResponse, itertools.count] = {}
        self._acks: set[asyncio.Task] = set()  # heartbeat ACKs on their way
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    # Server life cycle

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # The server's contents

    def role(self, role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
        return {"id": str(role_id), "name": name, "permissions": str(permissions),
                "position": position, "color": 0, "hoist": False, "managed": False,
                "mentionable": False, "flags": 0, "icon": None, "unicode_emoji": None}

    def channel(self, channel_id: int, name: str, position: int,
                overwrites: list[dict] | None = None) -> dict[str, Any]:
        return {"id": str(channel_id), "type": 0, "guild_id": str(self.guild_id), "name": name,
                "position": position, "permission_overwrites": overwrites or [], "nsfw": False,
                "parent_id": None, "topic": None, "last_message_id": None,
                "rate_limit_per_user": 0, "flags": 0}

    def guild(self) -> dict[str, Any]:
        no_writing = [{"id": str(self.bot_role), "type": 0, "allow": "0",
                       "deny": str(SEND_MESSAGES | EMBED_LINKS)}]
        return {
            "id": str(self.guild_id), "name": "Crumb & Co. community", "icon": None,
            "owner_id": str(self.alice.id), "unavailable": False, "large": False,
            "member_count": 4, "joined_at": TIMESTAMP, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "system_channel_flags": 0, "premium_tier": 0, "preferred_locale": "en-US",
            "nsfw_level": 0, "features": [], "emojis": [], "stickers": [], "voice_states": [],
            "presences": [], "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "roles": [
                self.role(self.guild_id, "@everyone", MEMBER_PERMISSIONS, 0),
                self.role(self.staff_role, "Staff", MEMBER_PERMISSIONS, 1),
                self.role(self.bot_role, "Nudge", BOT_PERMISSIONS, 2),
            ],
            "channels": [
                self.channel(self.customers, "customers", 0),
                self.channel(self.team, "team", 1),
                self.channel(self.general, "general", 2),
                self.channel(self.locked, "announcements", 3, no_writing),
            ],
            "threads": [{
                "id": str(self.thread), "type": 11, "guild_id": str(self.guild_id),
                "parent_id": str(self.customers), "owner_id": str(self.carol.id),
                "name": "Birthday cake order", "message_count": 0, "member_count": 2,
                "rate_limit_per_user": 0, "flags": 0,
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                    "archive_timestamp": TIMESTAMP, "locked": False},
            }],
            "members": [p.member() for p in (self.bot, self.alice, self.carol, self.robot)],
        }

    def message(self, channel_id: int, author: Person, content: str, *,
                reply_to: int | None = None, **extra: Any) -> dict[str, Any]:
        message = {
            "id": str(snowflake()), "channel_id": str(channel_id),
            "guild_id": str(self.guild_id), "author": author.user(),
            "member": author.member(with_user=False), "content": content,
            "timestamp": TIMESTAMP, "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": [], "components": [], "pinned": False, "type": 0, "flags": 0,
        }
        if reply_to is not None:
            message["type"] = 19
            message["message_reference"] = {"type": 0, "message_id": str(reply_to),
                                            "channel_id": str(channel_id),
                                            "guild_id": str(self.guild_id)}
            replied = self.messages.get(reply_to)
            if replied is not None:
                message["referenced_message"] = {
                    k: v for k, v in replied.items() if k != "referenced_message"
                }
        message.update(extra)
        return message

    # What people do

    async def say(self, author: Person, channel_id: int, content: str, *,
                  reply_to: int | None = None, files: tuple[Attachment, ...] = ()) -> int:
        """`author` writes in a channel (or thread), with files attached if given; returns the
        new message's id. Attached files are served from the CDN address in the message."""
        attachments = []
        for file in files:
            path = f"/attachments/{channel_id}/{snowflake()}/{file.filename}"
            self.cdn[path] = file
            attachments.append({"id": str(snowflake()), "filename": file.filename,
                                "size": len(file.data), "url": self.url + path,
                                "proxy_url": self.url + path,
                                "content_type": file.content_type})
        message = self.message(channel_id, author, content, reply_to=reply_to,
                               attachments=attachments)
        self.messages[int(message["id"])] = message
        await self.dispatch("MESSAGE_CREATE", message)
        return int(message["id"])

    async def press(self, person: Person, message_id: int, custom_id: str) -> Interaction:
        """`person` presses the button `custom_id` on a message."""
        message = self.messages[message_id]
        return await self._interact(person, 3, {"custom_id": custom_id, "component_type": 2},
                                    int(message["channel_id"]), message=message)

    async def choose(self, person: Person, message_id: int, custom_id: str,
                     values: list[str]) -> Interaction:
        """`person` picks `values` in the string select `custom_id` on a message."""
        message = self.messages[message_id]
        return await self._interact(
            person, 3, {"custom_id": custom_id, "component_type": 3, "values": values},
            int(message["channel_id"]), message=message)

    async def slash(self, person: Person, channel_id: int, command: str,
                    text: str | None = None) -> Interaction:
        """`person` runs `/nudge <command> [text]` in a channel."""
        registered = self.commands.get(str(self.guild_id)) or self.commands.get("global") or []
        nudge = next(c for c in registered if c["name"] == "nudge")
        options = [{"name": "text", "type": 3, "value": text}] if text is not None else []
        data = {"id": nudge["id"], "name": "nudge", "type": 1, "guild_id": str(self.guild_id),
                "options": [{"name": command, "type": 1, "options": options}]}
        return await self._interact(person, 2, data, channel_id)

    async def submit_modal(self, person: Person, opened: Interaction,
                           value: str | list[str]) -> Interaction:
        """`person` types `value` in the modal the bot opened for `opened`, and submits it
        (a list: one value per text box, in order)."""
        modal = next(c["data"] for c in opened.callbacks if c["type"] == 9)
        values = iter([value] if isinstance(value, str) else value)

        def filled(components: list[dict]) -> list[dict]:
            out = []
            for component in components:
                component = dict(component)
                if component.get("type") == 4:
                    component = {"type": 4, "custom_id": component["custom_id"],
                                 "value": next(values, "")}
                for key in ("components",):
                    if key in component:
                        component[key] = filled(component[key])
                if "component" in component:
                    component["component"] = filled([component["component"]])[0]
                out.append(component)
            return out

        data = {"custom_id": modal["custom_id"], "components": filled(modal["components"])}
        message = self.messages.get(opened.message_id) if opened.message_id else None
        return await self._interact(person, 5, data, int(message["channel_id"]),
                                    message=message)

    async def _interact(self, person: Person, kind: int, data: dict, channel_id: int,
                        message: dict | None = None) -> Interaction:
        interaction = Interaction(id=snowflake(), token=f"token-{snowflake()}", type=kind,
                                  sent_at=asyncio.get_running_loop().time(),
                                  message_id=int(message["id"]) if message else None)
        self.interactions[interaction.token] = interaction
        member = person.member()
        member["permissions"] = str(MEMBER_PERMISSIONS)
        payload = {
            "id": str(interaction.id), "application_id": str(self.application_id),
            "type": kind, "data": data, "guild_id": str(self.guild_id),
            "channel_id": str(channel_id),
            "channel": {"id": str(channel_id), "type": 0, "guild_id": str(self.guild_id)},
            "member": member, "token": interaction.token, "version": 1, "locale": "en-GB",
            "guild_locale": "en-GB", "app_permissions": str(BOT_PERMISSIONS),
            "entitlements": [], "attachment_size_limit": 8 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(self.guild_id)}, "context": 0,
        }
        if message is not None:
            payload["message"] = message
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def rate_limit(self, method: str, path: str, retry_after: float = 0.05,
                   times: int = 1) -> None:
        """The next `times` matching requests get Discord's 429, with its body and headers."""
        body, headers = too_many(retry_after, "user")
        self.fail(method, path, 429, {**body, "retry_after": retry_after},
                  {**headers, "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0",
                   "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                   "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}"}, times)

    def fail(self, method: str, path: str, status: int, body: dict | None = None,
             headers: dict | None = None, times: int = 1_000_000, after: int = 0) -> None:
        """Answer requests matching `method` and the `path` pattern with an error (once
        `after` of them went through)."""
        self._failures.append((method, re.compile(path), status, body or {},
                               headers or {}, times, after))

    # Waiting for the bot

    async def wait_for(self, check: Callable[[], Any], timeout: float = 60.0) -> Any:
        """Wait until `check()` returns something truthy (re-checked after every request)."""
        async def until() -> Any:
            async with self._changed:
                while not (result := check()):
                    await self._changed.wait()
                return result

        return await asyncio.wait_for(until(), timeout)

    async def wait_for_call(self, method: str, path: str, after: int = 0,
                            timeout: float = 60.0) -> Call:
        """The first request after the `after`-th one with this method and path pattern."""
        pattern = re.compile(path)
        return await self.wait_for(lambda: next(
            (c for c in self.calls[after:] if c.method == method and pattern.search(c.path)),
            None), timeout)

    def calls_to(self, method: str, path: str, after: int = 0) -> list[Call]:
        pattern = re.compile(path)
        return [c for c in self.calls[after:] if c.method == method and pattern.search(c.path)]

    async def _changed_now(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # Gateway

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        for socket, sequence in list(self._sockets.items()):
            if not socket.closed:
                await socket.send_str(json.dumps(
                    {"op": 0, "t": event, "s": next(sequence), "d": data}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45_000},
                                          "s": None, "t": None}))
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                await self._on_gateway_payload(socket, json.loads(frame.data))
        finally:
            self._sockets.pop(socket, None)
            await self._changed_now()
        return socket

    async def _on_gateway_payload(self, socket: web.WebSocketResponse, payload: dict) -> None:
        if payload["op"] == 1:
            self.heartbeats += 1
            # After a network round trip, as from Discord: an instant ACK can reach discord.py
            # before its heartbeat thread notes the send, and it then logs a heartbeat 45 s late.
            asyncio.get_running_loop().call_later(HEARTBEAT_ROUND_TRIP, self._heartbeat_ack,
                                                  socket)
        elif payload["op"] == 2:
            self.identify = payload["d"]
            wants_content = payload["d"].get("intents", 0) & MESSAGE_CONTENT_INTENT
            if wants_content and not self.message_content_enabled:
                await socket.close(code=4014, message=b"Disallowed intent(s).")
                await self._changed_now()
                return
            self._sockets[socket] = itertools.count(1)
            await self.dispatch("READY", {
                "v": 10, "user": self.bot.user(), "session_id": "fake-session",
                "resume_gateway_url": self.url.replace("http", "ws") + "/gateway",
                "guilds": [{"id": str(self.guild_id), "unavailable": True}],
                "application": {"id": str(self.application_id), "flags": 1 << 19},
                "private_channels": [], "relationships": [], "presences": [],
                "shard": [0, 1],
            })
            await self.dispatch("GUILD_CREATE", self.guild())
            await self._changed_now()
        elif payload["op"] == 6:
            await socket.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))

    def _heartbeat_ack(self, socket: web.WebSocketResponse) -> None:
        if not socket.closed:
            task = asyncio.get_running_loop().create_task(socket.send_str(json.dumps(
                {"op": 11, "d": None, "s": None, "t": None})))
            self._acks.add(task)
            task.add_done_callback(self._acks.discard)

    # REST

    async def _multipart(self, request: web.Request) -> tuple[Any, list[Attachment], str]:
        """A multipart body as Discord reads it: payload_json plus files[n] parts; the third
        value is what is wrong with it, if anything."""
        body: Any = None
        files: list[Attachment] = []
        async for part in await request.multipart():
            data = bytes(await part.read())
            if part.name == "payload_json":
                try:
                    body = json.loads(data)
                except ValueError:
                    return None, files, "payload_json is not JSON"
            elif part.name and re.fullmatch(r"files\[\d+\]", part.name):
                files.append(Attachment(part.name, part.filename or "",
                                        part.headers.get("Content-Type", ""), data))
            else:
                return body, files, f"unexpected part {part.name!r}"
        declared = {str(a.get("id")) for a in (body or {}).get("attachments") or []}
        sent = {a.field[len("files["):-1] for a in files}
        if not files or declared != sent or any(not a.filename or not a.data for a in files):
            return body, files, "attachments do not match the files sent"
        return body, files, ""

    async def _rest(self, request: web.Request) -> web.Response:
        if request.method == "GET" and request.path.startswith("/attachments/"):
            return await self._cdn(request)
        body: Any = None
        files: list[Attachment] = []
        problem = ""
        if request.content_type == "multipart/form-data":
            body, files, problem = await self._multipart(request)
        elif request.can_read_body:
            text = await request.text()
            try:
                body = json.loads(text)
            except ValueError:
                body = text
        call = Call(request.method, request.path, dict(request.query), body,
                    asyncio.get_running_loop().time(), files)
        self.calls.append(call)
        route = f"{call.method} {call.path}"
        self.in_flight[route] += 1
        self.most_in_flight[route] = max(self.most_in_flight[route], self.in_flight[route])
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            refused, headers = self._over_limit(call)
            response = refused or self._checked(call, problem)
            for name, value in headers.items():
                response.headers.setdefault(name, value)  # a test's own failure keeps its own
            call.status = response.status
            return response
        finally:
            self.in_flight[route] -= 1
            await self._changed_now()

    def _over_limit(self, call: Call) -> tuple[web.Response | None, dict[str, str]]:
        """Discord's 429 when the request is over a rate limit (None otherwise: it is counted
        in its buckets), and the rate-limit headers for the answer."""
        if not call.path.startswith(API + "/"):
            return None, {}
        refusal, headers = self.limits.take(call.method, call.path[len(API):])
        return (_json(refusal, 429) if refusal is not None else None), headers

    def _checked(self, call: Call, problem: str) -> web.Response:
        """What is wrong with a multipart body (its parts, the permission to attach, the
        size), then the route's own answer."""
        if problem:
            return _json({"message": "Invalid Form Body", "code": 50035,
                          "errors": {"_errors": [{"message": problem}]}}, 400)
        if call.files and not self.attach_files:
            return _json({"message": "Missing Permissions", "code": 50013}, 403)
        if any(len(a.data) > MAX_ATTACHMENT_BYTES for a in call.files):
            return _json({"message": "Request entity too large", "code": 40005}, 413)
        return self._answer(call)

    async def _cdn(self, request: web.Request) -> web.StreamResponse:
        self.cdn_hits.append(request.path)
        if self.cdn_handler is not None:
            return await self.cdn_handler(request)
        file = self.cdn.get(request.path)
        if file is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=file.data, content_type=file.content_type)

    def _answer(self, call: Call) -> web.Response:
        for index, failure in enumerate(self._failures):
            method, pattern, status, body, headers, times, after = failure
            if method == call.method and pattern.search(call.path) and times > 0:
                if after > 0:  # this one goes through
                    self._failures[index] = (*failure[:6], after - 1)
                    break
                self._failures[index] = (method, pattern, status, body, headers, times - 1, 0)
                return _json(body, status, headers)
        if not call.path.startswith(API + "/"):
            return self._not_found()
        invalid = message_errors(call.body) if call.method in ("POST", "PATCH") else {}
        if invalid:
            return _json({"code": 50035, "errors": invalid, "message": "Invalid Form Body"}, 400)
        problems = component_problems(call.body)
        if problems:
            return _json({"code": 50035, "message": "Invalid Form Body",
                          "errors": {"components": problems}}, 400)
        path = call.path[len(API):]
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if method == call.method and match:
                try:
                    call.response = handler(call, **match.groupdict())
                    return _json(call.response)
                except Refusal as refusal:
                    return _json(refusal.body, refusal.status)
        return self._not_found()

    def _not_found(self) -> web.Response:
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("GET", r"/users/@me", lambda call: self.bot.user()),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway/bot", lambda call: {
                "url": self.url.replace("http", "ws") + "/gateway", "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999,
                                        "reset_after": 0, "max_concurrency": 1}}),
            ("PUT", r"/applications/(?P<app>\d+)/commands", self._put_commands),
            ("PUT", r"/applications/(?P<app>\d+)/guilds/(?P<guild>\d+)/commands",
             self._put_commands),
            ("POST", r"/channels/(?P<channel>\d+)/messages", self._create_message),
            ("GET", r"/channels/(?P<channel>\d+)/messages", self._history),
            ("GET", r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)", self._guild_member),
            ("PATCH", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)",
             self._edit_message),
            ("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)", self._followup),
            ("PATCH", r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original",
             self._edit_original),
        ]

    def _application(self, call: Call) -> dict[str, Any]:
        return {"id": str(self.application_id), "name": "Nudge", "description": "",
                "icon": None, "bot_public": False, "bot_require_code_grant": False,
                "owner": self.alice.user(), "verify_key": "0" * 64, "flags": 1 << 19,
                "team": None}

    def _open_dm(self, call: Call) -> dict[str, Any]:
        person = next(p for p in (self.alice, self.carol, self.robot)
                      if str(p.id) == str(call.body["recipient_id"]))
        channel = self.dms.setdefault(person.id, snowflake())
        return {"id": str(channel), "type": 1, "last_message_id": None, "flags": 0,
                "recipients": [person.user()]}

    def _put_commands(self, call: Call, app: str, guild: str | None = None) -> list[dict]:
        registered = [
            {**command, "id": str(snowflake()), "application_id": app, "version": "1",
             "guild_id": guild, "default_member_permissions": None, "nsfw": False}
            for command in call.body
        ]
        self.commands[guild or "global"] = registered
        return registered

    def _store_bot_message(self, channel_id: int, body: dict, flags: int = 0,
                           files: list[Attachment] | None = None) -> dict:
        reference = (body.get("message_reference") or {}).get("message_id")
        attachments = [{"id": str(snowflake()), "filename": a.filename, "size": len(a.data),
                        "url": f"{self.url}/attachments/{a.filename}",
                        "proxy_url": f"{self.url}/attachments/{a.filename}",
                        "content_type": a.content_type} for a in files or []]
        message = self.message(channel_id, self.bot, body.get("content") or "",
                               reply_to=int(reference) if reference else None,
                               embeds=body.get("embeds") or [],
                               components=body.get("components") or [],
                               flags=flags | (body.get("flags") or 0),
                               attachments=attachments)
        self.messages[int(message["id"])] = message
        return message

    def _history(self, call: Call, channel: str) -> list[dict]:
        """GET /channels/{id}/messages: at most `limit` (1 to 100, default 50) messages, newest
        first; with `after`, the ones right after that id, with `before` the ones right before.
        As on Discord, messages read this way carry no `member` (only the Gateway sends it)."""
        if int(channel) not in self.known_channels():
            raise Refusal(404, 10003, "Unknown Channel")
        limit = call.query.get("limit", "50")
        if not limit.isdigit() or not 1 <= int(limit) <= 100:
            raise Refusal(400, 50035, "Invalid Form Body")
        found = sorted((m for m in self.messages.values() if m["channel_id"] == channel),
                       key=lambda m: int(m["id"]))
        if "after" in call.query:
            found = [m for m in found if int(m["id"]) > int(call.query["after"])][:int(limit)]
        elif "before" in call.query:
            found = [m for m in found if int(m["id"]) < int(call.query["before"])][-int(limit):]
        else:
            found = found[-int(limit):]
        return [{k: v for k, v in m.items() if k != "member"} for m in reversed(found)]

    def _guild_member(self, call: Call, guild: str, user: str) -> dict:
        person = next((p for p in (self.bot, self.alice, self.carol, self.robot)
                       if str(p.id) == user), None)
        if int(guild) != self.guild_id or person is None:
            raise Refusal(404, 10007, "Unknown Member")
        return person.member()

    def _create_message(self, call: Call, channel: str) -> dict:
        if int(channel) == self.locked:
            raise Refusal(403, 50013, "Missing Permissions")
        if int(channel) not in self.known_channels():
            raise Refusal(404, 10003, "Unknown Channel")
        message = self._store_bot_message(int(channel), call.body, files=call.files)
        # Discord echoes the bot's own messages on the Gateway; Nudge must ignore them.
        asyncio.get_running_loop().create_task(self.dispatch("MESSAGE_CREATE", message))
        return message

    def _apply_edit(self, message_id: int, body: dict) -> dict:
        message = self.messages[message_id]
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else (
                    "" if key == "content" else [])
        message["flags"] = message.get("flags", 0) & ~LOADING
        message["edited_timestamp"] = TIMESTAMP
        return message

    def _edit_message(self, call: Call, channel: str, message: str) -> dict:
        return self._apply_edit(int(message), call.body)

    def known_channels(self) -> set[int]:
        return {self.customers, self.team, self.general, self.locked, self.thread,
                *self.dms.values(), *self.extra_channels}

    def _callback(self, call: Call, id: str, token: str) -> dict:
        interaction = self.interactions[token]
        if interaction.callbacks:
            raise Refusal(400, 40060, "Interaction has already been acknowledged.")
        late = asyncio.get_running_loop().time() - interaction.sent_at
        if late > INTERACTION_WINDOW + self.interaction_grace:
            raise Refusal(404, 10062, "Unknown interaction")
        interaction.callbacks.append(call.body)
        kind, data = call.body["type"], call.body.get("data") or {}
        channel = int(self.messages[interaction.message_id]["channel_id"]) \
            if interaction.message_id else self.team
        if kind == 4:
            interaction.original = int(self._store_bot_message(channel, data)["id"])
        elif kind == 5:
            loading = self._store_bot_message(channel, {}, LOADING | (data.get("flags") or 0))
            interaction.original, interaction.deferred = int(loading["id"]), True
        elif kind in (6, 7):
            interaction.original = interaction.message_id
            if kind == 7:
                self._apply_edit(interaction.message_id, data)
        return {"interaction": {"id": id, "type": interaction.type,
                                "response_message_id": str(interaction.original or ""),
                                "response_message_loading": kind == 5,
                                "response_message_ephemeral": bool(
                                    (data.get("flags") or 0) & EPHEMERAL)}}

    def _followup(self, call: Call, app: str, token: str) -> dict:
        interaction = self.interactions[token]
        original = self.messages.get(interaction.original or 0)
        if interaction.deferred and original is not None and original["flags"] & LOADING:
            # The first followup after a deferred answer replaces the "thinking…" message.
            return self._apply_edit(interaction.original, call.body)
        channel = int(original["channel_id"]) if original else self.team
        return self._store_bot_message(channel, call.body)

    def _edit_original(self, call: Call, app: str, token: str) -> dict:
        return self._apply_edit(self.interactions[token].original, call.body)
