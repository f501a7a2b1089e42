"""An image attached to `!nudge promo add` on Discord: fetched only for someone allowed to add
promotions, never past the size limit whatever the attachment declares, and never from where
a redirect points."""

from __future__ import annotations

from aiohttp import web

from bot.promotions.images import MAX_UPLOAD_BYTES
from tests.discord_helpers import discord_config, running_nudge
from tests.fake_discord import Attachment, FakeDiscord

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 1226  # declared as 1,234 bytes
CHUNK = 64 * 1024


def promo_add(fake: FakeDiscord) -> str:
    return f'!nudge promo add "Pies!" in #{fake.general} at tomorrow 9am'


async def answer_after(fake: FakeDiscord, nudge, mark: int) -> str:
    call = await fake.wait_for_call("POST", rf"/channels/{fake.team}/messages", mark)
    return call.body["content"]


async def test_a_body_bigger_than_declared_is_not_read_past_the_limit(tmp_path, clock):
    sent = []

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/png"})
        await response.prepare(request)
        try:
            for _ in range(200 * 1024 * 1024 // CHUNK):  # 200 MB, if anyone reads it all
                await response.write(b"\x00" * CHUNK)
                sent.append(CHUNK)
        except (ConnectionResetError, RuntimeError):
            pass  # the reader hung up
        return response

    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake)
        config.team.managers.append(f"discord:{fake.alice.id}")
        async with running_nudge(config, clock) as nudge:
            fake.cdn_handler = endless
            mark = len(fake.calls)
            await fake.say(fake.alice, fake.team, promo_add(fake),
                           files=(Attachment("files[0]", "pies.png", "image/png", PNG),))
            content = await answer_after(fake, nudge, mark)
            assert "at most 8 MB" in content
            assert nudge.db["uploads"].count == 0 and nudge.db["promotions"].count == 0
    # What left the server before Nudge hung up: the limit, plus what the sockets buffer.
    assert sum(sent) < MAX_UPLOAD_BYTES + 16 * 1024 * 1024


async def test_a_redirect_from_the_attachment_address_is_not_followed(tmp_path, clock):
    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake)
        config.team.managers.append(f"discord:{fake.alice.id}")
        async with running_nudge(config, clock) as nudge:
            async def elsewhere(request: web.Request) -> web.StreamResponse:
                if request.path.endswith("/moved.png"):
                    return web.Response(body=PNG, content_type="image/png")
                raise web.HTTPFound(f"{fake.url}/attachments/1/2/moved.png")

            fake.cdn_handler = elsewhere
            mark = len(fake.calls)
            await fake.say(fake.alice, fake.team, promo_add(fake),
                           files=(Attachment("files[0]", "pies.png", "image/png", PNG),))
            content = await answer_after(fake, nudge, mark)
            assert "attach it again" in content
            assert not [hit for hit in fake.cdn_hits if hit.endswith("/moved.png")]
            assert nudge.db["uploads"].count == 0


async def test_nothing_is_downloaded_for_someone_who_may_not_add_promotions(tmp_path, clock):
    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake)
        config.team.managers.append("discord:1")  # someone else: alice is on the team only
        async with running_nudge(config, clock) as nudge:
            mark = len(fake.calls)
            await fake.say(fake.alice, fake.team, promo_add(fake),
                           files=(Attachment("files[0]", "pies.png", "image/png", PNG),))
            content = await answer_after(fake, nudge, mark)
            assert "Only the promotion managers" in content
            assert fake.cdn_hits == [] and nudge.db["uploads"].count == 0
