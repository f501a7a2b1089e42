"""The words Nudge uses: reply templates and LLM prompts, kept as data files beside this module."""

from pathlib import Path

PROMPTS_DIR = Path(__file__).parent
