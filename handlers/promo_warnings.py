"""Warnings before mistakes, shown with the confirmation of `promo add` and `promo edit`.

Nothing here refuses a promotion: each check names a likely mistake and how to fix it.
  - the same text already going to the same channel within a day of one of its posts;
  - an offer that ends before the promotion's last post (the fix: `until` the offer's end);
  - a CTA whose kind does not sell the offer (a review link under "3 for 2");
  - a channel on a platform this Nudge is not connected to;
  - a platform with no review channel, where a failed post could not be reported.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.context import Context
from bot.core.types import Field, Reply
from bot.promotions import store
from bot.promotions.store import Promotion
from bot.scheduling.moments import day_suggestion
from bot.scheduling.triggers import upcoming
from handlers.formatting import local_time

WITHIN = timedelta(days=1)
# How far ahead runs are compared: enough for a daily post's year, bounded for speed.
HORIZON_RUNS = 400
# CTA kinds that lead a customer to use an offer; "review", "refer" and "learn" do not.
SELLS_AN_OFFER = frozenset({"buy", "offer", "visit", "contact"})


def _runs(promotion: Promotion, count: int = HORIZON_RUNS) -> list[datetime]:
    if promotion.status not in ("active", "paused") or promotion.next_run_at is None:
        return []
    if promotion.max_runs:
        count = min(count, max(promotion.max_runs - promotion.runs, 0))
    return upcoming(promotion.trigger(), promotion.next_run_at, count, promotion.ends_at)


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def duplicates(ctx: Context, promotion: Promotion) -> list[str]:
    mine = _runs(promotion, 50)
    found = []
    for other in store.listed(ctx.db):
        shared = set(other.targets) & set(promotion.targets)
        if other.id == promotion.id or not shared or not _same_words(other.text,
                                                                         promotion.text):
            continue
        close = next(((a, b) for a in mine for b in _runs(other, 50) if abs(a - b) < WITHIN),
                     None)
        if close:
            where = ", ".join(str(t) for t in sorted(shared, key=str))
            found.append(f"The same text is already scheduled in {where} by promotion "
                         f"#{other.id} ({local_time(ctx, close[1])}), within a day of this "
                         f"one's post {local_time(ctx, close[0])}: `/nudge promo cancel "
                         f"{promotion.id}` if it is a repeat.")
    return found


def offer_ends_first(ctx: Context, promotion: Promotion) -> list[str]:
    offer = next((o for o in ctx.config.offers if o.id == promotion.offer_id), None)
    if offer is None or offer.end is None:
        return []
    zone = ctx.config.zone
    late = [run for run in _runs(promotion) if run.astimezone(zone).date() > offer.end]
    if not late:
        return []
    runs_after = f"{len(late)}{'+' if len(late) == HORIZON_RUNS else ''}"
    return [f"Offer {offer.id} ends on {offer.end:%a %d %b %Y}, but this promotion posts "
            f"{runs_after} more time(s) after that (from {local_time(ctx, late[0])}), "
            f"without the offer. Stop it with the offer: `/nudge promo edit {promotion.id} "
            f"until {day_suggestion(offer.end, ctx.now(), zone)}`."]


def cta_misfit(ctx: Context, promotion: Promotion) -> list[str]:
    if not promotion.offer_id or not promotion.cta_id:
        return []
    cta = ctx.config.cta(promotion.cta_id)
    if cta is None or cta.kind in SELLS_AN_OFFER:
        return []
    fitting = [c.id for c in ctx.config.ctas if c.kind in SELLS_AN_OFFER]
    hint = f" such as `cta {fitting[0]}`" if fitting else ""
    return [f"The CTA \"{cta.label}\" ({cta.kind}) does not lead to offer "
            f"{promotion.offer_id}: pick one that sells it{hint}."]


def unconnected(ctx: Context, promotion: Promotion) -> list[str]:
    connected = ctx.connected_platforms
    if connected is None and ctx.scheduler is not None:
        connected = list(ctx.scheduler.platforms())
    if connected is None:
        return []
    missing = sorted({t.platform for t in promotion.targets} - set(connected))
    return [f"{name.title()} is not connected to this Nudge, so posts to "
            f"{', '.join(str(t) for t in promotion.targets if t.platform == name)} will fail "
            f"until it is (`nudge check` says what is missing)." for name in missing]


def no_review_channel(ctx: Context, promotion: Promotion) -> list[str]:
    platforms = sorted({t.platform for t in promotion.targets})
    return [f"No review channel is set for {name} (`platforms.{name}.review_channel`): if a "
            "post fails there, Nudge has nowhere to tell the team."
            for name in platforms if not ctx.config.review_channel(name)]


CHECKS = (duplicates, offer_ends_first, cta_misfit, unconnected, no_review_channel)


def warnings_for(ctx: Context, promotion: Promotion) -> list[str]:
    """Every warning for a promotion as it is now stored, most serious first."""
    return [line for check in CHECKS for line in check(ctx, promotion)]


def with_warnings(ctx: Context, reply: Reply) -> Reply:
    """The confirmation with a "Check" field listing the warnings (meta["warnings"] too)."""
    promotion_id = reply.meta.get("promotion_id")
    if not reply.ok or promotion_id is None:
        return reply
    found = warnings_for(ctx, store.get(ctx.db, promotion_id))
    if not found:
        return reply
    field = Field("Check", "\n".join(f"⚠️ {line}" for line in found))
    return replace(reply, fields=(*reply.fields, field),
                   meta={**reply.meta, "warnings": found})
