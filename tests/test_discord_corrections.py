"""The review's "wrong intent?" select menu on Discord: the real discord.py client against
the local fake Discord, which refuses components beyond Discord's documented limits."""

from __future__ import annotations

from bot.config import Team
from tests.discord_helpers import discord_config, running_nudge
from tests.fake_discord import EPHEMERAL, FakeDiscord
from tests.test_discord_review import customer_asks, field

PRICE_QUESTION = "how much is a sourdough loaf?"


def select(message: dict) -> dict:
    return next(item for row in message["components"] for item in row["components"]
                if item["type"] == 3)


async def test_every_review_has_a_wrong_intent_menu_within_discords_limits(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock):
        _, review = await customer_asks(fake, PRICE_QUESTION)
        menu = select(review)
        suggestion = review["components"][0]["components"][0]["custom_id"].rsplit(":", 1)[1]
        assert menu["custom_id"] == f"nudge:intent:{suggestion}"
        assert len(menu["custom_id"]) <= 100 and len(review["components"]) <= 5
        assert menu["placeholder"] == "Wrong intent?"
        assert 9 == len(menu["options"]) <= 25
        assert [o["value"] for o in menu["options"]][:2] == ["purchase_intent", "pricing"]


async def test_choosing_an_intent_redraws_the_review_and_stores_the_correction(tmp_path,
                                                                               clock):
    async with FakeDiscord() as fake:
        # A correction to complaint needs a manager: alice is one by her role, which reaches
        # the check.
        config = discord_config(tmp_path, fake).model_copy(
            update={"team": Team(managers=["discord:role:Staff"])})
        async with running_nudge(config, clock):
            _, review = await customer_asks(fake, PRICE_QUESTION)
        menu_id = select(review)["custom_id"]
        # After a restart too: the menu is recognised by its custom id alone.
        async with running_nudge(config, clock) as nudge:
            mark = len(fake.calls)
            chose = await fake.choose(fake.alice, int(review["id"]), menu_id, ["complaint"])
            edit = await fake.wait_for_call("PATCH", rf"/webhooks/.*/{chose.token}/", mark)
            rows = nudge.db.execute(
                "select text, from_intent, to_intent, platform, user_id from corrections"
            ).fetchall()
        redrawn = fake.messages[int(review["id"])]
        assert edit.body["embeds"][0]["fields"] == redrawn["embeds"][0]["fields"]
        assert field(redrawn, "Intent").startswith("complaint")
        assert field(redrawn, "Corrected") == f"pricing → complaint by <@{fake.alice.id}>"
        assert select(redrawn)["custom_id"] != menu_id  # it now acts on the new suggestion
        assert rows == [(PRICE_QUESTION, "pricing", "complaint", "discord", str(fake.alice.id))]
        assert not fake.calls_to("POST", rf"/channels/{fake.customers}/messages", mark)


async def test_only_the_team_can_correct_an_intent(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake),
                                                    clock) as nudge:
        _, review = await customer_asks(fake, PRICE_QUESTION)
        chose = await fake.choose(fake.carol, int(review["id"]), select(review)["custom_id"],
                                  ["praise"])
        await fake.wait_for(lambda: chose.callbacks)
        answer = chose.callbacks[0]
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert "Only the team" in answer["data"]["content"]
        assert nudge.db.execute("select count(*) from corrections").fetchone() == (0,)
