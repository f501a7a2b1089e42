"""A database a marketer's report has something to say about: two weeks of replies
(tests/chart_helpers.py), a promotion tested in two wordings, a shop's hours asked about, and
takings from offer codes large enough to need a thousands separator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.store import iso
from bot.store.links import LinkInfo, create_link, record_click
from bot.store.redemptions import Redemption, record
from handlers import conversation
from tests.chart_helpers import seed_two_weeks
from tests.tracking_helpers import pricing_thread

WORDING_A = "Autumn boxes are back: 10% off your first one this week!"
WORDING_B = "Cold outside? Warm cinnamon buns are in, and your first box is 10% off."


def seed_promotion_test(ctx, clock, *, promotion_id: int = 3, posts: int = 40,
                        wordings: tuple[str, str] = (WORDING_A, WORDING_B)) -> None:
    """A promotion with two wordings, posted `posts` times on 20 and 21 Nov: wording B earns
    a click on every post, A on one post in ten."""
    ctx.db["promotions"].insert({
        "id": promotion_id, "text": wordings[0], "targets": "[]", "trigger": "{}",
        "timezone": "UTC", "status": "active", "runs": posts,
        "variants": json.dumps(list(wordings)), "offer_id": "autumn10"})
    for n in range(posts):
        variant = "ab"[n % 2]
        at = datetime(2026, 11, 20 + n % 2, 9, 0, tzinfo=UTC) + timedelta(minutes=n)
        delivery = ctx.db["deliveries"].insert({
            "kind": "promotion", "ref_id": str(promotion_id), "scheduled_for": iso(at),
            "platform": "slack", "target": f"C{n}", "status": "sent", "variant": variant,
            "finished_at": iso(at)}).last_pk
        token = create_link(ctx.db, LinkInfo("promotion", str(promotion_id), "autumn-offer",
                                             variant, "slack", f"C{n}", delivery),
                            "https://x.example", at)
        if variant == "b" or n % 10 == 0:
            record_click(ctx.db, token, at + timedelta(minutes=5))


def seed_shop_question(ctx, clock, *, shop: str = "Mill Road", thread: str = "s.1") -> int:
    """A customer asks when a shop opens; the reply states its hours and is sent."""
    clock.moment = datetime(2026, 11, 21, 11, 0, tzinfo=UTC)
    suggestion = pricing_thread(ctx, thread=thread, cta_id="menu", intent="store_visit",
                                text=f"{shop} opens at 8.")
    ctx.db["suggestions"].update(suggestion, {"facts": json.dumps(
        [f"{shop} is at 12 {shop}", f"{shop} is open tomorrow (Sunday) 08:00-18:00"])})
    sent = conversation.on_choice(ctx, "send", suggestion, "slack", "U_TEAM")
    conversation.confirm_send(ctx, sent)
    return suggestion


def seed_marketing_fortnight(ctx, clock, **promotion) -> None:
    """Everything above, on 9 to 22 Nov 2026, plus £1,234.50 taken with AUTUMN10 on 22 Nov."""
    seed_two_weeks(ctx, clock)
    seed_promotion_test(ctx, clock, **promotion)
    seed_shop_question(ctx, clock)
    record(ctx.db, [Redemption(datetime(2026, 11, 22).date(), "AUTUMN10", "autumn10", 1,
                               1234.5)], source="till.csv", by="t",
           now=datetime(2026, 11, 22, 18, 0, tzinfo=UTC))
