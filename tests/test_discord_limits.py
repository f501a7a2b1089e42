"""Discord's limits, met: long replies are shown within 6,000 characters of embeds, edited whole
and sent whole; the fake refuses what Discord refuses, with Discord's error codes."""

from __future__ import annotations

import aiohttp

from bot.core.types import Field, Reply
from bot.platforms.discord import render
from tests.discord_helpers import TOKEN, discord_config, running_nudge
from tests.fake_discord import API, INTERACTION_WINDOW, FakeDiscord
from tests.test_discord_review import buttons, customer_asks

LONG = " ".join(f"Sentence {n} of a long answer about our “seasonal” menu." for n in range(120))


def embed_size(embed) -> int:
    data = embed.to_dict()
    return len(data.get("description") or "") + sum(
        len(f["name"]) + len(f["value"]) for f in data.get("fields") or [])


def test_a_long_reply_is_spread_over_fields_within_every_embed_limit():
    reply = Reply("New customer message", fields=(
        Field("Customer", "tell me everything"), Field("Suggested reply", LONG)))
    embed = render.reply_embed(reply, "https://discord.com/channels/1/2/3")
    fields = embed.to_dict()["fields"]
    assert embed_size(embed) <= render.EMBED_TOTAL_LIMIT
    assert len(fields) <= render.MAX_FIELDS
    assert all(len(f["value"]) <= render.FIELD_LIMIT for f in fields)
    assert [f["name"] for f in fields][:3] == ["Customer", "Suggested reply",
                                               "Suggested reply (2)"]
    assert fields[-1]["name"] == "Message"


def test_many_long_fields_stop_at_the_6000_character_budget():
    reply = Reply("Digest", fields=tuple(Field(f"Part {n}", LONG[:1000]) for n in range(30)))
    embed = render.reply_embed(reply)
    assert embed_size(embed) <= render.EMBED_TOTAL_LIMIT
    assert len(embed.fields) <= render.MAX_FIELDS


async def test_edit_starts_from_the_whole_stored_reply_and_sends_it_whole(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake),
                                                    clock) as nudge:
        _, review = await customer_asks(fake)
        edit = buttons(review)[2]["custom_id"]
        nudge.db.execute("update suggestions set text = ? where id = ?",
                         [LONG, edit.rsplit(":", 1)[1]])
        mark = len(fake.calls)
        pressed = await fake.press(fake.alice, int(review["id"]), edit)
        await fake.wait_for(lambda: pressed.callbacks)
        boxes = [c["value"] for row in pressed.callbacks[0]["data"]["components"]
                 for c in row["components"]]
        assert len(boxes) == 2 and "".join(boxes) == LONG
        await fake.submit_modal(fake.alice, pressed, boxes)
        await fake.wait_for(lambda: len(fake.calls_to(
            "POST", rf"/channels/{fake.customers}/messages", mark)) >= 4)
        sent = [c.body["content"] for c in fake.calls_to(
            "POST", rf"/channels/{fake.customers}/messages", mark)]
        assert all(len(text) <= 2000 for text in sent)
        assert " ".join(sent) == LONG


async def post(fake: FakeDiscord, path: str, body: dict) -> tuple[int, dict, dict]:
    async with aiohttp.ClientSession() as session, session.post(
            f"{fake.url}{API}{path}", json=body,
            headers={"Authorization": f"Bot {TOKEN}"}) as response:
        return response.status, await response.json(), dict(response.headers)


async def test_the_fake_refuses_what_discord_refuses_with_its_codes():
    async with FakeDiscord() as fake:
        status, body, headers = await post(fake, f"/channels/{fake.team}/messages",
                                           {"content": "x" * 2001})
        assert (status, body["code"]) == (400, 50035) and "content" in body["errors"]
        assert headers["X-RateLimit-Remaining"] and headers["X-RateLimit-Reset-After"]
        row = {"type": 1, "components": [
            {"type": 2, "style": 1, "label": "b", "custom_id": f"c{n}"} for n in range(6)]}
        status, body, _ = await post(fake, f"/channels/{fake.team}/messages",
                                     {"content": "hi", "components": [row]})
        assert (status, body["code"]) == (400, 50035)
        status, body, _ = await post(fake, f"/channels/{fake.team}/messages",
                                     {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]})
        assert (status, body["code"]) == (400, 50035)
        status, body, _ = await post(fake, "/channels/42/messages", {"content": "hi"})
        assert (status, body["code"]) == (404, 10003)
        status, body, _ = await post(fake, f"/channels/{fake.locked}/messages",
                                     {"content": "hi"})
        assert (status, body["code"]) == (403, 50013)
        fake.rate_limit("POST", "/messages", retry_after=0.25)
        status, body, headers = await post(fake, f"/channels/{fake.team}/messages",
                                           {"content": "hi"})
        assert status == 429 and body["retry_after"] == 0.25 and headers["Retry-After"]


async def test_the_fake_refuses_a_late_or_second_interaction_response():
    async with FakeDiscord() as fake:
        message_id = await fake.say(fake.carol, fake.customers, "hello")
        pressed = await fake.press(fake.alice, message_id, "nudge:another:1")
        path = f"/interactions/{pressed.id}/{pressed.token}/callback"
        assert (await post(fake, path, {"type": 6}))[0] == 200
        status, body, _ = await post(fake, path, {"type": 6})
        assert (status, body["code"]) == (400, 40060)
        late = await fake.press(fake.alice, message_id, "nudge:another:1")
        # Pressed long ago: Discord gives three seconds (the fake, a busy machine's grace more).
        late.sent_at -= INTERACTION_WINDOW + fake.interaction_grace + 1
        status, body, _ = await post(fake, f"/interactions/{late.id}/{late.token}/callback",
                                     {"type": 6})
        assert (status, body["code"]) == (404, 10062)
