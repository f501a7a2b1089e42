"""The review's "wrong intent?" select menu on Slack, through the wire-level fake Slack."""

from __future__ import annotations

from tests.slack.conftest import CUSTOMER, MANAGER, said


def _select(review: dict) -> dict:
    elements = [b for b in review["blocks"] if b["type"] == "actions"][0]["elements"]
    return next(e for e in elements if e["type"] == "static_select")


def _option(review: dict, intent: str) -> dict:
    return next(o for o in _select(review)["options"] if o["value"].endswith(f":{intent}"))


async def test_every_review_has_a_wrong_intent_menu_within_slacks_limits(nudge_http):
    review = await nudge_http.review_of("how much is a sourdough loaf?")
    menu = _select(review)
    assert menu["action_id"] == "nudge_intent"
    assert menu["placeholder"]["text"] == "Wrong intent?"
    assert 9 == len(menu["options"]) <= 100
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in menu["options"])
    suggestion = review["blocks"][-1]["elements"][0]["value"]  # the Send button's
    assert _option(review, "complaint")["value"] == f"{suggestion}:complaint"


async def test_choosing_an_intent_redraws_the_review_for_it_and_stores_who_chose(nudge):
    review = await nudge.review_of("how much is a sourdough loaf?")
    await nudge.choose(_option(review, "complaint"), review["ts"], user=MANAGER)

    update = (await nudge.fake.wait_for("chat.update"))[-1].args
    assert update["ts"] == review["ts"] and update["channel"] == "C0REVIEW"
    shown = said(update)
    assert "Intent*\ncomplaint" in shown
    assert f"pricing → complaint by <@{MANAGER}>" in shown
    assert _select(update)  # the menu stays, to correct again
    rows = nudge.db.execute(
        "select text, from_intent, to_intent, platform, user_id from corrections").fetchall()
    assert rows == [("how much is a sourdough loaf?", "pricing", "complaint", "slack", MANAGER)]
    assert len(nudge.fake.calls_to("chat.postMessage")) == 1  # nothing reached the customer


async def test_a_customer_cannot_correct_an_intent(nudge_http):
    review = await nudge_http.review_of("how much is a sourdough loaf?")
    await nudge_http.choose(_option(review, "praise"), review["ts"], user=CUSTOMER)
    answer = (await nudge_http.fake.wait_for_response())[-1]
    assert answer["response_type"] == "ephemeral" and "Only the team" in answer["text"]
    assert nudge_http.db.execute("select count(*) from corrections").fetchone() == (0,)
    assert not nudge_http.fake.calls_to("chat.update")


async def test_a_team_member_who_is_not_a_manager_cannot_unhear_an_opt_out(nudge_http):
    review = await nudge_http.review_of("please stop messaging me")
    assert "Intent*\nunsubscribe" in said(review)
    await nudge_http.choose(_option(review, "chit_chat"), review["ts"])  # U0TEAM
    answer = (await nudge_http.fake.wait_for_response())[-1]
    assert answer["response_type"] == "ephemeral"
    assert "Only the managers" in answer["text"] and "unsubscribe to chit_chat" in answer["text"]
    assert nudge_http.db.execute("select count(*) from corrections").fetchone() == (0,)
    assert nudge_http.db.execute("select count(*) from opt_outs").fetchone() == (1,)
    assert not nudge_http.fake.calls_to("chat.update")
