"""Adding an FAQ entry to the config file, keeping the file as people wrote it.

ruamel.yaml is not among Nudge's dependencies, so the file is not parsed and written back
(PyYAML would drop every comment): the entry is inserted as text at the end of the top-level
`faq:` list (or a new `faq:` list at the end of the file), and the result is validated as a
whole config before anything is written. When the list cannot be found as plain block YAML
(`faq: []` in flow style, say), nothing is written and the caller prints the snippet to paste.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from bot.config import Config, ConfigError, parse_config

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_FAQ_BLOCK = re.compile(r"^faq\s*:\s*(#.*)?$")


class NotWritten(Exception):
    """The entry was not written; the message says why, and `snippet` is what to paste."""

    def __init__(self, message: str, snippet: str):
        super().__init__(message)
        self.snippet = snippet


def snippet(question: str, answer: str, cta: str | None = None, indent: str = "  ") -> str:
    """The entry as YAML list item lines (JSON strings are valid YAML double-quoted ones)."""
    lines = [f"{indent}- question: {json.dumps(question, ensure_ascii=False)}",
             f"{indent}  answer: {json.dumps(answer, ensure_ascii=False)}"]
    if cta:
        lines.append(f"{indent}  cta: {json.dumps(cta, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def with_entry(text: str, question: str, answer: str, cta: str | None = None) -> str:
    """The config text with the entry added at the end of its `faq:` list."""
    lines = text.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if _FAQ_BLOCK.match(line)), None)
    if start is None:
        if any(line.startswith("faq") and _TOP_KEY.match(line) for line in lines):
            raise NotWritten("the config's `faq:` is not a plain list to add to",
                             "faq:\n" + snippet(question, answer, cta))
        ending = "" if not text or text.endswith("\n") else "\n"
        return f"{text}{ending}\nfaq:\n{snippet(question, answer, cta)}"
    end, indent = start + 1, None
    last = start  # the last line that belongs to the list (not a blank or comment after it)
    while end < len(lines):
        line = lines[end]
        if _TOP_KEY.match(line):
            break
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            last = end
            if indent is None and stripped.startswith("- "):
                indent = line[:len(line) - len(line.lstrip())]
        end += 1
    item = snippet(question, answer, cta, indent if indent is not None else "  ")
    before = "".join(lines[:last + 1])
    if not before.endswith("\n"):
        before += "\n"
    return before + item + "".join(lines[last + 1:])


def add_entry(path: Path, question: str, answer: str, cta: str | None = None) -> Config:
    """Write the entry into the config file, only if the whole config still validates with it
    (a CTA that does not exist, an empty answer...: ConfigError, nothing written). The new
    config."""
    text = path.read_text(encoding="utf-8")
    new_text = with_entry(text, question, answer, cta)
    config = parse_config(new_text, str(path), base_dir=path.parent)
    if len(config.faq) != len(parse_config(text, str(path), base_dir=path.parent).faq) + 1:
        raise NotWritten("the entry did not land in the config's `faq:` list",
                         "faq:\n" + snippet(question, answer, cta))
    temporary = path.with_name(f".{path.name}.nudge-new")
    temporary.write_text(new_text, encoding="utf-8")
    os.replace(temporary, path)
    return config


__all__ = ["ConfigError", "NotWritten", "add_entry", "snippet", "with_entry"]
