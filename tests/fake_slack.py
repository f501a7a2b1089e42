"""A small Slack, at the wire level, on 127.0.0.1: the real slack_sdk and slack-bolt talk to it.

It serves three things on one ephemeral port:
- the Web API (`/api/<method>`), recording every call with its arguments and answering like
  Slack does (ok:true with the fields Nudge reads, ok:false "invalid_auth" for a wrong token,
  and every refusal of tests/fake_slack_rules.py: unknown, archived or unjoined channels,
  texts over 40,000 characters, blocks and views Slack would not draw, stale or reused
  trigger ids); tests can queue a 429 with Retry-After, an ok:false error or an error page
  that is not JSON for the next calls of a method;
- response URLs (`/respond/<id>`), where slash command and button responses are recorded,
  five uses each within 30 minutes, as Slack allows;
- file upload URLs (`/upload/<file id>`), handed out by `files.getUploadURLExternal`: the
  three steps of files_upload_v2 are checked as Slack checks them (declared length, bytes
  received before completion, each upload completed once, the channel usable);
- a Socket Mode WebSocket (`/socket`), handed out by `apps.connections.open`, that pushes
  envelopes to the connected app and records the acks it sends back.

It also signs requests the way Slack signs HTTP-mode deliveries, so tests can post events,
slash commands and button presses to Nudge's HTTP endpoint as Slack would.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import itertools
import json
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

from tests.fake_slack_blocks import MAX_MESSAGE_BLOCKS, blocks_errors
from tests.fake_slack_rules import JSON_METHODS, Refused, SlackRules, trigger_id

__all__ = ["FakeSlack", "Refused", "block_errors", "trigger_id"]

BOT_TOKEN = "xoxb-fake-bot-token-0001"
APP_TOKEN = "xapp-fake-app-token-0001"
SIGNING_SECRET = "fake-signing-secret-0001"
TEAM_ID = "T0HOME"
BOT_USER_ID = "U0NUDGEBOT"
BOT_ID = "B0NUDGE"


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int = 200  # what the fake answered
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class Upload:
    """A file as files.getUploadURLExternal announced it, then as it was sent and shared."""

    id: str
    filename: str
    length: int
    data: bytes | None = None
    title: str = ""
    channel: str = ""
    completed: bool = False


@dataclass
class Canned:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def response(self) -> web.Response:
        if isinstance(self.body, dict):
            return web.json_response(self.body, status=self.status, headers=self.headers)
        return web.Response(text=self.body, status=self.status, headers=self.headers,
                            content_type=self.content_type)


# What a proxy or a load balancer in front of Slack answers instead of Slack's JSON.
ERROR_PAGES = {
    "text": ("text/plain", "upstream connect error or disconnect/reset before headers"),
    "html": ("text/html", "<html><head><title>502 Bad Gateway</title></head><body><center>"
                          "<h1>502 Bad Gateway</h1></center></body></html>"),
    "empty": ("application/json", ""),
}


def block_errors(blocks: Any, unreachable: set[str] | frozenset[str] = frozenset()
                 ) -> list[str]:
    """Slack's invalid_blocks messages for the blocks of a message ([] when valid)."""
    return blocks_errors(blocks, MAX_MESSAGE_BLOCKS, unreachable=unreachable)


def _decode_json_fields(args: dict[str, Any]) -> dict[str, Any]:
    """Form-encoded calls carry blocks and views as JSON strings; tests want the objects."""
    for key in ("blocks", "view", "attachments"):
        value = args.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            args[key] = json.loads(value)
    return args



def _ts(message: dict[str, Any]) -> str:
    return message["ts"]


def _at_ts(kept: list[dict[str, Any]], ts: str) -> dict[str, Any] | None:
    """The message with this ts in a history sorted by ts, or None."""
    at = bisect.bisect_left(kept, ts, key=_ts)
    return kept[at] if at < len(kept) and kept[at]["ts"] == ts else None

class FakeSlack(SlackRules):
    def __init__(self, *, bot_token: str = BOT_TOKEN, app_token: str = APP_TOKEN,
                 team_id: str = TEAM_ID):
        super().__init__()
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.calls: list[Call] = []
        self.responses: list[dict[str, Any]] = []  # bodies posted to response URLs
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.refused_responses: list[tuple[int, str]] = []  # what response URLs refused
        self.posted: set[tuple[str, str]] = set()  # (channel, ts) of the app's messages
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(list)  # channel -> messages
        self.acks: dict[str, dict[str, Any]] = {}  # envelope id -> ack payload
        self.uploads: dict[str, Upload] = {}  # file id -> upload, in the order announced
        self._canned: dict[str, deque[Canned | None]] = defaultdict(deque)
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- life cycle -------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, age: float = 0.0) -> str:
        """A response URL as Slack hands one out, `age` seconds ago."""
        return f"{self.url}/respond/{self.new_response_url(age)}"

    # ---- what tests ask for -----------------------------------------------------------------

    def add_user(self, user_id: str, name: str = "", team_id: str | None = None,
                 guest: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": team_id or self.team_id,
            "name": name or user_id.lower(),
            "real_name": name or user_id,
            "profile": {"display_name": name or user_id.lower(), "real_name": name or user_id},
            "is_bot": False,
            "is_restricted": guest,
            "is_ultra_restricted": False,
        }

    def fail_next(self, method: str, error: str = "channel_not_found", times: int = 1,
                  after: int = 0, **extra: Any) -> None:
        """The next `times` calls of `method` (after `after` that go through) answer ok:false
        with this error (and `extra` fields, such as missing_scope's "needed")."""
        self._canned[method].extend([None] * after)  # None: answered as usual
        for _ in range(times):
            self._canned[method].append(Canned(200, {"ok": False, "error": error, **extra}))

    def rate_limit_next(self, method: str, retry_after: int = 0, times: int = 1,
                        after: int = 0) -> None:
        """The next `times` calls of `method` (after `after` that go through) answer HTTP 429
        with Retry-After."""
        self._canned[method].extend([None] * after)  # None: answered as usual
        for _ in range(times):
            self._canned[method].append(
                Canned(429, {"ok": False, "error": "ratelimited"},
                       {"Retry-After": str(retry_after)})
            )

    def error_page_next(self, method: str, status: int = 502, kind: str = "html",
                        times: int = 1) -> None:
        """The next `times` calls of `method` get an error page that is not Slack's JSON:
        kind "text" (text/plain), "html" or "empty", with this HTTP status."""
        content_type, body = ERROR_PAGES[kind]
        for _ in range(times):
            self._canned[method].append(Canned(status, body, content_type=content_type))

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.status == 200]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 60) -> list[Call]:
        """Wait until `method` was answered successfully `count` times; return those calls."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.calls_to(method)) >= count), timeout
            )
        return self.calls_to(method)

    async def wait_for_response(self, count: int = 1, timeout: float = 60) -> list[dict]:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.responses) >= count), timeout
            )
        return self.responses

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- the Web API ------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(parse_qsl(request.query_string))
        if request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if method in JSON_METHODS:  # others do not read a JSON body at all
                    args.update(body)
            else:
                args.update(dict(parse_qsl(await request.text())))
        args = _decode_json_fields(args)
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header else args.pop("token", None)
        call = Call(method, args, token)
        self.calls.append(call)
        try:
            canned = self._canned[method].popleft() if self._canned[method] else None
            if canned is not None:
                call.status = canned.status
                return canned.response()
            expected = self.app_token if method == "apps.connections.open" else self.bot_token
            if token != expected:
                call.status = 0
                return web.json_response({"ok": False, "error": "invalid_auth"})
            handler = getattr(self, "_" + method.replace(".", "_"), None)
            if handler is None:
                call.status = 0
                return web.json_response({"ok": False, "error": "unknown_method"})
            try:
                self.check_call(method, args)
                call.response = {"ok": True, **handler(args)}
            except Refused as refused:
                call.status = 0
                call.response = refused.body()
            return web.json_response(call.response)
        finally:
            await self._notify()

    def _next_ts(self) -> str:
        return f"{1_790_000_000 + next(self._ts)}.000100"

    def _auth_test(self, args: dict) -> dict:
        return {"url": "https://home.slack.test/", "team": "Home", "user": "nudge",
                "team_id": self.team_id, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
                "is_enterprise_install": False}

    def _chat_postMessage(self, args: dict) -> dict:
        ts = self._next_ts()
        message = {"type": "message", "text": args.get("text", ""), "user": BOT_USER_ID,
                   "bot_id": BOT_ID, "ts": ts}
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        self.posted.add((str(args.get("channel")), ts))
        self._keep(str(args.get("channel")), message)
        return {"channel": args.get("channel"), "ts": ts, "message": message}

    # ---- channel history (conversations.history, conversations.replies) -----------------------

    def written(self, channel: str, text: str, *, user: str, ts: str,
                thread_ts: str | None = None) -> None:
        """A person wrote this in a channel: kept in its history (no event is delivered)."""
        message = {"type": "message", "text": text, "user": user, "ts": ts,
                   "team": self.team_id}
        if thread_ts and thread_ts != ts:
            message["thread_ts"] = thread_ts
        self._keep(channel, message)

    def _keep(self, channel: str, message: dict[str, Any]) -> None:
        # The history stays sorted by ts and is searched by halves: a soak posts tens of
        # thousands of messages, and a scan per post made the fake the slowest part of it.
        kept = self.history[channel]
        if _at_ts(kept, message["ts"]) is not None:
            return  # Slack redelivered it: one message
        bisect.insort(kept, message, key=_ts)
        parent_ts = message.get("thread_ts")
        parent = _at_ts(kept, parent_ts) if parent_ts else None
        if parent is not None and parent is not message:
            parent["thread_ts"] = parent_ts
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            parent["latest_reply"] = max(parent.get("latest_reply", ""), message["ts"])

    def _readable(self, args: dict) -> tuple[str, int, float]:
        """The channel, page size and `oldest` of a history read, refused as Slack would."""
        channel = str(args.get("channel") or "")
        if channel not in self.channels:
            raise Refused("channel_not_found")
        if channel in self.not_member:
            raise Refused("not_in_channel")
        limit = str(args.get("limit") or "100")
        if not limit.isdigit() or not 1 <= int(limit) <= 999:
            raise Refused("invalid_limit")
        try:
            oldest = float(args.get("oldest") or 0)
        except ValueError:
            raise Refused("invalid_ts_oldest") from None
        return channel, int(limit), oldest

    def _page(self, messages: list[dict], args: dict, limit: int) -> dict:
        """One page, `limit` at most, with Slack's cursor for the next."""
        cursor = str(args.get("cursor") or "")
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("next:")) \
                if cursor else 0
        except ValueError:
            raise Refused("invalid_cursor") from None
        page = messages[start:start + limit]
        more = start + limit < len(messages)
        following = base64.b64encode(f"next:{start + limit}".encode()).decode() if more else ""
        return {"messages": page, "has_more": more,
                "response_metadata": {"next_cursor": following}}

    def _after(self, message: dict, oldest: float, inclusive: bool) -> bool:
        return float(message["ts"]) > oldest or (inclusive and float(message["ts"]) == oldest)

    def _conversations_history(self, args: dict) -> dict:
        """Top-level messages (and replies also sent to the channel), newest first."""
        channel, limit, oldest = self._readable(args)
        inclusive = str(args.get("inclusive")) in ("1", "true")
        found = [m for m in reversed(self.history[channel])
                 if m.get("thread_ts", m["ts"]) == m["ts"] or m.get("subtype") ==
                 "thread_broadcast"]
        return self._page([m for m in found if self._after(m, oldest, inclusive)], args, limit)

    def _conversations_replies(self, args: dict) -> dict:
        """A thread: its parent first, then the replies after `oldest`, oldest first."""
        channel, limit, oldest = self._readable(args)
        inclusive = str(args.get("inclusive")) in ("1", "true")
        parent_ts = str(args.get("ts") or "")
        kept = self.history[channel]
        parent = next((m for m in kept if m["ts"] == parent_ts), None)
        if parent is None:
            raise Refused("thread_not_found")
        replies = [m for m in kept if m.get("thread_ts") == parent_ts and m is not parent
                   and self._after(m, oldest, inclusive)]
        return self._page([parent, *replies], args, limit)

    def _chat_postEphemeral(self, args: dict) -> dict:
        return {"message_ts": self._next_ts()}

    def _chat_update(self, args: dict) -> dict:
        """Only a message the app posted can be updated (chat.update: message_not_found)."""
        if (str(args.get("channel")), str(args.get("ts"))) not in self.posted:
            raise Refused("message_not_found")
        return {"channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}

    def _chat_getPermalink(self, args: dict) -> dict:
        channel, ts = args.get("channel", ""), args.get("message_ts", "")
        return {"channel": channel,
                "permalink": f"https://home.slack.test/archives/{channel}/p{ts.replace('.', '')}"}

    def _views_open(self, args: dict) -> dict:
        return {"view": {"id": "V" + uuid.uuid4().hex[:8].upper(), **args.get("view", {})}}

    def _views_publish(self, args: dict) -> dict:
        if not args.get("user_id"):  # whose Home tab: required
            raise Refused("invalid_arguments", response_metadata={
                "messages": ["[ERROR] missing required field: user_id"]})
        return {"view": {"id": "V" + uuid.uuid4().hex[:8].upper(), **args.get("view", {})}}

    def _conversations_info(self, args: dict) -> dict:
        channel = args.get("channel", "")
        return {"channel": {"id": channel, "name": channel.lower(),
                            "is_member": channel not in self.not_member,
                            "is_archived": channel in self.archived, "is_ext_shared": False}}

    def _users_info(self, args: dict) -> dict:
        user = self.users.get(args.get("user", ""))
        if user is None:
            user = {"id": args.get("user"), "team_id": self.team_id, "name": "someone",
                    "profile": {}, "is_restricted": False, "is_ultra_restricted": False}
        return {"user": user}

    def _usergroups_users_list(self, args: dict) -> dict:
        return {"users": self.usergroups.get(args.get("usergroup", ""), [])}

    def _apps_connections_open(self, args: dict) -> dict:
        return {"url": f"ws://127.0.0.1:{self.port}/socket"}

    # ---- file uploads (files_upload_v2) -----------------------------------------------------

    def shared_files(self, channel: str | None = None) -> list[Upload]:
        """Files completed and shared (in `channel`, or anywhere)."""
        return [u for u in self.uploads.values()
                if u.completed and (channel is None or u.channel == channel)]

    def _files_getUploadURLExternal(self, args: dict) -> dict:
        filename, length = str(args.get("filename") or ""), str(args.get("length") or "")
        if not filename or not length.isdigit() or int(length) < 1:
            raise Refused("invalid_arguments")
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        self.uploads[file_id] = Upload(file_id, filename, int(length))
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        """Step 2: the bytes, raw or as a multipart "file" field, exactly as long as declared."""
        upload = self.uploads.get(request.match_info["file_id"])
        if upload is None or upload.completed:
            return web.Response(status=404, text="not found")
        if request.content_type.startswith("multipart/"):
            data = b""
            async for part in await request.multipart():
                if part.name == "file":
                    data = bytes(await part.read())
        else:
            data = await request.read()
        if len(data) != upload.length:
            return web.Response(status=400, text=f"expected {upload.length} bytes, got "
                                                 f"{len(data)}")
        upload.data = data
        await self._notify()
        return web.Response(text=f"OK - {len(data)}")

    def _files_completeUploadExternal(self, args: dict) -> dict:
        """Step 3: every file announced, sent in full and not completed before; the channel
        one the app may post in."""
        try:
            files = json.loads(args.get("files") or "")
        except ValueError:
            raise Refused("invalid_arguments") from None
        if not isinstance(files, list) or not files:
            raise Refused("invalid_arguments")
        channel = str(args.get("channel_id") or "")
        if channel:
            if channel not in self.channels:
                raise Refused("channel_not_found")
            if channel in self.archived:
                raise Refused("is_archived")
            if channel in self.not_member:
                raise Refused("not_in_channel")
        uploads = []
        for entry in files:
            upload = self.uploads.get(str((entry or {}).get("id") or ""))
            if upload is None or upload.data is None or upload.completed:
                raise Refused("file_not_found")
            uploads.append((upload, str(entry.get("title") or upload.filename)))
        shared = []
        for upload, title in uploads:
            upload.completed, upload.title, upload.channel = True, title, channel
            shared.append({"id": upload.id, "name": upload.filename, "title": title,
                           "size": upload.length})
        return {"files": shared}

    # ---- response URLs ----------------------------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        status, answer = self.use_response_url(request.match_info["key"], body)
        if status == 200:
            body["_key"] = request.match_info["key"]
            self.responses.append(body)
        else:
            self.refused_responses.append((status, answer))
        await self._notify()
        return web.Response(text=answer, status=status, content_type="text/plain")

    # ---- Socket Mode ------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await self._notify()
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A0NUDGE"}})
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    ack = json.loads(message.data)
                    self.acks[ack.get("envelope_id", "")] = ack.get("payload") or {}
                    await self._notify()
        finally:
            self._sockets.remove(socket)
        return socket

    async def wait_for_socket(self, timeout: float = 60) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._sockets)), timeout)

    async def push(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0,
                   envelope_id: str | None = None) -> str:
        """Send an envelope (events_api, slash_commands or interactive) to the connected app."""
        envelope_id = envelope_id or uuid.uuid4().hex
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = "timeout" if retry_attempt else ""
        await self._sockets[-1].send_json(envelope)
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 60) -> dict[str, Any]:
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: envelope_id in self.acks), timeout
            )
        return self.acks[envelope_id]


# ---- what Slack sends, signed as Slack signs it ---------------------------------------------

def signed_headers(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/json", retry_num: int | None = None
                   ) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(
            timestamp=stamp, body=body
        ),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers


_event_ids = itertools.count(1)


def message_event(text: str, *, user: str, channel: str, ts: str, thread_ts: str | None = None,
                  user_team: str = TEAM_ID, event_id: str | None = None, **extra) -> dict:
    """An Events API envelope for a message in a channel (the body Slack posts)."""
    event = {"type": "message", "text": text, "user": user, "channel": channel, "ts": ts,
             "event_ts": ts, "channel_type": "channel", "team": user_team,
             "user_team": user_team, **extra}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event_callback(event, event_id=event_id)


def event_callback(event: dict, *, event_id: str | None = None) -> dict:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0NUDGE",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def slash_command(text: str, *, user: str, channel: str, response_url: str,
                  command: str = "/nudge") -> dict[str, str]:
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "home",
        "channel_id": channel,
        "channel_name": channel.lower(),
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0NUDGE",
        "response_url": response_url,
        "trigger_id": trigger_id(),
    }


def form_body(fields: dict[str, str]) -> str:
    return urlencode(fields)


def button_press(action_id: str, value: str, *, user: str, channel: str, message_ts: str,
                 response_url: str) -> dict[str, Any]:
    """A block_actions payload for a button on a message the bot posted."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "home"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0NUDGE",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                      "is_ephemeral": False},
        "trigger_id": trigger_id(),
        "channel": {"id": channel, "name": channel.lower()},
        "message": {"type": "message", "ts": message_ts, "user": BOT_USER_ID, "bot_id": BOT_ID},
        "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": "review_buttons", "value": value,
                     "type": "button", "action_ts": f"{time.time():.6f}"}],
    }


def select_choice(action_id: str, value: str, label: str, *, user: str, channel: str,
                  message_ts: str, response_url: str) -> dict[str, Any]:
    """A block_actions payload for an option picked in a static_select on a bot message."""
    payload = button_press(action_id, "", user=user, channel=channel, message_ts=message_ts,
                           response_url=response_url)
    payload["actions"] = [{
        "action_id": action_id, "block_id": "review_buttons", "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": label, "emoji": True},
                            "value": value},
        "placeholder": {"type": "plain_text", "text": "Wrong intent?", "emoji": True},
        "action_ts": f"{time.time():.6f}",
    }]
    return payload


def view_submission(view: dict[str, Any], values: dict[str, dict[str, Any]], *,
                    user: str) -> dict[str, Any]:
    """A view_submission payload for a modal Nudge opened, with the person's input."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "home"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "A0NUDGE",
        "token": "legacy-verification-token",
        "trigger_id": trigger_id(),
        "view": {**view, "id": "V0MODAL", "team_id": TEAM_ID, "type": "modal",
                 "state": {"values": values}},
    }
