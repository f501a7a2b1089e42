"""Small helpers the promotion tests share: speak as the team, read back what happened."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import Application
from bot.core.types import Reply, Request


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def say(app: Application, text: str, *, user: str = "team", platform: str = "console",
        roles: tuple[str, ...] = ()) -> Reply:
    """Type a command in the team channel, as `user`."""
    request = Request(platform=platform, text=text, user=user, channel="team", role="team",
                      roles=roles)
    return app.ctx.router.dispatch(request, app.ctx)


def add(app: Application, text: str, **who) -> int:
    reply = say(app, text, **who)
    assert reply.ok, reply.text
    return reply.meta["promotion_id"]


def posts(app: Application, platform: str = "console") -> list:
    return app.adapters[platform].posts


def notices(app: Application, platform: str = "console") -> list[Reply]:
    return app.adapters[platform].notices


def deliveries(app: Application) -> list[tuple[str, str]]:
    return [(row["scheduled_for"], row["status"]) for row in
            app.db["deliveries"].rows_where(order_by="scheduled_for, id")]


def promotion(app: Application, promotion_id: int) -> dict:
    return app.db["promotions"].get(promotion_id)
