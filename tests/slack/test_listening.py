"""Who is who in a customer channel, and which messages Nudge ignores."""

from __future__ import annotations

from tests import fake_slack as fake
from tests.slack.conftest import (
    CUSTOMER,
    CUSTOMERS,
    TEAM_MEMBER,
    slack_config,
    start_nudge,
    stop_nudge,
)


def _rows(nudge, sql: str) -> list[tuple]:
    return nudge.db.execute(sql).fetchall()


async def _settle(nudge, ts: str, user: str = CUSTOMER) -> None:
    """A customer message after the ones under test: once its review is out, all were handled."""
    await nudge.review_of("one more question", ts=ts, user=user)


async def test_a_team_reply_in_the_thread_marks_it_answered_without_a_suggestion(nudge_http):
    await nudge_http.review_of("do you have gluten-free bread?", ts="1790000000.000001")
    await nudge_http.say("yes we do!", user=TEAM_MEMBER, ts="1790000000.000002",
                         thread_ts="1790000000.000001")
    await _settle(nudge_http, "1790000000.000003")
    assert _rows(nudge_http, "select thread, status from conversations order by id") == [
        ("1790000000.000001", "answered"), ("1790000000.000003", "waiting")]
    roles = _rows(nudge_http, "select author_role from messages order by id")
    assert roles == [("customer",), ("team",), ("customer",)]
    assert len(nudge_http.fake.calls_to("chat.postMessage")) == 2  # two reviews, no more


async def test_replies_in_a_thread_belong_to_the_threads_conversation(nudge_http):
    await nudge_http.review_of("hi", ts="1790000000.000001")
    await nudge_http.review_of("can I order?", ts="1790000000.000002",
                               thread_ts="1790000000.000001")
    assert _rows(nudge_http, "select count(*) from conversations") == [(1,)]
    assert _rows(nudge_http, "select customer_messages_since_cta from conversations") == [(2,)]


async def test_nudges_own_messages_other_bots_and_notices_are_ignored(nudge_http):
    await nudge_http.say("I am Nudge", user=fake.BOT_USER_ID, bot_id=fake.BOT_ID,
                         ts="1790000000.000001")
    await nudge_http.say("beep", user="U0OTHERBOT", bot_id="B0OTHER", ts="1790000000.000002")
    await nudge_http.say("", subtype="channel_join", ts="1790000000.000003")
    await nudge_http.say("gone", subtype="message_deleted", ts="1790000000.000004")
    await _settle(nudge_http, "1790000000.000005")
    assert _rows(nudge_http, "select text from messages") == [("one more question",)]


async def test_a_bot_listed_in_allow_bots_is_heard_as_a_customer(tmp_path, fake_slack, clock):
    config = slack_config(tmp_path, fake_slack, allow_bots=["B0FORM"])
    nudge = await start_nudge("http", config, fake_slack, clock)
    try:
        review = await nudge.review_of("New web form: I want to order a cake", user="U0FORMBOT",
                                       bot_id="B0FORM", subtype="bot_message")
        assert review["channel"] == "C0REVIEW"
    finally:
        await stop_nudge(nudge)


async def test_an_edit_updates_the_stored_text(nudge_http):
    await nudge_http.review_of("can I order a cake for firday?", ts="1790000000.000001")
    edited = {"type": "message", "subtype": "message_changed", "channel": CUSTOMERS,
              "ts": "1790000000.000009", "hidden": True,
              "message": {"type": "message", "user": CUSTOMER, "ts": "1790000000.000001",
                          "text": "can I order a cake for friday?"}}
    await nudge_http.deliver("events_api", fake.event_callback(edited))
    await _settle(nudge_http, "1790000000.000002")
    assert _rows(nudge_http, "select text from messages order by id")[0] == (
        "can I order a cake for friday?",)


async def test_an_external_person_in_a_shared_channel_is_a_customer_even_if_listed_as_team(
        tmp_path, fake_slack, clock):
    fake_slack.add_user("U0PARTNER", "Partner", team_id="T0OTHERORG")
    config = slack_config(tmp_path, fake_slack, team_users=[TEAM_MEMBER, "U0PARTNER"])
    nudge = await start_nudge("http", config, fake_slack, clock)
    try:
        await nudge.review_of("how much is delivery?", user="U0PARTNER",
                              user_team="T0OTHERORG")
        assert _rows(nudge, "select author_role from messages") == [("customer",)]
        assert _rows(nudge, "select name from customers") == [("Partner",)]
    finally:
        await stop_nudge(nudge)


async def test_members_of_the_team_user_group_are_the_team(tmp_path, fake_slack, clock):
    fake_slack.add_user("U0BAKER", "Baker")
    fake_slack.usergroups["S0TEAM"] = ["U0BAKER"]
    config = slack_config(tmp_path, fake_slack, team_users=[], team_usergroup="S0TEAM")
    nudge = await start_nudge("http", config, fake_slack, clock)
    try:
        await nudge.review_of("hello, open today?", ts="1790000000.000001")
        await nudge.say("yes, until 6!", user="U0BAKER", ts="1790000000.000002",
                        thread_ts="1790000000.000001")
        await _settle(nudge, "1790000000.000003")
        assert _rows(nudge, "select author_role from messages order by id") == [
            ("customer",), ("team",), ("customer",)]
        assert len(fake_slack.calls_to("usergroups.users.list")) == 1  # cached
    finally:
        await stop_nudge(nudge)


async def test_without_a_team_list_members_are_the_team_and_guests_are_customers(
        tmp_path, fake_slack, clock):
    fake_slack.add_user("U0GUEST", "Guest", guest=True)
    config = slack_config(tmp_path, fake_slack, team_users=[])
    nudge = await start_nudge("http", config, fake_slack, clock)
    try:
        await nudge.review_of("hi, do you have croissants?", user="U0GUEST",
                              ts="1790000000.000001")
        await nudge.say("we do!", user=TEAM_MEMBER, ts="1790000000.000002",
                        thread_ts="1790000000.000001")
        await nudge.say("me too", user=CUSTOMER, ts="1790000000.000003")  # a full member
        await _settle(nudge, "1790000000.000004", user="U0GUEST")
        roles = _rows(nudge, "select author_id, author_role from messages order by id")
        assert roles == [("U0GUEST", "customer"), (TEAM_MEMBER, "team"), (CUSTOMER, "team"),
                         ("U0GUEST", "customer")]
    finally:
        await stop_nudge(nudge)
