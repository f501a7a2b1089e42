"""What the store keeps of a conversation, the same on SQLite and on PostgreSQL.

Each test runs twice through `any_db`: on a SQLite file, then on a real PostgreSQL database.
"""

from __future__ import annotations

from bot.store import conversations, suggestions
from bot.store.conversations import Incoming

AT = "2026-11-23T10:00:00+00:00"
LATER = "2026-11-23T10:05:00+00:00"


def says(user: str, text: str, *, role: str = "customer", key: str | None = None,
         thread: str = "C1:U1", name: str = "Ada") -> Incoming:
    return Incoming(platform="slack", workspace="T1", channel="C1", thread=thread, user=user,
                    user_name=name, role=role, text=text, event_key=key)


def test_a_customer_message_starts_a_waiting_conversation_and_knows_its_customer(any_db):
    recorded = conversations.record_message(any_db, says("U1", "hi", key="1.1"), AT)

    assert recorded.customer_id == "slack:U1"
    row = conversations.conversation(any_db, recorded.conversation_id)
    assert (row["status"], row["customer_messages_since_cta"], row["last_message_at"]) == \
        ("waiting", 1, AT)
    message = conversations.message(any_db, recorded.message_id)
    assert (message["text"], message["author_role"], message["created_at"]) == \
        ("hi", "customer", AT)
    assert any_db["customers"].get("slack:U1")["name"] == "Ada"


def test_the_same_thread_is_one_conversation_and_a_message_is_stored_once(any_db):
    first = conversations.record_message(any_db, says("U1", "hi", key="1.1"), AT)
    second = conversations.record_message(any_db, says("U1", "still there?", key="1.2"), LATER)

    assert second.conversation_id == first.conversation_id
    assert conversations.conversation(any_db, first.conversation_id)[
        "customer_messages_since_cta"] == 2
    # Platforms redeliver events: the caller asks first, by the platform's own id.
    assert conversations.is_stored(any_db, "slack", "1.1")
    assert not conversations.is_stored(any_db, "slack", "9.9")
    assert not conversations.is_stored(any_db, "slack", None)
    assert conversations.stored_message(any_db, "slack", "1.2") == {
        "id": second.message_id, "conversation_id": first.conversation_id,
        "author_role": "customer", "customer_id": "slack:U1"}


def test_a_customers_name_is_kept_fresh_but_never_blanked(any_db):
    conversations.record_message(any_db, says("U1", "hi", name="Ada"), AT)
    conversations.record_message(any_db, says("U1", "hello?", name=""), LATER)
    assert any_db["customers"].get("slack:U1")["name"] == "Ada"
    conversations.record_message(any_db, says("U1", "me again", name="Ada L."), LATER)
    row = any_db["customers"].get("slack:U1")
    assert (row["name"], row["first_seen"], row["last_seen"]) == ("Ada L.", AT, LATER)


def test_a_team_reply_answers_the_thread_and_a_link_restarts_the_cta_cadence(any_db):
    recorded = conversations.record_message(any_db, says("U1", "price?"), AT)
    conversations.record_message(any_db, says("UTEAM", "4.50", role="team"), LATER)
    row = conversations.conversation(any_db, recorded.conversation_id)
    assert (row["status"], row["answered_at"], row["customer_messages_since_cta"]) == \
        ("answered", LATER, 1)

    conversations.record_message(any_db, says("UTEAM", "see https://shop", role="team"),
                                 LATER, team_sent_cta=True)
    row = conversations.conversation(any_db, recorded.conversation_id)
    assert (row["customer_messages_since_cta"], row["last_cta_at"]) == (0, LATER)


def test_the_engine_sees_the_customers_earlier_words_newest_first(any_db):
    first = conversations.record_message(any_db, says("U1", "hi"), AT)
    conversations.set_classification(any_db, first.message_id, "chit_chat", "chat", 0.9, None)
    conversations.record_message(any_db, says("UTEAM", "hello!", role="team"), AT)
    second = conversations.record_message(any_db, says("U1", "price?"), LATER)
    third = conversations.record_message(any_db, says("U1", "and hours?"), LATER)

    earlier = conversations.earlier_customer_messages(any_db, third.conversation_id,
                                                      third.message_id, limit=5)
    assert earlier == [("price?", None), ("hi", "chit_chat")]
    assert conversations.earlier_customer_messages(any_db, second.conversation_id,
                                                   second.message_id, limit=1) == [
        ("hi", "chit_chat")]


def test_what_the_team_said_is_what_was_sent_as_edited_and_what_was_typed(any_db):
    asked = conversations.record_message(any_db, says("U1", "price?"), AT)
    [sent, _] = suggestions.add(any_db, [
        {"message_id": asked.message_id, "conversation_id": asked.conversation_id, "rank": 0,
         "text": "A loaf is 4.50.", "offer_id": "autumn", "status": "sent", "created_at": AT},
        {"message_id": asked.message_id, "conversation_id": asked.conversation_id, "rank": 1,
         "text": "Never sent.", "status": "dismissed", "created_at": AT}])
    suggestions.record_feedback(any_db, sent, "edit", "slack", "UTEAM", AT,
                                "A loaf is 4.50 today.")
    conversations.record_message(any_db, says("UTEAM", "Fresh at 8am.", role="team"), LATER)

    said = conversations.said_in_thread(any_db, asked.conversation_id)
    assert [(text, offer) for _, text, offer in said] == [
        ("A loaf is 4.50 today.", "autumn"), ("Fresh at 8am.", None)]


def test_an_edited_customer_message_keeps_its_new_words(any_db):
    recorded = conversations.record_message(any_db, says("U1", "prce?", key="1.1"), AT)
    assert conversations.record_edit(any_db, "slack", "1.1", "price?")
    assert conversations.message(any_db, recorded.message_id)["text"] == "price?"
    assert not conversations.record_edit(any_db, "slack", "never-seen", "words")


def test_an_answer_that_never_reached_the_customer_is_undone_but_later_news_is_kept(any_db):
    recorded = conversations.record_message(any_db, says("U1", "price?"), AT)
    before = dict(conversations.conversation(any_db, recorded.conversation_id),
                  reset_cta=True)
    conversations.mark_answered(any_db, recorded.conversation_id, LATER, reset_cta=True)
    conversations.unmark_answered(any_db, recorded.conversation_id, LATER, before)
    row = conversations.conversation(any_db, recorded.conversation_id)
    assert (row["status"], row["answered_at"], row["last_message_at"],
            row["customer_messages_since_cta"]) == ("waiting", None, AT, 1)

    # The customer wrote again after the (refused) answer: that message stays counted.
    conversations.mark_answered(any_db, recorded.conversation_id, LATER, reset_cta=True)
    conversations.record_message(any_db, says("U1", "hello?"), "2026-11-23T10:06:00+00:00")
    conversations.unmark_answered(any_db, recorded.conversation_id, LATER, before)
    row = conversations.conversation(any_db, recorded.conversation_id)
    assert (row["status"], row["last_message_at"], row["customer_messages_since_cta"]) == \
        ("waiting", "2026-11-23T10:06:00+00:00", 2)


def test_an_urgent_thread_stays_marked(any_db):
    recorded = conversations.record_message(any_db, says("U1", "my order is wrong"), AT)
    conversations.mark_urgent(any_db, recorded.conversation_id)
    assert conversations.conversation(any_db, recorded.conversation_id)["urgent"] == 1


def test_an_opt_out_is_kept_once_with_the_first_words_and_can_be_withdrawn(any_db):
    assert not conversations.is_opted_out(any_db, "slack:U1")
    conversations.record_opt_out(any_db, "slack:U1", "slack", "U1", AT, "stop messaging me")
    conversations.record_opt_out(any_db, "slack:U1", "slack", "U1", LATER, "STOP")

    assert conversations.is_opted_out(any_db, "slack:U1")
    assert conversations.is_opted_out_person(any_db, "slack", "U1")
    assert not conversations.is_opted_out_person(any_db, "discord", "U1")
    assert [row["message"] for row in any_db["opt_outs"].rows] == ["stop messaging me"]

    conversations.withdraw_opt_out(any_db, "slack:U1", "STOP")  # not the words that opted out
    assert conversations.is_opted_out(any_db, "slack:U1")
    conversations.withdraw_opt_out(any_db, "slack:U1", "stop messaging me")
    assert not conversations.is_opted_out(any_db, "slack:U1")


def test_two_processes_starting_the_same_thread_at_once_share_one_conversation(postgres_url):
    """Several Nudge processes may share PostgreSQL: the first message of a thread arriving at
    two of them at the same moment is two messages in one conversation, neither refused."""
    import threading

    from bot.store import open_db

    databases = [open_db(postgres_url), open_db(postgres_url)]
    start, recorded = threading.Barrier(2), {}

    def record(number: int) -> None:
        start.wait()
        recorded[number] = conversations.record_message(
            databases[number], says("U1", f"hello {number}", key=f"C1:{number}", thread="t9"), AT)

    workers = [threading.Thread(target=record, args=(n,)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    try:
        assert recorded[0].conversation_id == recorded[1].conversation_id
        assert databases[0]["messages"].count == 2
        assert databases[0]["conversations"].count == 1
    finally:
        for db in databases:
            db.conn.close()
