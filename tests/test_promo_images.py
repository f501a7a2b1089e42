"""Promotions with an image: `image <url>` in chat, and exactly what each platform receives
(checked at the wire on the fake Slack and the fake Discord, which refuse what the real ones
refuse)."""

from __future__ import annotations

import pytest

from bot.core.types import Post
from tests.discord_helpers import discord_config, running_nudge
from tests.fake_discord import FakeDiscord, embed_errors
from tests.fake_slack import block_errors
from tests.promo_helpers import add, posts, promotion, say

PIES = "https://bakery.example/img/mince-pies.jpg"


async def test_an_image_url_is_kept_with_the_promotion_and_confirmed(app):
    reply = say(app, f'/nudge promo add "Mince pies are back!" in #customers at tomorrow 9am '
                     f"image {PIES}")
    assert reply.ok, reply.text
    assert promotion(app, reply.meta["promotion_id"])["image_url"] == PIES
    fields = {field.label: field.value for field in reply.fields}
    assert fields["Image"] == f"[image: {PIES}]"


@pytest.mark.parametrize(("image", "says"), [
    ("ftp://bakery.example/pies.jpg", "is not an image address"),
    ("javascript:alert(1)", "is not an image address"),
    ("bakery.example/pies.jpg", "is not an image address"),
    ("https://me:secret@bakery.example/pies.jpg", "must not carry a user name or password"),
    ("https://bakery.example/" + "a" * 3000, "Slack takes at most 3000"),
    ("slack-file:nope", "not a Slack file"),
])
async def test_an_address_that_is_not_a_public_image_is_refused(app, image, says):
    reply = say(app, f'/nudge promo add "Pies" in #customers at tomorrow 9am image "{image}"')
    assert not reply.ok and says in reply.text
    assert app.db["promotions"].count == 0


async def test_image_without_an_address_says_how(app):
    reply = say(app, '/nudge promo add "Pies" in #customers at tomorrow 9am image')
    assert not reply.ok and "`image https://example.com/pies.jpg`" in reply.text


async def test_show_previews_what_each_platform_posts(app):
    pid = add(app, f'/nudge promo add "Mince pies are back!" in #customers, '
                   f"slack:#C0123ABCD, discord:#123456789012345678 at tomorrow 9am image {PIES}")
    text = say(app, f"/nudge promo show {pid}").text
    assert "On console (#customers):\n📣 Mince pies are back!" in text
    assert f"[image: {PIES}]" in text
    assert "On slack (#C0123ABCD):\n📣 Mince pies are back!" in text
    assert f"Image block: {PIES}" in text
    assert f"Embed image: {PIES}" in text


async def test_the_console_post_carries_the_image(app, clock):
    pid = add(app, f'/nudge promo add "Pies" in #customers at tomorrow 9am image {PIES}')
    await app.scheduler.sources["promotion"].send_now(pid, clock(), app.scheduler)
    [post] = posts(app)
    assert post.image_url == PIES and post.image_alt == "Pies"


@pytest.mark.parametrize(("block", "error"), [
    ({"type": "image", "alt_text": "x"}, "must provide either image_url or slack_file"),
    ({"type": "image", "image_url": PIES, "slack_file": {"id": "F1"}, "alt_text": "x"},
     "must provide either image_url or slack_file"),
    ({"type": "image", "image_url": PIES}, "missing required field: alt_text"),
    ({"type": "image", "image_url": PIES, "alt_text": "x" * 2001},
     "must be less than 2001 characters [json-pointer:/blocks/0/alt_text]"),
    ({"type": "image", "image_url": "https://a.example/" + "x" * 3000, "alt_text": "x"},
     "must be less than 3001 characters [json-pointer:/blocks/0/image_url]"),
    ({"type": "image", "image_url": "ftp://a.example/x.png", "alt_text": "x"}, "invalid url"),
])
def test_the_fake_slack_checks_image_blocks_as_slack_does(block, error):
    [message] = block_errors([block])
    assert error in message


# --- Discord, at the wire -------------------------------------------------------------------

async def test_discord_posts_the_text_with_an_embed_image(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake),
                                                    clock) as nudge:
        await nudge.app.publish(Post("discord", str(fake.general), "Mince pies are back!",
                                     image_url=PIES, image_alt="Mince pies"))
        [posted] = fake.calls_to("POST", rf"/channels/{fake.general}/messages")
        assert posted.body["content"] == "Mince pies are back!"
        assert [embed["image"] for embed in posted.body["embeds"]] == [{"url": PIES}]


async def test_discord_names_no_image_it_cannot_fetch(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake),
                                                    clock) as nudge:
        await nudge.app.publish(Post("discord", str(fake.general), "Pies",
                                     image_url="slack-file:F0PIES123"))
        [posted] = fake.calls_to("POST", rf"/channels/{fake.general}/messages")
        assert not posted.body.get("embeds")


def test_the_fake_discord_checks_embed_images_as_discord_does():
    assert embed_errors({"embeds": [{"image": {"url": PIES}}]}) == {}
    bad = embed_errors({"embeds": [{"image": {"url": "ftp://x/y.png"}}]})
    assert bad["embeds"]["0"]["image"]["url"]["_errors"][0]["code"] == "URL_TYPE_INVALID_URL"
    assert embed_errors({"embeds": [{"image": {}}]})["embeds"]["0"]["image"]
    assert "embeds" in embed_errors({"embeds": [{}] * 11})


# --- an image attached on Discord -----------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_an_image_attached_to_promo_add_on_discord_is_kept_and_attached_when_posted(
        tmp_path, clock):
    from tests.fake_discord import Attachment

    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake)
        config.team.managers.append(f"discord:{fake.alice.id}")
        async with running_nudge(config, clock) as nudge:
            await fake.say(fake.alice, fake.team,
                           f'!nudge promo add "Pies!" in #{fake.general} at tomorrow 9am',
                           files=(Attachment("files[0]", "pies.png", "image/png", PNG),))
            await fake.wait_for(lambda: nudge.db["promotions"].count == 1)
            row = nudge.db["promotions"].get(1)
            assert (row["image_url"], row["image_name"]) == ("upload:1", "pies.png")
            assert bytes(nudge.db["uploads"].get(1)["data"]) == PNG  # kept: links expire

            shown = say(nudge.app, "/nudge promo show 1", platform="discord",
                        user=str(fake.alice.id))
            assert "Attached after the text: pies.png" in shown.text

            mark = len(fake.calls)
            await nudge.app.scheduler.sources["promotion"].send_now(1, clock(),
                                                                    nudge.app.scheduler)
            text, picture = fake.calls_to("POST", rf"/channels/{fake.general}/messages", mark)
            assert "Pies!" in text.body["content"]
            [attached] = picture.files
            assert (attached.filename, attached.data) == ("pies.png", PNG)


async def test_an_attachment_that_is_not_an_image_is_refused_on_discord(tmp_path, clock):
    from tests.fake_discord import Attachment

    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake)
        config.team.managers.append(f"discord:{fake.alice.id}")
        async with running_nudge(config, clock) as nudge:
            mark = len(fake.calls)
            await fake.say(fake.alice, fake.team,
                           f'!nudge promo add "Menu" in #{fake.general} at tomorrow 9am',
                           files=(Attachment("files[0]", "menu.pdf", "application/pdf", b"%PDF"),))
            answer = await fake.wait_for_call("POST", rf"/channels/{fake.team}/messages", mark)
            assert "is not an image" in answer.body["content"]
            assert nudge.db["promotions"].count == 0
