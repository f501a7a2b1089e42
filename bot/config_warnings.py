"""What `nudge check` warns about without failing: a config that is valid but will give weaker
replies than the team expects."""

from __future__ import annotations

from datetime import date

from bot.config import Config
from bot.engine.products import ProductDirectory
from bot.translations import LANGUAGE_NAMES, texts, untranslated

# How many keys a line names before it only counts the rest.
SHOWN_KEYS = 6


def config_warnings(config: Config, today: date) -> list[str]:
    """One line per thing worth fixing: missing kinds of CTA, offers that name nothing known
    or have ended."""
    warnings = []
    kinds = {cta.kind for cta in config.ctas}
    if "contact" not in kinds:
        warnings.append("ctas: no contact CTA: complaints, order problems and sensitive "
                        "questions get no direct line to the team (add one with kind: contact)")
    if "visit" not in kinds and config.stores:
        warnings.append("ctas: no visit CTA: store questions get only the shops' map links "
                        "(add one with kind: visit)")
    if not kinds & {"review", "refer"}:
        warnings.append("ctas: no review or refer CTA: happy customers are thanked but never "
                        "asked for a review or a referral")
    products = ProductDirectory(config.products, config.brand.currency)
    for index, offer in enumerate(config.offers):
        for name in offer.applies_to:
            if not products.knows(name):
                warnings.append(f'offers[{index}].applies_to: "{name}" is no product name, '
                                "alias or category in products, so the offer is never "
                                "mentioned for it")
        if offer.end and offer.end < today:
            warnings.append(f'offers[{index}] ("{offer.id}") ended on {offer.end}: it is never '
                            "mentioned; remove it or move its end date")
    return warnings


def translation_lines(config: Config) -> list[str]:
    """Per language the brand writes in, which customer-facing texts have no wording in it
    (replies then use the brand's language for them)."""
    brand = config.brand
    others = [lang for lang in brand.languages if lang != brand.language]
    total = sum(1 for _ in texts(config))
    missing = untranslated(config, others)
    lines = [f"{LANGUAGE_NAMES[brand.language]} ({brand.language}): the brand's language, "
             f"{total} texts"]
    for lang in others:
        keys = missing.get(lang, [])
        name = f"{LANGUAGE_NAMES[lang]} ({lang})"
        if not keys:
            lines.append(f"{name}: all {total} texts translated")
            continue
        shown = ", ".join(keys[:SHOWN_KEYS])
        more = f" and {len(keys) - SHOWN_KEYS} more" if len(keys) > SHOWN_KEYS else ""
        lines.append(f"{name}: {len(keys)} of {total} texts not translated ({shown}{more}); "
                     f"replies in {LANGUAGE_NAMES[lang]} use the {brand.language} wording "
                     "for them")
    return lines
