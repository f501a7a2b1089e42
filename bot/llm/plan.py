"""Whether Nudge will use the LLM, and why: the answer `nudge check` prints as its `llm:` line."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.config import Config, Secrets


@dataclass(frozen=True)
class LLMPlan:
    enabled: bool
    reason: str


def is_loopback(url: str) -> bool:
    """Whether `url` is on this machine, where a server (Ollama, llama.cpp) needs no key."""
    host = (urlparse(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plan_llm(config: Config, secrets: Secrets) -> LLMPlan:
    settings = config.llm
    if not settings.enabled:
        return LLMPlan(False, "disabled in the config; replies use the templates")
    host = urlparse(settings.base_url).netloc
    if is_loopback(settings.base_url):
        key = "NUDGE_LLM_API_KEY is set" if secrets.llm_api_key else "no API key needed"
        return LLMPlan(True, f"model {settings.model} on the local server {host}, {key}")
    if secrets.llm_api_key is None:
        return LLMPlan(
            False,
            f"NUDGE_LLM_API_KEY is not set and {host} is not on this machine; "
            "replies use the templates",
        )
    return LLMPlan(True, f"model {settings.model} at {host}, NUDGE_LLM_API_KEY is set")
