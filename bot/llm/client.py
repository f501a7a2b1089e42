"""A small client for any OpenAI-compatible `/chat/completions` server, over plain HTTP.

Hosted providers, Ollama, vLLM and the llama.cpp server all speak this shape, so aiohttp (already
a dependency) is enough; no SDK is needed. Every failure becomes an LLMError whose message is
safe to log: it never carries the API key or the server's reply body.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp


class LLMError(Exception):
    """The server gave no usable answer: unreachable, too slow, an error status, or bad JSON."""


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str  # "stop", or "length" when max_tokens cut the answer short


class ChatClient:
    """One model on one server; the HTTP session is opened on first use and reused."""

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None,
                 timeout_seconds: float = 4.0, max_tokens: int = 200, temperature: float = 0.4):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout_seconds = timeout_seconds
        self.max_tokens = max_tokens
        self.temperature = temperature
        self._api_key = api_key
        self._session: aiohttp.ClientSession | None = None

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout_seconds)
            )
        return self._session

    async def complete(self, messages: list[dict[str, str]]) -> Completion:
        """Send the chat and return the first choice's text, or raise LLMError."""
        payload = {
            "model": self.model,
            "messages": messages,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stream": False,
        }
        try:
            # asyncio.timeout bounds the whole exchange, connection and body included.
            async with asyncio.timeout(self.timeout_seconds):
                session = self._get_session()
                async with session.post(self.url, json=payload, headers=self._headers()) as resp:
                    status = resp.status
                    body = await resp.read()
        except TimeoutError:
            raise LLMError(f"no answer within {self.timeout_seconds:g} s") from None
        except aiohttp.ClientError as error:
            raise LLMError(f"cannot reach {self.url} ({error.__class__.__name__})") from None
        if status != 200:
            raise LLMError(f"the server answered HTTP {status}")
        return parse_completion(body)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def parse_completion(body: bytes) -> Completion:
    """The first choice of a chat-completions answer; LLMError when the shape is not one."""
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise LLMError("the server's answer is not JSON") from None
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise LLMError("the server's answer has no choices")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        # Some servers split content into typed parts; only the text parts are a reply.
        content = "".join(
            part.get("text", "") for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    if not isinstance(content, str):
        raise LLMError("the server's answer has no message text")
    return Completion(content, str(choices[0].get("finish_reason") or "stop"))
