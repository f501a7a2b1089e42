"""`nudge promo ...`: the promotions of the local database, from a terminal.

The same actions and messages as `/nudge promo` in chat, acting as a local administrator (who
can open the database file can change it anyway); changes are audited as platform "cli". A
running `nudge run` picks them up within half a minute. Bad input (a misused command, or a
request that cannot be done: a date in the past, an unknown promotion) exits 2 with the reason
on stderr, as every `nudge` command does.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import timedelta

import click

from bot.cli.common import get_config
from bot.config import database_target
from bot.core.context import Context
from bot.core.types import Reply
from bot.platforms.console import render
from bot.promotions.store import Actor
from bot.store import close, open_db
from handlers.promotions import perform
from handlers.router import UsageError

ICS_DAYS = 90  # how far ahead `--ics` looks by default


def _actor() -> Actor:
    try:
        return Actor("cli", getpass.getuser())
    except Exception:  # no login name (some containers)
        return Actor("cli", "local")


def _started_platforms(config) -> list[str]:
    """The platforms `nudge run` would start with this config and environment."""
    from bot.app import plan_platforms
    from bot.config import Secrets

    return [plan.name for plan in plan_platforms(config, Secrets.from_env()) if plan.start]


def _default_platform(config) -> str:
    """Where channels without a prefix live: the platform `nudge run` would start."""
    return next((name for name in _started_platforms(config) if name != "console"), "console")


def _run(click_ctx: click.Context, action: str, words: list[str],
         platform: str | None = None) -> None:
    config = get_config(click_ctx)
    echo_handler_reply(config, lambda ctx: perform(
        action, words, ctx, _actor(), platform or _default_platform(config)),
        connected_platforms=_started_platforms(config))


class Refused(click.ClickException):
    """A request the handler refused: "Error: <why>" on stderr and exit code 2."""

    exit_code = 2


def echo_handler_reply(config, handle: Callable[[Context], Reply],
                       connected_platforms: list[str] | None = None) -> None:
    """Run a chat handler against the local database and print its reply as the console
    would: a misused command or a refused request exits 2."""
    db = open_db(database_target(config))
    try:
        reply = handle(Context(config=config, db=db, connected_platforms=connected_platforms))
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    finally:
        close(db)
    if not reply.ok:
        raise Refused(reply.text)
    click.echo(render(reply))


@click.group()
def promo() -> None:
    """Scheduled promotions in the local database (add, list, show, pause, resume, cancel)."""


@promo.command(context_settings={"ignore_unknown_options": True})
@click.argument("text")
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
@click.option("--platform", type=click.Choice(["console", "slack", "discord"]),
              help="Platform of channels written without a prefix (default: the one "
                   "`nudge run` would start).")
@click.option("--variant", "variants", multiple=True, metavar="TEXT",
              help="Another wording to test against TEXT (A/B); give it again for a third.")
@click.pass_context
def add(ctx: click.Context, text: str, words: tuple[str, ...], platform: str | None,
        variants: tuple[str, ...]) -> None:
    """Schedule TEXT: nudge promo add "10% off today" in customers at tomorrow 9am

    Then optionally: every <recurrence>, until <date>, times N, tz <Area/City>, cta <id>,
    offer <id>. Quote channel names that start with # (the shell reads # as a comment), or
    leave the # out. An A/B test: --variant "Other words" (or "A" "|" "B" as in chat).
    """
    others = [word for variant in variants for word in ("|", variant)]
    _run(ctx, "add", [text, *others, *words], platform)


@promo.command(name="list")
@click.option("--all", "everything", is_flag=True, help="Include finished and cancelled ones.")
@click.pass_context
def list_(ctx: click.Context, everything: bool) -> None:
    """Upcoming promotions, next run first, in the team's time zone."""
    _run(ctx, "list", ["all"] if everything else [])


def _single(action: str, help_text: str):
    @click.argument("promotion_id")
    @click.pass_context
    def command(ctx: click.Context, promotion_id: str) -> None:
        _run(ctx, action, [promotion_id])

    command.__doc__ = help_text
    return promo.command(name=action)(command)


_single("show", "Show exactly what a promotion will post, and its schedule.")
_single("pause", "Pause a promotion until it is resumed.")
_single("resume", "Resume a paused promotion from its next run.")
_single("cancel", "Cancel a promotion for good.")


@promo.command(context_settings={"ignore_unknown_options": True})
@click.argument("promotion_id")
@click.argument("words", nargs=-1, type=click.UNPROCESSED, required=True)
@click.pass_context
def edit(ctx: click.Context, promotion_id: str, words: tuple[str, ...]) -> None:
    """Change a promotion's text ("New words") and/or when it runs (at/every/until/times ...).

    nudge promo edit 3 "Last batch!"     nudge promo edit 3 at tomorrow 9am every day at 9:00
    """
    _run(ctx, "edit", [promotion_id, *words])


_single("send-now", "Post a promotion once now, as a test (queued for the running Nudge).")


@promo.command(name="calendar")
@click.argument("span", required=False, default="week",
                type=click.Choice(["week", "fortnight", "month"]))
@click.option("--ics", is_flag=True, help="Write an iCalendar file to standard output instead "
                                          "(one event per post), for Google Calendar or Outlook.")
@click.option("--days", type=click.IntRange(1, 366), default=None,
              help="How many days ahead (default: the span; 90 with --ics).")
@click.pass_context
def calendar_(ctx: click.Context, span: str, ics: bool, days: int | None) -> None:
    """The coming posts day by day: nudge promo calendar month; --ics > promotions.ics"""
    if not ics:
        if days is not None:
            raise click.UsageError("--days goes with --ics; the text calendar takes week, "
                                   "fortnight or month.")
        _run(ctx, "calendar", [span])
        return
    from bot.promotions.agenda import coming_posts, to_ics
    from bot.store import utc_now

    config = get_config(ctx)
    db = open_db(database_target(config))
    try:
        now = utc_now()
        posts = coming_posts(db, now, now + timedelta(days=days or ICS_DAYS))
    finally:
        close(db)
    click.echo(to_ics(posts, name=f"{config.brand.name} promotions", now=now), nl=False)
