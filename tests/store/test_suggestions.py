"""Suggested replies and what the team did with them, the same on SQLite and PostgreSQL.

The rule these tests hold the store to: nothing is "sent" until the platform confirmed it.
"""

from __future__ import annotations

import pytest

from bot.store import conversations, suggestions
from bot.store.conversations import Incoming

AT = "2026-11-23T10:00:00+00:00"


@pytest.fixture
def three(any_db) -> list[int]:
    """A customer message with three suggested replies, ranked 0, 1, 2; their ids."""
    recorded = conversations.record_message(any_db, Incoming(
        "slack", "T1", "C1", "C1:U1", "U1", "Ada", "customer", "price?", "1.1"), AT)
    return suggestions.add(any_db, [
        {"message_id": recorded.message_id, "conversation_id": recorded.conversation_id,
         "rank": rank, "intent": "pricing", "text": f"reply {rank}", "source": "template",
         "status": "pending", "created_at": AT} for rank in range(3)])


def statuses(db, ids: list[int]) -> list[str]:
    return [suggestions.status_of(db, suggestion_id) for suggestion_id in ids]


def test_suggestions_read_back_in_rank_order(any_db, three):
    first = suggestions.get(any_db, three[0])
    assert (first["text"], first["rank"], first["status"], first["cta_url"]) == \
        ("reply 0", 0, "pending", None)
    assert [row["id"] for row in suggestions.live(any_db, first["message_id"])] == three
    assert suggestions.count_live(any_db, first["message_id"]) == 3
    assert suggestions.text_of(any_db, three[1]) == "reply 1"


def test_an_unknown_or_impossible_id_is_none_not_an_error(any_db, three):
    for wrong in (999, 0, -1, 2 ** 63, 10 ** 30):
        assert suggestions.get(any_db, wrong) is None
        assert suggestions.status_of(any_db, wrong) is None
        assert suggestions.text_of(any_db, wrong) is None


def test_a_send_is_sending_until_the_platform_confirms_then_sent(any_db, three):
    chosen = suggestions.get(any_db, three[1])
    assert suggestions.dismiss_alternatives(any_db, chosen) == (three[0], three[2])
    suggestions.mark_sending(any_db, three[1])
    assert statuses(any_db, three) == ["dismissed", "sending", "dismissed"]

    suggestions.mark_sent(any_db, three[1])
    assert statuses(any_db, three) == ["dismissed", "sent", "dismissed"]
    suggestions.mark_sent(any_db, three[0])  # only a suggestion being sent can become sent
    assert suggestions.status_of(any_db, three[0]) == "dismissed"


def test_a_refused_send_puts_the_suggestion_and_its_alternatives_back(any_db, three):
    chosen = suggestions.get(any_db, three[0])
    dismissed = suggestions.dismiss_alternatives(any_db, chosen)
    suggestions.mark_sending(any_db, three[0])
    pressed = suggestions.record_feedback(any_db, three[0], "send", "slack", "UTEAM", AT)

    suggestions.back_to_pending(any_db, (three[0], *dismissed))
    suggestions.mark_feedback(any_db, pressed, "send_failed", "channel_not_found " * 100)
    assert statuses(any_db, three) == ["pending"] * 3
    row = any_db["feedback"].get(pressed)
    assert row["action"] == "send_failed" and len(row["problem"]) == suggestions.MAX_PROBLEM


def test_dismiss_leaves_what_was_already_sent_alone(any_db, three):
    suggestions.mark_sending(any_db, three[2])
    suggestions.dismiss_pending(any_db, suggestions.get(any_db, three[0])["message_id"])
    assert statuses(any_db, three) == ["dismissed", "dismissed", "sending"]


def test_every_press_is_kept_and_an_edit_keeps_its_words(any_db, three):
    suggestions.record_feedback(any_db, three[0], "another", "slack", "UTEAM", AT)
    edited = suggestions.record_feedback(any_db, three[1], "edit", "slack", "UTEAM", AT,
                                         "my own words")
    assert suggestions.feedback_text(any_db, edited) == "my own words"
    assert suggestions.feedback_text(any_db, None) is None
    assert [row["action"] for row in any_db["feedback"].rows_where(order_by="id")] == \
        ["another", "edit"]


def test_a_correction_replaces_the_pending_ones_and_new_ones_keep_the_review(any_db, three):
    message_id = suggestions.get(any_db, three[0])["message_id"]
    suggestions.remember_review(any_db, three[2], "C0REVIEW:1.5")
    assert [suggestions.review_ref(any_db, i) for i in three] == ["C0REVIEW:1.5"] * 3

    suggestions.replace_pending(any_db, message_id)
    assert suggestions.live(any_db, message_id) == []
    [new] = suggestions.add(any_db, [{"message_id": message_id, "rank": 0, "text": "hours",
                                      "status": "pending", "created_at": AT}])
    suggestions.keep_review_ref(any_db, message_id, "C0REVIEW:1.5")
    assert suggestions.review_ref(any_db, new) == "C0REVIEW:1.5"
    assert [row["id"] for row in suggestions.live(any_db, message_id)] == [new]


def test_an_llm_wording_replaces_only_a_pending_template_still_as_it_was(any_db, three):
    assert suggestions.improve_text(any_db, three[0], "reply 0", "a better reply")
    assert suggestions.get(any_db, three[0])["source"] == "llm"
    assert not suggestions.improve_text(any_db, three[0], "a better reply", "again")
    assert not suggestions.improve_text(any_db, three[1], "someone else's words", "x")
    suggestions.mark_sending(any_db, three[2])
    assert not suggestions.improve_text(any_db, three[2], "reply 2", "too late")
    assert suggestions.text_of(any_db, three[2]) == "reply 2"


def test_a_review_handed_to_the_outbox_counts_as_shown(any_db, three):
    assert not suggestions.review_shown(any_db, three)
    assert not suggestions.review_shown(any_db, [])
    any_db.execute("insert into deliveries (kind, ref_id, platform, target, scheduled_for, "
                   "status, attempts) values ('review', ?, 'slack', 'C0', ?, 'queued', 0)",
                   [str(three[0]), AT])
    assert suggestions.review_shown(any_db, three)
