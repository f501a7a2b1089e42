"""Reminders anyone on the team can set: to themselves (a direct message) or to a channel.

`store` keeps the reminders table (the source of truth), `grammar` reads `remind ...`, and
`jobs` is the JobSource that delivers them through the shared scheduler and ledger, exactly as
promotions are delivered.
"""

from bot.reminders.store import Reminder, ReminderError

__all__ = ["Reminder", "ReminderError"]
