"""Texts a customer sees, in every language the brand writes.

Any such text in the config (an FAQ answer, a CTA label, an offer, a product, a shop's note, the
sign-off) may be a plain string, written in the brand's `language`, or a mapping by language:

    answer: {en: "Yes, dogs are welcome.", de: "Ja, Hunde sind willkommen."}

Both become a `Text`: a `str` holding the brand-language wording (so everything that shows the
team a label or writes a log line keeps working unchanged) that also carries every translation.
`in_language(config, "de")` gives the same config with each text in German, falling back to the
brand's language where no German was given; each fallback is marked, so a reply can tell the
team which of its texts were not translated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

LANGUAGES = ("en", "es", "fr", "de")
# A shop's name and address are proper names: written once, they read the same in any language.
_PROPER_NAME = re.compile(r"^stores\[\d+\]\.(name|address)$")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German"}


class Text(str):
    """A customer-facing text: this string, plus its wording in every language given.

    `lang` is the language this string is written in ("" when it is the brand's, unnamed);
    `missing` is the language it should have been in when it is a fallback ("" otherwise);
    `where` is its key in the config ("faq[2].answer"), for telling the team."""

    translations: dict[str, str]
    lang: str
    missing: str
    where: str

    def __new__(cls, value: str, translations: dict[str, str] | None = None, lang: str = "",
                missing: str = "", where: str = "") -> Text:
        text = super().__new__(cls, value)
        text.translations = dict(translations or {})
        text.lang = lang
        text.missing = missing
        text.where = where
        return text

    def __getnewargs__(self) -> tuple[str]:  # copy and pickle keep the attributes via __dict__
        return (str(self),)

    def in_language(self, lang: str, where: str = "") -> Text:
        """This text in `lang`, or as it is (marked missing) when it has no such wording."""
        where = where or self.where
        if lang == self.lang or not self.translations:
            return Text(self, self.translations, self.lang, where=where)
        wording = self.translations.get(lang)
        if wording:
            return Text(wording, self.translations, lang, where=where)
        return Text(self, self.translations, self.lang, missing=lang, where=where)

    @property
    def variants(self) -> tuple[str, ...]:
        """Every wording, this one first: what a customer may call it in any language."""
        others = [value for value in self.translations.values() if value != str(self)]
        return (str(self), *others)


def variants(value: str) -> tuple[str, ...]:
    """Every wording of a config text (a plain string has one)."""
    return value.variants if isinstance(value, Text) else (value,)


def wording(value: str, lang: str) -> str:
    """A config text's wording in `lang`, else as it is."""
    return value.translations.get(lang, str(value)) if isinstance(value, Text) else value


def parse_text(value: Any, *, allow_empty: bool = True) -> Text:
    """A plain string or a {language: string} mapping from the YAML, as a Text.

    Raises ValueError with a sentence a marketer can act on."""
    if isinstance(value, Text):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, list):
        raise ValueError('expected a text, or texts by language such as {en: "...", de: "..."}')
    if isinstance(value, dict):
        translations = {}
        for lang, wording in value.items():
            if lang not in LANGUAGES:
                raise ValueError(f'unknown language "{lang}": use {", ".join(LANGUAGES)}')
            if not isinstance(wording, str | int | float) or isinstance(wording, bool):
                raise ValueError(f"{lang}: expected a text")
            wording = str(wording).strip()
            if wording:
                translations[lang] = wording
        if not translations and not allow_empty:
            raise ValueError("expected at least one text")
        first = next(iter(translations.values()), "")
        lang = next(iter(translations), "")
        return Text(first, translations, lang)
    text = str(value).strip()
    if not text and not allow_empty:
        raise ValueError("String should have at least 1 character")
    return Text(text)


def parse_names(value: Any) -> list[str]:
    """Aliases: a list, a comma-separated string (a CSV cell) or {language: [names]}; every
    name in every language, for matching whatever language the customer writes in."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").replace("|", ",").split(",")
                if part.strip()]
    if isinstance(value, dict):
        names: list[str] = []
        for lang, items in value.items():
            if lang not in LANGUAGES:
                raise ValueError(f'unknown language "{lang}": use {", ".join(LANGUAGES)}')
            for name in parse_names(items if isinstance(items, list | str) else [items]):
                if name not in names:
                    names.append(name)
        return names
    if isinstance(value, list):
        return [str(item).strip() for item in value
                if isinstance(item, str | int | float) and str(item).strip()]
    raise ValueError("expected a list of names, or names by language such as {de: [...]}")


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any, str, Any]]:
    """(path, owner, field name, value) for every field of every model under `node`."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            yield path, node, name, value
            yield from _walk(value, f"{path}.{name}" if path else name)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{path}[{index}]")


def texts(config: BaseModel) -> Iterator[tuple[str, Text]]:
    """Every customer-facing text of the config with its key ("offers[0].text")."""
    for path, _owner, name, value in _walk(config, ""):
        if isinstance(value, Text) and value:
            yield (f"{path}.{name}" if path else name), value


def settle(config: BaseModel, language: str) -> None:
    """Make every text's own wording the one in the brand's `language` (in place, once, after
    validation): a mapping's first entry stood in until the brand's language was known."""
    for path, owner, name, value in list(_walk(config, "")):
        if isinstance(value, Text):
            where = f"{path}.{name}" if path else name
            translations = value.translations or ({language: str(value)} if value else {})
            wording = translations.get(language) or str(value)
            lang = language if language in translations else value.lang
            owner.__dict__[name] = Text(wording, translations, lang, where=where)


def in_language(config: BaseModel, lang: str) -> BaseModel:
    """A copy of `config` with every customer-facing text in `lang` where it has one, the
    brand's wording (marked `missing`) where it has not. The original is not changed."""
    copy = config.model_copy(deep=True)
    for path, owner, name, value in list(_walk(copy, "")):
        if isinstance(value, Text):
            where = f"{path}.{name}" if path else name
            shown = value.in_language(lang, where)
            if shown.missing and _PROPER_NAME.match(where) and len(value.translations) <= 1:
                shown.missing = ""
            owner.__dict__[name] = shown
    return copy


def untranslated(config: BaseModel, languages: list[str]) -> dict[str, list[str]]:
    """For each language, the keys of the texts that have no wording in it."""
    missing: dict[str, list[str]] = {lang: [] for lang in languages}
    for where, text in texts(config):
        if _PROPER_NAME.match(where) and len(text.translations) <= 1:
            continue
        for lang in languages:
            if lang not in text.translations:
                missing[lang].append(where)
    return {lang: keys for lang, keys in missing.items() if keys}


def missing_texts(values: Any) -> list[Text]:
    """The fallback texts (marked `missing`) anywhere inside `values`, once each, in order."""
    found: list[Text] = []
    stack = [values]
    while stack:
        value = stack.pop(0)
        if isinstance(value, Text):
            if value.missing and value.where and value.where not in [t.where for t in found]:
                found.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return found
