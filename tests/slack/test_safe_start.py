"""A start that fails sends nothing: the scheduler runs only once every adapter is connected.

A refused token or a port already in use stops `nudge run` with one clear error before any
scheduled post goes out; a promotion that was due stays due, and the next good start sends it.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.app import Application
from bot.core.errors import StartupError
from bot.platforms.slack.adapter import SlackAdapter
from tests.promo_helpers import add, deliveries, promotion, utc
from tests.slack.conftest import CUSTOMERS, MANAGER, slack_config, slack_secrets


def nudge_app(config, clock) -> Application:
    app = Application(config, slack_secrets("http"), clock=clock)
    app.add_adapter(SlackAdapter(config, app.secrets))
    return app


def due_promotion(app: Application, clock) -> int:
    """A one-off promotion in the customers channel, due now by the app's clock."""
    pid = add(app, f'/nudge promo add "Mince pies are back!" in #{CUSTOMERS} at tomorrow 9am',
              platform="slack", user=MANAGER)
    clock.moment = utc(2026, 11, 24, 9, 1)
    return pid


async def test_a_refused_token_stops_the_start_before_a_due_promotion_is_sent(
        tmp_path, fake_slack, clock):
    config = slack_config(tmp_path, fake_slack)
    app = nudge_app(config, clock)
    pid = due_promotion(app, clock)
    fake_slack.fail_next("auth.test", "invalid_auth")
    with pytest.raises(StartupError, match="SLACK_BOT_TOKEN"):
        await asyncio.wait_for(app.run(), 20)
    assert not app.scheduler.running
    assert deliveries(app) == []
    assert promotion(app, pid)["status"] == "active"
    assert not fake_slack.calls_to("chat.postMessage")
    app.db.conn.close()

    again = nudge_app(config, clock)
    running = asyncio.create_task(again.run())
    posted = await fake_slack.wait_for("chat.postMessage")
    assert posted[0].args["channel"] == CUSTOMERS
    assert "Mince pies are back!" in posted[0].args["text"]
    await again.shutdown()
    await asyncio.wait_for(running, 60)
    assert deliveries(again) == [("2026-11-24T09:00:00+00:00", "sent")]
    again.db.conn.close()


async def test_a_port_in_use_stops_the_start_before_a_due_promotion_is_sent(
        tmp_path, fake_slack, clock, nudge_http):
    config = slack_config(tmp_path / "other", fake_slack)
    config.platforms.slack.http.port = nudge_http.app.config.platforms.slack.http.port
    app = nudge_app(config, clock)
    pid = due_promotion(app, clock)
    with pytest.raises(StartupError, match="cannot listen"):
        await asyncio.wait_for(app.run(), 20)
    assert deliveries(app) == []
    assert promotion(app, pid)["status"] == "active"
    assert not [c for c in fake_slack.calls_to("chat.postMessage")
                if c.args.get("channel") == CUSTOMERS]
    app.db.conn.close()
