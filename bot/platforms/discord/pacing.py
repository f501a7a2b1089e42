"""One REST request at a time per Discord rate-limit bucket, so discord.py's count stays exact.

discord.py sends the requests that share a bucket (5 messages per 5 s in a channel) several at a
time and counts what is left from each answer's headers. With several in flight its count
drifts: every request waiting for a full bucket that times out resets the count on its own
when the window ends, and more requests go out than the window holds. Discord refuses the extra
ones with 429s (discord.py retries them after the wait): against the fake Discord, which counts
as Discord does, two bursts of 12 reviews 100 ms apart met 4 429s in the second, every time.
Each 429 counts towards Discord's 10,000 refused requests in 10 minutes, past which Cloudflare
bans the bot's address for an hour. (discord.py's rate limiting is being rewritten upstream:
Rapptz/discord.py pull request 10287.) Sent one after another per bucket, in the order they
were made, the count is exact: discord.py waits for the window to end instead, and a review
channel at its limit is paced rather than refused.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from discord.http import Route

Request = Callable[..., Awaitable[Any]]


def one_at_a_time(request: Request) -> Request:
    """`request` (discord.py's HTTPClient.request) with the requests of one route and one
    channel (or other major parameter: the bucket discord.py keys them on) sent one after
    another. A bucket's lock is forgotten once nobody holds or awaits it."""
    locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def send(route: Route, **kwargs: Any) -> Any:
        key = f"{route.key}:{route.major_parameters}"
        lock = locks.get(key)
        if lock is None:
            lock = locks[key] = asyncio.Lock()
        async with lock:
            return await request(route, **kwargs)

    return send
