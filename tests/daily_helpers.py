"""Helpers for the digest, ping and reminder tests: an application with the daily routines on,
and customers and team members speaking in it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from bot.app import Application
from bot.config import Config, Secrets
from bot.core.types import Request
from handlers import conversation
from tests.fakes import CountingAdapter, SleepRecorder

# Each message a platform event id of its own, as a platform gives it.
_message_ids = itertools.count(1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def start_app(config: Config, db, clock, *, digest: bool = False, pings: bool = False,
                    platforms: tuple[str, ...] = ("console",)) -> Application:
    """The real Application and scheduler (not firing by the wall clock: tests move `clock`
    and call `run_due()`), with counting fakes for the connected platforms."""
    config.digest.enabled = digest
    config.waiting.enabled = pings
    app = Application(config, Secrets.from_env({}), db=db, clock=clock)
    for platform in platforms:
        app.add_adapter(CountingAdapter(platform))
    app.scheduler.sender.sleep = SleepRecorder()
    await app.scheduler.start(paused=True)
    return app


def customer_writes(app: Application, text: str, *, platform: str = "console",
                    channel: str = "customers", thread: str = "main", user: str = "ann",
                    name: str = "Ann") -> int:
    """A customer message as an adapter stores it; returns the message's row id."""
    request = Request(platform=platform, text=text, user=user, channel=channel, thread=thread,
                      message_id=f"m{next(_message_ids)}", user_name=name,
                      workspace="T1" if platform != "console" else "")
    return conversation.record_message(request, app.ctx).message_id


def team_replies(app: Application, text: str, *, platform: str = "console",
                 channel: str = "customers", thread: str = "main") -> None:
    request = Request(platform=platform, text=text, user="team", channel=channel, thread=thread,
                      message_id=f"m{next(_message_ids)}", role="team")
    conversation.record_message(request, app.ctx)


def posts(app: Application, platform: str = "console") -> list:
    return app.adapters[platform].posts


def ledger_rows(app: Application, kind: str) -> list[tuple[str, str, str, str]]:
    """(ref, platform, target, status) of every delivery of one kind, oldest first."""
    return [(row["ref_id"], row["platform"], row["target"], row["status"]) for row in
            app.db["deliveries"].rows_where("kind = ?", [kind], order_by="scheduled_for, id")]
