"""What `nudge check` warns about without failing: a config that is valid but will give weaker
replies than the team expects."""

from __future__ import annotations

from datetime import date

from bot.config import Config
from bot.engine.products import ProductDirectory


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
