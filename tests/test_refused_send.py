"""A Send the platform refuses is undone: nothing counts as sent and the team can try again.

Every adapter calls `conversation.undo_send` when its post raises DeliveryError; these tests
pin what it restores, without any platform.
"""

from __future__ import annotations

import itertools

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Request
from handlers import conversation

REFUSED = "Slack chat.postMessage failed: not_in_channel"
_ids = itertools.count(1)


@pytest.fixture
def chat(ctx, engine):
    ctx.engine = engine
    return ctx


def say(chat, text: str, role: str = "customer", user: str = "U1"):
    request = Request(platform="slack", text=text, user=user, channel="C1", thread="T1",
                      message_id=f"m{next(_ids)}", role=role)
    return conversation.on_message(request, chat)


def conversation_row(chat) -> dict:
    return next(chat.db["conversations"].rows)


def fields(reply) -> dict[str, str]:
    return {field.label: field.value for field in reply.fields}


def statuses(chat, review) -> list[str]:
    """The status of each alternative suggested for the message `review` is about."""
    message = chat.db["suggestions"].get(review.meta["suggestion_id"])["message_id"]
    rows = chat.db["suggestions"].rows_where("message_id = ?", [message], order_by="rank")
    return [row["status"] for row in rows]


def test_a_refused_send_puts_the_suggestions_and_the_conversation_back(chat, clock):
    say(chat, "lovely weather today")
    review = say(chat, "how much does a pastry box cost?")
    before = conversation_row(chat)
    assert before["customer_messages_since_cta"] == 2
    clock.advance(minutes=1)

    result = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")
    assert result.post is not None and "utm_" in result.post.text  # a CTA: the cadence reset
    assert conversation_row(chat)["customer_messages_since_cta"] == 0
    shown = conversation.undo_send(chat, result, REFUSED)

    assert statuses(chat, review) == ["pending"] * 3
    assert conversation_row(chat) == before
    feedback = list(chat.db["feedback"].rows)
    assert [(f["action"], f["user_id"], f["problem"]) for f in feedback] == [
        ("send_failed", "UTEAM", REFUSED)]
    assert [c.action for c in shown.choices] == ["send", "another", "edit", "dismiss"]
    not_sent = fields(shown)["Not sent"]
    assert not_sent.startswith(REFUSED) and "answer the customer yourself" in not_sent


def test_after_a_refused_send_the_same_suggestion_can_be_sent_again(chat, clock):
    review = say(chat, "how much does a pastry box cost?")
    first = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")
    conversation.undo_send(chat, first, "Slack timed out", transient=True)

    again = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")

    assert again.post is not None
    assert statuses(chat, review) == ["sending", "dismissed", "dismissed"]
    assert conversation_row(chat)["status"] == "answered"
    actions = [row["action"] for row in chat.db["feedback"].rows_where(order_by="id")]
    assert actions == ["send_failed", "send"]


def test_a_passing_problem_says_to_press_send_again_soon(chat):
    review = say(chat, "how much does a pastry box cost?")
    result = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")
    shown = conversation.undo_send(chat, result, "Slack timed out", transient=True)
    assert fields(shown)["Not sent"] == \
        "Slack timed out; press Send again in a moment."


def test_a_refused_edit_keeps_what_the_person_typed(chat):
    review = say(chat, "can I order for tomorrow?")
    result = conversation.on_choice(chat, "edit", review.meta["suggestion_id"], "slack", "UTEAM",
                                    edited_text="Yes, from 9am!")
    shown = conversation.undo_send(chat, result, REFUSED)

    assert fields(shown)["Your edit (not sent)"] == \
        "Yes, from 9am!"
    row = next(chat.db["feedback"].rows)
    assert (row["action"], row["text"], row["problem"]) == ("edit_failed", "Yes, from 9am!",
                                                            REFUSED)
    assert set(statuses(chat, review)) == {"pending"}


def test_a_customer_message_that_arrives_meanwhile_still_counts(chat, clock):
    review = say(chat, "how much does a pastry box cost?")
    result = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")
    clock.advance(seconds=5)
    say(chat, "hello? anyone there?")
    conversation.undo_send(chat, result, REFUSED)

    row = conversation_row(chat)
    assert row["customer_messages_since_cta"] == 2  # one before the send, one during it
    assert row["status"] == "waiting" and row["answered_at"] is None
    assert row["last_message_at"] == clock().isoformat()


def test_a_reply_typed_by_hand_meanwhile_keeps_the_conversation_answered(chat, clock):
    review = say(chat, "how much does a pastry box cost?")
    result = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")
    clock.advance(seconds=5)
    say(chat, "It's 24 euros, see you soon!", role="team", user="UTEAM")
    conversation.undo_send(chat, result, REFUSED)

    row = conversation_row(chat)
    assert (row["status"], row["answered_at"]) == ("answered", clock().isoformat())


def test_undo_needs_the_result_of_a_send(chat):
    review = say(chat, "how much does a pastry box cost?")
    another = conversation.on_choice(chat, "another", review.meta["suggestion_id"], "slack", "U")
    with pytest.raises(ValueError):
        conversation.undo_send(chat, another, REFUSED)


def publisher(*outcomes):
    """A publish() that answers each call with the next outcome: an id, or an error to raise."""
    queue = list(outcomes)

    async def publish(post):
        outcome = queue.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return publish


async def test_a_send_is_sending_until_the_platform_confirms_it_then_sent(chat):
    review = say(chat, "how much does a pastry box cost?")
    result = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")
    assert statuses(chat, review)[0] == "sending"
    shown, refused = await conversation.deliver_choice(chat, result, publisher("1790.1"))
    assert not refused and shown is result.review
    assert statuses(chat, review) == ["sent", "dismissed", "dismissed"]


async def test_a_refused_send_through_deliver_choice_is_never_recorded_sent(chat):
    review = say(chat, "how much does a pastry box cost?")
    result = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")
    error = DeliveryError("Slack chat.postMessage failed: http_400", transient=False,
                          code="http_400", status=400)
    shown, refused = await conversation.deliver_choice(chat, result, publisher(error))
    assert refused
    assert statuses(chat, review) == ["pending"] * 3
    assert conversation_row(chat)["status"] == "waiting"
    assert "http_400" in fields(shown)["Not sent"]


async def test_an_unexpected_adapter_error_is_undone_like_a_refusal(chat, caplog):
    review = say(chat, "how much does a pastry box cost?")
    result = conversation.on_choice(chat, "send", review.meta["suggestion_id"], "slack", "UTEAM")
    shown, refused = await conversation.deliver_choice(
        chat, result, publisher(AttributeError("'str' object has no attribute 'get'")))
    assert refused
    assert statuses(chat, review) == ["pending"] * 3
    assert "unexpected error (AttributeError)" in fields(shown)["Not sent"]
