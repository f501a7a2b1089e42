"""`nudge remind ...`: the same reminders as `/nudge remind` in chat, from a terminal.

    nudge remind '#team' "Stock take" at friday 16:00
    nudge remind --user slack:U0123ABCD me "Call the flour supplier" at tomorrow 9am
    nudge remind list [all]          nudge remind cancel 3

Like `nudge promo`, it acts as a local administrator: it lists and cancels everyone's
reminders. A running `nudge run` picks new ones up within half a minute. Bad input exits 2
(a misused command) or 1 (a request that cannot be done) with the reason on stderr.
"""

from __future__ import annotations

import shlex

import click

from bot.cli.common import get_config
from bot.cli.promotions import _actor, _default_platform, echo_handler_reply
from bot.core.types import Request
from handlers import reminders


def _request(config, words: list[str], user: str | None, text: str) -> Request:
    """Who the reminder is from: `--user platform:id` for "me", else the local login."""
    login = _actor().user
    if words and words[0].lower() in ("list", "cancel"):
        return Request(platform=reminders.CLI, text=text, user=login, channel="", role="team")
    if user:
        platform, colon, user_id = user.partition(":")
        if not colon or platform not in ("slack", "discord", "console") or not user_id:
            raise click.UsageError("--user takes <platform>:<user id>, such as "
                                   "slack:U0123ABCD or discord:123456789012345678.")
        return Request(platform=platform, text=text, user=user_id, channel="", role="team")
    if words and words[0].lower() == "me":
        return Request(platform=reminders.CLI, text=text, user=login, channel="", role="team")
    return Request(platform=_default_platform(config), text=text, user=f"cli:{login}",
                   channel="", role="team")


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--user", help="Who \"me\" is: <platform>:<user id>, such as slack:U0123ABCD.")
@click.argument("words", nargs=-1, type=click.UNPROCESSED, required=True)
@click.pass_context
def remind(click_ctx: click.Context, user: str | None, words: tuple[str, ...]) -> None:
    """Set, list or cancel reminders: nudge remind '#team' "Stock take" at friday 16:00"""
    config = get_config(click_ctx)
    if [word.lower() for word in words] == ["list"]:
        words = ("list", "all")  # the command line sees everyone's, as managers do
    args = shlex.join(words)
    request = _request(config, list(words), user, f"remind {args}")
    echo_handler_reply(config, lambda ctx: reminders.run(request, args, ctx))
