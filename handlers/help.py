"""`/nudge help [command]`: the command list, generated from the registry."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.types import Reply, Request
from handlers.router import Command


def run(request: Request, args: str, ctx: Context) -> Reply:
    router = ctx.router
    name = args.strip().lower()
    if not name:
        return Reply(router.help_text())
    command = router.commands.get(name.split()[0])
    if command is None:
        return Reply.error(f"There is no command `{name[:40]}`.\n\n{router.help_text()}")
    return Reply(f"*/nudge {command.name}*: {command.summary}\nUsage: `{command.usage}`")


COMMAND = Command(
    name="help",
    summary="List Nudge's commands, or explain one.",
    usage="/nudge help [command]",
    run=run,
)
