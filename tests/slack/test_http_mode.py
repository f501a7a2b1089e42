"""HTTP mode: Slack's signature is checked before anything runs; commands answer privately."""

from __future__ import annotations

import asyncio
import json
import time

from bot.platforms.slack.listeners.commands import slot_for
from bot.platforms.slack.server import CommandLane
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


async def test_a_burst_of_digests_is_acknowledged_at_once_and_every_one_is_answered(
        nudge_http):
    """Commands are acknowledged as soon as their signature is checked (an empty 200, as
    Slack accepts) and run a few at a time: none is lost, each gets its own answer."""
    bodies = [fake.form_body(fake.slash_command("digest", user="U0TEAM", channel="C0REVIEW",
                                                response_url=nudge_http.fake.response_url()))
              for _ in range(12)]
    answers = await asyncio.gather(*(
        _post_raw(nudge_http, body.encode(),
                  fake.signed_headers(body, content_type="application/x-www-form-urlencoded"))
        for body in bodies))
    assert answers == [(200, "")] * 12
    responses = await nudge_http.fake.wait_for_response(12)
    assert len(responses) == 12
    assert all("waiting" in json.dumps(r).lower() or "digest" in json.dumps(r).lower()
               for r in responses)


async def test_only_the_heavy_reads_wait_for_a_slot(nudge_http):
    adapter = nudge_http.adapter
    for text in ("digest", "stats", "tests", "  STATS  7"):
        assert slot_for(adapter, text) is adapter.heavy_commands
    for text in ("promo new", "help", "promo list", "cta", ""):
        assert slot_for(adapter, text) is not adapter.heavy_commands


async def test_the_command_lane_runs_every_acknowledged_command_a_few_at_a_time():
    """What the lane hands to bolt: everything it acknowledged, even when it closes (a stop)
    with commands still queued, and never more than its workers at once."""

    class SlowDispatch:  # stands in for bolt's dispatch: takes a while, counts overlaps
        def __init__(self):
            self.ran, self.running, self.most = [], 0, 0

        async def async_dispatch(self, request):
            self.running += 1
            self.most = max(self.most, self.running)
            await asyncio.sleep(0.02)
            self.ran.append(request)
            self.running -= 1

    dispatch = SlowDispatch()
    lane = CommandLane(dispatch, workers=4)
    for n in range(12):
        lane.submit(n)
    await lane.close()
    assert sorted(dispatch.ran) == list(range(12))
    assert dispatch.most == 4
