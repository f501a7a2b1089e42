"""Problems a platform reported, counted once each and listed in the morning digest."""

from __future__ import annotations

from bot.store.problems import platform_errors_since, record_platform_error
from handlers.digest import build_digest

REFUSED = "could not post in #announcements (123): missing Send Messages"


def test_a_repeated_problem_is_counted_not_duplicated(db, clock):
    record_platform_error(db, "discord", "123", "missing_permissions", REFUSED, at=clock())
    clock.advance(minutes=5)
    record_platform_error(db, "discord", "123", "missing_permissions", REFUSED, at=clock())
    record_platform_error(db, "discord", "456", "unknown_channel", "no such channel", at=clock())

    first, second = platform_errors_since(db, clock.moment.replace(hour=0))
    assert (first.channel, first.count, first.first_at, first.last_at) == (
        "123", 2, "2026-11-23T10:00:00+00:00", "2026-11-23T10:05:00+00:00")
    assert (second.channel, second.problem, second.count) == ("456", "unknown_channel", 1)
    clock.advance(minutes=1)
    assert platform_errors_since(db, clock()) == []


def test_the_digest_lists_problems_seen_since_yesterday(ctx, clock):
    record_platform_error(ctx.db, "discord", "789", "unknown_channel", "an old problem",
                          at=clock().replace(day=20))
    record_platform_error(ctx.db, "discord", "123", "missing_permissions", REFUSED, at=clock())
    record_platform_error(ctx.db, "discord", "123", "missing_permissions", REFUSED, at=clock())

    digest = build_digest(ctx, clock()).text

    assert "*Chat platform problems to fix (1)*" in digest
    assert f"• discord: {REFUSED} (2 times)" in digest
    assert "an old problem" not in digest
