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


# How a stored target (a reminder's, a delivery's) names a direct message: "@<user id>".
DIRECT = "@"


@dataclass(frozen=True)
class Place:
    """Where something is posted: a channel of a workspace on a platform, or one person's
    direct messages, a kind of its own (`user` set, no channel)."""

    platform: str
    channel: str = ""
    workspace: str = ""  # the Slack team, the Discord guild; "" where there is only one
    user: str = ""  # the person a direct message goes to

    @classmethod
    def direct(cls, platform: str, user: str, workspace: str = "") -> Place:
        return cls(platform, "", workspace, user)

    @property
    def is_direct(self) -> bool:
        return bool(self.user)

    def as_target(self) -> str:
        """The text a stored target keeps: the channel, or "@<user id>"."""
        return DIRECT + self.user if self.is_direct else self.channel

    @classmethod
    def from_target(cls, platform: str, target: str, workspace: str = "") -> Place:
        """The place a stored target names (see `as_target`)."""
        if target.startswith(DIRECT):
            return cls.direct(platform, target[len(DIRECT):], workspace)
        return cls(platform, target, workspace)


@dataclass(frozen=True)
class Post:
    """Something to publish in a channel (a sent suggestion, a promotion, a digest), or a
    direct message to one person (`user` set: see `direct`)."""

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
    workspace: str = ""
    user: str = ""  # a direct message to this person (then `channel` is "")

    def __post_init__(self) -> None:
        # A post stored before direct messages had their own field (an outbox payload kept
        # across an upgrade) named its person as "@<user id>" in `channel`.
        if self.channel.startswith(DIRECT) and not self.user:
            object.__setattr__(self, "user", self.channel[len(DIRECT):])
            object.__setattr__(self, "channel", "")

    @classmethod
    def direct(cls, platform: str, user: str, text: str, workspace: str = "") -> Post:
        """A direct message to `user` (the platform's user id): Slack posts it in the app's
        DM with that user, Discord in a DM channel, the console prints it."""
        return cls(platform, "", text, workspace=workspace, user=user)

    @classmethod
    def to(cls, place: Place, text: str, **more: Any) -> Post:
        return cls(place.platform, place.channel, text, workspace=place.workspace,
                   user=place.user, **more)

    @property
    def place(self) -> Place:
        return Place(self.platform, self.channel, self.workspace, self.user)

    @property
    def direct_user(self) -> str | None:
        """The user id a direct message goes to; None for a channel post."""
        return self.user or None
