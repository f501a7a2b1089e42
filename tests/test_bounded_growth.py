"""What a long-running Nudge keeps in memory or on disk beside the data is bounded (issue 26):
the memories of recent events, replays and clicks, the Discord review press counts, and the
SQLite write-ahead log, even with a reader open the whole time."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.platforms.discord.review import PressCounts
from bot.platforms.slack.dedupe import RecentEvents
from bot.store import WAL_SIZE_LIMIT_BYTES, open_db, transaction
from bot.tracking import server as tracking_server


def test_slack_event_ids_are_forgotten_past_their_count_and_their_age():
    now = [0.0]
    recent = RecentEvents(size=100, ttl=60, clock=lambda: now[0])
    for n in range(1000):
        assert recent.first_time(f"Ev{n}")
    assert len(recent._seen) <= 100
    assert not recent.first_time("Ev999")  # a recent redelivery is still caught
    now[0] = 61
    recent.first_time("EvLater")
    assert len(recent._seen) == 1


def test_the_click_repeat_filter_forgets():
    repeats = tracking_server.RepeatFilter(window=timedelta(minutes=1), limit=50)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    for n in range(500):
        repeats.first_in_window(f"tok{n}", "203.0.113.9", start + timedelta(seconds=n))
    assert len(repeats.seen) <= 51
    assert not repeats.first_in_window("tok499", "203.0.113.9", start + timedelta(seconds=500))


def test_discord_press_counts_keep_only_the_reviews_pressed_last():
    counts = PressCounts(size=100)
    for message_id in range(1000):
        counts.pressed(message_id)
    counts.pressed(999)
    assert len(counts) == 100
    assert counts.get(999) == 2
    assert counts.get(5) == 0  # forgotten: a draft that saw a press still differs from 0


def wal_bytes(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_the_write_ahead_log_stays_bounded_with_a_reader_open(tmp_path):
    """Thousands of small commits (as every customer message makes) while another connection
    reads now and then (the inbox, the reader process): checkpoints keep the log small."""
    path = tmp_path / "nudge.db"
    db = open_db(path)
    reader = sqlite3.connect(path, isolation_level=None)
    largest = 0
    for n in range(6000):
        db.execute("insert into audit_log (at, action, details) values (?, ?, ?)",
                   ["2026-12-01", "soak", "x" * 300])
        if n % 50 == 0:
            reader.execute("select count(*) from audit_log").fetchone()
            largest = max(largest, wal_bytes(path))
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] > 0
    # 1000 pages of 4 KiB and the frame headers: the log starts over instead of growing.
    assert 0 < largest < 5 * 1024 * 1024
    reader.close()
    db.conn.close()


def test_one_huge_transaction_does_not_leave_a_huge_log_behind(tmp_path):
    path = tmp_path / "nudge.db"
    db = open_db(path)
    with transaction(db):
        for _ in range(40):
            db.execute("insert into audit_log (at, action, details) values (?, ?, ?)",
                       ["2026-12-01", "import", "y" * 1_000_000])
    assert wal_bytes(path) > WAL_SIZE_LIMIT_BYTES  # the log had to hold it all at once
    for _ in range(1100):  # past the checkpoint: the log starts over, cut back to the limit
        db.execute("insert into audit_log (at, action) values ('2026-12-01', 'after')")
    assert wal_bytes(path) <= WAL_SIZE_LIMIT_BYTES
    db.conn.close()


async def test_the_inbox_forgets_handled_messages_after_a_while(tmp_path):
    """Every customer message passes through the inbox table: handled ones are deleted once
    older than KEEP_HANDLED; those not handled yet (or failed, for a person to look at) stay."""
    from bot.platforms import inbox as inbox_module
    from bot.platforms.inbox import Inbox
    from bot.store import inbox as inbox_store

    async def ignore(*args):
        return None

    path = tmp_path / "nudge.db"
    db = open_db(path)
    now = [datetime(2026, 12, 1, tzinfo=UTC)]
    inbox = Inbox(str(path), "slack", handler=ignore, notify=ignore, clock=lambda: now[0])
    for n in range(5):
        await inbox.keep(f"old-{n}", {"n": n})
    await inbox.keep("old-unhandled", {})
    for n in range(5):
        await inbox.handle(f"old-{n}", {"n": n})
    await inbox._run(inbox_store.mark, "old-4", "failed")
    now[0] += inbox_module.KEEP_HANDLED + timedelta(hours=1)
    await inbox.keep("recent", {})
    await inbox.handle("recent", {})
    assert await inbox.prune() == 4
    left = dict(db.execute("select event_key, status from inbox").fetchall())
    assert left == {"old-unhandled": "new", "old-4": "failed", "recent": "done"}
    await inbox.stop()
    db.conn.close()


def test_the_engine_remembers_the_vectors_of_the_last_texts_only(monkeypatch):
    """Every customer message is embedded to be classified; its vector is remembered (training
    reuses them), but only the last MAX_REMEMBERED_VECTORS texts: not every message ever read."""
    import numpy as np

    from bot.engine import model
    from bot.engine.embedding import embedder

    monkeypatch.setattr(model, "MAX_REMEMBERED_VECTORS", 3)
    monkeypatch.setattr(model, "_memo", model.OrderedDict())
    directory = str(embedder().directory)
    texts = [f"do you have loaf number {n}?" for n in range(8)]
    block = model._embedding_block(texts, directory, 1.0)
    assert len(model._memo) == 3
    again = model._embedding_block(texts[:1], directory, 1.0)  # forgotten: embedded again
    assert np.allclose(again[0], block[0], atol=1e-5)
    assert len(model._memo) == 3
