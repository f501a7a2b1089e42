"""Scheduling and exactly-once delivery, shared by promotions, reminders, the digest and pings.

- `timeparse`: what people type ("at tomorrow 9am every day until dec 31") -> a Schedule;
  `moments` reads one moment (dateparser), `recurrence` a repetition (APScheduler triggers).
- `triggers`: trigger specs stored as JSON <-> APScheduler triggers; missed-run planning.
- the ledger (bot/store/deliveries.py): deliveries claimed before sending, so nothing is
  posted twice.
- `writer`: group commit, so many deliveries falling due together stay on time.
- `delivery`: one send with retries for passing errors, and the team told of failures.
- `service`: the AsyncIOScheduler, its jobs rebuilt from the tables, and JobSource.
"""

from bot.scheduling.delivery import Delivery, Sender
from bot.scheduling.service import JobSource, SchedulerService, Wanted
from bot.scheduling.timeparse import Schedule, ScheduleError, parse_schedule, parse_when
from bot.store.deliveries import DeliveryKey

__all__ = [
    "Delivery",
    "DeliveryKey",
    "JobSource",
    "Schedule",
    "ScheduleError",
    "SchedulerService",
    "Sender",
    "Wanted",
    "parse_schedule",
    "parse_when",
]
