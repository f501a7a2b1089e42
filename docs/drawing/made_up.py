"""Made-up but plausible results for the pictures, written through Nudge's real handlers and
store as the tests seed theirs: customer threads and what the team did with each suggestion,
clicks, redemptions, promotions and their posts. Nothing here is shown as real figures.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

# Monday 23 Nov 2026, 10:02 in London: the moment every picture shows.
MOMENT = datetime(2026, 11, 23, 10, 2, tzinfo=UTC)


class FixedClock:
    """Nudge's clock stopped at MOMENT (moved only by the seeding of the report's data)."""

    def __init__(self, moment: datetime = MOMENT):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def weekly_promotion(db, text: str, next_run_at: str, sent_at: str = "") -> None:
    """An active weekly promotion to #promos, as `/nudge promo` stores one (with its post
    of `sent_at`, if any)."""
    promotion = db["promotions"].insert({
        "text": text, "targets": json.dumps([{"platform": "slack", "channel": "C0PROMOS"}]),
        "schedule": "every fri at 09:00", "status": "active", "next_run_at": next_run_at,
        "trigger": json.dumps({"type": "cron", "fields": {"day_of_week": "fri", "hour": "9",
                                                          "minute": "0", "second": "0"}}),
        "timezone": "Europe/London", "created_at": "2026-11-10T09:00:00+00:00",
    }).last_pk
    if sent_at:
        db["deliveries"].insert({
            "kind": "promotion", "ref_id": str(promotion), "scheduled_for": sent_at,
            "platform": "slack", "target": "C0PROMOS", "status": "sent", "attempts": 1,
            "finished_at": sent_at})


# One customer thread per entry, cycled day by day: (what they ask, intent, stage, the CTA
# the suggestion carried, what the team did).
THREADS = [
    ("how much is the autumn box?", "pricing", "promotion", "autumn-offer", "send"),
    ("can I order two loaves for friday?", "purchase_intent", "promotion", "order-online",
     "send"),
    ("are you open on sunday?", "store_visit", "information", "visit-mill-road", "edit"),
    ("is the rye bread vegan?", "product_question", "information", "menu", "send"),
    ("any discount on the pastry box?", "pricing", "promotion", "autumn-offer", "edit"),
    ("do you do birthday cakes?", "purchase_intent", "promotion", "order-online", "dismiss"),
    ("my order hasn't arrived", "order_support", "conversation", "help", "send"),
]
ANSWERED = [thread for thread in THREADS if thread[-1] != "dismiss"]
WORDINGS = ["Autumn box: 10% off this week with AUTUMN10",
            "Treat yourself: the autumn pastry box, 10% off with AUTUMN10"]


def customer_thread(ctx, thread: str, text: str, intent: str, stage: str, cta_id: str) -> int:
    """A customer message through the real conversation handler, and the suggestion the
    engine would store for it (with its tagged CTA link); returns the suggestion's id."""
    from bot.core.types import Request
    from bot.engine.links import tag_url
    from bot.store import iso
    from handlers import conversation

    request = Request(platform="slack", text=text, user=f"U{thread}", channel="C0CUSTOMERS",
                      thread=thread, message_id=f"{thread}-m", workspace="T0HOME")
    recorded = conversation.record_message(request, ctx)
    cta = ctx.config.cta(cta_id)
    url = tag_url(cta.url, platform="slack", campaign=cta.campaign)
    return ctx.db["suggestions"].insert({
        "message_id": recorded.message_id, "conversation_id": recorded.conversation_id,
        "rank": 0, "intent": intent, "stage": stage, "confidence": 0.9,
        "text": f"{cta.label}: {url}", "cta_id": cta_id, "cta_url": url, "cta_kind": cta.kind,
        "rationale": "made up for the pictures", "status": "pending",
        "created_at": iso(ctx.now())}).last_pk


def seed_results(ctx, clock: FixedClock, days: int = 14, promotion: bool = True,
                 threads: list[tuple[str, ...]] = THREADS) -> None:
    """`days` of made-up results up to the day before MOMENT, through the real handlers and
    store: customer threads with CTA suggestions sent, edited or dismissed, clicks,
    redemptions with takings, and (with `promotion`) a daily promotion with two wordings
    whose posts earn clicks."""
    from bot.store import iso
    from bot.store.links import LinkInfo, create_link, record_click
    from bot.store.redemptions import Redemption, record
    from handlers import conversation

    first = datetime(2026, 11, 23, 9, 0, tzinfo=UTC) - timedelta(days=days)
    if promotion:
        promotion_id = ctx.db["promotions"].insert({
            "text": WORDINGS[0], "variants": json.dumps(WORDINGS), "targets": "[]",
            "trigger": "{}", "timezone": "Europe/London", "status": "active", "runs": days,
            "offer_id": "autumn10"}).last_pk
    for day in range(days):
        for n in range(3 + day * 5 % 7):
            clock.moment = first + timedelta(days=day, minutes=37 * n)
            text, intent, stage, cta, action = threads[(day + n) % len(threads)]
            suggestion = customer_thread(ctx, f"{day}.{n}", text, intent, stage, cta)
            edited = "Yes! Mill Road is open 8-16 today." if action == "edit" else None
            sent = conversation.on_choice(ctx, action, suggestion, "slack", "U0TEAM",
                                          edited_text=edited)
            if action != "dismiss":
                conversation.confirm_send(ctx, sent)
                if n % 2 == 0:
                    token = create_link(ctx.db, LinkInfo("reply", str(suggestion), cta, "",
                                                         "slack", "C1"), "https://x.example",
                                        clock())
                    record_click(ctx.db, token, clock())
        if not promotion:
            continue
        variant = "ab"[day % 2]
        delivery = ctx.db["deliveries"].insert({
            "kind": "promotion", "ref_id": str(promotion_id), "scheduled_for": iso(clock()),
            "platform": "slack", "target": "C0PROMOS", "status": "sent", "attempts": 1,
            "finished_at": iso(clock()), "variant": variant}).last_pk
        for _ in range(2 if variant == "b" else day % 3 // 2):
            token = create_link(ctx.db, LinkInfo("promotion", str(promotion_id), "autumn-offer",
                                                 variant, "slack", "C0PROMOS", delivery),
                                "https://x.example", clock())
            record_click(ctx.db, token, clock())
        if day % 3 != 1:
            record(ctx.db, [Redemption(clock().date(), "AUTUMN10", "autumn10", 1 + day % 3,
                                       12.0 * (1 + day % 3))],
                   source="till", by="shop", now=clock())
