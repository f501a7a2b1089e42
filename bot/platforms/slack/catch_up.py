"""Messages customers wrote while Nudge was away, read back from Slack's history at start.

Slack retries an event it could not deliver a few times over about five minutes, then drops
it: a longer stop (an upgrade, a crash at night) would lose what customers wrote meanwhile. So
at every start Nudge reads, in each customer channel where it has stored messages, the history
after the newest one it has (conversations.history), and the replies in the threads it follows
that were active lately (conversations.replies), and handles what it missed, oldest first, as
if it had just arrived. A message it already has is recognised by its ts and skipped. Channels
where it has never stored anything are left alone: a first start does not review the past.

The whole missed range is read (Slack pages history newest first, so a cap on reading would
drop the oldest), then every missed message is written to the inbox, oldest first, before any
is handled: a stop in the middle leaves the rest `new` there, and the next start goes on from
them, even though a live message stored meanwhile moved "the newest stored" past them.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.platforms.slack import api, problems
from bot.platforms.slack.listeners.events import WRITTEN, message_key
from bot.store import history

if TYPE_CHECKING:
    from bot.platforms.slack.adapter import SlackAdapter

log = logging.getLogger("bot.platforms.slack")

MANY = 200  # past this many in one channel, the log says how long the catch-up will take
PAGE = 200  # conversations.history and .replies take at most 999; Slack advises 200
THREADS_PER_CHANNEL = 50  # threads re-read per channel, the most recently active first
THREAD_DAYS = 7  # a thread quiet for longer is not re-read


async def catch_up(adapter: SlackAdapter) -> int:
    """Handle the customer messages written since Nudge last saw each channel; how many."""
    db, handled = adapter.ctx.db, 0
    since = adapter.ctx.now() - timedelta(days=THREAD_DAYS)
    for channel, newest in history.slack_newest_per_channel(db):
        if not adapter.listens_to(channel):
            continue
        threads = history.slack_recent_threads(db, channel, since, THREADS_PER_CHANNEL)
        try:
            missed = await _missed_in(adapter, channel, newest, threads)
        except api.SlackCallError as error:
            if not problems.report(adapter.ctx, error.code, channel, needed=error.needed):
                log.warning("Slack: could not read back #%s (%s)", channel, error.code)
            continue
        if len(missed) > MANY:
            log.warning("Slack: %d messages in #%s while Nudge was away; all are handled, "
                        "oldest first", len(missed), channel)
        handled += await adapter.inbox.catch_up([
            (message_key(channel, event["ts"]),
             {"type": "event_callback", "team_id": adapter.workspace,
              "event": {**event, "type": "message", "channel": channel}})
            for event in missed])
    if handled:
        log.info("Slack: handled %d message(s) written while Nudge was away", handled)
    return handled


async def _missed_in(adapter: SlackAdapter, channel: str, newest: str,
                     threads: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """What people wrote after `newest` in the channel and after each thread's newest,
    oldest first, all of it."""
    found: dict[str, dict[str, Any]] = {}
    for message in await _read(adapter, "conversations.history", channel=channel,
                               oldest=newest):
        found[message["ts"]] = message
        if message.get("reply_count") and message.get("latest_reply", "") > newest:
            threads.append((message["ts"], newest))  # a new thread that got replies
    for thread, thread_newest in threads:
        for message in await _read(adapter, "conversations.replies", channel=channel,
                                   ts=thread, oldest=thread_newest):
            if message["ts"] > thread_newest:
                found.setdefault(message["ts"], message)
    return [m for ts, m in sorted(found.items(), key=lambda item: float(item[0]))
            if m.get("subtype") in WRITTEN]


async def _read(adapter: SlackAdapter, method: str, **args: Any) -> list[dict[str, Any]]:
    """Every page of a history method after `oldest` (history comes newest first)."""
    messages: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = await api.call_or_raise(adapter.client, method, limit=PAGE, inclusive=False,
                                       **args, **({"cursor": cursor} if cursor else {}))
        messages.extend(m for m in page.get("messages") or [] if m.get("ts"))
        cursor = ((page.get("response_metadata") or {}).get("next_cursor") or "")
        if not (page.get("has_more") and cursor):
            break
    return messages
