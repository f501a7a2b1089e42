"""Warnings before mistakes: shown with the confirmation, never refusing the promotion."""

from __future__ import annotations

from tests.promo_helpers import add, say


def warnings(reply) -> list[str]:
    assert reply.ok, reply.text
    return reply.meta.get("warnings", [])


async def test_a_clean_promotion_has_no_warnings(app):
    reply = say(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    assert warnings(reply) == []
    assert "Check" not in [field.label for field in reply.fields]


async def test_the_same_text_to_the_same_channel_within_a_day_is_flagged(app):
    first = add(app, '/nudge promo add "Mince pies are back!" in #customers at tomorrow 9am')
    reply = say(app, '/nudge promo add "mince pies are  back!" in #customers, #news '
                     "at tomorrow 3pm")
    [warning] = warnings(reply)
    assert f"already scheduled in console #customers by promotion #{first}" in warning
    assert "/nudge promo cancel 2" in warning
    check = next(field.value for field in reply.fields if field.label == "Check")
    assert check.startswith("⚠️ The same text")


async def test_the_same_text_days_apart_or_elsewhere_is_fine(app):
    add(app, '/nudge promo add "Mince pies are back!" in #customers at tomorrow 9am')
    assert warnings(say(app, '/nudge promo add "Mince pies are back!" in #customers '
                             "at nov 27 9am")) == []
    assert warnings(say(app, '/nudge promo add "Mince pies are back!" in #news '
                             "at tomorrow 9am")) == []


async def test_an_offer_that_ends_before_the_last_post_suggests_until_its_end(app):
    # autumn10 ends on 31 December 2026; a daily post with no end runs past it.
    reply = say(app, '/nudge promo add "Autumn box" in #customers every day at 9:00 '
                     "offer autumn10")
    [warning] = warnings(reply)
    assert "Offer autumn10 ends on Thu 31 Dec 2026" in warning
    assert "from Fri 01 Jan 2027 09:00" in warning
    fix = warning.split("`")[1]
    assert fix == "/nudge promo edit 1 until dec 31"
    assert warnings(say(app, fix)) == []  # the fix works, and leaves nothing to warn about


async def test_a_cta_that_does_not_sell_the_offer_is_flagged(app):
    reply = say(app, '/nudge promo add "3 for 2 mince pies" in #customers at tomorrow 9am '
                     "offer autumn10 cta review")
    [warning] = warnings(reply)
    assert 'The CTA "' in warning and "(review) does not lead to offer autumn10" in warning
    assert "`cta order-online`" in warning


async def test_a_channel_on_a_platform_that_is_not_connected_is_flagged(app):
    reply = say(app, '/nudge promo add "Hi" in #customers, slack:#C0123ABCD at tomorrow 9am')
    found = warnings(reply)
    assert any("Slack is not connected to this Nudge, so posts to slack #C0123ABCD will fail"
               in line for line in found)
    assert not any("Console is not connected" in line for line in found)


async def test_a_platform_without_a_review_channel_is_flagged(app):
    app.config.platforms.console.review_channel = ""
    [warning] = warnings(say(app, '/nudge promo add "Hi" in #customers at tomorrow 9am'))
    assert "No review channel is set for console (`platforms.console.review_channel`)" in warning


async def test_a_reschedule_is_checked_too(app):
    pid = add(app, '/nudge promo add "Autumn box" in #customers at tomorrow 9am '
                   "offer autumn10")
    reply = say(app, f"/nudge promo edit {pid} every day at 9:00")
    assert any("Offer autumn10 ends" in line for line in warnings(reply))
