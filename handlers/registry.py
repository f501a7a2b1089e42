"""Every command Nudge knows, registered in one place: add one line per new handler file."""

from __future__ import annotations

from handlers import (
    cta,
    digest,
    experiments,
    gaps,
    help,
    promotions,
    redeemed,
    reminders,
    stats,
    suggest,
)
from handlers.router import Command, Router

COMMANDS: list[Command] = [
    help.COMMAND,
    stats.COMMAND,
    digest.COMMAND,
    promotions.COMMAND,
    suggest.COMMAND,
    cta.COMMAND,
    reminders.COMMAND,
    redeemed.COMMAND,
    experiments.COMMAND,
    gaps.COMMAND,
]


def build_router() -> Router:
    return Router(COMMANDS)
