"""Reply text from the Jinja2 templates in prompts/replies/<lang>/, rendered in a sandbox.

Templates receive plain values from the config (brand, offer, stores, FAQ answers, products,
tagged links). The customer's message is never passed in, let alone rendered as a template.
A second wording of an intent's template ("pricing.b.j2" beside "pricing.j2") makes an A/B test.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from prompts import REPLIES_DIR

DEFAULT_LANGUAGE = "en"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"\s+")
# "Crumb & Co." at the end of a sentence would give "Co.."; an ellipsis is left alone.
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def tidy(text: str) -> str:
    """Lines next to each other become one paragraph; a blank line separates paragraphs.

    Templates can then put one sentence per line and block tags on lines of their own,
    and the reply still reads as chat text. A reply never ends on a colon that introduces
    nothing ("Get in touch with the team:" with no link after it): it ends with a full stop.
    """
    paragraphs = [_SPACES.sub(" ", part).strip() for part in _PARAGRAPH_BREAK.split(text)]
    paragraphs = [_DOUBLE_STOP.sub(".", p) for p in paragraphs if p]
    if paragraphs and paragraphs[-1].endswith(":"):
        paragraphs[-1] = paragraphs[-1][:-1].rstrip() + "."
    return "\n\n".join(paragraphs)


def variant_template(name: str, wording: str | None) -> str:
    """"pricing.j2" as wording b: "pricing.b.j2" (also "en/pricing.j2" -> "en/pricing.b.j2").

    Wording "a" (or none) is the template itself; "b", "c", ... are files beside it."""
    if not wording or wording == "a":
        return name
    return f"{name.removesuffix('.j2')}.{wording}.j2"


def pick_wording(thread_key: str, intent: str, wordings: list[str]) -> str | None:
    """The wording a thread gets, the same every time for that thread: an A/B test assigns
    each conversation to one variant. None when the intent has a single template."""
    if len(wordings) < 2 or not thread_key:
        return None
    digest = hashlib.sha256(f"{intent}\0{thread_key}".encode()).digest()
    return wordings[int.from_bytes(digest[:8], "big") % len(wordings)]


_VARIANT_FILE = re.compile(r"(?P<base>.+)\.(?P<wording>[b-z])\.j2")


class Renderer:
    """The reply templates of every language under `directory` (one folder per language)."""

    def __init__(self, directory: Path | str = REPLIES_DIR) -> None:
        self.directory = Path(directory)
        self.envs: dict[str, SandboxedEnvironment] = {}
        self._listed: dict[str, list[str]] = {}

    def languages(self) -> list[str]:
        """The languages that have reply templates (a folder with a _parts.j2)."""
        return sorted(p.name for p in self.directory.iterdir()
                      if p.is_dir() and (p / "_parts.j2").exists())

    def env(self, lang: str = DEFAULT_LANGUAGE) -> SandboxedEnvironment:
        """The sandbox for `lang`'s templates (the default language's when it has none)."""
        if lang not in self.envs:
            folder = self.directory / lang
            if not (folder / "_parts.j2").exists():
                folder = self.directory / DEFAULT_LANGUAGE
            self.envs[lang] = SandboxedEnvironment(
                loader=FileSystemLoader(str(folder)),
                undefined=StrictUndefined,
                autoescape=False,  # chat Markdown, not HTML
                trim_blocks=True,
                lstrip_blocks=True,
                auto_reload=False,  # templates are read once per process
            )
        return self.envs[lang]

    def load_all(self) -> None:
        """Read and compile every template now (they are kept for the life of the process)."""
        for lang in self.languages():
            for name in self._names(lang):
                self.env(lang).get_template(name)

    def wordings(self, name: str, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """The A/B wordings of template `name` ("pricing.j2"): ["a"] alone, or ["a", "b", ...]
        when files such as "pricing.b.j2" sit beside it."""
        base = name.removesuffix(".j2")
        found = {match["wording"] for match in map(_VARIANT_FILE.fullmatch, self._names(lang))
                 if match and match["base"] == base}
        return ["a", *sorted(found)]

    def _names(self, lang: str) -> list[str]:
        if lang not in self._listed:
            self._listed[lang] = self.env(lang).list_templates(extensions=["j2"])
        return self._listed[lang]

    def render(self, intent: str, lang: str = DEFAULT_LANGUAGE, wording: str | None = None,
               **values: Any) -> str:
        name = variant_template(f"{intent}.j2", wording)
        return tidy(self.env(lang).get_template(name).render(**values))
