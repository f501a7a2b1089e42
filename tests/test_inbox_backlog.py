"""A burst of customer messages is handled a few at a time, in the order it came (issue 26).

Every message is on disk and acknowledged at once; handling (store, engine, review) takes longer.
When more messages arrive than Nudge handles, the rest wait in the inbox table, not as a task
and a request each in memory, and are taken oldest first as handling frees up; messages that
arrive meanwhile queue behind them.
"""

from __future__ import annotations

import asyncio

from bot.config import database_target
from bot.platforms.inbox import Inbox
from bot.store import inbox as inbox_store
from bot.store import open_db


class SlowHandler:
    """Handles a message once `release` lets one more through; records what it saw."""

    def __init__(self):
        self.started: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self._gate = asyncio.Semaphore(0)

    async def __call__(self, body: dict) -> None:
        self.started.append(body["n"])
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await self._gate.acquire()
        finally:
            self.running -= 1

    def release(self, how_many: int = 1) -> None:
        for _ in range(how_many):
            self._gate.release()


async def until(condition, what: str) -> None:
    for _ in range(3000):  # a hang guard, not a timing check
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


LISTENERS: set[asyncio.Task] = set()


async def arrive(inbox: Inbox, n: int) -> None:
    """What an adapter does with a customer message: keep it, acknowledge, then handle it in
    a task of its own (bolt runs the listener after the ack)."""
    assert await inbox.keep(f"C1:{n}", {"n": n})
    listener = asyncio.create_task(inbox.handle(f"C1:{n}", {"n": n}))
    LISTENERS.add(listener)
    listener.add_done_callback(LISTENERS.discard)
    await asyncio.sleep(0)


async def statuses(inbox: Inbox) -> dict[str, str]:
    return dict(await inbox._run(lambda db, platform: inbox_store.statuses(db, platform)))


async def test_a_burst_waits_on_disk_and_is_handled_in_the_order_it_came(config):
    target = str(database_target(config))
    open_db(target).conn.close()  # the schema
    handler = SlowHandler()

    async def tell(_reply) -> None:
        return None

    inbox = Inbox(target, "slack", handler, tell, retry_seconds=0.05, max_in_hand=3)
    for n in range(20):
        await arrive(inbox, n)
    await until(lambda: handler.running == 3, "three messages in hand")
    await until(lambda: len(LISTENERS) == 3, "the other listeners finished")
    # The other seventeen are acknowledged and on disk, and nothing in memory waits for them.
    assert inbox.backlog
    assert handler.started == [0, 1, 2]
    kept = await statuses(inbox)
    assert len(kept) == 20 and set(kept.values()) == {"new"}
    assert len(inbox._active) == 3

    inbox.start()
    for n in range(20, 25):  # more arrive while the backlog is being worked off
        handler.release()
        await arrive(inbox, n)
    handler.release(100)
    await until(lambda: len(handler.started) == 25, "every message handled")
    await until(lambda: not inbox.backlog, "the backlog over")
    await inbox.stop()

    assert handler.started == list(range(25))  # each once, oldest first
    assert handler.most_at_once <= 3
    finished = await_statuses_after_stop(target)
    assert set(finished.values()) == {"done"} and len(finished) == 25

    # With room again, a new message is handled at once, not left for the loop.
    again = Inbox(target, "slack", handler, tell, retry_seconds=60, max_in_hand=3)
    handler.release()
    await arrive(again, 25)
    await until(lambda: handler.started[-1] == 25, "handled at once")
    assert not again.backlog  # the loop (not started) had no part in it
    await until(lambda: not LISTENERS, "the listener finished")
    await again.stop()


def await_statuses_after_stop(target: str) -> dict[str, str]:
    db = open_db(target)
    try:
        return dict(inbox_store.statuses(db, "slack"))
    finally:
        db.conn.close()
