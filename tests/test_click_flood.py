"""Clicks that try to inflate the count: a forged X-Forwarded-For or a new User-Agent on every
request counts once per minute; only a configured proxy's X-Forwarded-For is believed; the
memory of recent clicks stays bounded and each click costs a bounded amount of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import ConfigError, database_target
from bot.core.context import Context
from bot.store import open_db
from bot.tracking.server import RepeatFilter, client_address
from handlers.registry import build_router
from tests.conftest import example_config
from tests.test_tracked_links import send_reply
from tests.tracking_helpers import PUBLIC_URL, clicks, redirect_server


def config_with(tmp_path, **tracking):
    return example_config(tmp_path, links={"tracking": {"enabled": True,
                                                        "public_url": PUBLIC_URL, **tracking}})


@pytest.fixture
def tracked(tmp_path, clock):
    config = config_with(tmp_path)
    db = open_db(database_target(config))
    yield Context(config=config, db=db, router=build_router(), clock=clock)
    db.conn.close()


async def test_2000_clicks_with_forged_headers_from_one_client_count_once_per_minute(
        tracked, clock):
    _, token = send_reply(tracked)
    async with redirect_server(tracked.db, clock) as (base, session):
        for n in range(2000):
            headers = {"User-Agent": f"Mozilla/5.0 (X11; Linux) Firefox/{n}",
                       "X-Forwarded-For": f"10.{n // 250}.{n % 250}.7"}
            async with session.get(f"{base}/r/{token}", allow_redirects=False,
                                   headers=headers) as response:
                assert response.status == 302
        assert clicks(tracked.db, token) == 1
        clock.advance(minutes=1)
        async with session.get(f"{base}/r/{token}", allow_redirects=False,
                               headers={"User-Agent": "Mozilla/5.0 (iPhone)"}) as response:
            assert response.status == 302
        assert clicks(tracked.db, token) == 2  # the next minute counts again


class Hop:
    """What client_address reads of a request: the peer's address and the headers."""

    def __init__(self, remote: str, forwarded: str = ""):
        self.remote = remote
        self.headers = {"X-Forwarded-For": forwarded} if forwarded else {}


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(tmp_path):
    tracking = config_with(tmp_path, trusted_proxies=["127.0.0.1", "10.1.0.0/16"]).links.tracking
    assert config_with(tmp_path).links.tracking.trusted_proxies == []  # none by default
    proxies, nobody = tracking.proxy_networks(), ()
    assert client_address(Hop("203.0.113.9", "198.51.100.1"), nobody) == "203.0.113.9"
    assert client_address(Hop("127.0.0.1", "198.51.100.1"), nobody) == "127.0.0.1"
    # Behind the proxy: the hop the proxy saw, not whatever the client wrote before it.
    assert client_address(Hop("127.0.0.1", "1.2.3.4, 198.51.100.1"), proxies) == "198.51.100.1"
    assert client_address(Hop("127.0.0.1", "198.51.100.1, 10.1.4.4"), proxies) == "198.51.100.1"
    assert client_address(Hop("203.0.113.9", "198.51.100.1"), proxies) == "203.0.113.9"
    assert client_address(Hop("127.0.0.1", "not an address"), proxies) == "127.0.0.1"


def test_a_proxy_that_is_not_an_address_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as caught:
        config_with(tmp_path, trusted_proxies=["my-proxy"])
    assert "links.tracking.trusted_proxies" in str(caught.value)


def test_a_flood_of_distinct_clients_keeps_memory_bounded_and_work_per_click_constant():
    repeats = RepeatFilter(limit=1000)
    start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    clicks_made = 20_000  # all within the minute: far more than the filter remembers
    for n in range(clicks_made):
        assert repeats.first_in_window("tok", f"addr-{n}", start + timedelta(milliseconds=n))
    assert len(repeats) == 1000
    # Forgetting is one entry at a time, oldest first: never a sweep over all of them.
    assert repeats.forgotten <= clicks_made
    recent = start + timedelta(milliseconds=clicks_made - 1)
    assert not repeats.first_in_window("tok", f"addr-{clicks_made - 1}", recent)
    # Once the minute has passed, old entries go as new clicks come, a few at a time.
    later = recent + timedelta(minutes=2)
    assert repeats.first_in_window("tok", "addr-new", later)
    assert len(repeats) == 1
