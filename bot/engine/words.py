"""The words the engine itself puts into a reply (day and month names, "today", "on Sunday"),
per language, read from prompts/replies/<lang>/words.yaml so they are edited with the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import yaml

from prompts import REPLIES_DIR

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Words:
    lang: str
    table: dict

    def weekday(self, day: date) -> str:
        return self.table["weekdays"][day.weekday()]

    def month(self, day: date) -> str:
        return self.table["months"][day.month - 1]

    def fill(self, key: str, day: date) -> str:
        return self.table[key].format(weekday=self.weekday(day), day=day.day,
                                      month=self.month(day), year=day.year)

    def long_date(self, day: date) -> str:
        """"31 December 2026", "31 de diciembre de 2026"."""
        return self.fill("long_date", day)

    def get(self, key: str) -> str:
        return self.table[key]


@cache
def words_for(lang: str) -> Words:
    """The words of `lang` (English for a language with no words.yaml)."""
    path = REPLIES_DIR / lang / "words.yaml"
    if not path.exists():
        path = REPLIES_DIR / DEFAULT_LANGUAGE / "words.yaml"
        lang = DEFAULT_LANGUAGE
    return Words(lang, yaml.safe_load(path.read_text(encoding="utf-8")))


def english() -> Words:
    return words_for(DEFAULT_LANGUAGE)
