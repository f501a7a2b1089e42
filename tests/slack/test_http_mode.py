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


async def _post_raw(nudge, body: bytes, headers: dict) -> tuple[int, str]:
    async with nudge.http.post(nudge.url, data=body, headers=headers) as response:
        return response.status, await response.text()


def _signed_bytes(body: bytes, content_type: str = "application/json",
                  timestamp: str | None = None) -> dict:
    import hashlib
    import hmac

    stamp = timestamp or str(int(time.time()))
    digest = hmac.new(fake.SIGNING_SECRET.encode(), b"v0:" + stamp.encode() + b":" + body,
                      hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": "v0=" + digest}


async def test_malformed_requests_get_400_or_401_with_one_line_and_no_traceback(
        nudge_http, caplog):
    import logging

    secret_text = "private customer words"
    cases = [
        (b'{"type": "event_callback", ' + secret_text.encode(), _signed_bytes, 400),
        (b'{"text": "\xff\xfe ' + secret_text.encode() + b'"}', _signed_bytes, 400),
        (b"[1, 2, 3]", _signed_bytes, 400),
    ]
    with caplog.at_level(logging.DEBUG):
        for body, sign, expected in cases:
            assert (await _post_raw(nudge_http, body, sign(body)))[0] == expected
        stamped = _signed_bytes(b"{}")
        stamped["X-Slack-Request-Timestamp"] = "abc"
        assert (await _post_raw(nudge_http, b"{}", stamped))[0] == 400
        unsigned = {"Content-Type": "application/json"}
        body = json.dumps({"text": secret_text}).encode()
        assert (await _post_raw(nudge_http, body, unsigned))[0] == 401
    refusals = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refusals) == 5
    assert not [r for r in caplog.records if r.exc_info]
    assert secret_text not in caplog.text
    assert _message_count(nudge_http) == 0


async def test_a_replayed_slash_command_runs_once(nudge_http):
    payload = fake.slash_command("help", user="U0TEAM", channel="C0REVIEW",
                                 response_url=nudge_http.fake.response_url())
    body = fake.form_body(payload)
    headers = fake.signed_headers(body, content_type="application/x-www-form-urlencoded")
    for _ in range(5):
        status, _ = await _post_raw(nudge_http, body.encode(), headers)
        assert status == 200
    await nudge_http.fake.wait_for_response(1)
    await nudge_http.settle()
    assert len(nudge_http.fake.responses) == 1
