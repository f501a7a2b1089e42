"""Fixtures for the LLM tests: the fake server, a config pointing at it, engine-shaped data."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from bot.config import Config, Secrets
from bot.engine.types import Classification, Suggestion, SuggestionSet, ThreadState
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


class ContractEngine:
    """Answers every message with one fixed SuggestionSet, exactly as bot/engine/types.py says.

    It stands in for the embedded engine in tests that exercise the LLM path, whose behaviour
    does not depend on how the engine classifies.
    """

    def __init__(self, *suggestions: Suggestion, intent: str = "pricing",
                 stage: str = "promotion"):
        self.result = SuggestionSet(
            Classification(intent, 0.9, stage), list(suggestions) or [offer_suggestion()]
        )
        self.calls: list[str] = []

    def suggest(self, text: str, *, platform: str, state: ThreadState,
                now: datetime) -> SuggestionSet:
        self.calls.append(text)
        return self.result


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
