"""The chat sent to the LLM, rendered from prompts/llm/ (the words live there, not here)."""

from __future__ import annotations

import re

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from bot.config import Brand
from bot.engine.types import Suggestion
from prompts import PROMPTS_DIR

MAX_CUSTOMER_CHARS = 2000
MAX_SENTENCES = 4
# The tags that delimit untrusted text in the prompt; a customer cannot type them to close the
# block early and speak as the team.
_DELIMITERS = re.compile(r"<\s*/?\s*(customer_message|draft)\b[^>]*>", re.IGNORECASE)

# Customer text is passed in as a value, never compiled; the sandbox matches prompts/.
_templates = SandboxedEnvironment(
    loader=jinja2.FileSystemLoader(PROMPTS_DIR / "llm"),
    autoescape=False,  # plain text for a model, not HTML
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=False,
)


def untrusted(text: str) -> str:
    """Customer text made safe to place inside the delimited block: no delimiter tags, capped."""
    return _DELIMITERS.sub("", text)[:MAX_CUSTOMER_CHARS].strip()


def build_messages(suggestion: Suggestion, customer_text: str, brand: Brand) -> list[dict]:
    """System message (rules, voice, CTA, facts) and user message (the customer's words, draft)."""
    system = _templates.get_template("system.txt.j2").render(
        brand=brand,
        cta_label=suggestion.cta_label or "",
        cta_url=suggestion.cta_url or "",
        facts=list(suggestion.facts),
        max_sentences=MAX_SENTENCES,
    )
    user = _templates.get_template("user.txt.j2").render(
        customer_text=untrusted(customer_text),
        draft=untrusted(suggestion.text),
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
