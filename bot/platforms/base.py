"""What every platform adapter provides to the application."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from handlers.types import Post, Reply

if TYPE_CHECKING:
    from bot.app import Application


class DeliveryError(Exception):
    """A post could not be made. `transient` errors (rate limits, time-outs) may be retried.

    `code` is the platform's short reason ("channel_not_found", "50035", "http_502"), for logs
    and tests; `status` the HTTP status when there was an answer at all. `parts_sent`: a long
    text goes out as several messages, and this many of them reached the channel before the
    refusal (counting those a resumed post skipped): the post is partly sent, not unsent.
    """

    def __init__(self, message: str, *, transient: bool, code: str = "",
                 status: int | None = None, parts_sent: int = 0):
        super().__init__(message)
        self.transient = transient
        self.code = code or "error"
        self.status = status
        self.parts_sent = parts_sent


def transient_status(status: int | None) -> bool:
    """Whether an HTTP status says "try again later": 429 and 5xx do, other 4xx do not; no
    answer at all (a time-out, a dropped connection) does too."""
    return status is None or status == 429 or status >= 500


class StartupError(Exception):
    """An adapter cannot start for a reason a person must fix; the message says how."""


class Adapter(Protocol):
    platform: str

    async def start(self, app: Application) -> None:
        """Connect and serve until stopped (or, for the console, until input ends)."""

    async def stop(self) -> None:
        """Disconnect; pending work is finished or left safely recorded."""

    async def post(self, post: Post) -> str:
        """Publish in a channel; return the platform's message id or raise DeliveryError."""

    async def notify_team(self, reply: Reply) -> None:
        """Show something to the team in the review channel (suggestions, digests, pings)."""
