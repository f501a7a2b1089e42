"""Honest acceptance: an edited reply is not "sent as suggested", and every suggestion ends in
exactly one outcome, counted by intent and by CTA with its clicks beside it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.results.outcomes import outcomes, similarity
from bot.results.report import span_ending
from bot.store.links import LinkInfo, create_link, record_click
from handlers import conversation
from tests.tracking_helpers import pricing_thread


def span(ctx):
    return span_ending(ctx.now().astimezone(ctx.config.zone).date(), 1, ctx.config.zone)


def counts(ctx, intent):
    window = span(ctx)
    tally = outcomes(ctx.db, window.start, window.end).by_intent[intent]
    return {name: n for name, n in tally.counts.items() if n}, tally


def second_suggestion(ctx, first: int) -> int:
    row = {k: v for k, v in ctx.db["suggestions"].get(first).items() if k != "id"}
    return ctx.db["suggestions"].insert({**row, "rank": 1, "text": "Another wording."}).last_pk


def test_an_edit_is_counted_as_sent_after_an_edit_never_as_sent_as_suggested(ctx):
    suggestion = pricing_thread(ctx)
    text = ctx.db["suggestions"].get(suggestion)["text"]
    edited = text.replace("Our box is £12.", "Boxes are £12 each!")
    sent = conversation.on_choice(ctx, "edit", suggestion, "slack", "U_TEAM", edited_text=edited)
    conversation.confirm_send(ctx, sent)  # the platform confirmed the post
    found, tally = counts(ctx, "pricing")
    assert found == {"edited": 1}
    assert 0.6 < tally.kept < 1.0  # most of the suggestion was kept


def test_each_message_ends_in_exactly_one_outcome(ctx, clock):
    as_is = pricing_thread(ctx, thread="1")
    sent = conversation.on_choice(ctx, "send", as_is, "slack", "U_TEAM")
    conversation.confirm_send(ctx, sent)  # the platform confirmed the post
    first = pricing_thread(ctx, thread="2")
    other = second_suggestion(ctx, first)
    conversation.on_choice(ctx, "another", first, "slack", "U_TEAM")
    sent = conversation.on_choice(ctx, "send", other, "slack", "U_TEAM")
    conversation.confirm_send(ctx, sent)  # the platform confirmed the post
    dismissed = pricing_thread(ctx, thread="3")
    conversation.on_choice(ctx, "dismiss", dismissed, "slack", "U_TEAM")
    pricing_thread(ctx, thread="4")  # nobody pressed anything
    found, tally = counts(ctx, "pricing")
    assert found == {"as_suggested": 1, "another": 1, "dismissed": 1, "never": 1}
    assert tally.suggested == 4 and tally.sent == 2


def test_a_refused_send_is_never_handled_not_sent(ctx):
    suggestion = pricing_thread(ctx)
    result = conversation.on_choice(ctx, "send", suggestion, "slack", "U_TEAM")
    conversation.undo_send(ctx, result, "channel_not_found")
    assert counts(ctx, "pricing")[0] == {"never": 1}


def test_clicks_stand_beside_the_intent_and_cta_that_earned_them(ctx, clock):
    suggestion = pricing_thread(ctx)
    sent = conversation.on_choice(ctx, "send", suggestion, "slack", "U_TEAM")
    conversation.confirm_send(ctx, sent)  # the platform confirmed the post
    token = create_link(ctx.db, LinkInfo("reply", str(suggestion), "autumn-offer", "", "slack",
                                         "C1"), "https://x.example", clock())
    record_click(ctx.db, token, clock())
    record_click(ctx.db, token, clock())
    window = span(ctx)
    result = outcomes(ctx.db, window.start, window.end)
    assert result.by_intent["pricing"].clicks == 2
    assert result.by_cta["autumn-offer"].clicks == 2
    assert result.by_cta["autumn-offer"].counts["as_suggested"] == 1


def test_similarity_says_how_much_an_edit_kept():
    assert similarity("Our box is £12.", "Our box is £12.") == 1.0
    assert similarity("Our box is £12.", "Sorry, sold out") < 0.5


def test_suggestions_outside_the_span_are_not_counted(ctx, clock):
    pricing_thread(ctx)
    clock.moment = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    window = span(ctx)
    assert outcomes(ctx.db, window.start, window.end).total.suggested == 0
    assert clock() > window.start
