"""Tracked CTA links: the sent reply carries <public_url>/r/<token>; the redirect answers 302 to
the UTM-tagged URL and counts a click once per person and minute, never for a preview fetcher."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.config import database_target
from bot.core.context import Context
from bot.store import open_db
from handlers import conversation
from handlers.registry import build_router
from tests.tracking_helpers import (
    PUBLIC_URL,
    click,
    clicks,
    pricing_thread,
    redirect_server,
    tracking_config,
)

TRACKED = re.compile(re.escape(PUBLIC_URL) + r"/r/([A-Za-z0-9_-]{16,})")


@pytest.fixture
def tracked(tmp_path, clock):
    config = tracking_config(tmp_path)
    db = open_db(database_target(config))
    yield Context(config=config, db=db, router=build_router(), clock=clock)
    db.conn.close()


def send_reply(ctx, **thread) -> tuple[str, str]:
    """Press Send on a pricing suggestion; return (posted text, tracked token)."""
    suggestion = pricing_thread(ctx, **thread)
    result = conversation.on_choice(ctx, "send", suggestion, "slack", "U_TEAM")
    match = TRACKED.search(result.post.text)
    assert match, result.post.text
    return result.post.text, match.group(1)


def test_a_sent_reply_carries_a_tracked_link_stored_with_what_it_was_sent_with(tracked):
    text, token = send_reply(tracked, variant="b")
    assert "utm_source" not in text  # the tagged URL is behind the redirect now
    link = tracked.db["links"].get(token)
    assert (link["kind"], link["cta_id"], link["variant"], link["platform"],
            link["channel"]) == ("reply", "autumn-offer", "b", "slack", "C1")
    assert link["url"] == ("https://crumbandco.example/offers/autumn?ref=chat&utm_source=slack"
                           "&utm_medium=chat&utm_campaign=autumn-box")


def test_tokens_are_long_random_and_never_repeat(tracked):
    tokens = {send_reply(tracked, thread=f"{n}.1")[1] for n in range(20)}
    assert len(tokens) == 20 and all(len(token) >= 16 for token in tokens)


def test_an_edit_that_keeps_the_link_is_tracked_too(tracked):
    suggestion = pricing_thread(tracked)
    original = tracked.db["suggestions"].get(suggestion)
    edited = original["text"].replace("Our box is £12.", "The box is £12, baked today.")
    result = conversation.on_choice(tracked, "edit", suggestion, "slack", "U_TEAM",
                                    edited_text=edited)
    assert TRACKED.search(result.post.text) and "baked today" in result.post.text


def test_without_tracking_links_stay_plain_utm_links(ctx):
    suggestion = pricing_thread(ctx)
    result = conversation.on_choice(ctx, "send", suggestion, "slack", "U_TEAM")
    assert "utm_campaign=autumn-box" in result.post.text and "/r/" not in result.post.text
    assert ctx.db["links"].count == 0


async def test_a_click_is_recorded_once_and_redirected_with_the_utm_parameters_intact(
        tracked, clock):
    _, token = send_reply(tracked)
    async with redirect_server(tracked.db, clock) as (base, session):
        response = await click(session, base, token)
        assert response.status == 302
        location = response.headers["Location"]
        assert location == tracked.db["links"].get(token)["url"]
        query = parse_qs(urlsplit(location).query)
        assert query == {"ref": ["chat"], "utm_source": ["slack"], "utm_medium": ["chat"],
                         "utm_campaign": ["autumn-box"]}
        assert clicks(tracked.db, token) == 1
        clock.advance(seconds=30)
        assert (await click(session, base, token)).status == 302  # a double click, a reload
        assert clicks(tracked.db, token) == 1
        assert (await click(session, base, token, agent="Mozilla/5.0 (iPhone)")).status == 302
        assert clicks(tracked.db, token) == 1  # the same address: a user agent proves nothing
        clock.advance(seconds=31)
        await click(session, base, token)
        assert clicks(tracked.db, token) == 2  # a minute after the counted click


async def test_no_address_or_user_agent_is_stored_with_a_click(tracked, clock):
    _, token = send_reply(tracked)
    async with redirect_server(tracked.db, clock) as (base, session):
        await click(session, base, token)
    # written when the server stopped
    assert set(tracked.db["clicks"].columns_dict) == {"id", "token", "at"}
    assert list(tracked.db["clicks"].rows)[0]["at"] == "2026-11-23T10:00:00+00:00"


@pytest.mark.parametrize("agent", [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
])
async def test_link_preview_fetchers_are_redirected_but_not_counted(tracked, clock, agent):
    _, token = send_reply(tracked)
    async with redirect_server(tracked.db, clock) as (base, session):
        response = await click(session, base, token, agent=agent)
        assert response.status == 302
        assert clicks(tracked.db) == 0


async def test_a_head_request_checks_the_link_without_counting_a_click(tracked, clock):
    _, token = send_reply(tracked)
    async with redirect_server(tracked.db, clock) as (base, session):
        assert (await click(session, base, token, method="HEAD")).status == 302
        assert clicks(tracked.db) == 0


@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAAAAAAAA", "nope", "x" * 300, "..%2f..%2fetc"])
async def test_an_unknown_token_gets_404_and_nothing_is_recorded(tracked, clock, token):
    send_reply(tracked)
    async with redirect_server(tracked.db, clock) as (base, session):
        response = await click(session, base, token)
        assert response.status == 404
        assert "Location" not in response.headers
    assert clicks(tracked.db) == 0


def test_tracking_without_a_public_url_is_a_config_error(tmp_path):
    from bot.config import ConfigError
    from tests.conftest import example_config

    with pytest.raises(ConfigError, match="public_url"):
        example_config(tmp_path, links={"tracking": {"enabled": True}})


async def test_without_the_slack_http_server_nudge_serves_tracked_links_on_its_own_port(
        tmp_path, clock):
    from bot.app import Application
    from bot.config import Secrets
    from tests.fakes import CountingAdapter
    from tests.slack.conftest import free_port

    config = tracking_config(tmp_path)
    config.links.tracking.port = free_port()
    app = Application(config, Secrets.from_env({}), clock=clock)
    app.add_adapter(CountingAdapter("console"))
    try:
        await app.serve_links()
        _, token = send_reply(app.ctx)
        async with aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{config.links.tracking.port}"
            assert (await click(session, base, token)).status == 302
        assert app.tracker.flush() == 1 and clicks(app.db, token) == 1
    finally:
        await app.shutdown()
        app.db.conn.close()
    assert app.links_runner is None


async def test_clicks_are_written_in_a_batch_within_a_second_and_when_the_server_stops(
        tracked, clock):
    from bot.tracking.server import ClickTracker

    _, token = send_reply(tracked)
    # Written by the worker thread, on its own connection to the same database.
    tracker = ClickTracker(tracked.db, clock=clock, flush_seconds=0.2,
                           target=database_target(tracked.config))
    async with redirect_server(tracked.db, clock, tracker) as (base, session):
        await click(session, base, token)
        assert tracked.db["clicks"].count == 0 and len(tracker.pending) == 1
        await asyncio.sleep(0.4)
        assert tracked.db["clicks"].count == 1 and not tracker.pending
        clock.advance(minutes=1)
        await click(session, base, token, agent="Mozilla/5.0 (iPad)")
    assert tracked.db["clicks"].count == 2  # the last batch, written on the way out


def test_nudge_check_says_whether_links_are_tracked_and_where(tmp_path):
    import yaml

    from tests.cli_helpers import nudge

    off = tmp_path / "off.yaml"
    off.write_text(yaml.safe_dump(tracking_config(tmp_path, enabled=False).model_dump(
        mode="json")))
    assert "links: plain UTM links" in nudge(off, "check").stdout
    on = tmp_path / "on.yaml"
    on.write_text(yaml.safe_dump(tracking_config(tmp_path).model_dump(mode="json")))
    result = nudge(on, "check")
    assert result.returncode == 0, result.stderr
    assert (f"links: tracked as {PUBLIC_URL}/r/<token>, redirect served on "
            "http://127.0.0.1:8088") in result.stdout
