"""`/nudge promo ...`: schedule promotions, look at them, pause, resume, cancel, edit, test.

Anyone on the team may list and show; adding and changing is limited to `team.managers` in
the config, and every change is written to the audit log. The same functions serve the
`nudge promo` command line (bot/cli/promotions.py), which acts as a local administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.config import Config
from bot.core.context import Context
from bot.core.types import Field, Reply, Request
from bot.promotions import images, store
from bot.promotions.grammar import parse_add
from bot.promotions.render import render_promotion
from bot.promotions.store import Actor, Promotion, PromotionError
from bot.promotions.variants import variant_name
from bot.scheduling.timeparse import ScheduleError, parse_schedule
from bot.scheduling.triggers import upcoming
from bot.store import deliveries as ledger
from handlers import promo_calendar, promo_changes, promo_review, promo_warnings
from handlers.formatting import local_time, short
from handlers.router import Command, UsageError, split_words

KIND = "promotion"
# More often than hourly, a promotion floods the channel it is meant to sell in.
MIN_INTERVAL = timedelta(hours=1)
MANAGING = ("add", "pause", "resume", "cancel", "edit", "send-now", "approve", "reject")
SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                              "\u00bb": '"'})
USAGE = ('/nudge promo add "<text>" in #channel[, #other] at <when> [every <recurrence>] '
         "[until <date>] [times N] [tz <Area/City>] [cta <id>] [offer <id>] | list [all] | "
         'show <id> | pause <id> | resume <id> | cancel <id> | edit <id> "<text>" | '
         "edit <id> at|every|until|times ... | send-now <id> | calendar [week|month]")


def _where(promotion: Promotion) -> str:
    return ", ".join(str(target) for target in promotion.targets)


def _next_runs(ctx: Context, promotion: Promotion, count: int = 3) -> list[datetime]:
    if promotion.status != "active" or promotion.next_run_at is None:
        return []
    left = count
    if promotion.max_runs:
        left = min(count, promotion.max_runs - promotion.runs)
    return upcoming(promotion.trigger(), promotion.next_run_at, left, promotion.ends_at)


def _sync(ctx: Context, promotion: Promotion) -> None:
    if ctx.scheduler is not None:
        ctx.scheduler.sync(KIND, promotion.id)


def _one_id(words: list[str], what: str) -> str:
    if len(words) != 1:
        raise UsageError(f"Say which promotion to {what}: `/nudge promo {what} 3`.")
    return words[0]


# --- commands -----------------------------------------------------------------------------


def add(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    args = parse_add(words, platform)
    now = ctx.now()
    schedule = parse_schedule(args.schedule_words, now, ctx.config.zone,
                              min_interval=MIN_INTERVAL)
    image = images.check(args.image_url, ctx.db) if args.image_url else None
    attached = images.upload(ctx.db, image)
    draft = promo_review.needs_approval(ctx, actor)
    promotion = store.add(ctx.db, ctx.config, text=args.text, targets=args.targets,
                          schedule=schedule, schedule_text=" ".join(args.schedule_words),
                          actor=actor, now=now, cta_id=args.cta_id, offer_id=args.offer_id,
                          other_wordings=args.other_wordings, image_url=image,
                          image_name=attached.filename if attached else None,
                          status="draft" if draft else "active")
    if draft:
        return promo_review.drafted(ctx, promotion, platform)
    _sync(ctx, promotion)
    runs = _next_runs(ctx, promotion)
    fields = [*_wording_fields(promotion),
              Field("Schedule", f"{promotion.summary} ({promotion.timezone})"),
              Field("Next posts", ", ".join(local_time(ctx, run) for run in runs))]
    if promotion.cta_id or promotion.offer_id:
        fields.append(Field("Catalog", f"CTA {promotion.cta_id or 'none'}, "
                                       f"offer {promotion.offer_id or 'none'}"))
    if promotion.image_url:
        fields.append(Field("Image", images.console_line(promotion.image_url,
                                                         promotion.image_name)))
    return Reply(
        f"Promotion #{promotion.id} scheduled: first post {local_time(ctx, promotion.next_run_at)} "
        f"({ctx.config.timezone}) in {_where(promotion)}. "
        f"`/nudge promo show {promotion.id}` shows exactly what will be posted.",
        fields=tuple(fields), meta={"promotion_id": promotion.id},
    )


def _wording_fields(promotion: Promotion) -> list[Field]:
    """"Text", or one field per wording of an A/B test (runs alternate between them)."""
    if not promotion.variants:
        return [Field("Text", short(promotion.text, 200))]
    fields = [Field(f"Wording {variant_name(n).upper()}", short(text, 200))
              for n, text in enumerate(promotion.variants)]
    fields.append(Field("A/B test", "runs alternate between the wordings (several channels "
                                    "split them); `/nudge tests` shows the results"))
    return fields


def list_(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    everything = bool(words) and words[0].lower() == "all"
    promotions = store.listed(ctx.db, store.STATUSES if everything
                              else ("active", "paused", "draft"))
    if not promotions:
        return Reply("No promotions are scheduled. Add one: "
                     '`/nudge promo add "10% off today" in #customers at tomorrow 9am`.')
    lines = [f"*Promotions* (times in {ctx.config.timezone})"]
    for promotion in promotions:
        state = promotion.status
        if state == "active":
            state = f"next {local_time(ctx, promotion.next_run_at)}"
        elif state == "draft":
            state = "draft, waiting for approval"
        summary = promotion.summary
        if promotion.timezone != ctx.config.timezone:
            summary += f" ({promotion.timezone})"
        lines.append(f"#{promotion.id} {state} · {summary} · {_where(promotion)} · "
                     f"\"{short(promotion.text)}\"")
    return Reply("\n".join(lines), meta={"ids": [p.id for p in promotions]})


def show(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    promotion = store.get(ctx.db, _one_id(words, "show"))
    zone = ctx.config.zone
    day = (promotion.next_run_at or ctx.now()).astimezone(zone).date()
    platforms = list(dict.fromkeys(target.platform for target in promotion.targets))
    previews = []
    for name in platforms:
        channels = ", ".join(f"#{t.channel}" for t in promotion.targets if t.platform == name)
        image = images.preview(name, promotion.image_url, promotion.image_name)
        for number in range(len(promotion.variants) or 1):
            variant = variant_name(number) if promotion.variants else ""
            text = render_promotion(ctx.config, promotion, name, day, variant=variant)
            wording = f", wording {variant.upper()}" if variant else ""
            previews.append(f"On {name} ({channels}{wording}):\n{text}" +
                            (f"\n{image}" if image else ""))
    deliveries = ledger.outcomes(ctx.db, KIND, promotion.id)
    runs = f"{promotion.runs}" + (f" of {promotion.max_runs}" if promotion.max_runs else "")
    fields = [
        Field("Status", promotion.status),
        Field("Schedule", f"{promotion.summary} ({promotion.timezone})"),
        Field("Next posts", ", ".join(local_time(ctx, r) for r in _next_runs(ctx, promotion))
              or "none"),
        Field("Runs so far", runs),
        Field("Deliveries", ", ".join(f"{status} {count}" for status, count
                                      in sorted(deliveries.items())) or "none yet"),
        Field("Added by", f"{promotion.created_by}, {local_time(ctx, promotion.created_at)}"),
    ]
    return Reply(f"*Promotion #{promotion.id}*, exactly as it will be posted:\n\n"
                 + "\n\n".join(previews), fields=tuple(fields),
                 meta={"promotion_id": promotion.id})


def pause(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    promotion = store.pause(ctx.db, _one_id(words, "pause"), actor, ctx.now())
    _sync(ctx, promotion)
    return Reply(f"Promotion #{promotion.id} is paused; nothing goes out until "
                 f"`/nudge promo resume {promotion.id}`.")


def resume(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    promotion = store.resume(ctx.db, _one_id(words, "resume"), actor, ctx.now())
    _sync(ctx, promotion)
    return Reply(f"Promotion #{promotion.id} is active again: next post "
                 f"{local_time(ctx, promotion.next_run_at)} ({ctx.config.timezone}).")


def cancel(words: list[str], ctx: Context, actor: Actor, platform: str) -> Reply:
    promotion = store.cancel(ctx.db, _one_id(words, "cancel"), actor, ctx.now())
    _sync(ctx, promotion)
    return Reply(f"Promotion #{promotion.id} is cancelled; it will not be posted again.")


ACTIONS: dict[str, Callable[[list[str], Context, Actor, str], Reply]] = {
    "add": add, "list": list_, "show": show, "pause": pause, "resume": resume,
    "cancel": cancel, "edit": promo_changes.edit, "send-now": promo_changes.send_now,
    "calendar": promo_calendar.calendar, "approve": promo_review.approve,
    "reject": promo_review.reject,
}


def perform(action: str, words: list[str], ctx: Context, actor: Actor,
            default_platform: str) -> Reply:
    """Run one promo action for `actor` (permission already checked); errors become replies."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise UsageError(f"`{action[:20]}` is not a promo command: use "
                         f"{', '.join(ACTIONS)}.")
    try:
        reply = handler(words, ctx, actor, default_platform)
    except (PromotionError, ScheduleError) as error:
        return Reply.error(str(error))
    if action in ("add", "edit"):
        reply = promo_warnings.with_warnings(ctx, reply)
    return reply


def unsmart(args: str) -> str:
    """Curly quotes typed on a phone delimit the text like straight ones; once the text is
    already delimited by straight quotes (the promotion modal writes it so), curly quotes
    inside it are the person's own words and are kept exactly as typed."""
    return args if '"' in args else args.translate(SMART_QUOTES)


def may_add(config: Config, platform: str, user: str, roles: tuple[str, ...] = ()) -> bool:
    """Whether this person's `promo add` goes ahead: a manager's does, and anyone's does as a
    draft when promotions need approval. An attached image is fetched only then."""
    return config.team.may_manage(platform, user, roles) or config.promotions.require_approval


def run(request: Request, args: str, ctx: Context) -> Reply:
    words = split_words(unsmart(args))
    action = words[0].lower() if words else "list"
    manager = ctx.config.team.may_manage(request.platform, request.user, request.roles)
    drafting = action == "add" and ctx.config.promotions.require_approval
    if action in MANAGING and not manager and not drafting:
        return Reply.error("Only the promotion managers (`team.managers` in Nudge's config) can "
                           "add, change or cancel promotions; `/nudge promo list` and "
                           "`/nudge promo show <id>` are open to the whole team.")
    return perform(action, words[1:], ctx, Actor(request.platform, request.user, manager),
                   request.platform)


COMMAND = Command(
    name="promo",
    summary="Schedule promotions in your channels; list, show, pause, resume, cancel, test.",
    usage=USAGE,
    run=run,
)
