"""What a handler may use: the configuration, the database, the engine and the scheduler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.types import Reply, Request

if TYPE_CHECKING:
    import sqlite_utils

    from bot.config import Config


class Router(Protocol):
    """The team's commands, as the application wires them (handlers.router.Router)."""

    commands: dict[str, Any]

    def help_text(self) -> str: ...

    def dispatch(self, request: Request, ctx: Context) -> Reply: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    """Shared services, handed to every handler call; tests build one with real parts."""

    config: Config
    db: sqlite_utils.Database
    engine: Any = None  # bot.engine.Engine
    scheduler: Any = None  # bot.scheduling service, once started
    router: Router | None = None
    refitter: Any = None  # bot.engine.refit.Refitter: learns from the team's corrections
    clock: Callable[[], datetime] = field(default=_utc_now)
    extras: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    def local_now(self) -> datetime:
        return self.clock().astimezone(self.config.zone)
