"""The main flow, in HTTP mode and in Socket Mode: a customer writes, the team reviews, Send."""

from __future__ import annotations

from bot.platforms.slack.text import escape
from tests.slack.conftest import CUSTOMERS, REVIEW, said


async def test_a_customer_message_gets_a_review_with_four_buttons_and_a_menu(nudge):
    review = await nudge.review_of("hi, can I order a sourdough loaf for saturday?")
    assert review["channel"] == REVIEW
    actions = [block for block in review["blocks"] if block["type"] == "actions"]
    assert [b["action_id"] for b in actions[0]["elements"]] == [
        "nudge_send", "nudge_another", "nudge_edit", "nudge_dismiss", "nudge_intent"]
    assert review["blocks"][0]["text"]["text"].startswith(
        "New customer message in <#C0CUSTOMERS>: purchase_intent")
    shown = "\n".join(str(block) for block in review["blocks"])
    assert "can I order a sourdough loaf" in shown
    assert "https://home.slack.test/archives/C0CUSTOMERS/p1790000000000001" in shown


async def test_pressing_send_posts_the_reply_in_the_customers_thread_with_the_cta_link(nudge):
    review = await nudge.review_of("I'd like to order two loaves please")
    send = review["blocks"][-1]["elements"][0]
    await nudge.press("send", send["value"], review["ts"])
    calls = await nudge.fake.wait_for("chat.postMessage", 2)
    reply = calls[-1].args
    assert reply["channel"] == CUSTOMERS
    assert reply["thread_ts"] == "1790000000.000001"
    link = nudge.db.execute("select cta_url from suggestions where id = ?",
                            [send["value"]]).fetchone()[0]
    assert link.startswith("https://crumbandco.example/") and "utm_source=slack" in link
    assert escape(link) in reply["text"]  # & escaped as Slack requires; Slack shows it plain
    update = (await nudge.fake.wait_for("chat.update"))[-1].args
    assert update["ts"] == review["ts"]
    assert "sent by <@U0TEAM>" in str(update["blocks"])
    assert not [b for b in update["blocks"] if b["type"] == "actions"]


async def test_a_slash_command_is_acknowledged_then_answered_privately(nudge):
    answer = await nudge.command("help")
    assert answer["response_type"] == "ephemeral"
    assert "Nudge commands" in answer["text"]


async def test_every_socket_mode_envelope_is_acknowledged(tmp_path, fake_slack, clock):
    from tests import fake_slack as fake
    from tests.slack.conftest import slack_config, start_nudge, stop_nudge

    nudge = await start_nudge("socket", slack_config(tmp_path, fake_slack), fake_slack, clock)
    try:
        event = fake.message_event("hi", user="U0CUSTOMER", channel=CUSTOMERS,
                                   ts="1790000000.000001")
        envelope = await fake_slack.push("events_api", event)
        assert await fake_slack.wait_for_ack(envelope) == {}
        command = fake.slash_command("help", user="U0TEAM", channel=REVIEW,
                                     response_url=fake_slack.response_url())
        envelope = await fake_slack.push("slash_commands", command)
        assert await fake_slack.wait_for_ack(envelope) == {}
        assert fake_slack.calls_to("apps.connections.open")[0].token == fake.APP_TOKEN
    finally:
        await stop_nudge(nudge)


async def test_digests_and_pings_reach_the_review_channel(nudge_http):
    from bot.core.types import Reply

    await nudge_http.app.notify_team(Reply("Good morning! 2 customers waiting", private=False))
    posted = (await nudge_http.fake.wait_for("chat.postMessage"))[-1].args
    assert posted["channel"] == REVIEW
    assert posted["text"] == "Good morning! 2 customers waiting"


async def test_suggest_shows_what_nudge_would_say_without_storing_anything(nudge_http):
    answer = await nudge_http.command("suggest can I order a cake for saturday?")
    assert answer["response_type"] == "ephemeral"
    assert "Intent: purchase_intent" in said(answer) and "*Suggestion 1*" in said(answer)
    assert nudge_http.db.execute("select count(*) from suggestions").fetchone()[0] == 0


async def test_suggest_without_a_message_explains_how_to_use_it(nudge_http):
    answer = await nudge_http.command("suggest")
    assert "Usage: `/nudge suggest <customer message>`" in said(answer)


async def test_cta_lists_the_catalog_with_links_tagged_for_slack(nudge_http):
    answer = said(await nudge_http.command("cta buy"))
    assert ("Order online for pickup: https://crumbandco.example/order?utm_source=slack"
            "&utm_medium=chat&utm_campaign=chat-orders") in answer
