"""Fixtures for the LLM tests: the fake server, a config pointing at it, engine-shaped data."""

from __future__ import annotations

import io

import pytest

from bot.config import Config, Secrets
from bot.engine.types import Suggestion
from bot.platforms.console import ConsoleAdapter
from tests.conftest import example_config
from tests.llm.fake_server import FakeLLM

OFFER_URL = ("https://crumbandco.example/offers/autumn?ref=chat&utm_source=console"
             "&utm_medium=chat&utm_campaign=autumn-box")
OFFER_FACTS = ("10% off your first pastry box", "code AUTUMN10", "valid until 2026-12-31")
OFFER_TEMPLATE = (
    "Good news: 10% off your first pastry box with the code AUTUMN10, until 2026-12-31. "
    f"Get 10% off your first box: {OFFER_URL}"
)


def offer_suggestion(**changes) -> Suggestion:
    """A template suggestion shaped as the engine makes them: text, CTA and the facts stated."""
    values = dict(
        text=OFFER_TEMPLATE,
        rationale="pricing question: the running offer answers it",
        cta_id="autumn-offer",
        cta_kind="offer",
        cta_label="Get 10% off your first box",
        cta_url=OFFER_URL,
        offer_id="autumn10",
        facts=OFFER_FACTS,
    )
    values.update(changes)
    return Suggestion(**values)


@pytest.fixture
async def fake_llm():
    server = FakeLLM()
    await server.start()
    yield server
    await server.stop()


def llm_config(tmp_path, base_url: str, **settings) -> Config:
    values = {"enabled": True, "base_url": base_url, "model": "tiny-test",
              "timeout_seconds": 2, **settings}
    return example_config(tmp_path, llm=values)


@pytest.fixture
def config_with_llm(tmp_path, fake_llm) -> Config:
    return llm_config(tmp_path, fake_llm.base_url)


NO_SECRETS = Secrets.from_env({})


async def run_console(app, lines: str) -> str:
    """Feed `lines` to a real console adapter on `app` until end of input; return what it said."""
    out = io.StringIO()
    app.add_adapter(ConsoleAdapter(app.config, stdin=io.StringIO(lines), stdout=out))
    await app.run()
    return out.getvalue()
