"""The review's buttons: Another, Dismiss, Edit (a modal, then send), and a send that fails."""

from __future__ import annotations

from tests.slack.conftest import CUSTOMER, CUSTOMERS


def _button(review: dict, action: str) -> dict:
    buttons = [b for b in review["blocks"] if b["type"] == "actions"][0]["elements"]
    return next(b for b in buttons if b["action_id"] == f"nudge_{action}")


def _status(nudge) -> list[str]:
    return [row[0] for row in nudge.db.execute("select status from suggestions order by id")]


async def test_another_redraws_the_review_with_the_next_suggestion(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    first_text = str(review["blocks"])
    await nudge_http.press("another", _button(review, "another")["value"], review["ts"])
    update = (await nudge_http.fake.wait_for("chat.update"))[-1].args
    assert update["ts"] == review["ts"] and update["channel"] == "C0REVIEW"
    assert str(update["blocks"]) != first_text
    assert _button(update, "send")["value"] != _button(review, "send")["value"]
    # the redrawn review still links to the customer's message
    assert "View the customer's message" in str(update["blocks"])
    assert len(nudge_http.fake.calls_to("chat.postMessage")) == 1  # nothing sent to anyone


async def test_dismiss_sends_nothing_and_shows_who_dismissed(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    await nudge_http.press("dismiss", _button(review, "dismiss")["value"], review["ts"])
    update = (await nudge_http.fake.wait_for("chat.update"))[-1].args
    assert "dismissed by <@U0TEAM>" in str(update["blocks"])
    assert set(_status(nudge_http)) == {"dismissed"}
    assert len(nudge_http.fake.calls_to("chat.postMessage")) == 1


async def test_edit_opens_a_modal_with_the_reply_and_its_submission_sends_the_new_text(nudge):
    review = await nudge.review_of("can I order for tomorrow?")
    value = _button(review, "edit")["value"]
    await nudge.press("edit", value, review["ts"])
    view = (await nudge.fake.wait_for("views.open"))[-1].args["view"]
    suggested = nudge.db.execute("select text from suggestions where id = ?", [value]).fetchone()
    assert view["blocks"][0]["element"]["initial_value"] == suggested[0]
    ack = await nudge.submit(view, {"reply": {"text": {"type": "plain_text_input",
                                                       "value": "Yes! Pick it up at 9am."}}})
    assert ack in ("", {})
    sent = (await nudge.fake.wait_for("chat.postMessage", 2))[-1].args
    assert sent == {"channel": CUSTOMERS, "text": "Yes! Pick it up at 9am.",
                    "thread_ts": "1790000000.000001"}
    update = (await nudge.fake.wait_for("chat.update"))[-1].args
    assert update["ts"] == review["ts"]
    assert "edited and sent by <@U0TEAM>" in str(update["blocks"])
    feedback = nudge.db.execute("select action, text from feedback").fetchall()
    assert feedback == [("edit", "Yes! Pick it up at 9am.")]


async def test_an_empty_edit_is_refused_inside_the_modal(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    await nudge_http.press("edit", _button(review, "edit")["value"], review["ts"])
    view = (await nudge_http.fake.wait_for("views.open"))[-1].args["view"]
    ack = await nudge_http.submit(view, {"reply": {"text": {"value": "   "}}})
    assert ack == {"response_action": "errors", "errors": {"reply": "Write the reply to send."}}
    assert set(_status(nudge_http)) == {"pending"}


async def test_a_send_that_slack_refuses_keeps_the_suggestion_pending_and_says_why(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    nudge_http.fake.fail_next("chat.postMessage", "not_in_channel")
    await nudge_http.press("send", _button(review, "send")["value"], review["ts"])
    update = (await nudge_http.fake.wait_for("chat.update"))[-1].args
    shown = str(update["blocks"])
    assert "not_in_channel" in shown and "answer the customer yourself" in shown
    assert [b for b in update["blocks"] if b["type"] == "actions"]  # buttons still there
    assert set(_status(nudge_http)) == {"pending"}
    status = nudge_http.db.execute("select status from conversations").fetchone()[0]
    assert status == "waiting"
    attempt = nudge_http.db.execute("select action, user_id, problem from feedback").fetchall()
    assert attempt == [("send_failed", "U0TEAM",
                        "Slack chat.postMessage failed: not_in_channel")]


async def test_a_second_send_of_the_same_suggestion_sends_nothing_more(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    value = _button(review, "send")["value"]
    await nudge_http.press("send", value, review["ts"])
    await nudge_http.fake.wait_for("chat.update")
    await nudge_http.press("send", value, review["ts"])
    await nudge_http.fake.wait_for("chat.update", 2)
    assert len(nudge_http.fake.calls_to("chat.postMessage")) == 2  # the review and one reply


async def test_a_customer_pressing_a_button_is_told_no_and_nothing_happens(nudge_http):
    review = await nudge_http.review_of("can I order for tomorrow?")
    await nudge_http.press("send", _button(review, "send")["value"], review["ts"], user=CUSTOMER)
    answer = (await nudge_http.fake.wait_for_response())[-1]
    assert answer["response_type"] == "ephemeral"
    assert "Only the team" in answer["text"]
    assert set(_status(nudge_http)) == {"pending"}


async def test_a_button_for_a_suggestion_that_no_longer_exists_gets_a_calm_answer(nudge_http):
    await nudge_http.press("send", "99999", "1790000000.000777")
    answer = (await nudge_http.fake.wait_for_response())[-1]
    assert "no longer exists" in answer["text"]
    assert answer["replace_original"] is False
