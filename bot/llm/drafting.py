"""LLMDrafter: asks the model to word a suggestion, and keeps the template whenever anything is off.

The engine has already decided the intent, the CTA and the facts; the drafter changes only the
wording. A slow, failing or misbehaving server, or a draft that the guardrails reject, leaves
the template suggestion exactly as it was (source "template").
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.config import Brand, Config, Secrets
from bot.engine.types import Suggestion
from bot.llm.client import ChatClient, LLMError
from bot.llm.guardrails import MAX_REPLY_CHARS, check_draft
from bot.llm.plan import plan_llm
from bot.llm.prompt import build_messages

log = logging.getLogger(__name__)


class LLMDrafter:
    def __init__(self, client: ChatClient, *, max_chars: int = MAX_REPLY_CHARS):
        self.client = client
        self.max_chars = max_chars

    @classmethod
    def from_config(cls, config: Config, secrets: Secrets) -> LLMDrafter | None:
        """A drafter when `llm:` is enabled and usable; None otherwise (the reason is logged)."""
        plan = plan_llm(config, secrets)
        if not plan.enabled:
            if config.llm.enabled:
                log.warning("LLM drafting is off: %s", plan.reason)
            return None
        settings = config.llm
        key = secrets.llm_api_key.get_secret_value() if secrets.llm_api_key else None
        client = ChatClient(
            settings.base_url, settings.model, api_key=key,
            timeout_seconds=settings.timeout_seconds, max_tokens=settings.max_tokens,
            temperature=settings.temperature,
        )
        return cls(client)

    async def improve(self, suggestion: Suggestion, customer_text: str, brand: Brand) -> Suggestion:
        """The suggestion worded by the LLM (source "llm"), or the same suggestion unchanged."""
        if suggestion.source != "template" or not suggestion.text.strip():
            return suggestion
        messages = build_messages(suggestion, customer_text, brand)
        try:
            completion = await self.client.complete(messages)
        except LLMError as error:
            log.warning("LLM draft not used: %s", error)
            return suggestion
        verdict = check_draft(
            completion.text, suggestion, context=(brand.name, brand.sign_off),
            cut_off=completion.finish_reason == "length", max_chars=self.max_chars,
        )
        if not verdict.accepted:
            log.info("LLM draft rejected, the template reply stays: %s", verdict.reason)
            return suggestion
        if verdict.reason:
            log.info("LLM draft used after a repair: %s", verdict.reason)
        return replace(suggestion, text=verdict.text, source="llm")

    async def close(self) -> None:
        await self.client.close()
