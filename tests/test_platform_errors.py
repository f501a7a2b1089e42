"""Problems a platform reported, kept once each until a digest has shown them."""

from __future__ import annotations

from bot.platforms.errors import (
    mark_platform_errors_reported,
    record_platform_error,
    unreported_platform_errors,
)


def test_a_repeated_problem_is_counted_once_and_reported_again_after_it_recurs(db, clock):
    record_platform_error(db, "discord", "123", "missing_permissions", "lacks Send Messages",
                          at=clock())
    clock.advance(minutes=5)
    record_platform_error(db, "discord", "123", "missing_permissions", "lacks Send Messages",
                          at=clock())
    record_platform_error(db, "discord", "456", "unknown_channel", "no such channel", at=clock())

    first, second = unreported_platform_errors(db)
    assert (first.channel, first.count, first.first_at, first.last_at) == (
        "123", 2, "2026-11-23T10:00:00+00:00", "2026-11-23T10:05:00+00:00")
    assert (second.channel, second.problem) == ("456", "unknown_channel")

    mark_platform_errors_reported(db, [first.id, second.id], at=clock())
    assert unreported_platform_errors(db) == []

    record_platform_error(db, "discord", "123", "missing_permissions", "lacks Embed Links",
                          at=clock())
    [again] = unreported_platform_errors(db)
    assert (again.id, again.count, again.detail) == (first.id, 3, "lacks Embed Links")
