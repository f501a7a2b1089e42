"""Every kind of scheduled work, registered in one place: one line per JobSource.

Each entry is "module:Class", constructed as `Class(db, config)` when the application starts
(imported then, like the platform adapters, so importing bot.scheduling stays light).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config
    from bot.scheduling.service import JobSource
    from bot.store import Database

SOURCES = [
    "bot.promotions.jobs:PromotionJobs",
    "bot.reminders.jobs:ReminderJobs",
    "bot.daily.digest_job:DailyDigest",
    "bot.daily.pings:WaitingPings",
]


def build_sources(db: Database, config: Config) -> list[JobSource]:
    sources = []
    for entry in SOURCES:
        module_name, _, class_name = entry.partition(":")
        sources.append(getattr(import_module(module_name), class_name)(db, config))
    return sources
