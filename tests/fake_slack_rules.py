"""What the fake Slack refuses before a Web API method runs, as Slack refuses it.

- Channels: the fake knows its channels. A channel id it does not know answers
  `channel_not_found`; an archived one `is_archived`; one the app is not a member of
  `not_in_channel` (chat.postMessage's and chat.postEphemeral's documented errors). A user id
  (U..., W...) as the channel is a direct message from the app, always delivered.
- Messages: `text` over 40,000 characters answers `msg_too_long`; blocks carrying more than
  12,000 characters of text together `msg_blocks_too_long`; chat.update of a message
  the app never posted `message_not_found` (tests/fake_slack.py); a message with neither text
  nor blocks `no_text`; blocks Slack would not draw `invalid_blocks` with its messages
  (tests/fake_slack_blocks.py).
- Views: a modal or Home tab Slack would not draw answers `invalid_arguments` with
  response_metadata.messages. views.open and views.push exchange a trigger id, which "expires
  in three seconds" and is exchanged once: `invalid_trigger_id` for one Slack never issued,
  `exchanged_trigger_id` for a second use ("The trigger_id was already exchanged in a previous
  call"), `expired_trigger_id` for one older than 3 seconds (the views.open / views.push
  documentation).
- JSON bodies: only the write methods that document them read one (chat.*, views.*); a
  JSON body sent to chat.getPermalink or users.info is not read, so its arguments are missing
  (chat.getPermalink then answers `channel_not_found`).
- Response URLs: "you can use a response_url five times within 30 minutes" (Slack's
  interactivity guide). They answer in plain text, not JSON: "ok" when taken; after five
  uses a 404 "used_url"; after 30 minutes (or one Slack never issued) a 404 "Expired url",
  the body Slack's users quote (e.g. getsentry/sentry's Slack integration matches that very
  string); blocks Slack would not draw a 400 "invalid_blocks".
"""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass
from typing import Any

from tests.fake_slack_blocks import (
    MAX_BLOCKS_TEXT,
    MAX_MESSAGE_BLOCKS,
    block_text_length,
    blocks_errors,
    view_errors,
)

MAX_TEXT = 40_000  # chat.postMessage: `msg_too_long`, "Message text is too long"
TRIGGER_LIFETIME = 3.0  # seconds
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME = 30 * 60  # seconds

# The channels the suite's configs and tests name; tests declare others with add_channel.
DEFAULT_CHANNELS = frozenset({
    "C0CUSTOMERS", "C0REVIEW", "C0PROMOS", "C0PROMO", "C0SHOP", "C0RANDOM", "C0ELSEWHERE",
    "C0123", "C0123ABCD", "C0123CUSTOM", "C0456REVIEW", "D0HOME", "D0123ABCD",
})
MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update",
                             "chat.scheduleMessage"})
MEMBER_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage"})
VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})
CHANNEL_METHODS = MESSAGE_METHODS | {"chat.getPermalink", "conversations.info"}
# The methods whose documentation accepts a JSON body ("JSON-encoded bodies" are for write
# methods); any other reads only its query string or form fields, so JSON arguments are lost.
JSON_METHODS = MESSAGE_METHODS | VIEW_METHODS | {"chat.delete", "chat.meMessage"}

_trigger_numbers = itertools.count(1)


def trigger_id(age: float = 0.0) -> str:
    """A trigger id as Slack hands one out with a slash command or a button press `age`
    seconds ago. Its first part is the moment it was issued (in ms), so the fake can tell an
    expired one without having seen it handed out."""
    issued = int((time.time() - age) * 1000)
    return f"{issued}.{next(_trigger_numbers)}.{uuid.uuid4().hex[:20]}"


class Refused(Exception):
    """A Web API method answers ok:false with this error code (and these extra fields)."""

    def __init__(self, code: str, **extra: Any):
        super().__init__(code)
        self.code = code
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.code, **self.extra}


@dataclass
class ResponseUrl:
    issued: float
    uses: int = 0


class SlackRules:
    """The state Slack's refusals depend on: channels, trigger ids, response URLs."""

    def __init__(self) -> None:
        self.channels: set[str] = set(DEFAULT_CHANNELS)
        self.not_member: set[str] = set()  # channels the app was not invited to, or left
        self.archived: set[str] = set()
        self.unreachable_images: set[str] = set()  # image URLs Slack cannot download
        self.exchanged_triggers: set[str] = set()
        self.response_urls: dict[str, ResponseUrl] = {}

    # ---- what tests declare -----------------------------------------------------------------

    def add_channel(self, channel: str, *, member: bool = True, archived: bool = False) -> None:
        """A channel Slack knows, the app in it (or not), archived (or not)."""
        self.channels.add(channel)
        (self.not_member.discard if member else self.not_member.add)(channel)
        (self.archived.add if archived else self.archived.discard)(channel)

    def archive(self, channel: str) -> None:
        self.add_channel(channel, member=channel not in self.not_member, archived=True)

    def leave(self, channel: str) -> None:
        """The app was removed from the channel (or never invited)."""
        self.add_channel(channel, member=False, archived=channel in self.archived)

    def delete_channel(self, channel: str) -> None:
        self.channels.discard(channel)

    def new_response_url(self, age: float = 0.0) -> str:
        """The key of a response URL handed out `age` seconds ago."""
        key = uuid.uuid4().hex[:12]
        self.response_urls[key] = ResponseUrl(time.time() - age)
        return key

    # ---- the Web API ------------------------------------------------------------------------

    def check_call(self, method: str, args: dict[str, Any]) -> None:
        """Raise Refused as Slack would for this call, before the method runs."""
        if method in CHANNEL_METHODS:
            self._check_channel(method, str(args.get("channel") or ""))
        if method in MESSAGE_METHODS:
            self._check_message(args)
        if method in VIEW_METHODS:
            trigger = str(args.get("trigger_id") or "") \
                if method in ("views.open", "views.push") else None
            if trigger is not None:
                self._check_trigger(trigger)
            problems = view_errors(args.get("view"))
            if problems:
                raise Refused("invalid_arguments", response_metadata={"messages": problems})
            if trigger is not None:
                self.exchanged_triggers.add(trigger)

    def _check_channel(self, method: str, channel: str) -> None:
        if channel[:1] in ("U", "W") and method in MEMBER_METHODS:
            return  # a direct message from the app to a person
        if channel not in self.channels:
            raise Refused("channel_not_found")
        if method == "conversations.info":
            return  # it reports is_archived / is_member instead
        if channel in self.archived and method != "chat.getPermalink":
            raise Refused("is_archived")
        if channel in self.not_member and method in MEMBER_METHODS:
            raise Refused("not_in_channel")

    def _check_message(self, args: dict[str, Any]) -> None:
        text = args.get("text")
        if isinstance(text, str) and len(text) > MAX_TEXT:
            raise Refused("msg_too_long")
        if not text and not args.get("blocks") and not args.get("attachments"):
            raise Refused("no_text")
        problems = blocks_errors(args.get("blocks"), MAX_MESSAGE_BLOCKS,
                                 unreachable=self.unreachable_images)
        if problems:
            raise Refused("invalid_blocks", errors=problems,
                          response_metadata={"messages": problems})
        if block_text_length(args.get("blocks") or []) > MAX_BLOCKS_TEXT:
            raise Refused("msg_blocks_too_long")

    def _check_trigger(self, trigger: str) -> None:
        issued, _, _ = trigger.partition(".")
        if not issued.isdigit() or trigger.count(".") != 2:
            raise Refused("invalid_trigger_id")
        if trigger in self.exchanged_triggers:
            raise Refused("exchanged_trigger_id")
        if time.time() - int(issued) / 1000 > TRIGGER_LIFETIME:
            raise Refused("expired_trigger_id")

    # ---- response URLs ----------------------------------------------------------------------

    def use_response_url(self, key: str, body: Any) -> tuple[int, str]:
        """(HTTP status, plain-text body) for a post to a response URL; counts a taken use."""
        entry = self.response_urls.get(key)
        if entry is None or time.time() - entry.issued > RESPONSE_URL_LIFETIME:
            return 404, "Expired url"
        if entry.uses >= RESPONSE_URL_USES:
            return 404, "used_url"
        if not isinstance(body, dict):
            return 400, "invalid_payload"
        if blocks_errors(body.get("blocks"), MAX_MESSAGE_BLOCKS):
            return 400, "invalid_blocks"
        if not body.get("text") and not body.get("blocks") and not body.get("delete_original"):
            return 400, "no_text"
        entry.uses += 1
        return 200, "ok"
