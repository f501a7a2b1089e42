"""Commands: one registry, the help text generated from it, friendly errors for bad input."""

from __future__ import annotations

from bot.core.types import Reply, Request
from handlers.registry import COMMANDS
from handlers.router import Command, Router, UsageError, strip_prefix


def team(text: str) -> Request:
    return Request(platform="console", text=text, user="team", channel="team", role="team")


def test_help_lists_every_registered_command_with_its_summary(ctx):
    reply = ctx.router.dispatch(team("/nudge help"), ctx)
    for command in COMMANDS:
        assert f"/nudge {command.name}" in reply.text
        assert command.summary in reply.text


def test_help_follows_the_registry_not_a_hand_written_list(ctx):
    extra = Command("wave", "Wave at the team.", "/nudge wave", lambda r, a, c: Reply("👋"))
    ctx.router = Router([*COMMANDS, extra])
    reply = ctx.router.dispatch(team("help"), ctx)
    assert "`/nudge wave" in reply.text and "Wave at the team." in reply.text
    assert ctx.router.dispatch(team("/nudge wave"), ctx).text == "👋"


def test_help_for_one_command_shows_its_usage(ctx):
    reply = ctx.router.dispatch(team("/nudge help help"), ctx)
    assert "Usage: `/nudge help [command]`" in reply.text


def test_an_unknown_command_gets_a_private_friendly_error(ctx):
    reply = ctx.router.dispatch(team("/nudge dance"), ctx)
    assert not reply.ok and reply.private
    assert "I don't know the command `dance`" in reply.text and "`help`" in reply.text


def test_customers_cannot_run_team_commands(ctx):
    request = Request(platform="slack", text="/nudge help", user="U9", channel="C1")
    assert not ctx.router.dispatch(request, ctx).ok


def test_a_usage_error_and_a_crash_both_become_calm_replies(ctx, caplog):
    def picky(request, args, ctx):
        raise UsageError("Give me a number.")

    def broken(request, args, ctx):
        raise RuntimeError("database on fire")

    ctx.router = Router([Command("picky", "p", "/nudge picky N", picky),
                         Command("broken", "b", "/nudge broken", broken)])
    picky_reply = ctx.router.dispatch(team("/nudge picky"), ctx)
    assert picky_reply.text == "Give me a number.\nUsage: `/nudge picky N`"
    broken_reply = ctx.router.dispatch(team("/nudge broken"), ctx)
    assert "failed on my side" in broken_reply.text
    assert "database on fire" not in broken_reply.text  # the details stay in the log
    assert "database on fire" in caplog.text


def test_prefixes_are_optional():
    assert strip_prefix("/nudge promo list") == "promo list"
    assert strip_prefix("!nudge help") == "help"
    assert strip_prefix("/NUDGE") == ""
    assert strip_prefix("help") == "help"
