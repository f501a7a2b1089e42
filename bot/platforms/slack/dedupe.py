"""Slack redelivers an event it thinks was missed (same `event_id`, `X-Slack-Retry-Num` set):
a bounded memory of recent event ids makes sure each is handled once.

Stored messages are also unique by their Slack id, so a redelivery after a restart is dropped
by the database instead.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_bolt.response import BoltResponse

log = logging.getLogger("bot.platforms.slack")


class RecentEvents:
    """Event ids seen in the last `ttl` seconds, at most `size` of them."""

    def __init__(self, size: int = 20_000, ttl: float = 3600,
                 clock: Callable[[], float] = time.monotonic):
        self.size, self.ttl, self.clock = size, ttl, clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time `key` is seen (and remember it), False for a repeat."""
        now = self.clock()
        while self._seen and (
            len(self._seen) >= self.size or now - next(iter(self._seen.values())) > self.ttl
        ):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True

    def forget(self, key: str) -> None:
        """Forget `key`: an event that was not acknowledged must be taken when it comes again."""
        self._seen.pop(key, None)


def event_dedupe(recent: RecentEvents):
    """A bolt middleware that acknowledges a repeated event without handling it again."""

    async def drop_redelivered_events(body: dict, request, next):
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not recent.first_time(event_id):
            retry = (request.headers.get("x-slack-retry-num") or ["0"])[0]
            log.info("Slack event %s delivered again (retry %s): already handled", event_id,
                     retry)
            return BoltResponse(status=200, body="")
        return await next()

    return drop_redelivered_events
