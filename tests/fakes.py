"""Test doubles for what lies outside Nudge: a chat platform that counts what it is sent.

`CountingAdapter` implements the Adapter protocol for real (start, stop, post, notify_team);
instead of a network it records each post, optionally appends it to a file (so a test can count
posts made by another process, even one killed with SIGKILL), and raises the DeliveryErrors a
test queues with `fail_next` (posts) and `fail_notices_next` (messages to the team).
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from bot.core.errors import DeliveryError
from bot.core.types import Post, Reply


class CountingAdapter:
    def __init__(self, platform: str = "console", log_path: str | Path | None = None):
        self.platform = platform
        self.posts: list[Post] = []
        self.notices: list[Reply] = []
        self.log_path = Path(log_path) if log_path else None
        self.ready = asyncio.Event()
        self._failures: list[DeliveryError] = []
        self._notice_failures: list[DeliveryError] = []
        self._stopped = asyncio.Event()

    def fail_next(self, *errors: DeliveryError) -> None:
        """The next posts raise these errors, in order, before posting works again."""
        self._failures.extend(errors)

    def fail_notices_next(self, *errors: DeliveryError) -> None:
        """The next messages to the team (reviews, reports) raise these errors, in order."""
        self._notice_failures.extend(errors)

    def _log(self, kind: str, text: str, channel: str = "") -> None:
        if self.log_path is None:
            return
        with self.log_path.open("a", encoding="utf-8") as file:
            file.write(json.dumps({"kind": kind, "channel": channel, "text": text}) + "\n")
            file.flush()
            os.fsync(file.fileno())

    async def start(self, app) -> None:
        self.ready.set()
        await self._stopped.wait()

    async def stop(self) -> None:
        self._stopped.set()

    async def post(self, post: Post) -> str:
        if self._failures:
            raise self._failures.pop(0)
        self.posts.append(post)
        self._log("post", post.text, post.channel)
        return f"{self.platform}-message-{len(self.posts)}"

    async def notify_team(self, reply: Reply) -> None:
        if self._notice_failures:
            raise self._notice_failures.pop(0)
        self.notices.append(reply)
        self._log("notice", reply.text)


def read_log(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class SleepRecorder:
    """Stands in for asyncio.sleep in retry backoff: records the delays, waits for nothing."""

    def __init__(self):
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)
