"""Whatever Slack (or a proxy in front of it) answers, Nudge records only what was confirmed.

An error page that is not Slack's JSON (text/plain, HTML, an empty body) is a DeliveryError
with a code and a transient flag from the HTTP status, never a crash that leaves a suggestion
marked sent.
"""

from __future__ import annotations

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Post
from tests.fakes import SleepRecorder
from tests.slack.conftest import CUSTOMER


def _button(review: dict, action: str) -> dict:
    buttons = [b for b in review["blocks"] if b["type"] == "actions"][0]["elements"]
    return next(b for b in buttons if b["action_id"] == f"nudge_{action}")


def _statuses(nudge) -> set[str]:
    return {row[0] for row in nudge.db.execute("select status from suggestions")}


@pytest.mark.parametrize(("status", "kind", "code", "transient"), [
    (400, "text", "http_400", False),
    (403, "html", "http_403", False),
    (502, "html", "http_502", True),
    (503, "empty", "http_503", True),
    (200, "text", "bad_response", True),
])
async def test_an_error_page_is_a_delivery_error_with_a_code_and_a_transient_flag(
        nudge_http, status, kind, code, transient):
    # Server errors are retried once by the client: both attempts get the page.
    nudge_http.fake.error_page_next("chat.postMessage", status, kind, times=2)
    with pytest.raises(DeliveryError) as failure:
        await nudge_http.adapter.post(Post("slack", "C0PROMOS", "10% off today"))
    assert failure.value.code == code
    assert failure.value.transient is transient
    assert failure.value.status == status


@pytest.mark.parametrize("kind", ["text", "html", "empty"])
async def test_send_answered_with_an_error_page_is_not_recorded_as_sent(nudge_http, kind):
    review = await nudge_http.review_of("can I order for tomorrow?")
    nudge_http.fake.error_page_next("chat.postMessage", 400, kind)
    await nudge_http.press("send", _button(review, "send")["value"], review["ts"])
    update = (await nudge_http.fake.wait_for("chat.update"))[-1].args
    assert "http_400" in str(update["blocks"])
    assert _statuses(nudge_http) == {"pending"}
    assert nudge_http.db.execute("select status from conversations").fetchone()[0] == "waiting"


async def test_a_customer_message_is_stored_and_reviewed_when_users_info_fails(nudge_http):
    nudge_http.fake.error_page_next("users.info", 400, "text")
    review = await nudge_http.review_of("do you have gluten free bread?")
    assert review["channel"] == "C0REVIEW"
    author = nudge_http.db.execute("select author_id, author_role from messages").fetchall()
    assert author == [(CUSTOMER, "customer")]


async def test_a_review_slack_answers_with_server_errors_is_retried_until_shown(nudge_http):
    nudge_http.app.scheduler.sender.sleep = SleepRecorder()
    # The client retries a 5xx once by itself: the first attempt meets two pages, the
    # outbox's second attempt one more, then Slack is back.
    nudge_http.fake.error_page_next("chat.postMessage", 503, "html", times=3)
    review = await nudge_http.review_of("do you have gluten free bread?")
    assert review["channel"] == "C0REVIEW"
    await nudge_http.settle()
    row = nudge_http.db.execute(
        "select status, attempts from deliveries where kind = 'review'").fetchone()
    assert tuple(row) == ("sent", 2)
    assert nudge_http.app.scheduler.sender.sleep.delays == [1.0]


async def test_a_send_rate_limited_past_the_clients_own_retries_is_sent_on_a_later_attempt(
        nudge_http):
    nudge_http.app.scheduler.sender.sleep = SleepRecorder()
    review = await nudge_http.review_of("can I order for tomorrow?")
    # slack_sdk retries a 429 twice after Retry-After; the fourth 429 meets the outbox's retry.
    nudge_http.fake.rate_limit_next("chat.postMessage", times=4)
    await nudge_http.press("send", _button(review, "send")["value"], review["ts"])
    update = (await nudge_http.fake.wait_for("chat.update"))[-1].args
    assert "sent by" in str(update["blocks"])
    assert _statuses(nudge_http) >= {"sent"}
    row = nudge_http.db.execute(
        "select status, attempts from deliveries where kind = 'reply'").fetchone()
    assert tuple(row) == ("sent", 2)
