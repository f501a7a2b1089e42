"""What goes wrong on the way to a chat platform, as every layer sees it."""

from __future__ import annotations


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
