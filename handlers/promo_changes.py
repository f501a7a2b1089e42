"""`promo edit` and `promo send-now`: change a promotion's text or when it runs, or test it.

    promo edit 3 "New words"                        the text (the schedule stays)
    promo edit 3 at tomorrow 9am every day at 9:00  a new schedule (the text stays)
    promo edit 3 until dec 24 | times 4             only when the current schedule stops
    promo edit 3 "New words" at friday 16:00        both

Each change is audited, the scheduler's job follows at once, and the confirmation shows the
next posts. A send-now asked from the command line is queued for the running Nudge.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.types import Field, Reply
from bot.promotions import changes, store
from bot.promotions.jobs import claim_test_send
from bot.promotions.store import Actor, Promotion, PromotionError
from bot.scheduling.timeparse import parse_limits, parse_schedule
from bot.store import transaction
from handlers.formatting import local_time, short
from handlers.router import UsageError

SCHEDULE_WORDS = frozenset({"at", "every", "on", "cron", "until", "times", "tz", "in"})
NEW_SCHEDULE_WORDS = frozenset({"at", "every", "on", "cron", "in"})
EDIT_USAGE = ('Say which promotion and what changes: `/nudge promo edit 3 "New words"`, '
              "`/nudge promo edit 3 at tomorrow 9am every day at 9:00` or "
              "`/nudge promo edit 3 times 4`.")


def _promo():
    """handlers.promotions, which imports this module for its actions (imported late)."""
    from handlers import promotions

    return promotions


def _split_edit(words: list[str]) -> tuple[str | None, list[str]]:
    """(new text or None, schedule words) from what follows the promotion's number."""
    if not words:
        raise UsageError(EDIT_USAGE)
    if words[0].lower() in SCHEDULE_WORDS:
        return None, words
    if len(words) > 1 and words[1].lower() in SCHEDULE_WORDS:
        return words[0], words[1:]
    return " ".join(words), []


def _new_schedule(ctx: Context, promotion: Promotion, words: list[str], actor: Actor
                  ) -> Promotion:
    now = ctx.now()
    if {word.lower() for word in words} & NEW_SCHEDULE_WORDS:
        schedule = parse_schedule(words, now, promotion.timezone,
                                  min_interval=_promo().MIN_INTERVAL)
        return changes.reschedule(ctx.db, promotion.id, schedule, " ".join(words), actor, now)
    ends_at, times = parse_limits(words, now, promotion.timezone,
                                  recurring=promotion.recurring)
    return changes.change_limits(ctx.db, promotion.id, ends_at, times, " ".join(words), actor,
                                 now)


def schedule_fields(ctx: Context, promotion: Promotion) -> list[Field]:
    runs = _promo()._next_runs(ctx, promotion)
    return [Field("Schedule", f"{promotion.summary} ({promotion.timezone})"),
            Field("Next posts", ", ".join(local_time(ctx, run) for run in runs) or "none")]


def edit(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    if len(words) < 2:
        raise UsageError(EDIT_USAGE)
    promotion = store.get(ctx.db, words[0])
    text, schedule_words = _split_edit(words[1:])
    said = []
    if text is not None:
        promotion = store.edit(ctx.db, promotion.id, text, actor, ctx.now())
        said.append(f'now reads: "{short(promotion.text, 200)}"')
    if schedule_words:
        promotion = _new_schedule(ctx, promotion, schedule_words, actor)
        _promo()._sync(ctx, promotion)
        said.append(f"now runs {promotion.summary}, next post "
                    f"{local_time(ctx, promotion.next_run_at)} ({promotion.timezone})")
    fields = schedule_fields(ctx, promotion) if schedule_words else []
    return Reply(f"Promotion #{promotion.id} {' and '.join(said)}. "
                 f"`/nudge promo show {promotion.id}` shows the whole post.",
                 fields=tuple(fields), meta={"promotion_id": promotion.id})


def send_now(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    promotion = store.get(ctx.db, _promo()._one_id(words, "send-now"))
    if promotion.status == "cancelled":
        raise PromotionError(f"Promotion #{promotion.id} is cancelled; add it again to send it.")
    at = ctx.now().replace(microsecond=0)
    scheduler = ctx.scheduler
    if scheduler is not None and scheduler.running:
        scheduler.run_once(scheduler.sources[_promo().KIND].send_now, promotion.id, at, scheduler)
        store.record_test_send(ctx.db, promotion, actor, at)
        return Reply(f"Sending promotion #{promotion.id} now to {_promo()._where(promotion)}, as a "
                     "test: its schedule does not change and it is not counted as a promotion "
                     "sent. If a channel refuses it, the team is told here.")
    if actor.platform != "cli":
        raise PromotionError("Test sends go out through the running Nudge: start it with "
                             "`nudge run`, then try again.")
    _, claims = _queue(ctx, promotion.id, at)
    if not claims:
        raise PromotionError(f"A test send of promotion #{promotion.id} is already queued.")
    store.record_test_send(ctx.db, promotion, actor, at)
    return Reply(f"Test send of promotion #{promotion.id} to {_promo()._where(promotion)} queued: "
                 "the running Nudge (`nudge run`) posts it within half a minute, or when it "
                 "next starts (within the grace period). It is not counted as a promotion sent.")


def _queue(ctx: Context, promotion_id: int, at):
    with transaction(ctx.db):
        return claim_test_send(ctx.db, promotion_id, at, status="queued")
