"""`/nudge remind ...`: reminders anyone on the team can set, to themselves or to a channel.

    /nudge remind me "Call the flour supplier" at tomorrow 9am
    /nudge remind #team "Stock take" at friday 16:00 every friday at 16:00 until dec 18
    /nudge remind list [all]        yours (managers: `all` shows everyone's)
    /nudge remind cancel 3          your own; managers may cancel anyone's

Times are read exactly as for promotions (bot.scheduling.timeparse), in the team's time zone
unless `tz <Area/City>` says otherwise; a reminder is scheduled and delivered by the same
scheduler and ledger, so each run is sent once. "me" is a direct message on the platform the
reminder was set on.
"""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import Context
from bot.core.types import Field, Reply, Request
from bot.promotions.store import CHANNELS_ONLY, PromotionError, Target, parse_target, refuse_people
from bot.reminders import store
from bot.reminders.store import Reminder, ReminderError
from bot.scheduling.timeparse import ScheduleError, parse_schedule
from bot.scheduling.triggers import upcoming
from handlers.formatting import local_time, short
from handlers.router import Command, UsageError, split_words

KIND = "reminder"
CLI = "cli"
# A reminder more often than this is noise, not a reminder.
MIN_INTERVAL = timedelta(minutes=15)
SCHEDULE_STARTS = ("at", "in", "every", "on", "cron")
SMART_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
                              "\u00bb": '"'})
EXAMPLE = '`/nudge remind me "Call the flour supplier" at tomorrow 9am`'
USAGE = ('/nudge remind me|#channel "<text>" at <when> [every <recurrence>] [until <date>] '
         "[times N] [tz <Area/City>] | list [all] | cancel <id>")


def _sync(ctx: Context, reminder: Reminder) -> None:
    if ctx.scheduler is not None:
        ctx.scheduler.sync(KIND, reminder.id)


def parse_remind(words: list[str], platform: str) -> tuple[Target | None, str, list[str]]:
    """`me|#channel "<text>" <schedule...>` as (target, None for me; text; schedule words)."""
    if words and words[0].lower() == store.ME and platform == CLI:
        raise ReminderError("From the command line Nudge does not know who \"me\" is: add "
                            "`--user slack:U0123ABCD` (or discord:<id>), or name a channel.")
    if len(words) < 2:
        raise ReminderError(f"Say who, what and when: {EXAMPLE}, or "
                            '`/nudge remind #team "Stock take" at friday 16:00`.')
    who, text, schedule_words = words[0], words[1], words[2:]
    target = None if who.lower() == store.ME else parse_target(who, platform)
    if not schedule_words:
        raise ReminderError(f"Say when, after the text: {EXAMPLE}.")
    if schedule_words[0].lower() not in SCHEDULE_STARTS:
        raise ReminderError(f"Put the reminder's text in quotes, then say when with `at`, `in` "
                            f"or `every`: {EXAMPLE}.")
    return target, text, schedule_words


def _check_team_channel(ctx: Context, target: Target) -> None:
    """A reminder is for the team: never a customer, nor a channel where customers talk."""
    refuse_people(ctx.db, [target])
    if target.channel in ctx.config.customer_channels(target.platform):
        raise ReminderError(f"{target} is where customers talk: {CHANNELS_ONLY}, and reminders "
                            "go to `me` or a team channel such as `#team`.")


def add(request: Request, words: list[str], ctx: Context) -> Reply:
    target, text, schedule_words = parse_remind(words, request.platform)
    if target is not None:
        _check_team_channel(ctx, target)
    now = ctx.now()
    schedule = parse_schedule(schedule_words, now, ctx.config.zone, min_interval=MIN_INTERVAL)
    reminder = store.add(ctx.db, platform=request.platform, user=request.user, target=target,
                         text=text, schedule=schedule, schedule_text=" ".join(schedule_words),
                         now=now)
    _sync(ctx, reminder)
    fields = [Field("Text", short(reminder.text, 200)),
              Field("To", reminder.where((request.platform, request.user)))]
    if reminder.recurring:
        runs = upcoming(reminder.trigger(), reminder.next_run_at,
                        min(3, reminder.max_runs or 3), reminder.ends_at)
        fields += [Field("Repeats", f"{reminder.summary} ({reminder.timezone})"),
                   Field("Next", ", ".join(local_time(ctx, run) for run in runs))]
    return Reply(f"Reminder #{reminder.id} set for {local_time(ctx, reminder.next_run_at)} "
                 f"({reminder.timezone}). `/nudge remind cancel {reminder.id}` cancels it.",
                 fields=tuple(fields), meta={"reminder_id": reminder.id})


def may_manage(request: Request, ctx: Context) -> bool:
    """Managers may see and cancel everyone's reminders; so may the `nudge remind` command
    line (platform "cli"), which acts as a local administrator like `nudge promo`."""
    return request.platform == CLI or ctx.config.team.may_manage(request.platform, request.user,
                                                                 request.roles)


def list_(request: Request, words: list[str], ctx: Context) -> Reply:
    everyone = bool(words) and words[0].lower() == "all"
    if everyone and not may_manage(request, ctx):
        return Reply.error("Only the managers (`team.managers` in Nudge's config) can see "
                           "everyone's reminders; `/nudge remind list` shows yours.")
    reader = (request.platform, request.user)
    reminders = store.listed(ctx.db, None if everyone else reader)
    if not reminders:
        return Reply(f"No reminders {'are' if everyone else 'of yours are'} scheduled. "
                     f"Set one: {EXAMPLE}.", meta={"ids": []})
    lines = [f"*{'Reminders' if everyone else 'Your reminders'}* (times in "
             f"{ctx.config.timezone})"]
    for reminder in reminders:
        owner = f" · by {reminder.platform}:{reminder.user_id}" if everyone else ""
        repeats = f" · {reminder.summary}" if reminder.recurring else ""
        lines.append(f"#{reminder.id} next {local_time(ctx, reminder.next_run_at)}{repeats} · to "
                     f"{reminder.where(reader)}{owner} · \"{short(reminder.text)}\"")
    return Reply("\n".join(lines), meta={"ids": [r.id for r in reminders]})


def cancel(request: Request, words: list[str], ctx: Context) -> Reply:
    if len(words) != 1:
        raise UsageError("Say which reminder to cancel: `/nudge remind cancel 3`.")
    reminder = store.cancel(ctx.db, words[0], platform=request.platform, user=request.user,
                            may_manage=may_manage(request, ctx), now=ctx.now())
    _sync(ctx, reminder)
    return Reply(f"Reminder #{reminder.id} is cancelled; it will not be sent again.",
                 meta={"reminder_id": reminder.id})


def run(request: Request, args: str, ctx: Context) -> Reply:
    words = split_words(args.translate(SMART_QUOTES))
    action = words[0].lower() if words else ""
    if not action:
        raise UsageError(f"Set a reminder, list yours or cancel one: {EXAMPLE}.")
    try:
        if action == "list":
            return list_(request, words[1:], ctx)
        if action == "cancel":
            return cancel(request, words[1:], ctx)
        return add(request, words, ctx)
    except (ReminderError, PromotionError, ScheduleError) as error:
        return Reply.error(str(error))


COMMAND = Command(
    name="remind",
    summary="Set a reminder for yourself or a channel; list yours, cancel one.",
    usage=USAGE,
    run=run,
)
