"""Nudge's words, kept as data: Jinja2 templates for replies (and, later, LLM prompts).

Marketers can edit these files without touching code. They are rendered in a sandboxed Jinja2
environment with values from the team's config only; a customer's message is never rendered
as a template, so "{{ 7*7 }}" typed by a customer stays exactly that.
"""

from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent
REPLIES_DIR = PROMPTS_DIR / "replies"
