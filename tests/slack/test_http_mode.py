"""HTTP mode: Slack's signature is checked before anything runs; commands answer privately."""

from __future__ import annotations

import json
import time

from tests import fake_slack as fake
from tests.slack.conftest import CUSTOMER, CUSTOMERS


def _message_count(nudge) -> int:
    return nudge.db.execute("select count(*) from messages").fetchone()[0]


async def test_a_signed_slash_command_is_acknowledged_and_answered_privately(nudge_http):
    answer = await nudge_http.command("help")
    assert answer["response_type"] == "ephemeral"
    assert "Nudge commands" in answer["text"]
    assert "/nudge help" in answer["text"]


async def test_an_unknown_subcommand_gets_a_friendly_usage_message_only_for_the_caller(
        nudge_http):
    answer = await nudge_http.command("frobnicate now")
    assert answer["response_type"] == "ephemeral"
    assert "I don't know the command `frobnicate`" in answer["text"]


async def test_a_customer_cannot_run_team_commands(nudge_http):
    answer = await nudge_http.command("stats", user=CUSTOMER, channel=CUSTOMERS)
    assert answer["response_type"] == "ephemeral"
    assert "Only the team" in answer["text"]


async def test_a_forged_signature_gets_401_and_nothing_is_stored(nudge_http):
    body = json.dumps(fake.message_event("hello", user=CUSTOMER, channel=CUSTOMERS,
                                         ts="1790000000.000009"))
    status, _ = await nudge_http.post_signed(body, "application/json", secret="not-the-secret")
    assert status == 401
    assert _message_count(nudge_http) == 0
    assert not nudge_http.fake.calls_to("chat.postMessage")


async def test_a_stale_request_gets_401_even_with_a_valid_signature(nudge_http):
    body = json.dumps(fake.message_event("hello", user=CUSTOMER, channel=CUSTOMERS,
                                         ts="1790000000.000010"))
    ten_minutes_ago = int(time.time()) - 600
    status, _ = await nudge_http.post_signed(body, "application/json", timestamp=ten_minutes_ago)
    assert status == 401
    assert _message_count(nudge_http) == 0


async def test_an_unsigned_slash_command_gets_401(nudge_http):
    body = fake.form_body(fake.slash_command("help", user="U0TEAM", channel="C0REVIEW",
                                             response_url=nudge_http.fake.response_url()))
    async with nudge_http.http.post(
        nudge_http.url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    ) as response:
        assert response.status == 401
    assert nudge_http.fake.responses == []


async def test_slacks_url_verification_challenge_is_answered(nudge_http):
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "t"})
    status, text = await nudge_http.post_signed(body, "application/json")
    assert status == 200
    assert "abc123" in text
