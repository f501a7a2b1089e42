"""A fake OpenAI-compatible chat-completions server on 127.0.0.1, for wire-level tests.

It records every request (headers and JSON body) and answers the way a test sets it up: a
reply text (or a function of the request), an HTTP error, a broken body, or a delay.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from aiohttp import web


class FakeLLM:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.reply: str | Callable[[dict], str] = "Hello!"
        self.status = 200
        self.raw_body: bytes | None = None
        self.delay = 0.0
        self.finish_reason = "stop"
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def last_messages(self) -> dict[str, str]:
        """The last request's messages by role: {"system": ..., "user": ...}."""
        return {m["role"]: m["content"] for m in self.requests[-1]["json"]["messages"]}

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append({"path": request.path, "headers": dict(request.headers),
                              "json": body})
        if self.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._release.wait(), self.delay)
        if self.status != 200:
            return web.json_response({"error": {"message": "server trouble"}},
                                     status=self.status)
        if self.raw_body is not None:
            return web.Response(body=self.raw_body, content_type="application/json")
        text = self.reply(body) if callable(self.reply) else self.reply
        return web.json_response({
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "model": body.get("model", ""),
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": self.finish_reason,
            }],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def release(self) -> None:
        """End any delay now (tests use it to answer at the moment they choose)."""
        self._release.set()

    async def stop(self) -> None:
        self.release()
        if self._runner is not None:
            await self._runner.cleanup()


def user_block(messages: dict[str, str], tag: str) -> str:
    """The text between <tag> and </tag> in the user message of a recorded request."""
    content = messages["user"]
    start = content.index(f"<{tag}>") + len(tag) + 2
    return content[start:content.index(f"</{tag}>")].strip()
