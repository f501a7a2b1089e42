"""Approval of promotions (`promotions.require_approval: true` in the config).

A promotion added by someone who is not in `team.managers` is stored as a draft and nothing is
scheduled; the managers are shown it in the review channel with Approve / Reject buttons
(Slack and Discord), which run `promo approve <id>` / `promo reject <id>` as the person who
pressed. Only an approved promotion is scheduled. Every step is audited.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.types import Choice, Field, Reply
from bot.promotions import changes, store
from bot.promotions.store import Actor, Promotion
from handlers.formatting import local_time, short
from handlers.router import UsageError


def needs_approval(ctx: Context, actor: Actor) -> bool:
    return ctx.config.promotions.require_approval and not actor.manager


def review_reply(ctx: Context, promotion: Promotion) -> Reply:
    """What the managers see in the review channel: the draft and its two buttons."""
    value = str(promotion.id)
    return Reply(
        f"Promotion #{promotion.id} waits for a manager's approval: "
        f"\"{short(promotion.text, 300)}\"",
        choices=(Choice("approve", "Approve", value, "primary"),
                 Choice("reject", "Reject", value, "danger")),
        fields=(Field("Where", ", ".join(str(t) for t in promotion.targets)),
                Field("Schedule", f"{promotion.summary} ({promotion.timezone})"),
                Field("First post", local_time(ctx, promotion.next_run_at)),
                Field("Asked by", promotion.created_by)),
        private=False, meta={"promotion_id": promotion.id, "approval": True},
    )


def drafted(ctx: Context, promotion: Promotion, platform: str) -> Reply:
    """Tell the managers (in the review channel) and answer the person who asked."""
    scheduler = ctx.scheduler
    told = scheduler is not None and scheduler.running
    if told:
        scheduler.tell_team(review_reply(ctx, promotion), platform)
    where = "the managers were asked in the review channel" if told else \
        "a manager can approve it with `/nudge promo approve " + str(promotion.id) + "`"
    return Reply(f"Promotion #{promotion.id} is a draft: nothing is scheduled until a manager "
                 f"approves it ({where}). `/nudge promo show {promotion.id}` shows it.",
                 meta={"promotion_id": promotion.id, "status": "draft"})


def _one(words: list[str], what: str) -> str:
    if not words:
        raise UsageError(f"Say which promotion to {what}: `/nudge promo {what} 3`.")
    return words[0]


def approve(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    promotion = changes.approve(ctx.db, _one(words, "approve"), actor, ctx.now())
    if ctx.scheduler is not None:
        ctx.scheduler.sync("promotion", promotion.id)
    return Reply(f"Promotion #{promotion.id} is approved and scheduled: first post "
                 f"{local_time(ctx, promotion.next_run_at)} ({promotion.timezone}) in "
                 f"{', '.join(str(t) for t in promotion.targets)}.",
                 meta={"promotion_id": promotion.id, "status": "active"})


def reject(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    promotion = changes.reject(ctx.db, _one(words, "reject"), actor, ctx.now(),
                               " ".join(words[1:]))
    return Reply(f"Promotion #{promotion.id} is rejected; it will not be posted.",
                 meta={"promotion_id": promotion.id, "status": "rejected"})


def pending(ctx: Context) -> list[Promotion]:
    return store.listed(ctx.db, ("draft",))
