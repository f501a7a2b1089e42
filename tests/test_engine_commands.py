"""`/nudge suggest` runs the engine in the engine's own thread, never on the event loop that
acknowledges every platform's deliveries, and waits for a warm-up under way."""

from __future__ import annotations

import asyncio
import threading

from bot.app import Application
from bot.config import Secrets
from bot.core.types import Request


def command(text: str) -> Request:
    return Request(platform="console", text=text, user="team", channel="team", role="team")


class EngineThatThinks:
    """Stands in for the engine: its suggestion waits until the test lets it finish, and says
    in which thread it ran."""

    def __init__(self):
        self.go = threading.Event()
        self.thread = ""

    def suggest(self, text, **_):
        self.thread = threading.current_thread().name
        self.go.wait(60)
        raise RuntimeError("the test engine suggests nothing")


async def test_suggest_answers_from_the_real_engine(app):
    reply = await app.dispatch(command("/nudge suggest how much is a sourdough loaf?"))
    assert reply.text.startswith("Intent: pricing")


async def test_the_event_loop_keeps_answering_while_suggest_thinks(config, db, clock):
    engine = EngineThatThinks()
    app = Application(config, Secrets.from_env({}), db=db, clock=clock, engine=engine)
    thinking = asyncio.create_task(app.dispatch(command("/nudge suggest is the shop open?")))
    other = await asyncio.wait_for(app.dispatch(command("/nudge help")), 60)
    assert "Nudge commands" in other.text and not thinking.done()
    engine.go.set()
    reply = await asyncio.wait_for(thinking, 60)
    assert not reply.ok  # the failure is a calm reply, not a crash
    assert engine.thread.startswith("nudge-engine")
