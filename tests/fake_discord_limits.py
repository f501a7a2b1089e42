"""Discord's rate limits, as the fake Discord enforces them on every REST request.

Discord limits a bot in two ways (https://discord.com/developers/docs/topics/rate-limits):
- a global limit of 50 requests per second, which the interaction endpoints (the callback and
  the interaction's webhook: followups, editing the original response) are not bound by;
- per-route buckets, counted per "major parameter" (the channel, or the webhook and its token):
  Discord does not publish their sizes, but sending messages is 5 per 5 seconds per channel, and
  editing them the same; a webhook (an interaction's followups) takes 5 per 2 seconds.
Every answer carries the bucket's X-RateLimit-* headers (Limit, Remaining, Reset, Reset-After,
Bucket), so a client can wait before it is refused; one past the limit gets a 429 with Discord's
body (`retry_after` in seconds, `global`) and headers (Retry-After, X-RateLimit-Scope, and the
`Via` header Discord's API answers carry: discord.py takes a 429 without it for a Cloudflare
ban and gives up). A window starts with its first request and is full until it resets.
Other routes get a generous bucket of their own (50 per second per address), so the headers are
real everywhere.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

GLOBAL_LIMIT = 50  # requests per second
GLOBAL_EXEMPT = re.compile(r"/(interactions|webhooks)/")
DEFAULT_LIMIT, DEFAULT_PER = 50, 1.0
KEEP_WINDOWS = 2000  # past this many, windows that have reset are forgotten
LIMITED = "You are being rate limited."
ID = re.compile(r"/\d+")


@dataclass(frozen=True)
class Rule:
    """One route's bucket: `limit` requests per `per` seconds for each `major` value."""

    method: str
    path: re.Pattern[str]  # on the path after /api/v10; the group "major" names the resource
    limit: int
    per: float
    bucket: str  # the X-RateLimit-Bucket hash clients key their limits on


RULES = (
    Rule("POST", re.compile(r"/channels/(?P<major>\d+)/messages"), 5, 5.0, "channel-messages"),
    Rule("PATCH", re.compile(r"/channels/(?P<major>\d+)/messages/\d+"), 5, 5.0,
         "channel-message-edits"),
    Rule("POST", re.compile(r"/webhooks/\d+/(?P<major>[^/]+)"), 5, 2.0, "webhook"),
    Rule("PATCH", re.compile(r"/webhooks/\d+/(?P<major>[^/]+)/messages/[^/]+"), 5, 2.0,
         "webhook-edits"),
)


@dataclass
class Window:
    limit: int
    per: float
    used: int = 0
    resets_at: float = 0.0

    def take(self, now: float) -> bool:
        """Count one request; False when the window is full."""
        if now >= self.resets_at:
            self.used, self.resets_at = 0, now + self.per
        if self.used >= self.limit:
            return False
        self.used += 1
        return True


def headers(window: Window, bucket: str, now: float) -> dict[str, str]:
    after = max(0.0, window.resets_at - now)
    return {"X-RateLimit-Limit": str(window.limit),
            "X-RateLimit-Remaining": str(max(0, window.limit - window.used)),
            "X-RateLimit-Reset": f"{time.time() + after:.3f}",
            "X-RateLimit-Reset-After": f"{after:.3f}", "X-RateLimit-Bucket": bucket}


def too_many(retry_after: float, scope: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Discord's 429: its body and the headers every 429 carries."""
    body = {"message": LIMITED, "retry_after": round(retry_after, 3), "global": scope == "global"}
    extra = {"Retry-After": str(max(1, math.ceil(retry_after))), "X-RateLimit-Scope": scope,
             "Via": "1.1 google"}
    if scope == "global":
        extra["X-RateLimit-Global"] = "true"
    return body, extra


class RateLimits:
    """The buckets of one bot. take() answers each request: (429 body or None, headers).

    `time_scale` shortens every window (the counts stay): 0.02 lets a test that is not about
    rate limits have 250 reviews posted in 5 s instead of Discord's 250, through the same
    headers, waits and 429s."""

    def __init__(self, global_limit: int = GLOBAL_LIMIT, time_scale: float = 1.0):
        self.scale = time_scale
        self.global_window = Window(global_limit, 1.0 * time_scale)
        self.windows: dict[tuple[str, str], Window] = {}
        self.refused: Counter[str] = Counter()  # 429s answered, by scope (user or global)

    def _window(self, method: str, path: str, now: float) -> tuple[Window, str]:
        for rule in RULES:
            match = rule.path.fullmatch(path)
            if rule.method == method and match:
                return self._get((rule.bucket, match["major"]), rule.limit,
                                 rule.per * self.scale, now), rule.bucket
        bucket = f"{method} {ID.sub('/{id}', path)}"
        return self._get((bucket, path), DEFAULT_LIMIT, DEFAULT_PER * self.scale, now), bucket

    def _get(self, key: tuple[str, str], limit: int, per: float, now: float) -> Window:
        window = self.windows.get(key)
        if window is None:
            if len(self.windows) >= KEEP_WINDOWS:
                self.windows = {k: w for k, w in self.windows.items() if w.resets_at > now}
            window = self.windows[key] = Window(limit, per)
        return window

    def take(self, method: str, path: str, now: float | None = None
             ) -> tuple[dict[str, Any] | None, dict[str, str]]:
        """Count a request to `path` (after /api/v10) made at `now` (monotonic seconds); a 429
        body when it is over a limit."""
        now = time.monotonic() if now is None else now
        window, bucket = self._window(method, path, now)
        if window.used >= window.limit and now < window.resets_at:
            body, extra = too_many(window.resets_at - now, "user")
            self.refused["user"] += 1
            return body, {**headers(window, bucket, now), **extra}
        if not GLOBAL_EXEMPT.match(path) and not self.global_window.take(now):
            body, extra = too_many(self.global_window.resets_at - now, "global")
            self.refused["global"] += 1
            return body, extra
        window.take(now)
        return None, headers(window, bucket, now)
