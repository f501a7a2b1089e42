"""A test database with two weeks of activity, and a check that bytes are a real PNG."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image as PILImage

from bot.store.links import LinkInfo, create_link, record_click
from bot.store.redemptions import Redemption, record
from handlers import conversation
from tests.tracking_helpers import pricing_thread


def seed_two_weeks(ctx, clock, *, first=datetime(2026, 11, 9, 10, 0, tzinfo=UTC),
                   days: int = 14) -> None:
    """Day n (0-based) has n % 4 + 1 customer messages, each answered with a CTA sent as
    suggested; every second day one click and one redemption."""
    for day in range(days):
        for n in range(day % 4 + 1):
            clock.moment = first + timedelta(days=day, minutes=n)
            suggestion = pricing_thread(ctx, thread=f"{day}.{n}")
            sent = conversation.on_choice(ctx, "send", suggestion, "slack", "U_TEAM")
            conversation.confirm_send(ctx, sent)  # the platform confirmed the post
        if day % 2 == 0:
            token = create_link(ctx.db, LinkInfo("reply", str(suggestion), "autumn-offer", "",
                                                 "slack", "C1"), "https://x.example", clock())
            record_click(ctx.db, token, clock())
            record(ctx.db, [Redemption(clock().date(), "AUTUMN10", "autumn10")], source="chat",
                   by="t", now=clock())


def png_size(data: bytes) -> tuple[int, int]:
    """The PNG's width and height, after decoding it fully (a broken file raises)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with PILImage.open(io.BytesIO(data)) as image:
        image.load()
        assert image.format == "PNG"
        return image.size
