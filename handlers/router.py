"""The command router: one registry of commands, shared by every platform.

A command is a plain callable `run(request, args, ctx) -> Reply`. Slack's `/nudge`, Discord's
app commands and `!nudge`, and the console's `/nudge` all come through `Router.dispatch`, so
they can never drift apart.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.core.context import Context
from bot.core.types import Reply, Request

log = logging.getLogger(__name__)

PREFIXES = ("/nudge", "!nudge", "nudge")


class UsageError(Exception):
    """Raised by a handler for bad arguments; the text is shown to the caller as is."""


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # one line, shown by `/nudge help`
    usage: str  # how to call it, shown on a usage error
    run: Callable[[Request, str, Context], Reply]
    team_only: bool = True  # customers never run commands unless a command says so


def split_words(text: str) -> list[str]:
    """Split arguments like a shell would, tolerating an unmatched quote."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def strip_prefix(text: str) -> str:
    """"/nudge promo list" and "promo list" both mean the command "promo list"."""
    stripped = text.strip()
    lowered = stripped.lower()
    for prefix in PREFIXES:
        if lowered == prefix:
            return ""
        if lowered.startswith(prefix + " "):
            return stripped[len(prefix) + 1 :].strip()
    return stripped


class Router:
    def __init__(self, commands: Iterable[Command]):
        self.commands: dict[str, Command] = {}
        for command in commands:
            if command.name in self.commands:
                raise ValueError(f"command {command.name!r} registered twice")
            self.commands[command.name] = command

    def help_text(self) -> str:
        """Every command with its one-line help, in registration order."""
        lines = ["*Nudge commands*"]
        lines += [
            f"`/nudge {name}`  {command.summary}" for name, command in self.commands.items()
        ]
        lines.append("Type `/nudge help <command>` for how to use one.")
        return "\n".join(lines)

    def dispatch(self, request: Request, ctx: Context) -> Reply:
        """Run the command in `request.text`; bad input becomes a friendly private reply."""
        text = strip_prefix(request.text)
        name, _, args = text.partition(" ")
        name = name.lower() or "help"
        command = self.commands.get(name)
        if command is None:
            return Reply.error(
                f"I don't know the command `{name[:40]}`. "
                f"Try one of: {', '.join(f'`{n}`' for n in self.commands)}."
            )
        if command.team_only and not request.is_team:
            return Reply.error("Only the team can use Nudge's commands.")
        try:
            return command.run(request, args.strip(), ctx)
        except UsageError as error:
            return Reply.error(f"{error}\nUsage: `{command.usage}`")
        except Exception:
            # The person gets a calm message; the details go to the operator's log only.
            log.exception("command %s failed", name)
            return Reply.error(
                f"Sorry, `/nudge {name}` failed on my side. Nothing was changed; "
                "the details are in Nudge's log."
            )
