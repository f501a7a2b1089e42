"""Slack takes five answers on a response URL, for 30 minutes, and a modal only within three
seconds of the press that asked for it: past those, the person is still told, privately in the
channel, and nothing is lost silently."""

from __future__ import annotations

import logging

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core.types import Field, Reply
from bot.platforms.slack.listeners.common import answer
from tests import fake_slack as fake
from tests.slack.conftest import CUSTOMER, REVIEW, TEAM_MEMBER, said


def _button(review: dict, action: str) -> dict:
    buttons = [b for b in review["blocks"] if b["type"] == "actions"][0]["elements"]
    return next(b for b in buttons if b["action_id"] == f"nudge_{action}")


async def test_an_answer_an_expired_response_url_refuses_comes_as_a_private_message(
        nudge_http, caplog):
    review = await nudge_http.review_of("can I order for tomorrow?")
    press = fake.button_press("nudge_send", _button(review, "send")["value"], user=CUSTOMER,
                              channel=REVIEW, message_ts=review["ts"],
                              response_url=nudge_http.fake.response_url(age=31 * 60))
    with caplog.at_level(logging.WARNING, "bot.platforms.slack"):
        await nudge_http.deliver("interactive", press)
        [told] = await nudge_http.fake.wait_for("chat.postEphemeral")
    assert (told.args["channel"], told.args["user"]) == (REVIEW, CUSTOMER)
    assert "Only the team can act" in said(told.args)
    assert nudge_http.fake.refused_responses == [(404, "Expired url")]
    assert "Slack response URL refused an answer (404 Expired url)" in caplog.text


async def test_a_command_answer_past_five_uses_of_its_url_comes_as_a_private_message(
        nudge_http):
    url = nudge_http.fake.response_url()
    for n in range(5):
        assert (await AsyncWebhookClient(url).send(text=f"earlier {n}")).status_code == 200
    command = fake.slash_command("help", user=TEAM_MEMBER, channel=REVIEW, response_url=url)
    await nudge_http.deliver("slash_commands", command)
    [told] = await nudge_http.fake.wait_for("chat.postEphemeral")
    assert (told.args["channel"], told.args["user"]) == (REVIEW, TEAM_MEMBER)
    assert "/nudge" in said(told.args)
    assert nudge_http.fake.refused_responses == [(404, "used_url")]


async def test_edit_pressed_with_an_expired_trigger_says_to_press_again(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    press = fake.button_press("nudge_edit", _button(review, "edit")["value"], user=TEAM_MEMBER,
                              channel=REVIEW, message_ts=review["ts"],
                              response_url=nudge_http.fake.response_url())
    press["trigger_id"] = fake.trigger_id(age=4)  # delivered late: Slack's 3 s are over
    await nudge_http.deliver("interactive", press)
    [answer] = await nudge_http.fake.wait_for_response()
    assert "press Edit again" in said(answer)
    assert nudge_http.fake.calls_to("views.open") == []
    [refused] = [c for c in nudge_http.fake.calls if c.method == "views.open"]
    assert refused.response == {"ok": False, "error": "expired_trigger_id"}


def _lines(count: int) -> Reply:
    return Reply("Digest", fields=tuple(Field(f"Line {n}", f"value {n}") for n in range(count)))


async def test_a_long_answer_comes_whole_over_several_responses(nudge_http):
    respond = AsyncRespond(response_url=nudge_http.fake.response_url())
    await answer(nudge_http.adapter, respond, REVIEW, TEAM_MEMBER, _lines(80),
                 response_type="ephemeral")
    parts = nudge_http.fake.responses
    assert [len(part["blocks"]) for part in parts] == [50, 31]
    shown = "\n".join(said(part) for part in parts)
    assert all(f"value {n}" in shown for n in range(80))


async def test_parts_past_five_responses_come_as_private_messages(nudge_http):
    respond = AsyncRespond(response_url=nudge_http.fake.response_url())
    await answer(nudge_http.adapter, respond, REVIEW, TEAM_MEMBER, _lines(320),
                 response_type="ephemeral")
    assert len(nudge_http.fake.responses) == 5
    rest = nudge_http.fake.calls_to("chat.postEphemeral")
    assert len(rest) == 2 and {c.args["user"] for c in rest} == {TEAM_MEMBER}
    shown = "\n".join([said(p) for p in nudge_http.fake.responses] +
                      [said(c.args) for c in rest])
    assert all(f"value {n}" in shown for n in range(320))
