"""Customer messages on Discord become suggestions the team handles with buttons.

The real discord.py client runs against the local fake Discord (tests/fake_discord.py);
the assertions read what Nudge sent over HTTP, as Discord would have received it.
"""

from __future__ import annotations

import asyncio

import pytest

from handlers import conversation
from tests.conftest import example_config
from tests.discord_helpers import discord_config, pings_nobody, running_nudge
from tests.fake_discord import EPHEMERAL, FakeDiscord
from tests.llm.fake_server import FakeLLM, user_block

BUYING = "Hi! How much is the autumn pastry box? I'd like to order two for Saturday."


def review_messages(fake: FakeDiscord) -> list[dict]:
    return [m for m in fake.messages.values()
            if m["channel_id"] == str(fake.team) and m["embeds"]]


def buttons(message: dict) -> list[dict]:
    return [item for row in message["components"] for item in row["components"]
            if item["type"] == 2]


def field(message: dict, name: str) -> str:
    return next(f["value"] for f in message["embeds"][0]["fields"] if f["name"] == name)


async def customer_asks(fake: FakeDiscord, text: str = BUYING) -> tuple[int, dict]:
    """Carol writes in #customers; returns her message id and the review Nudge posted."""
    before = len(review_messages(fake))
    message_id = await fake.say(fake.carol, fake.customers, text)
    await fake.wait_for(lambda: len(review_messages(fake)) > before)
    return message_id, review_messages(fake)[-1]


async def test_a_customer_message_gets_a_review_embed_with_four_buttons(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        message_id, review = await customer_asks(fake)

        assert field(review, "Customer") == BUYING
        assert field(review, "Intent").split()[0] in ("purchase_intent", "pricing")
        assert field(review, "Why")
        suggested = field(review, "Suggested reply")
        link = field(review, "Link")
        assert link.startswith("https://crumbandco.example/") and "utm_source=discord" in link
        assert link in suggested
        jump = f"https://discord.com/channels/{fake.guild_id}/{fake.customers}/{message_id}"
        assert jump in field(review, "Message")
        assert f"<#{fake.customers}>" in review["embeds"][0]["description"]

        suggestion = buttons(review)[0]["custom_id"].rsplit(":", 1)[1]
        assert [(b["label"].split(" ")[0], b["custom_id"]) for b in buttons(review)] == [
            ("Send", f"nudge:send:{suggestion}"),
            ("Another", f"nudge:another:{suggestion}"),
            ("Edit", f"nudge:edit:{suggestion}"),
            ("Dismiss", f"nudge:dismiss:{suggestion}"),
        ]
        posted = fake.calls_to("POST", rf"/channels/{fake.team}/messages")[-1]
        assert pings_nobody(posted.body)


async def test_pressing_send_replies_to_the_customer_message_with_the_cta_link(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        message_id, review = await customer_asks(fake)
        link = field(review, "Link")
        mark = len(fake.calls)

        pressed = await fake.press(fake.alice, int(review["id"]), buttons(review)[0]["custom_id"])

        callback = await fake.wait_for_call("POST", rf"/interactions/{pressed.id}/", mark)
        assert callback.body["type"] == 6  # acknowledged at once, the message is edited below
        reply = await fake.wait_for_call("POST", rf"/channels/{fake.customers}/messages", mark)
        assert fake.calls.index(callback) < fake.calls.index(reply)  # acknowledged before sending
        assert link in reply.body["content"]
        assert reply.body["message_reference"]["message_id"] == message_id
        assert pings_nobody(reply.body)

        edit = await fake.wait_for_call("PATCH", rf"/webhooks/.*/{pressed.token}/", mark)
        handled = next(f for f in edit.body["embeds"][0]["fields"] if f["name"] == "Handled")
        assert handled["value"] == f"sent by <@{fake.alice.id}>"
        assert edit.body["components"] == []
        assert nudge.db.execute("select status from suggestions where rank = 0").fetchone() == (
            "sent",)


async def test_a_send_discord_refuses_goes_back_to_pending_and_keeps_its_buttons(
        tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        _, review = await customer_asks(fake)
        fake.fail("POST", rf"/channels/{fake.customers}/messages", 403,
                  {"message": "Missing Permissions", "code": 50013}, times=1)
        mark = len(fake.calls)

        pressed = await fake.press(fake.alice, int(review["id"]), buttons(review)[0]["custom_id"])

        edit = await fake.wait_for_call("PATCH", rf"/webhooks/.*/{pressed.token}/", mark)
        names = [f["name"] for f in edit.body["embeds"][0]["fields"]]
        assert "Handled" not in names
        not_sent = next(f["value"] for f in edit.body["embeds"][0]["fields"]
                        if f["name"] == "Not sent")
        assert "Missing Permissions" in not_sent and "press Send again" in not_sent
        again = [b["custom_id"] for b in buttons(edit.body)]
        assert again == [b["custom_id"] for b in buttons(review)]
        assert nudge.db.execute("select distinct status from suggestions").fetchall() == [
            ("pending",)]
        assert nudge.db.execute("select status from conversations").fetchone() == ("waiting",)
        assert nudge.db.execute("select action from feedback").fetchall() == [("send_failed",)]

        # Once the permission is fixed, the same button sends the reply.
        mark = len(fake.calls)
        pressed = await fake.press(fake.alice, int(review["id"]), buttons(review)[0]["custom_id"])
        await fake.wait_for_call("POST", rf"/channels/{fake.customers}/messages", mark)
        await fake.wait_for_call("PATCH", rf"/webhooks/.*/{pressed.token}/", mark)
        assert nudge.db.execute("select status from suggestions where rank = 0").fetchone() == (
            "sent",)


async def test_another_shows_the_next_suggestion_and_dismiss_closes_the_review(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        message_id, review = await customer_asks(fake)
        first = field(review, "Suggested reply")
        mark = len(fake.calls)

        pressed = await fake.press(fake.alice, int(review["id"]), buttons(review)[1]["custom_id"])
        await fake.wait_for_call("PATCH", rf"/webhooks/.*/{pressed.token}/", mark)
        review = fake.messages[int(review["id"])]
        assert field(review, "Suggested reply") != first
        assert buttons(review)[0]["custom_id"].endswith(":2")
        assert f"/{fake.customers}/{message_id})" in field(review, "Message")

        pressed = await fake.press(fake.alice, int(review["id"]), buttons(review)[3]["custom_id"])
        await fake.wait_for_call("PATCH", rf"/webhooks/.*/{pressed.token}/", mark)
        review = fake.messages[int(review["id"])]
        assert field(review, "Handled") == f"dismissed by <@{fake.alice.id}>"
        assert review["components"] == []
        assert not fake.calls_to("POST", rf"/channels/{fake.customers}/messages", mark)
        statuses = nudge.db.execute("select distinct status from suggestions").fetchall()
        assert statuses == [("dismissed",)]


async def test_edit_opens_a_modal_and_sends_what_the_team_member_typed(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        message_id, review = await customer_asks(fake)
        mark = len(fake.calls)

        pressed = await fake.press(fake.alice, int(review["id"]), buttons(review)[2]["custom_id"])
        await fake.wait_for(lambda: pressed.callbacks)
        modal = pressed.callbacks[0]
        assert modal["type"] == 9
        assert modal["data"]["custom_id"] == buttons(review)[2]["custom_id"].replace(
            "edit", "edited")
        [text_input] = [c for row in modal["data"]["components"] for c in row["components"]]
        assert text_input["value"] == field(review, "Suggested reply")

        submitted = await fake.submit_modal(fake.alice, pressed, "Two boxes are set aside!")
        reply = await fake.wait_for_call("POST", rf"/channels/{fake.customers}/messages", mark)
        assert reply.body["content"] == "Two boxes are set aside!"
        assert reply.body["message_reference"]["message_id"] == message_id
        await fake.wait_for_call("PATCH", rf"/webhooks/.*/{submitted.token}/", mark)
        assert field(fake.messages[int(review["id"])], "Handled") == \
            f"edited and sent by <@{fake.alice.id}>"


async def test_buttons_keep_working_after_a_restart(tmp_path, clock):
    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake)
        async with running_nudge(config, clock):
            message_id, review = await customer_asks(fake)
        mark = len(fake.calls)
        async with running_nudge(config, clock):
            pressed = await fake.press(fake.alice, int(review["id"]),
                                       buttons(review)[0]["custom_id"])
            reply = await fake.wait_for_call("POST", rf"/channels/{fake.customers}/messages",
                                             mark)
            await fake.wait_for_call("PATCH", rf"/webhooks/.*/{pressed.token}/", mark)
        assert reply.body["message_reference"]["message_id"] == message_id
        assert field(fake.messages[int(review["id"])], "Handled") == \
            f"sent by <@{fake.alice.id}>"


async def test_only_the_team_can_press_the_buttons(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        _, review = await customer_asks(fake)
        mark = len(fake.calls)

        pressed = await fake.press(fake.carol, int(review["id"]), buttons(review)[0]["custom_id"])

        await fake.wait_for(lambda: pressed.callbacks)
        answer = pressed.callbacks[0]
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert "Only the team" in answer["data"]["content"]
        assert not fake.calls_to("POST", rf"/channels/{fake.customers}/messages", mark)


async def test_team_members_bots_and_nudge_itself_get_no_suggestion(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        customer_message, review = await customer_asks(fake)
        mark = len(fake.calls)
        # Nudge's own answer comes back on the Gateway, as Discord echoes it: not a customer.
        await fake.press(fake.alice, int(review["id"]), buttons(review)[0]["custom_id"])
        await fake.wait_for_call("POST", rf"/channels/{fake.customers}/messages", mark)
        await fake.say(fake.alice, fake.customers, "Yes, we have boxes!", reply_to=customer_message)
        await fake.say(fake.robot, fake.customers, "Beep: how much is the autumn box?")
        await fake.say(fake.carol, fake.general, BUYING)  # not a listened channel
        # A last customer message, to know the ones before it were all handled.
        await customer_asks(fake, "And do you deliver on Fridays?")

        assert len(review_messages(fake)) == 2
        authors = nudge.db.execute(
            "select author_role, text from messages order by id").fetchall()
        assert authors == [("customer", BUYING), ("team", "Yes, we have boxes!"),
                           ("customer", "And do you deliver on Fridays?")]
        answered = nudge.db.execute(
            "select status from conversations where thread = ?", [str(customer_message)])
        assert answered.fetchone() == ("answered",)


async def test_reply_chains_and_discord_threads_are_conversations(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        first, review = await customer_asks(fake)
        mark = len(fake.calls)
        await fake.press(fake.alice, int(review["id"]), buttons(review)[0]["custom_id"])
        sent = await fake.wait_for_call("POST", rf"/channels/{fake.customers}/messages", mark)
        nudges_answer = next(m for m in fake.messages.values()
                             if m.get("content") == sent.body["content"])

        # Carol answers Nudge's reply: still the same conversation.
        await customer_asks(fake, "Great, and can I pay in the shop?")
        await fake.say(fake.carol, fake.customers, "Sorry, one more thing: is it vegan?",
                       reply_to=int(nudges_answer["id"]))
        await fake.wait_for(lambda: len(review_messages(fake)) == 3)
        await fake.say(fake.carol, fake.thread, "Can you write a name on the cake?")
        await fake.wait_for(lambda: len(review_messages(fake)) == 4)

        threads = nudge.db.execute(
            "select m.text, c.channel, c.thread from messages m "
            "join conversations c on c.id = m.conversation_id order by m.id").fetchall()
        assert threads == [
            (BUYING, str(fake.customers), str(first)),
            ("Great, and can I pay in the shop?", str(fake.customers), threads[1][2]),
            ("Sorry, one more thing: is it vegan?", str(fake.customers), str(first)),
            ("Can you write a name on the cake?", str(fake.thread), str(fake.thread)),
        ]
        assert threads[1][2] != str(first)  # a new top-level message starts its own


@pytest.fixture
async def llm():
    """A fake model server that rewords the draft it is sent with a warmer opening."""
    server = FakeLLM()
    server.reply = lambda body: "Lovely to hear from you! " + user_block(
        {m["role"]: m["content"] for m in body["messages"]}, "draft")
    await server.start()
    yield server
    await server.stop()


async def until(check, timeout: float = 60.0) -> None:
    """For what happens outside the fake Discord (the model server): check every 10 ms."""
    async def poll() -> None:
        while not check():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def llm_discord_config(tmp_path, fake: FakeDiscord, llm_server: FakeLLM):
    discord = discord_config(tmp_path, fake).platforms.discord.model_dump(mode="json")
    return example_config(tmp_path, platforms={"discord": discord}, llm={
        "enabled": True, "base_url": llm_server.base_url, "model": "tiny-test",
        "timeout_seconds": 5})


async def test_the_llm_wording_replaces_the_review_when_it_arrives(tmp_path, clock, llm):
    async with FakeDiscord() as fake, \
            running_nudge(llm_discord_config(tmp_path, fake, llm), clock):
        _, review = await customer_asks(fake)
        template = field(review, "Suggested reply")

        edit = await fake.wait_for_call("PATCH", rf"/channels/{fake.team}/messages/{review['id']}")
        worded = next(f["value"] for f in edit.body["embeds"][0]["fields"]
                      if f["name"] == "Suggested reply (LLM wording)")
        assert worded == "Lovely to hear from you! " + template
        assert len(buttons(fake.messages[int(review["id"])])) == 4

        mark = len(fake.calls)
        await fake.press(fake.alice, int(review["id"]), buttons(review)[0]["custom_id"])
        sent = await fake.wait_for_call("POST", rf"/channels/{fake.customers}/messages", mark)
        assert sent.body["content"] == worded


async def test_a_press_before_the_llm_answers_is_never_overwritten(tmp_path, clock, llm):
    llm.delay = 30  # the model answers when the test releases it
    async with FakeDiscord() as fake, \
            running_nudge(llm_discord_config(tmp_path, fake, llm), clock) as nudge:
        _, review = await customer_asks(fake)
        await until(lambda: llm.requests)  # the model is writing
        mark = len(fake.calls)
        pressed = await fake.press(fake.alice, int(review["id"]), buttons(review)[0]["custom_id"])
        sent = await fake.wait_for_call("POST", rf"/channels/{fake.customers}/messages", mark)
        await fake.wait_for_call("PATCH", rf"/webhooks/.*/{pressed.token}/", mark)

        llm.release()
        await asyncio.gather(*nudge.adapter.drafts)

        assert sent.body["content"] == field(review, "Suggested reply")
        assert not fake.calls_to("PATCH", rf"/channels/{fake.team}/messages/", mark)
        assert field(fake.messages[int(review["id"])], "Handled").startswith("sent by")


async def test_a_send_settled_in_the_background_redraws_the_review_message(tmp_path, clock):
    """A reply retried after a restart has no button press to answer: its outcome is drawn
    over the review message itself, found from where the review was posted."""
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        _, review = await customer_asks(fake)
        suggestion = int(buttons(review)[0]["custom_id"].rsplit(":", 1)[1])
        ref = nudge.db.execute("select review_ref from suggestions where id = ?",
                               [suggestion]).fetchone()[0]
        assert ref == f"{fake.team}:{review['id']}"
        mark = len(fake.calls)

        shown = conversation.review_reply(nudge.app.ctx, suggestion, handled="sent by Alice")
        await nudge.app.redraw_review("discord", suggestion, shown)

        edit = await fake.wait_for_call(
            "PATCH", rf"/channels/{fake.team}/messages/{review['id']}$", mark)
        assert field(edit.body, "Handled") == "sent by Alice"
        assert edit.body["components"] == []
