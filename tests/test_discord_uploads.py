"""The digest's chart on Discord: a multipart attachment after the digest's text, which the
fake parses as Discord does (payload_json and files[n] that match its attachments)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.types import Image, Post
from bot.store.problems import platform_errors_since
from tests.chart_helpers import png_size
from tests.discord_helpers import discord_config, running_nudge
from tests.fake_discord import FakeDiscord
from tests.slack.test_uploads import chart


async def test_the_chart_is_attached_after_the_text_and_discord_gets_the_png(tmp_path, clock):
    image = chart()
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        await nudge.app.publish(Post("discord", str(fake.team), "Good morning!", image=image))
        text, picture = fake.calls_to("POST", rf"/channels/{fake.team}/messages")
        assert text.body["content"] == "Good morning!" and not text.files
        [attachment] = picture.files
        assert (attachment.field, attachment.filename) == ("files[0]", "nudge-2026-11-22.png")
        assert attachment.data == image.data and png_size(attachment.data) == (700, 300)
        assert picture.body["attachments"][0]["filename"] == "nudge-2026-11-22.png"
        stored = fake.messages[max(fake.messages)]
        assert stored["attachments"][0]["size"] == len(image.data)


async def test_without_attach_files_the_text_still_goes_and_the_team_is_told(tmp_path, clock):
    async with FakeDiscord() as fake, running_nudge(discord_config(tmp_path, fake), clock) as nudge:
        fake.attach_files = False
        message_id = await nudge.app.publish(
            Post("discord", str(fake.team), "Good morning!", image=Image("c.png", b"\x89PNG")))
        assert message_id
        problems = platform_errors_since(nudge.db, datetime(2000, 1, 1, tzinfo=UTC))
        assert any("Attach Files" in problem.detail for problem in problems)
