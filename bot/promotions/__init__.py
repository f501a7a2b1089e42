"""Scheduled promotions: the table, the `promo add` grammar, rendering, and the scheduler's job.

`active_promotion_offers(db, now, config)` lists the offers of the promotions that are live now,
for the suggestion engine to mention on pricing and purchase questions.
"""

from bot.promotions.store import (
    Actor,
    Promotion,
    PromotionError,
    Target,
    active_promotion_offers,
)

__all__ = ["Actor", "Promotion", "PromotionError", "Target", "active_promotion_offers"]
