"""A running Nudge with the real Slack adapter (slack-bolt, slack_sdk) against the fake Slack.

`nudge` runs in HTTP mode or Socket Mode (parametrized where a flow must work in both); its
helpers deliver what Slack would deliver, signed over HTTP or as envelopes over the WebSocket.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.app import Application
from bot.config import Config, Secrets
from bot.platforms.slack.adapter import SlackAdapter
from bot.platforms.slack.text import unescape
from tests import fake_slack as fake
from tests.conftest import example_config
from tests.fake_slack import FakeSlack

CUSTOMERS = "C0CUSTOMERS"
REVIEW = "C0REVIEW"
TEAM_MEMBER = "U0TEAM"
MANAGER = "U0MANAGER"  # listed in the example config's team.managers
CUSTOMER = "U0CUSTOMER"


def said(message: dict) -> str:
    """Everything a person reads in a message Nudge sent: its blocks' text, unescaped."""
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        parts.append((block.get("text") or {}).get("text", ""))
        parts += [item.get("text", "") for item in block.get("fields") or []]
        parts += [item.get("text", "") for item in block.get("elements") or []
                  if isinstance(item.get("text"), str)]
    return unescape("\n".join(parts))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def slack_config(tmp_path, fake_slack: FakeSlack, llm: dict | None = None, **slack) -> Config:
    settings = {
        "mode": "auto",
        "http": {"host": "127.0.0.1", "port": free_port(), "path": "/slack/events"},
        "listen_channels": [CUSTOMERS],
        "review_channel": REVIEW,
        "team_users": [TEAM_MEMBER, MANAGER],
        "api_base_url": fake_slack.api_url,
        **slack,
    }
    return example_config(tmp_path, platforms={"slack": settings}, **({"llm": llm} if llm else {}))


def slack_secrets(mode: str) -> Secrets:
    return Secrets(
        slack_bot_token=SecretStr(fake.BOT_TOKEN),
        slack_app_token=SecretStr(fake.APP_TOKEN) if mode == "socket" else None,
        slack_signing_secret=SecretStr(fake.SIGNING_SECRET),
        discord_token=None,
        llm_api_key=None,
    )


@dataclass
class RunningNudge:
    """Nudge as `nudge run` starts it, plus ways to reach it as Slack does."""

    mode: str
    fake: FakeSlack
    app: Application
    adapter: SlackAdapter
    http: aiohttp.ClientSession

    @property
    def db(self):
        return self.app.db

    @property
    def url(self) -> str:
        path = self.app.config.platforms.slack.http.path
        return f"http://127.0.0.1:{self.adapter.http_port}{path}"

    async def post_signed(self, body: str, content_type: str, **signing: Any) -> tuple[int, str]:
        headers = fake.signed_headers(body, content_type=content_type, **signing)
        async with self.http.post(self.url, data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    async def deliver(self, kind: str, payload: dict, *, retry: int = 0) -> dict | str:
        """Deliver a payload the way this mode does; return the ack Slack would receive."""
        if self.mode == "socket":
            envelope = await self.fake.push(kind, payload, retry_attempt=retry,
                                            envelope_id=payload.get("event_id"))
            return await self.fake.wait_for_ack(envelope)
        if kind == "events_api":
            status, text = await self.post_signed(
                json.dumps(payload), "application/json", retry_num=retry or None
            )
        elif kind == "slash_commands":
            status, text = await self.post_signed(
                fake.form_body(payload), "application/x-www-form-urlencoded"
            )
        else:
            status, text = await self.post_signed(
                fake.form_body({"payload": json.dumps(payload)}),
                "application/x-www-form-urlencoded",
            )
        assert status == 200, text
        return json.loads(text) if text.startswith("{") else text

    async def say(self, text: str, *, user: str = CUSTOMER, channel: str = CUSTOMERS,
                  ts: str = "1790000000.000001", thread_ts: str | None = None,
                  event_id: str | None = None, retry: int = 0, **extra: Any) -> dict | str:
        payload = fake.message_event(text, user=user, channel=channel, ts=ts,
                                     thread_ts=thread_ts, event_id=event_id, **extra)
        if not extra.get("subtype"):  # in the channel's history too, as on Slack
            self.fake.written(channel, text, user=user, ts=ts, thread_ts=thread_ts)
        return await self.deliver("events_api", payload, retry=retry)

    async def command(self, text: str, *, user: str = TEAM_MEMBER, channel: str = REVIEW
                      ) -> dict:
        """Run `/nudge <text>` and return what Nudge answered through the response URL."""
        seen = len(self.fake.responses)
        payload = fake.slash_command(text, user=user, channel=channel,
                                     response_url=self.fake.response_url())
        ack = await self.deliver("slash_commands", payload)
        assert ack in ("", {}), ack  # an empty ack: the answer comes through respond
        responses = await self.fake.wait_for_response(seen + 1)
        return responses[seen]

    async def press(self, action: str, value: str, message_ts: str, *,
                    user: str = TEAM_MEMBER) -> None:
        payload = fake.button_press(f"nudge_{action}", value, user=user, channel=REVIEW,
                                    message_ts=message_ts, response_url=self.fake.response_url())
        await self.deliver("interactive", payload)

    async def choose(self, option: dict, message_ts: str, *, user: str = TEAM_MEMBER,
                     action_id: str = "nudge_intent") -> None:
        """Pick `option` (as the review offered it) in a select menu of a review message."""
        payload = fake.select_choice(action_id, option["value"], option["text"]["text"],
                                     user=user, channel=REVIEW, message_ts=message_ts,
                                     response_url=self.fake.response_url())
        await self.deliver("interactive", payload)

    async def submit(self, view: dict, values: dict, *, user: str = TEAM_MEMBER) -> dict | str:
        return await self.deliver("interactive", fake.view_submission(view, values, user=user))

    async def settle(self) -> None:
        """Wait until the work Nudge does after its acks (reviews, LLM drafts) is finished."""
        await self.adapter.finish_jobs(10)

    async def review_of(self, text: str, **say: Any) -> dict:
        """A customer says `text`; return the review Nudge posted (its arguments, and its
        ts as Slack answered)."""
        posted = len(self.fake.calls_to("chat.postMessage"))
        await self.say(text, **say)
        call = (await self.fake.wait_for("chat.postMessage", posted + 1))[posted]
        return {**call.args, "ts": call.response["ts"]}


async def start_nudge(mode: str, config: Config, fake_slack: FakeSlack, clock=None,
                      engine=None) -> RunningNudge:
    app = Application(config, slack_secrets(mode), clock=clock, engine=engine)
    adapter = SlackAdapter(config, slack_secrets(mode))
    adapter.inbox_options = {"retry_seconds": 0.1, "write_timeout_ms": 100}
    app.add_adapter(adapter)
    task = asyncio.create_task(adapter.start(app))
    ready = asyncio.create_task(adapter.ready.wait())
    await asyncio.wait({task, ready}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        ready.cancel()
        if task.exception() is not None:
            app.db.conn.close()
        task.result()  # raises the start-up error
    if mode == "socket":
        await fake_slack.wait_for_socket()
    # The real scheduler, paused: tests move the clock and call scheduler.run_due().
    await app.scheduler.start(paused=True)
    nudge = RunningNudge(mode, fake_slack, app, adapter, aiohttp.ClientSession())
    nudge._task = task
    return nudge


async def stop_nudge(nudge: RunningNudge) -> None:
    await nudge.http.close()
    await nudge.app.shutdown()  # the scheduler, the adapter, the LLM client
    await asyncio.wait_for(nudge._task, 60)
    nudge.app.db.conn.close()


@pytest.fixture
async def fake_slack():
    server = await FakeSlack().start()
    server.add_user(TEAM_MEMBER, "Sam")
    server.add_user(CUSTOMER, "Alex")
    server.add_user(MANAGER, "Morgan")
    yield server
    await server.stop()


@pytest.fixture(params=["http", "socket"])
def mode(request) -> str:
    return request.param


@pytest.fixture
async def nudge(tmp_path, fake_slack, clock, mode):
    running = await start_nudge(mode, slack_config(tmp_path, fake_slack), fake_slack, clock)
    yield running
    await stop_nudge(running)


@pytest.fixture
async def nudge_http(tmp_path, fake_slack, clock):
    running = await start_nudge("http", slack_config(tmp_path, fake_slack), fake_slack, clock)
    yield running
    await stop_nudge(running)
