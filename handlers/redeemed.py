"""`/nudge redeemed <code> [count]`: record offer codes used at the till today."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import Context
from bot.core.types import Reply, Request
from bot.results.redemptions import Redemption, RedemptionError, offer_for_code, parse_count
from bot.store.redemptions import by_offer, record
from handlers.router import Command, UsageError


def run(request: Request, args: str, ctx: Context) -> Reply:
    words = args.split()
    if not words or len(words) > 2:
        raise UsageError("Say which code and how many times: `/nudge redeemed AUTUMN10 3`.")
    try:
        offer = offer_for_code(ctx.config, words[0])
        count = parse_count(words[1]) if len(words) == 2 else 1
    except RedemptionError as error:
        return Reply.error(str(error))
    today = ctx.local_now().date()
    record(ctx.db, [Redemption(today, offer.code, offer.id, count)],
           source="chat", by=f"{request.platform}:{request.user}", now=ctx.now())
    week = next((item.count for item in by_offer(ctx.db, today - timedelta(days=6), today)
                 if item.offer_id == offer.id), count)
    times = "1 redemption" if count == 1 else f"{count} redemptions"
    return Reply(f"Recorded {times} of {offer.code} ({offer.title}) today; {week} in the last "
                 "7 days. `/nudge stats` shows them per offer and promotion.")


COMMAND = Command(
    name="redeemed",
    summary="Record an offer code used at the till today, so stats show what sold.",
    usage="/nudge redeemed <code> [count]",
    run=run,
)
