"""The at-a-glance summary every platform can show: promotions, waiting threads, figures."""

from __future__ import annotations

import json

from bot.core.types import Request
from handlers import home
from handlers.conversation import record_message


def _customer_says(ctx, text: str, thread: str, user: str = "U1", name: str = "Alex") -> None:
    record_message(Request(platform="slack", text=text, user=user, channel="C1", thread=thread,
                           message_id=f"C1:{text}", user_name=name), ctx)


def test_waiting_threads_list_the_customers_latest_words_longest_wait_first(ctx, clock):
    _customer_says(ctx, "first question", "1.1")
    clock.advance(minutes=5)
    _customer_says(ctx, "second question", "2.2", user="U2", name="Bea")
    clock.advance(minutes=5)
    _customer_says(ctx, "any news?", "1.1")
    waiting = home.waiting_threads(ctx)
    assert [(w.customer, w.last_text) for w in waiting] == [
        ("Bea", "second question"), ("Alex", "any news?")]


def test_answered_threads_and_past_or_inactive_promotions_are_left_out(ctx, clock):
    _customer_says(ctx, "hello", "1.1")
    record_message(Request(platform="slack", text="hi!", user="U0TEAM", channel="C1",
                           thread="1.1", message_id="C1:1.2", role="team"), ctx)
    for text, when, status in [("soon", "2026-11-24T09:00:00+00:00", "active"),
                               ("gone", "2026-11-20T09:00:00+00:00", "active"),
                               ("paused", "2026-11-25T09:00:00+00:00", "paused")]:
        ctx.db["promotions"].insert({"text": text, "next_run_at": when, "status": status,
                                     "targets": json.dumps([{"platform": "slack",
                                                             "channel": "C9"}]),
                                     "trigger": json.dumps({"type": "date", "at": when}),
                                     "timezone": "Europe/London"})
    summary = home.summary(ctx)
    assert summary.waiting == []
    assert [(p.text, p.targets) for p in summary.promotions] == [("soon", (("slack", "C9"),))]
    assert summary.calendar == [("Tomorrow, Tue 24 Nov", ['09:00 #1 "soon" → slack #C9'])]
    assert summary.figures.customer_messages == 1


def test_the_summary_reads_as_plain_text_where_there_is_no_home_screen(ctx):
    _customer_says(ctx, "do you deliver?", "1.1")
    reply = home.summary_reply(home.summary(ctx), ctx.config.zone)
    values = {field.label: field.value for field in reply.fields}
    assert values["Next 14 days"] == "None scheduled."
    assert "Alex in C1 since Mon 23 Nov 10:00: do you deliver?" in values["Waiting for a reply"]
    assert values["Last 7 days"].startswith("1 customer message,")
