"""Promotions with an image on Slack, at the wire: the text in sections, then an image block
(a public URL, or a file uploaded in the modal), refused as Slack refuses a bad one."""

from __future__ import annotations

import pytest

from bot.core.errors import DeliveryError
from bot.core.types import Post
from tests.slack.conftest import CUSTOMERS, MANAGER, REVIEW

PIES = "https://bakery.example/img/mince-pies.jpg"


async def test_slack_posts_the_text_then_an_image_block(nudge_http, clock):
    reply = await nudge_http.command(f'promo add "Mince pies are back!" in #{CUSTOMERS} '
                                     f"at tomorrow 9am image {PIES}", user=MANAGER)
    assert "scheduled" in reply["text"], reply
    pid = nudge_http.db["promotions"].count
    posted = len(nudge_http.fake.calls_to("chat.postMessage"))
    await nudge_http.app.scheduler.sources["promotion"].send_now(pid, clock(),
                                                                 nudge_http.app.scheduler)
    call = nudge_http.fake.calls_to("chat.postMessage")[posted]
    assert call.response["ok"] is True
    section, image = call.args["blocks"]
    assert section["type"] == "section" and "Mince pies are back!" in section["text"]["text"]
    assert image == {"type": "image", "image_url": PIES, "alt_text": "Mince pies are back!"}
    assert "Mince pies are back!" in call.args["text"]  # the notification fallback


async def test_slack_refuses_an_image_it_cannot_download_for_good(nudge_http, clock):
    nudge_http.fake.unreachable_images.add(PIES)
    with pytest.raises(DeliveryError) as refused:
        await nudge_http.app.publish(Post("slack", CUSTOMERS, "Pies", image_url=PIES,
                                          image_alt="Pies"))
    assert not refused.value.transient
    [call] = [c for c in nudge_http.fake.calls if c.method == "chat.postMessage"
              and c.args.get("blocks")]
    assert call.response["error"] == "invalid_blocks"
    assert "downloading image failed" in call.response["errors"][0]


async def test_an_uploaded_slack_file_is_posted_as_a_slack_file_image(nudge_http):
    await nudge_http.app.publish(Post("slack", REVIEW, "Pies", image_url="slack-file:F0PIES123",
                                      image_alt="pies.jpg"))
    call = nudge_http.fake.calls_to("chat.postMessage")[-1]
    assert call.args["blocks"][-1] == {"type": "image", "slack_file": {"id": "F0PIES123"},
                                       "alt_text": "pies.jpg"}
    assert call.response["ok"] is True


