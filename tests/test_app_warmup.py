"""The engine warms up in the background when the application starts, so the first customer
message does not wait for the intent model, and start-up is not held up by it either."""

from __future__ import annotations

import asyncio
import io
import shutil
import threading

from bot.app import Application
from bot.config import Secrets
from bot.engine import Engine
from bot.platforms.console import ConsoleAdapter
from tests.fakes import CountingAdapter

GUARD_S = 60  # only ever reached when the behaviour under test is broken (a deadlock)


def fresh_engine(config, model_cache, tmp_path, cls=Engine) -> Engine:
    """An engine with its own cache folder, so nothing is loaded in this process yet."""
    cache = tmp_path / "model-cache"
    shutil.copytree(model_cache, cache)
    return cls(config, cache_dir=cache)


class GatedEngine(Engine):
    """The real engine whose warm-up first waits for a gate, recording what happened when."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.events: list[str] = []

    def warm(self) -> None:
        self.events.append("warm-up started")
        assert self.gate.wait(GUARD_S), "the adapters never started while the engine warmed"
        super().warm()
        self.events.append("warm-up done")

    def suggest(self, *args, **kwargs):
        self.events.append("suggest")
        return super().suggest(*args, **kwargs)


async def test_after_start_the_engine_is_warm_without_any_message(config, db, model_cache,
                                                                  tmp_path):
    engine = fresh_engine(config, model_cache, tmp_path)
    assert not engine.ready
    app = Application(config, Secrets.from_env({}), db=db, engine=engine)
    adapter = CountingAdapter("console")
    app.add_adapter(adapter)
    running = asyncio.create_task(app.run())
    await adapter.ready.wait()
    await app.engine_ready()
    assert engine.ready and app.warming.result() is True
    await adapter.stop()
    await running


async def test_adapters_start_while_the_engine_warms(config, db, model_cache, tmp_path):
    engine = fresh_engine(config, model_cache, tmp_path, cls=GatedEngine)
    app = Application(config, Secrets.from_env({}), db=db, engine=engine)
    adapter = CountingAdapter("console")
    app.add_adapter(adapter)
    running = asyncio.create_task(app.run())
    await adapter.ready.wait()  # the adapter is up although the warm-up is still held
    assert not engine.ready
    engine.gate.set()
    await app.engine_ready()
    assert engine.events == ["warm-up started", "warm-up done"]
    await adapter.stop()
    await running


async def test_a_message_arriving_during_the_warm_up_waits_for_it_then_gets_suggestions(
        config, db, model_cache, tmp_path):
    engine = fresh_engine(config, model_cache, tmp_path, cls=GatedEngine)

    class Console(ConsoleAdapter):
        async def handle_line(self, line: str) -> None:
            # Release the warm-up only once this message is already being handled.
            asyncio.get_running_loop().call_soon(engine.gate.set)
            await super().handle_line(line)

    app = Application(config, Secrets.from_env({}), db=db, engine=engine)
    out = io.StringIO()
    app.add_adapter(Console(config, stdin=io.StringIO("are you open on sunday?\n"), stdout=out))
    await asyncio.wait_for(app.run(), GUARD_S)
    assert engine.events == ["warm-up started", "warm-up done", "suggest"]
    assert "New customer message in customers: store_visit" in out.getvalue()


async def test_a_failed_warm_up_is_logged_and_the_first_message_loads_the_model(
        config, db, model_cache, tmp_path, caplog):
    class Failing(Engine):
        def warm(self) -> None:
            raise OSError("disk full")

    engine = fresh_engine(config, model_cache, tmp_path, cls=Failing)
    app = Application(config, Secrets.from_env({}), db=db, engine=engine)
    app.add_adapter(ConsoleAdapter(config, stdin=io.StringIO("how much is a pastry box?\n"),
                                   stdout=io.StringIO()))
    await asyncio.wait_for(app.run(), GUARD_S)
    assert app.warming.result() is False
    assert "could not warm the suggestion engine" in caplog.text
    assert engine.ready
    assert db["suggestions"].count_where("intent = 'pricing'") >= 1
