"""What a handler may use: the configuration, the database, the engine and the scheduler.

The engine, scheduler and refitter are declared here as Protocols (what handlers call on them),
so this layer names no module above it; the application passes the real ones in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.types import Reply, Request

if TYPE_CHECKING:
    from bot.config import Config


class Router(Protocol):
    """The team's commands, as the application wires them (handlers.router.Router)."""

    commands: dict[str, Any]

    def help_text(self) -> str: ...

    def dispatch(self, request: Request, ctx: Context) -> Reply: ...


class Engine(Protocol):
    """Reads a customer message and suggests replies (bot.engine.Engine)."""

    def suggest(self, text: str, *, platform: str, state: Any = None, now: datetime,
                intent: str | None = None) -> Any: ...


class Scheduler(Protocol):
    """Runs promotions, reminders and the digest (bot.scheduling's service, once started)."""

    def sync(self, kind: str, key: str | int, *, retry_at: datetime | None = None) -> None: ...

    def platforms(self) -> Any: ...


class Refitter(Protocol):
    """Learns from the team's corrections (bot.engine.refitter.Refitter)."""

    def corrected(self) -> None: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    """Shared services, handed to every handler call; tests build one with real parts."""

    config: Config
    db: Any  # bot.store's Database; opaque above the store, which alone reads it
    engine: Engine | None = None
    scheduler: Scheduler | None = None
    router: Router | None = None
    refitter: Refitter | None = None
    clock: Callable[[], datetime] = field(default=_utc_now)
    # The platforms a running Nudge is connected to, when a command runs outside it (the
    # `nudge promo` CLI asks which ones a promotion could reach); None inside Nudge itself.
    connected_platforms: list[str] | None = None

    def now(self) -> datetime:
        return self.clock()

    def local_now(self) -> datetime:
        return self.clock().astimezone(self.config.zone)
