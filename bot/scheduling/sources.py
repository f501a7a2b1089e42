"""Every kind of scheduled work, registered in one place: one line per JobSource.

Each entry is "module:Class", constructed as `Class(db, config, **hooks)` when the application
starts (imported then, like the platform adapters, so importing bot.scheduling stays light).
Hooks are what a source needs from the layers above it, passed in by the application: the
digest's builder is a handler (`/nudge digest` shows the same digest).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Config
    from bot.scheduling.service import JobSource
    from bot.store import Database

SOURCES = [
    ("bot.promotions.jobs:PromotionJobs", ()),
    ("bot.reminders.jobs:ReminderJobs", ()),
    ("bot.daily.digest_job:DailyDigest", ("build_digest",)),
    ("bot.daily.pings:WaitingPings", ()),
]


def build_sources(db: Database, config: Config, **hooks: Any) -> list[JobSource]:
    sources = []
    for entry, wanted in SOURCES:
        module_name, _, class_name = entry.partition(":")
        source = getattr(import_module(module_name), class_name)
        sources.append(source(db, config, **{name: hooks[name] for name in wanted}))
    return sources
