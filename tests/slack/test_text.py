"""Slack's markup, in and out."""

from __future__ import annotations

from bot.platforms.slack.text import command_text, escape, mention_users, plain


def test_a_customers_message_is_stored_as_the_words_a_person_reads():
    text = "hi <@U0TEAM|sam>, is <https://shop.example/x|this> in stock? &lt;3 in <#C01|general>"
    assert plain(text) == "hi @sam, is this (https://shop.example/x) in stock? <3 in #general"


def test_a_slash_commands_channels_arrive_as_ids_for_the_router():
    text = 'promo add "2 for 1 &amp; more" in <#C0PROMO|promos> at tomorrow 9am'
    assert command_text(text) == 'promo add "2 for 1 & more" in #C0PROMO at tomorrow 9am'


def test_text_sent_to_slack_cannot_ping_or_link_by_accident():
    assert escape("<!channel> Tom & Jerry >") == "&lt;!channel&gt; Tom &amp; Jerry &gt;"


def test_who_handled_a_review_becomes_a_mention():
    assert mention_users("sent by U0TEAM") == "sent by <@U0TEAM>"
    assert mention_users("already sent") == "already sent"
