"""Waiting-customer pings: a customer message with no team reply after `waiting.after_minutes`
pings the team once, in the review channel of its platform, during working hours only.

A sweep runs every minute on the shared scheduler. It looks at conversations still waiting
for the team (the customer spoke last) and not yet pinged, on the platforms connected now.
The ping is for the conversation's latest customer message: a new message from the customer
clears `conversations.waiting_pinged_at` (see handlers/conversation.py), so it is pinged on
its own once it has waited long enough.

When a ping is due: `after_minutes` after the message, or, when that falls outside working
hours, the moment working hours next begin. A message sent at 22:00 is therefore pinged at
opening the next working day if nobody has answered it by then. The ledger key (kind "ping",
ref = the message id, scheduled_for = that due time) makes it once per message, across
restarts; a ping already in the ledger for that message is never claimed again, even after
the configuration changes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.config import Config
from bot.core.types import Post
from bot.daily.hours import WorkingHours
from bot.daily.wording import describe_wait, message_link
from bot.scheduling.delivery import Delivery
from bot.scheduling.service import SchedulerService, Wanted
from bot.scheduling.triggers import spec_text
from bot.store import Database, daily
from bot.store import deliveries as ledger
from bot.store.daily import WaitingMessage

log = logging.getLogger(__name__)

KIND = "ping"
SWEEP = "sweep"
EVERY_MINUTE = {"type": "cron", "fields": {"second": "0"}, "summary": "every minute"}
MAX_QUOTED = 200

def ping_text(row: WaitingMessage, now: datetime) -> str:
    """What the team reads: who, how long, where (with a link), and what they said."""
    waited = now - row.last_customer_message_at
    who = row.name or "A customer"
    text = " ".join(row.text.split())
    if len(text) > MAX_QUOTED:
        text = text[: MAX_QUOTED - 1] + "…"
    urgent = "🚨 Urgent: " if row.urgent else "⏰ "
    lines = [f"{urgent}{who} has waited {describe_wait(waited.total_seconds() / 60)} for a "
             f"reply in {row.platform} #{row.channel}: \"{text}\""]
    link = message_link(row.platform, row.workspace, row.channel, row.thread)
    if link:
        lines.append(link)
    return "\n".join(lines)


class WaitingPings:
    kind = KIND

    def __init__(self, db: Database, config: Config):
        self.db = db
        self.config = config
        self.hours = WorkingHours.from_config(config)
        self.after = timedelta(minutes=config.waiting.after_minutes)
        self.service: SchedulerService | None = None
        self._warned: set[str] = set()

    def bind(self, service: SchedulerService) -> None:
        self.service = service

    def _now(self) -> datetime:
        return self.service.clock() if self.service else datetime.now(UTC)

    # --- what should be scheduled ---------------------------------------------------------

    def wanted(self) -> dict[str, Wanted]:
        wanted = self.wanted_one(SWEEP)
        return {SWEEP: wanted} if wanted else {}

    def wanted_one(self, key: str) -> Wanted | None:
        if key != SWEEP or not self.config.waiting.enabled or not self.hours.days:
            return None
        # The next whole minute strictly after now: a sweep never runs twice in one minute.
        following = self._now().replace(second=0, microsecond=0) + timedelta(minutes=1)
        return Wanted(spec_text(EVERY_MINUTE), "UTC", following)

    def describe(self, ref_id: str) -> str:
        return f"the waiting-customer ping for message #{ref_id}"

    # --- running --------------------------------------------------------------------------

    def due_at(self, message_at: datetime) -> datetime | None:
        """When the ping for a message sent at `message_at` is due (None: never)."""
        return self.hours.next_opening(message_at + self.after)

    def review_channels(self, platforms) -> dict[str, str]:
        channels = {}
        for platform in platforms:
            channel = self.config.review_channel(platform)
            if channel:
                channels[platform] = channel
            elif platform not in self._warned:
                self._warned.add(platform)
                log.warning("no review channel set for %s (platforms.%s.review_channel): "
                            "waiting customers there are not pinged", platform, platform)
        return channels

    def claim_due(self, db: Database, now: datetime, channels: dict[str, str],
                  owner: str | None = None
                  ) -> list[tuple[int, ledger.DeliveryKey, WaitingMessage]]:
        """Inside the caller's transaction: mark each conversation due for a ping as pinged
        and claim its ping. Returns the claims with the rows to word them from."""
        claims = []
        for row in daily.unpinged_waiting(db, now - self.after, list(channels)):
            due = self.due_at(row.last_customer_message_at)
            if due is None or due > now:
                continue
            daily.mark_pinged(db, row.conversation_id, now)
            if ledger.find(db, KIND, row.message_id):
                continue  # pinged before, perhaps under another configuration
            key = ledger.DeliveryKey(KIND, str(row.message_id), due, row.platform,
                                     channels[row.platform])
            delivery_id = ledger.claim(db, key, now, owner=owner)
            if delivery_id is not None:
                claims.append((delivery_id, key, row))
        return claims

    async def fire(self, key: str, service: SchedulerService) -> None:
        now = service.clock()
        if not self.hours.is_open(now):
            return
        channels = self.review_channels(service.platforms())
        if not channels:
            return
        claims = await service.writer.write(
            lambda db: self.claim_due(db, now, channels, service.owner))
        if claims:
            await service.send_all([self.delivery(did, dkey, row, now)
                                    for did, dkey, row in claims])

    def delivery(self, delivery_id: int, key: ledger.DeliveryKey, row: WaitingMessage,
                 now: datetime) -> Delivery:
        return Delivery(id=delivery_id, key=key,
                        post=Post(key.platform, key.target, ping_text(row, now)),
                        label=self.describe(key.ref_id))

    def delivery_for(self, delivery_id: int, key: ledger.DeliveryKey) -> Delivery | None:
        row = daily.still_waiting(self.db, int(key.ref_id))
        if row is None:
            return None  # answered meanwhile: no need to ping any more
        return self.delivery(delivery_id, key, row, self._now())
