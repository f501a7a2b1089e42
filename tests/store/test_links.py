"""Tracked links and their clicks, as bot/store/links.py keeps them, on both backends.

A link is stored with what it was sent with and where it leads, under a random token; a
click is the token and the time, nothing about who clicked. Platform problems
(bot/store/problems.py) and the catch-ups' starting points (bot/store/history.py) are here too:
the rest of what the adapters keep.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import history, links, problems

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
REPLY = links.LinkInfo("reply", "17", "autumn-offer", "b", "slack", "C1")
URL = "https://crumbandco.example/offers/autumn?utm_source=slack&utm_campaign=autumn-box"


def test_a_link_leads_where_it_was_made_to_and_remembers_what_it_was_sent_with(any_db):
    token = links.create_link(any_db, REPLY, URL, AT)

    assert len(token) >= 16
    assert links.destination(any_db, token) == URL
    assert links.link_info(any_db, token) == REPLY


def test_a_token_nudge_never_made_leads_nowhere(any_db):
    assert links.destination(any_db, "AAAAAAAAAAAAAAAAAAAAAA") is None
    assert links.link_info(any_db, "AAAAAAAAAAAAAAAAAAAAAA") is None


def test_every_link_gets_its_own_token(any_db):
    tokens = {links.create_link(any_db, REPLY, URL, AT) for _ in range(50)}
    assert len(tokens) == 50


def test_a_promotion_post_keeps_its_token_when_retried(any_db):
    post = links.LinkInfo("promotion", "3", "order", "", "discord", "123", delivery_id=41)
    assert links.promotion_token(any_db, 41) is None

    token = links.create_link(any_db, post, URL, AT)

    assert links.promotion_token(any_db, 41) == token
    assert links.promotion_token(any_db, 42) is None


def test_clicks_are_counted_per_token_one_at_a_time_or_in_a_batch(any_db):
    first = links.create_link(any_db, REPLY, URL, AT)
    second = links.create_link(any_db, REPLY, URL, AT)

    links.record_click(any_db, first, AT)
    links.record_clicks(any_db, [(first, AT + timedelta(seconds=s)) for s in range(3)]
                        + [(second, AT)])

    assert (links.click_count(any_db, first), links.click_count(any_db, second)) == (4, 1)
    assert links.click_count(any_db) == 5
    assert links.click_count(any_db, "never-made") == 0


def test_a_repeated_platform_problem_is_counted_not_duplicated(any_db):
    problems.record_platform_error(any_db, "slack", "C1", "not_in_channel", "invite Nudge", AT)
    problems.record_platform_error(any_db, "slack", "C1", "not_in_channel", "invite it now",
                                   AT + timedelta(minutes=5))
    problems.record_platform_error(any_db, "discord", "9", "unknown_channel", "gone", AT)

    first, second = problems.platform_errors_since(any_db, AT)
    assert (first.platform, first.count, first.detail, first.first_at, first.last_at) == (
        "slack", 2, "invite it now", "2026-11-23T10:00:00+00:00", "2026-11-23T10:05:00+00:00")
    assert (second.platform, second.count) == ("discord", 1)
    assert problems.platform_errors_since(any_db, AT + timedelta(minutes=1)) == [first]


def _stored(db, platform: str, channel: str, thread: str, keys: list[str],
            at: datetime = AT) -> None:
    """A conversation with messages, as the conversation handler stores them."""
    conversation = db.execute(
        "insert into conversations (platform, workspace, channel, thread, started_at, "
        "last_message_at) values (?, 'T1', ?, ?, ?, ?)",
        [platform, channel, thread, at.isoformat(), at.isoformat()]).lastrowid
    for key in keys:
        db.execute("insert into messages (conversation_id, platform, event_key, author_id, "
                   "author_role, text, created_at) values (?, ?, ?, 'U1', 'customer', 'hi', ?)",
                   [conversation, platform, key, at.isoformat()])


def test_slack_catch_up_starts_after_the_newest_message_of_each_channel(any_db):
    _stored(any_db, "slack", "C1", "", ["C1:1790000000.000002", "C1:1790000009.000001"])
    _stored(any_db, "slack", "C1", "1790000000.000002", ["C1:1790000005.000007"])
    _stored(any_db, "slack", "C2", "", ["C2:1790000001.000001"])
    _stored(any_db, "slack", "C3", "", ["not-a-slack-key"])

    assert sorted(history.slack_newest_per_channel(any_db)) == [
        ("C1", "1790000009.000001"), ("C2", "1790000001.000001")]


def test_slack_re_reads_only_the_threads_active_lately_newest_first(any_db):
    _stored(any_db, "slack", "C1", "1.1", ["C1:1.1", "C1:1.5"], AT - timedelta(days=1))
    _stored(any_db, "slack", "C1", "2.1", ["C1:2.1"], AT)
    _stored(any_db, "slack", "C1", "3.1", ["C1:3.1"], AT - timedelta(days=30))

    assert history.slack_recent_threads(any_db, "C1", AT - timedelta(days=7), 10) == [
        ("2.1", "2.1"), ("1.1", "1.5")]
    assert history.slack_recent_threads(any_db, "C1", AT - timedelta(days=7), 1) == [
        ("2.1", "2.1")]


def test_discord_catch_up_compares_message_ids_as_64_bit_numbers(any_db):
    """Snowflakes do not fit 32 bits, and as text "999" would sort after "1000"."""
    _stored(any_db, "discord", "1200000000000000001", "", [
        "999999999999999999", "1300000000000000000", "interaction-1400000000000000000"])

    assert history.discord_newest_per_channel(any_db) == [
        (1200000000000000001, 1300000000000000000)]


def test_a_stored_message_tells_which_conversation_it_belongs_to(any_db):
    _stored(any_db, "discord", "5", "1300000000000000000", ["1300000000000000001"])

    assert history.thread_of_message(any_db, "discord", "1300000000000000001") == (
        "1300000000000000000")
    assert history.thread_of_message(any_db, "slack", "1300000000000000001") is None
