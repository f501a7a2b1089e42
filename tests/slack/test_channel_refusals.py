"""A channel Slack will not take a post in (archived, or one Nudge was removed from) is a
lasting DeliveryError with Slack's code: nothing is recorded as sent, the review says why, and
the team reads what to do in the digest (and, for a promotion, at once in the review
channel)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Post
from bot.store.problems import platform_errors_since
from handlers.digest import build_digest
from tests.slack.conftest import CUSTOMERS, MANAGER, REVIEW, said

CASES = [
    ("archive", "is_archived", "archived_channel",
     f"channel {CUSTOMERS} is archived; unarchive it or take it out of Nudge's config"),
    ("leave", "not_in_channel", "not_in_channel",
     f"Nudge is not a member of channel {CUSTOMERS}; invite it there with /invite @Nudge"),
]


def _button(review: dict, action: str) -> dict:
    buttons = [b for b in review["blocks"] if b["type"] == "actions"][0]["elements"]
    return next(b for b in buttons if b["action_id"] == f"nudge_{action}")


def _problems(nudge) -> list[tuple[str, str]]:
    since = datetime(2000, 1, 1, tzinfo=UTC)
    return [(p.channel, p.problem) for p in platform_errors_since(nudge.db, since)]


@pytest.mark.parametrize(("how", "code", "problem", "line"), CASES)
async def test_a_post_slack_refuses_is_a_lasting_delivery_error_with_its_code(
        nudge_http, clock, how, code, problem, line):
    getattr(nudge_http.fake, how)(CUSTOMERS)
    with pytest.raises(DeliveryError) as refused:
        await nudge_http.app.publish(Post("slack", CUSTOMERS, "Fresh bread at 8!"))
    assert (refused.value.code, refused.value.transient) == (code, False)
    assert nudge_http.fake.calls_to("chat.postMessage") == []
    assert _problems(nudge_http) == [(CUSTOMERS, problem)]
    assert line in build_digest(nudge_http.app.ctx, clock()).text


@pytest.mark.parametrize(("how", "code", "problem", "line"), CASES)
async def test_send_to_a_channel_slack_refuses_is_not_recorded_as_sent(nudge_http, clock, how,
                                                                        code, problem, line):
    review = await nudge_http.review_of("can I order for tomorrow?")
    getattr(nudge_http.fake, how)(CUSTOMERS)
    await nudge_http.press("send", _button(review, "send")["value"], review["ts"])
    update = (await nudge_http.fake.wait_for("chat.update"))[-1].args
    assert code in said(update)
    statuses = {row[0] for row in nudge_http.db.execute("select status from suggestions")}
    assert statuses == {"pending"}
    assert nudge_http.db.execute("select status from conversations").fetchone()[0] == "waiting"
    assert len(nudge_http.fake.calls_to("chat.postMessage")) == 1  # the review only
    assert _problems(nudge_http) == [(CUSTOMERS, problem)]
    assert line in build_digest(nudge_http.app.ctx, clock()).text


@pytest.mark.parametrize(("how", "code", "problem", "line"), CASES)
async def test_a_promotion_due_in_a_channel_slack_refuses_is_failed_never_sent(
        nudge_http, clock, how, code, problem, line):
    reply = await nudge_http.command(f'promo add "Fresh bread at 8!" in #{CUSTOMERS} '
                                     "at tomorrow 9am", user=MANAGER)
    assert "scheduled" in reply["text"], reply
    pid = nudge_http.db["promotions"].count
    getattr(nudge_http.fake, how)(CUSTOMERS)
    await nudge_http.app.scheduler.sources["promotion"].send_now(pid, clock(),
                                                                 nudge_http.app.scheduler)
    rows = list(nudge_http.db.execute("select status, error from deliveries "
                                      "where kind = 'promotion'"))
    assert rows == [("failed", f"Slack chat.postMessage failed: {code}")]
    [told] = nudge_http.fake.calls_to("chat.postMessage")  # nothing reached the customers
    assert told.args["channel"] == REVIEW
    assert f"Could not post promotion #{pid}" in said(told.args)
    assert _problems(nudge_http) == [(CUSTOMERS, problem)]
    assert line in build_digest(nudge_http.app.ctx, clock()).text
