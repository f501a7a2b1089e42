"""The neutral shapes every platform speaks: a Request comes in, a Reply goes out.

Adapters translate Slack, Discord or console input into a Request and render a Reply back;
handlers never see a platform SDK object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["customer", "team"]


@dataclass(frozen=True)
class Request:
    """Who said what, where."""

    platform: str  # console, slack, discord
    text: str
    user: str  # the platform's user id
    channel: str
    workspace: str = ""  # Slack team id or Discord guild id
    thread: str = ""  # the conversation's root message id ("" = the message starts one)
    message_id: str = ""  # this message's own id, used to drop redeliveries
    user_name: str = ""
    role: Role = "customer"
    roles: tuple[str, ...] = ()  # the person's roles or groups, for permission checks
    permalink: str = ""

    @property
    def is_team(self) -> bool:
        return self.role == "team"

    @property
    def thread_key(self) -> str:
        """The thread this message belongs to: its root, or itself when it starts one."""
        return self.thread or self.message_id


@dataclass(frozen=True)
class Choice:
    """A button: `action` says what it does, `value` what it acts on (a suggestion id)."""

    action: str  # send, another, edit, dismiss, or a handler-defined action
    label: str
    value: str
    style: Literal["primary", "danger", "default"] = "default"


@dataclass(frozen=True)
class Option:
    """One entry of a Menu: `value` is what choosing it means, `label` what people read."""

    value: str
    label: str


@dataclass(frozen=True)
class Menu:
    """A pick-one list on a reply (a select menu): choosing an option runs `action` on
    `value` (a suggestion id) with the option's value, e.g. "intent" on 42 with "pricing"."""

    action: str
    placeholder: str
    value: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Field:
    """A labelled piece of a reply, shown as an embed field or a Block Kit context line.

    `quoted` marks words from outside (a customer's message): platforms show them as a
    quotation, so a line in them cannot pass for one of the reply's own fields.
    """

    label: str
    value: str
    quoted: bool = False


@dataclass(frozen=True)
class Reply:
    """What to show: Markdown text, optional fields and buttons, and who may see it."""

    text: str
    choices: tuple[Choice, ...] = ()
    fields: tuple[Field, ...] = ()
    private: bool = True  # only the person who asked (or the team's review channel) sees it
    ok: bool = True  # False for a usage or permission error, so adapters can style it
    menu: Menu | None = None  # a select menu under the buttons (the review's "wrong intent?")
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def error(cls, text: str) -> Reply:
        return cls(text=text, ok=False)


@dataclass(frozen=True)
class Image:
    """A picture to post with a message (the digest's chart): PNG bytes and a file name."""

    filename: str
    data: bytes = field(repr=False)
    title: str = ""


DIRECT = "@"  # a Post whose channel is "@<user id>" is a direct message to that person


@dataclass(frozen=True)
class Post:
    """Something to publish in a channel (a sent suggestion, a promotion, a digest), or a
    direct message to one person when `channel` is "@<user id>" (see `direct`)."""

    platform: str
    channel: str
    text: str
    thread: str = ""  # reply in this thread, or "" for a top-level post
    reply_to: str = ""  # the message to answer, where the platform has replies (Discord)
    image: Image | None = None  # posted with the text: a Slack file, a Discord attachment
    # An image shown with the text (a promotion's): an http(s) URL or "slack-file:F0123"
    # (see bot/promotions/images.py), and what it shows, for screen readers.
    image_url: str = ""
    image_alt: str = ""
    # A long text goes out as several messages; a post resumed after a partial send skips the
    # parts that already reached the channel.
    skip_parts: int = 0

    @classmethod
    def direct(cls, platform: str, user: str, text: str) -> Post:
        """A direct message to `user` (the platform's user id): Slack posts it in the app's
        DM with that user, Discord in a DM channel, the console prints it."""
        return cls(platform, DIRECT + user, text)

    @property
    def direct_user(self) -> str | None:
        """The user id a direct message goes to; None for a channel post."""
        return self.channel[len(DIRECT):] if self.channel.startswith(DIRECT) else None
