"""Reply text from the Jinja2 templates in prompts/replies/<lang>/, rendered in a sandbox.

Templates receive plain values from the config (brand, offer, stores, FAQ answers, products,
tagged links). The customer's message is never passed in, let alone rendered as a template.
"""

from __future__ import annotations

import re
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


def languages() -> list[str]:
    """The languages that have reply templates (a folder under prompts/replies/)."""
    return sorted(p.name for p in REPLIES_DIR.iterdir() if p.is_dir() and
                  (p / "_parts.j2").exists())


class Renderer:
    def __init__(self) -> None:
        self.envs: dict[str, SandboxedEnvironment] = {}

    def env(self, lang: str) -> SandboxedEnvironment:
        if lang not in self.envs:
            folder = REPLIES_DIR / lang
            if not (folder / "_parts.j2").exists():
                folder = REPLIES_DIR / DEFAULT_LANGUAGE
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
        for lang in languages():
            env = self.env(lang)
            for name in env.list_templates(extensions=["j2"]):
                env.get_template(name)

    def render(self, intent: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
        return tidy(self.env(lang).get_template(f"{intent}.j2").render(**values))
