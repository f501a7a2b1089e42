"""Schedules and targets that could flood or reach the wrong person are refused with one line.

One floor for every schedule (cron included), promotions to channels only, reminders to `me`
or a team channel, at most 20 channels per promotion, and a direct message to an opted-out
customer never goes out, whatever asked for it. Monday 23 Nov 2026, 10:00 in London.
"""

from __future__ import annotations

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Post, Request
from handlers import conversation
from tests.promo_helpers import say


@pytest.mark.parametrize("cron", ["* * * * *", "*/5 * * * *", "0,30 9 * * *",
                                  "* * 25 12 *", "0-59/20 8-17 * * 1-5"])
def test_a_promotion_cron_more_often_than_hourly_is_refused(app, cron):
    reply = say(app, f'/nudge promo add "Flash sale" in #customers cron "{cron}"')
    assert not reply.ok
    assert "the shortest gap here is 1 hour(s)" in reply.text
    assert app.db["promotions"].count == 0


@pytest.mark.parametrize("cron", ["0 9 * * 1-5", "0 * * * *", "0 9,17 * * *", "15 8 1 * *"])
def test_a_promotion_cron_at_least_an_hour_apart_is_accepted(app, cron):
    reply = say(app, f'/nudge promo add "Fresh bread" in #customers cron "{cron}"')
    assert reply.ok, reply.text


def test_a_reminder_cron_obeys_the_fifteen_minute_floor(app):
    refused = say(app, '/nudge remind me "Check the oven" cron "*/5 * * * *"')
    assert not refused.ok and "the shortest gap here is 15 minutes" in refused.text
    every_minute = say(app, '/nudge remind #team "Stand up" cron "* * * * *"')
    assert not every_minute.ok and "1 minute apart" in every_minute.text
    quarterly = say(app, '/nudge remind me "Check the oven" cron "*/15 9-17 * * *"')
    assert quarterly.ok, quarterly.text
    assert app.db["reminders"].count == 1


@pytest.mark.parametrize("target", ["#U0CUSTOMER", "U0CUSTOMER", "slack:W012ABCDEF",
                                    "slack:#D0123ABCD", "<@U0CUSTOMER>"])
def test_a_promotion_to_a_person_or_direct_message_is_refused(app, target):
    reply = say(app, f'/nudge promo add "50% off" in {target} at tomorrow 9am')
    assert not reply.ok
    assert "not a channel" in reply.text
    assert app.db["promotions"].count == 0


def test_a_promotion_to_a_known_customer_id_is_refused_on_any_platform(app):
    conversation.record_message(Request(platform="console", text="hi", user="ann",
                                        channel="customers", message_id="m1"), app.ctx)
    reply = say(app, '/nudge promo add "50% off" in #ann at tomorrow 9am')
    assert not reply.ok and "console #ann is a customer, not a channel" in reply.text


def test_a_reminder_never_goes_to_a_customer_or_where_customers_talk(app):
    conversation.record_message(Request(platform="console", text="hi", user="ann",
                                        channel="customers", message_id="m1"), app.ctx)
    for target, line in (("#U0CUSTOMER", "not a channel"),  # on the console too: Slack-shaped
                         ("#ann", "is a customer, not a channel"),
                         ("#customers", "is where customers talk")):
        reply = say(app, f'/nudge remind {target} "Restock" at tomorrow 9am')
        assert not reply.ok and line in reply.text, (target, reply.text)
    assert say(app, '/nudge remind #team "Restock" at tomorrow 9am').ok
    assert say(app, '/nudge remind me "Restock" at tomorrow 9am').ok


def test_a_promotion_goes_to_at_most_twenty_channels(app):
    many = ", ".join(f"#shop{n}" for n in range(21))
    reply = say(app, f'/nudge promo add "Open day" in {many} at tomorrow 9am')
    assert not reply.ok and "at most 20" in reply.text
    twenty = ", ".join(f"#shop{n}" for n in range(20))
    assert say(app, f'/nudge promo add "Open day" in {twenty} at tomorrow 9am').ok


@pytest.mark.parametrize("ref", ["100000000000000000000000", "9223372036854775808",
                                 "9" * 5000, "-3", "0"])
def test_an_out_of_range_id_is_no_such_promotion(app, ref):
    for action in ("show", "pause", "cancel", "send-now"):
        reply = say(app, f"/nudge promo {action} {ref}")
        assert not reply.ok and "There is no promotion #" in reply.text, reply.text
        assert len(reply.text) < 200
    reply = say(app, f"/nudge remind cancel {ref}")
    assert not reply.ok and "There is no reminder #" in reply.text


def test_a_button_with_an_out_of_range_suggestion_id_is_answered_calmly(app):
    result = conversation.on_choice(app.ctx, "send", "1" + "0" * 30, "console", "team")
    assert not result.review.ok and result.post is None


async def test_a_direct_message_to_an_opted_out_customer_is_never_posted(app):
    app.db["opt_outs"].insert({"customer_id": "console:ann", "platform": "console",
                               "user_id": "ann", "created_at": "2026-11-20T10:00:00+00:00"})
    for post in (Post.direct("console", "ann", "We miss you!"),
                 Post("console", "ann", "We miss you!")):
        with pytest.raises(DeliveryError, match="opted out") as refused:
            await app.publish(post)
        assert refused.value.transient is False
    assert app.adapters["console"].posts == []
    await app.publish(Post.direct("console", "team", "Reminder: restock"))
    assert len(app.adapters["console"].posts) == 1


@pytest.mark.parametrize("text", ["\u200b\u200b\u200b", "\u200d\ufeff \u2060", "\u3164\u3164",
                                  " \t\n", "\u202e\u200f", "\ufe0f\u034f"])
def test_a_message_with_no_visible_characters_is_ignored(ctx, engine, text):
    ctx.engine = engine
    request = Request(platform="slack", text=text, user="U1", channel="C1", message_id="m1")
    assert conversation.on_message(request, ctx) is None
    assert ctx.db["messages"].count == 0 and ctx.db["suggestions"].count == 0
    visible = Request(platform="slack", text="\u200bhi?", user="U1", channel="C1",
                      message_id="m2")
    assert conversation.on_message(visible, ctx) is not None
