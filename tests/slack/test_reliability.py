"""Retries, rate limits and errors: each event handled once, 429s waited out, nothing crashes."""

from __future__ import annotations

import io
import logging

import pytest

from bot.core.errors import DeliveryError, StartupError
from bot.core.types import Post
from bot.logs import RedactSecrets
from tests import fake_slack as fake
from tests.slack.conftest import CUSTOMERS


async def test_an_event_delivered_twice_gives_one_suggestion(nudge):
    await nudge.review_of("can I order a cake?", event_id="EvTWICE01")
    await nudge.say("can I order a cake?", event_id="EvTWICE01", retry=1)
    # A third message proves the second delivery was fully processed (or dropped) by now.
    await nudge.review_of("and a loaf", ts="1790000000.000002")
    suggested = nudge.db.execute(
        "select count(distinct message_id) from suggestions").fetchone()[0]
    assert suggested == 2
    assert nudge.db.execute("select count(*) from messages").fetchone()[0] == 2
    assert len(nudge.fake.calls_to("chat.postMessage")) == 2


async def test_the_same_message_under_a_new_event_id_is_still_stored_once(nudge_http):
    await nudge_http.review_of("hello there", event_id="EvFIRST01")
    await nudge_http.say("hello there", event_id="EvOTHER02")
    await nudge_http.review_of("second message", ts="1790000000.000003")
    assert nudge_http.db.execute("select count(*) from messages").fetchone()[0] == 2


async def test_a_rate_limited_post_is_retried_after_retry_after_and_succeeds(nudge_http):
    nudge_http.fake.rate_limit_next("chat.postMessage", retry_after=0)
    review = await nudge_http.review_of("do you deliver?")
    attempts = [c for c in nudge_http.fake.calls if c.method == "chat.postMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert review["channel"] == "C0REVIEW"


async def test_a_post_still_rate_limited_after_the_retries_is_a_transient_delivery_error(
        nudge_http):
    nudge_http.fake.rate_limit_next("chat.postMessage", retry_after=0, times=3)
    with pytest.raises(DeliveryError) as failure:
        await nudge_http.adapter.post(Post("slack", "C0PROMOS", "10% off today"))
    assert failure.value.transient
    assert "ratelimited" in str(failure.value)


async def test_a_post_to_a_missing_channel_is_a_permanent_delivery_error(nudge_http):
    nudge_http.fake.fail_next("chat.postMessage", "channel_not_found")
    with pytest.raises(DeliveryError) as failure:
        await nudge_http.adapter.post(Post("slack", "#C0GONE", "10% off today"))
    assert not failure.value.transient
    assert "channel_not_found" in str(failure.value)


async def test_a_post_returns_the_message_ts_and_escapes_the_text(nudge_http):
    ts = await nudge_http.adapter.post(Post("slack", "<#C0PROMOS|promos>", "Crumb & Co. <3"))
    call = nudge_http.fake.calls_to("chat.postMessage")[-1]
    assert ts == call.response["ts"]
    assert call.args["channel"] == "C0PROMOS"
    assert call.args["text"] == "Crumb &amp; Co. &lt;3"


async def test_a_direct_message_goes_to_the_person_in_the_apps_messages_tab(nudge_http):
    await nudge_http.adapter.post(Post.direct("slack", "U0TEAM", "Reminder: order flour"))
    call = nudge_http.fake.calls_to("chat.postMessage")[-1]
    assert call.args == {"channel": "U0TEAM", "text": "Reminder: order flour"}


async def test_a_failing_api_call_is_logged_with_method_and_code_and_the_flow_goes_on(
        nudge_http, caplog):
    nudge_http.fake.fail_next("chat.getPermalink", "message_not_found")
    with caplog.at_level(logging.WARNING, logger="bot.platforms.slack"):
        review = await nudge_http.review_of("where is your shop?")
    assert "Slack chat.getPermalink failed: message_not_found" in caplog.text
    assert review["channel"] == "C0REVIEW"


async def test_tokens_never_reach_the_log(nudge_http):
    """Even at DEBUG, with slack_sdk logging its requests, the redacting filter masks them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([fake.BOT_TOKEN, fake.APP_TOKEN, fake.SIGNING_SECRET]))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        nudge_http.fake.fail_next("chat.update", "invalid_auth")
        review = await nudge_http.review_of("how much is a loaf?")
        await nudge_http.press("dismiss", review["blocks"][-1]["elements"][3]["value"],
                               review["ts"])
        await nudge_http.fake.wait_for("chat.postMessage")
        await nudge_http.command("help")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    written = stream.getvalue()
    assert "chat.postMessage" in written  # the SDK did log its calls
    for secret in (fake.BOT_TOKEN, fake.SIGNING_SECRET):
        assert secret not in written


async def test_a_bad_bot_token_stops_start_up_with_a_clear_message(tmp_path, fake_slack, clock):
    from tests.slack.conftest import slack_config, start_nudge

    fake_slack.fail_next("auth.test", "invalid_auth")
    with pytest.raises(StartupError, match=r"SLACK_BOT_TOKEN \(auth.test: invalid_auth\)"):
        await start_nudge("http", slack_config(tmp_path, fake_slack), fake_slack, clock)


async def test_a_message_in_a_channel_nudge_does_not_listen_to_is_ignored(nudge_http):
    await nudge_http.say("hello from elsewhere", channel="C0RANDOM", ts="1790000000.000004")
    await nudge_http.review_of("hello from the customer channel", channel=CUSTOMERS,
                               ts="1790000000.000005")
    texts = [row[0] for row in nudge_http.db.execute("select text from messages")]
    assert texts == ["hello from the customer channel"]


async def test_a_port_already_in_use_stops_start_up_with_a_clear_message(
        tmp_path, fake_slack, clock, nudge_http):
    from tests.slack.conftest import start_nudge

    taken = nudge_http.app.config.platforms.slack.http.port
    config = nudge_http.app.config.model_copy(deep=True)
    config.storage.path = str(tmp_path / "other.db")
    with pytest.raises(StartupError, match=f"cannot listen on 127.0.0.1:{taken}"):
        await start_nudge("http", config, fake_slack, clock)
