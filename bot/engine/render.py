"""Reply text from the Jinja2 templates in prompts/replies/, rendered in a sandbox.

Templates receive plain values from the config (brand, offer, stores, FAQ answer, tagged
links). The customer's message is never passed in, let alone rendered as a template.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from prompts import REPLIES_DIR

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"\s+")
# "Crumb & Co." at the end of a sentence would give "Co.."; an ellipsis is left alone.
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


def tidy(text: str) -> str:
    """Lines next to each other become one paragraph; a blank line separates paragraphs.

    Templates can then put one sentence per line and block tags on lines of their own,
    and the reply still reads as chat text.
    """
    paragraphs = (_SPACES.sub(" ", part).strip() for part in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(_DOUBLE_STOP.sub(".", p) for p in paragraphs if p)


class Renderer:
    def __init__(self) -> None:
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(str(REPLIES_DIR)),
            undefined=StrictUndefined,
            autoescape=False,  # chat Markdown, not HTML
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # templates are read once per process
        )

    def load_all(self) -> None:
        """Read and compile every template now (they are kept for the life of the process)."""
        for name in self.env.list_templates(extensions=["j2"]):
            self.env.get_template(name)

    def render(self, intent: str, **values: Any) -> str:
        return tidy(self.env.get_template(f"{intent}.j2").render(**values))
