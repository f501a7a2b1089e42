"""A review longer than one Slack message (50 blocks) is shown whole, over consecutive
messages; the buttons come with the last, which is the one a press redraws."""

from __future__ import annotations

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Choice, Field, Menu, Option, Reply
from bot.platforms.slack import adapter as slack_adapter
from bot.platforms.slack import blocks
from bot.platforms.slack.listeners.common import update_review
from bot.platforms.slack.text import unescape
from tests.fake_slack_blocks import MAX_BLOCKS_TEXT, block_text_length, view_errors
from tests.fakes import SleepRecorder
from tests.slack.conftest import REVIEW

# About 190,000 characters: some 65 sections of 2,960.
HUGE = "\n".join(f"Paragraph {n}: our seasonal menu, explained at length & with care."
                 for n in range(2800))
CHOICES = (Choice("send", "Send", "7", "primary"), Choice("dismiss", "Dismiss", "7"))


def _review(*more: Field) -> Reply:
    return Reply("New customer message", fields=(Field("Suggested reply", HUGE), *more),
                 choices=CHOICES)


def _said(parts: list[dict]) -> str:
    """The suggested reply as the team reads it across every part."""
    sections = [b["text"]["text"] for part in parts for b in part["blocks"]
                if b["type"] == "section"]
    return unescape("".join(sections[1:]).removeprefix("*Suggested reply*\n"))


def _carried(part: dict) -> int:
    """The characters of text a message's blocks carry, as the fake Slack counts them."""
    return block_text_length(part["blocks"])


def test_a_review_over_50_blocks_is_split_into_messages_that_each_fit():
    parts = blocks.message_parts(_review())
    assert len(parts) > 2  # 190,000 characters: Slack takes about 12,000 per message
    assert all(len(part["blocks"]) <= blocks.MAX_BLOCKS for part in parts)
    assert all(_carried(part) <= MAX_BLOCKS_TEXT for part in parts)
    assert [b["type"] for b in parts[-1]["blocks"]][-1] == "actions"
    assert not any(b["type"] == "actions" for b in parts[0]["blocks"])
    assert _said(parts) == HUGE


def test_the_buttons_never_push_a_full_last_part_over_50_blocks():
    fields = tuple(Field(f"Line {n}", "x") for n in range(49))  # 50 sections with the title
    parts = blocks.message_parts(Reply("Digest", fields=fields, choices=CHOICES))
    assert [len(part["blocks"]) for part in parts] == [49, 2]


def test_a_review_that_fits_is_one_message_as_before():
    reply = Reply("New customer message", fields=(Field("Suggested reply", "Yes!"),),
                  choices=CHOICES, menu=Menu("intent", "Wrong intent?", "7",
                                             (Option("pricing", "Pricing"),)))
    assert blocks.message_parts(reply) == [blocks.message(reply)]


async def test_a_huge_review_is_posted_whole_and_its_last_part_redrawn(nudge_http):
    channel, ts = await nudge_http.adapter.post_review(_review())
    posted = nudge_http.fake.calls_to("chat.postMessage")
    assert len(posted) > 2 and {call.args["channel"] for call in posted} == {REVIEW}
    assert _said([call.args for call in posted]) == HUGE
    assert (channel, ts) == (REVIEW, posted[-1].response["ts"])

    handled = _review(Field("Handled", "Sent by U0TEAM"))
    await update_review(nudge_http.adapter, channel, ts, handled)
    [update] = nudge_http.fake.calls_to("chat.update")
    assert update.args["ts"] == ts
    assert len(update.args["blocks"]) <= blocks.MAX_BLOCKS


def test_the_edit_modal_of_the_longest_reply_is_a_view_slack_draws():
    view = blocks.edit_modal(7, HUGE[:60_000], REVIEW, "1790000000.000100")
    assert view_errors(view) == []
    assert blocks.edited_text({b["block_id"]: {"text": {"value": b["element"]["initial_value"]}}
                               for b in view["blocks"]}) == HUGE[:60_000]


async def test_a_huge_review_retried_after_its_second_part_failed_never_repeats_the_first(
        nudge_http):
    """The outbox retries a review that met a passing error; the parts already shown stay
    shown once, and the retry goes on from the one that failed."""
    nudge_http.app.scheduler.sender.sleep = SleepRecorder()
    # The client retries a 429 twice by itself: three refusals reach the outbox once.
    nudge_http.fake.rate_limit_next("chat.postMessage", times=3, after=1)
    review = Reply("New customer message", fields=(Field("Suggested reply", HUGE),),
                   choices=CHOICES, meta={"suggestion_id": 7})
    adapter = nudge_http.adapter
    shown = await nudge_http.app.show_review(review, "slack",
                                             lambda: adapter.post_review(review))
    posted = nudge_http.fake.calls_to("chat.postMessage")
    assert len(posted) > 2
    assert _said([call.args for call in posted]) == HUGE
    assert shown == (REVIEW, posted[-1].response["ts"])
    assert nudge_http.app.scheduler.sender.sleep.delays == [1.0]


def test_one_message_answer_never_carries_more_text_than_slack_takes():
    """An ephemeral answer or a response-URL reply is one message: past the text Slack takes,
    the rest is cut with a note saying so."""
    message = blocks.message(_review())
    assert _carried(message) <= MAX_BLOCKS_TEXT
    assert "not shown" in message["blocks"][-2]["text"]["text"]
    assert message["blocks"][-1]["type"] == "actions"


async def test_reviews_cut_off_for_good_are_forgotten_past_a_bound(nudge_http, monkeypatch):
    """A review whose second part was refused for good is never retried, so its note of the
    parts shown is never taken back: only the latest few are kept (issue 26)."""
    monkeypatch.setattr(slack_adapter, "MAX_PARTIAL_REVIEWS", 2)
    for suggestion_id in range(1, 6):
        nudge_http.fake.fail_next("chat.postMessage", "channel_not_found", after=1)
        review = Reply("New customer message", fields=(Field("Suggested reply", HUGE),),
                       choices=CHOICES, meta={"suggestion_id": suggestion_id})
        with pytest.raises(DeliveryError):
            await nudge_http.adapter.post_review(review)
    assert nudge_http.adapter._review_parts_shown == {4: 1, 5: 1}
