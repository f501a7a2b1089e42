"""Working hours in the team's time zone: when a waiting customer may ping the team.

`waiting.working_hours` is one span such as "09:00-18:00" ("22:00-06:00" runs past midnight,
counted from the working day it starts on); `waiting.working_days` the weekdays it applies to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import WEEKDAYS, Config

DAY = 24 * 60


def _minutes(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


@dataclass(frozen=True)
class WorkingHours:
    start: int  # minutes after midnight
    end: int  # minutes after midnight, up to 24:00; not after start means past midnight
    days: frozenset[int]  # weekday numbers, Monday = 0
    zone: ZoneInfo

    @classmethod
    def from_config(cls, config: Config) -> WorkingHours:
        start, end = config.waiting.working_hours.split("-")
        days = frozenset(WEEKDAYS.index(day) for day in config.waiting.working_days)
        return cls(_minutes(start), min(_minutes(end), DAY), days, config.zone)

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        weekday = local.weekday()
        if not self.overnight:
            return weekday in self.days and self.start <= minute < self.end
        return (weekday in self.days and minute >= self.start) or (
            (weekday - 1) % 7 in self.days and minute < self.end)

    def next_opening(self, moment: datetime) -> datetime | None:
        """`moment` itself when open, else the next time working hours begin; None when no
        day is a working day."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(self.zone)
        begins = time(self.start // 60, self.start % 60)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            if day.weekday() not in self.days:
                continue
            opening = datetime.combine(day, begins, self.zone)
            if opening > moment:
                return opening
        return None
