"""Approval on Slack: a draft from a team member reaches the review channel with Approve and
Reject buttons; a manager's press schedules (or rejects) it and redraws the message."""

from __future__ import annotations

from tests.slack.conftest import CUSTOMERS, MANAGER, REVIEW, TEAM_MEMBER


def _buttons(message: dict) -> dict[str, str]:
    actions = [b for b in message["blocks"] if b["type"] == "actions"][0]["elements"]
    return {button["action_id"]: button["value"] for button in actions}


async def test_a_manager_approves_a_draft_from_the_review_channel(nudge_http):
    nudge_http.app.config.promotions.require_approval = True
    posted = len(nudge_http.fake.calls_to("chat.postMessage"))
    answer = await nudge_http.command(f'promo add "Mince pies are back!" in #{CUSTOMERS} '
                                      "at tomorrow 9am", user=TEAM_MEMBER)
    assert "is a draft" in answer["text"]
    asked = (await nudge_http.fake.wait_for("chat.postMessage", posted + 1))[posted]
    assert asked.args["channel"] == REVIEW
    buttons = _buttons(asked.args)
    assert buttons == {"nudge_approve": "1", "nudge_reject": "1"}
    assert nudge_http.db["promotions"].get(1)["status"] == "draft"

    seen = len(nudge_http.fake.responses)
    await nudge_http.press("approve", "1", asked.response["ts"], user=TEAM_MEMBER)
    refused = (await nudge_http.fake.wait_for_response(seen + 1))[seen]
    assert "Only the promotion managers" in refused["text"]
    assert nudge_http.db["promotions"].get(1)["status"] == "draft"

    await nudge_http.press("approve", "1", asked.response["ts"], user=MANAGER)
    update = (await nudge_http.fake.wait_for("chat.update"))[-1].args
    assert update["ts"] == asked.response["ts"]
    assert "Approved by <@U0MANAGER>" in str(update["blocks"])
    assert not [b for b in update["blocks"] if b["type"] == "actions"]  # no buttons left
    await nudge_http.settle()
    row = nudge_http.db["promotions"].get(1)
    assert (row["status"], row["approved_by"]) == ("active", f"slack:{MANAGER}")
    assert nudge_http.app.scheduler.job("promotion", 1) is not None
