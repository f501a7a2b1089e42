"""The words of `promo add`, split into text, target channels, schedule, CTA and offer.

    "<text>" [| "<other wording>" ...] in #channel[, #other] at <when> [every ...]
             [until ...] [times N] [tz Zone] [cta <id>] [offer <id>] [image <url>]

The schedule words go to bot.scheduling.timeparse unchanged, so reminders read times the same
way. Words arrive already split like a shell would (quoted text is one word).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.promotions.store import PromotionError, Target, parse_target

SCHEDULE_WORDS = frozenset({"at", "every", "on", "cron", "until", "times", "tz", "in"})
CATALOG_WORDS = frozenset({"cta", "offer", "image"})
EXAMPLE = '`promo add "10% off all loaves today" in #customers at tomorrow 9am`'


@dataclass(frozen=True)
class AddArgs:
    text: str
    targets: list[Target]
    schedule_words: list[str]
    cta_id: str | None = None
    offer_id: str | None = None
    other_wordings: tuple[str, ...] = ()  # `"A" | "B"`: an A/B test of the wordings
    image_url: str | None = None  # `image <url>`, checked by bot/promotions/images.py


def split_wordings(words: list[str]) -> tuple[list[str], list[str]]:
    """`"A" | "B" | "C" in ...` as (["A", "B", "C"], the words from `in` on)."""
    wordings, rest = [words[0]], words[1:]
    while len(rest) >= 2 and rest[0] == "|":
        wordings.append(rest[1])
        rest = rest[2:]
    if rest and rest[0] == "|":
        raise PromotionError('Put the other wording in quotes after `|`: `"A" | "B" in #channel '
                             'at ...`.')
    return wordings, rest


def split_targets(words: list[str], default_platform: str) -> list[Target]:
    """"#a, #b", "#a,#b" and "#a and #b" all name two channels."""
    joined = " ".join(words).replace(" and ", ",")
    names = [name.strip() for name in joined.replace(" ", ",").split(",")]
    return [parse_target(name, default_platform) for name in names if name]


def parse_add(words: list[str], default_platform: str) -> AddArgs:
    if not words:
        raise PromotionError(
            f"Give the promotion's text in quotes, then where and when: {EXAMPLE}."
        )
    wordings, rest = split_wordings(words)
    text = wordings[0]
    if not rest or rest[0].lower() != "in":
        raise PromotionError(
            f"Put the text in quotes, then say where with `in #channel`: {EXAMPLE}."
        )
    index = 1
    target_words = []
    while index < len(rest) and rest[index].lower() not in SCHEDULE_WORDS | CATALOG_WORDS:
        target_words.append(rest[index])
        index += 1
    if not target_words:
        raise PromotionError(f"Say which channel after `in`: {EXAMPLE}.")
    schedule_words: list[str] = []
    catalog: dict[str, str] = {}
    while index < len(rest):
        word = rest[index].lower()
        if word in CATALOG_WORDS:
            if index + 1 >= len(rest) and word == "image":
                raise PromotionError("Say which image: `image https://example.com/pies.jpg`.")
            if index + 1 >= len(rest):
                raise PromotionError(f"Say which {word}: `{word} <id>` with an id from the "
                                     "catalog in the config.")
            catalog[word] = rest[index + 1]
            index += 2
            continue
        schedule_words.append(rest[index])
        index += 1
    return AddArgs(text, split_targets(target_words, default_platform), schedule_words,
                   catalog.get("cta"), catalog.get("offer"), tuple(wordings[1:]),
                   catalog.get("image"))
