"""Nudge's words: Jinja2 templates and LLM prompts, kept as data next to the code that fills them.

Templates are rendered in a sandboxed environment; what people type (a promotion's text) is
passed in as a value, never compiled as a template.
"""

from pathlib import Path

PROMPTS_DIR = Path(__file__).parent
