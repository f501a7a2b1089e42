"""Nudge's words: Jinja2 templates and LLM prompts, kept as data next to the code that fills them.

Marketers can edit these files without touching code. Templates are rendered in a sandboxed
environment; what people type (a customer's message, a promotion's text) is passed in as a
value or not at all, never compiled as a template, so "{{ 7*7 }}" stays exactly that.
Reply suggestions live in replies/, one template per intent.
"""

from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent
REPLIES_DIR = PROMPTS_DIR / "replies"
