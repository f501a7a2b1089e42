"""What every platform adapter provides to the application."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.core.types import Post, Reply

if TYPE_CHECKING:
    from bot.app import Application


class Adapter(Protocol):
    platform: str

    async def start(self, app: Application) -> None:
        """Connect and serve until stopped (or, for the console, until input ends)."""

    async def stop(self) -> None:
        """Disconnect; pending work is finished or left safely recorded."""

    async def post(self, post: Post) -> str:
        """Publish in a channel; return the platform's message id or raise DeliveryError."""

    async def notify_team(self, reply: Reply) -> None:
        """Show something to the team in the review channel (suggestions, digests, pings)."""
