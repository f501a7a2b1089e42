"""A promotion as it will be posted: the team's text, the offer, the tagged link, the sign-off.

Rendered from prompts/promotion.md.j2 in a sandboxed Jinja2 environment. The link is the
catalog's CTA URL with UTM tags (utm_source = the platform, utm_medium = chat, utm_campaign =
"promo-<id>"), so each promotion's visits and sales can be told apart in analytics.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bot.config import Config
from bot.promotions.store import Promotion
from bot.promotions.variants import variant_index
from bot.utm import tag_url
from prompts import PROMPTS_DIR

TEMPLATE = "promotion.md.j2"


@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(PROMPTS_DIR), undefined=StrictUndefined, autoescape=False,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )


def campaign(promotion: Promotion) -> str:
    return f"promo-{promotion.id}"


def cta_url(config: Config, promotion: Promotion, platform: str) -> str | None:
    """The promotion's CTA link as tagged for `platform`, or None without a CTA."""
    cta = config.cta(promotion.cta_id) if promotion.cta_id else None
    return tag_url(cta.url, platform, "chat", campaign(promotion)) if cta else None


def render_promotion(config: Config, promotion: Promotion, platform: str, on: date, *,
                     variant: str = "", url: str | None = None) -> str:
    """The exact text posted on `platform` for a run on local day `on`.

    An offer that is not valid on that day is left out, so an expired code is never promoted
    even if the schedule outlives the offer. `variant` picks the wording of an A/B test;
    `url` replaces the tagged CTA link (with a tracked link).
    """
    offer = next((o for o in config.offers if o.id == promotion.offer_id), None)
    if offer is not None and not offer.is_valid_on(on):
        offer = None
    cta = config.cta(promotion.cta_id) if promotion.cta_id else None
    text = _environment().get_template(TEMPLATE).render(
        brand=config.brand.model_dump(),
        text=promotion.wordings[min(variant_index(variant), len(promotion.wordings) - 1)],
        offer=offer.model_dump() if offer else None,
        cta={"label": cta.label,
             "url": url or cta_url(config, promotion, platform)} if cta else None,
    )
    return re.sub(r"\n{3,}", "\n\n", text).strip()
