"""Delivery under faults: what Nudge acknowledged, stored, sent and consumed when things break.

Every scenario runs the real `nudge run` (HTTP mode, real engine, real SQLite) or the real
Application against the wire-level fake Slack from the tests, on 127.0.0.1:

1. SIGKILL during a burst of customer messages, `--runs` times: messages acknowledged (HTTP
   200) vs messages on disk (inbox or messages table) right after the kill; then one restart,
   and how many acknowledged messages are stored as messages once it has handled its inbox.
2. A full disk during a burst (the database on a small tmpfs, filled; as root), then space
   returns: acknowledged vs stored, and how many times the team was told.
3. Slack answering Send with text/plain and HTML error pages: suggestions recorded as sent.
4. A start that fails (refused token) with a promotion due: deliveries consumed.
5. Acknowledgement latency of customer messages while 200 `/nudge digest` run (625 waiting
   conversations in the database), and on a cold first start (no trained model yet).
6. Slack answering 503 pages to every post for a while: reviews shown once Slack is back, with
   and without a stop and a start in the middle of the retries (the outbox).
7. SIGKILL while messages are stored but their reviews not yet shown, then a restart:
   acknowledged messages never reviewed.
8. 300 messages written while Nudge was stopped (over the old 200 cap): how many the next
   start reads back and reviews.
9. A full disk during a burst, a SIGKILL, then space returns and Slack retries what was not
   acknowledged: acknowledged messages lost or unreviewed.

    .venv/bin/python bench/delivery_faults.py [--runs 10] [--burst 120] [--only 7 --only 9]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.slack_http import (  # noqa: E402
    CUSTOMER,
    CUSTOMER_LINES,
    CUSTOMERS,
    REVIEW,
    TEAM,
    FakeSlackThread,
    free_port,
    percentile,
    stop,
    wait_until_up,
    write_config,
)
from tests import fake_slack as fake  # noqa: E402

WARM_CACHE = Path(tempfile.gettempdir()) / "nudge-cache-delivery-bench"


def start_nudge(config: Path, cache: Path, log: Path | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "NUDGE_"))}
    env.update(SLACK_BOT_TOKEN=fake.BOT_TOKEN, SLACK_SIGNING_SECRET=fake.SIGNING_SECRET,
               NUDGE_CACHE_DIR=str(cache))
    return subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config), "run"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=log.open("ab") if log else subprocess.DEVNULL)


class Sender:
    """Signed deliveries to Nudge's HTTP endpoint, as Slack sends them."""

    def __init__(self, session: aiohttp.ClientSession, url: str):
        self.session, self.url = session, url

    async def message(self, n: int, run: int = 0, retry: int = 0) -> tuple[str, float | None]:
        """A customer message; returns (its key, ack latency in ms or None if not acked).
        `retry`: Slack's retry number of the same event (its X-Slack-Retry-Num)."""
        ts = f"17{run:02d}{n:06d}.000001"
        event = fake.message_event(CUSTOMER_LINES[n % len(CUSTOMER_LINES)], user=CUSTOMER,
                                   channel=CUSTOMERS, ts=ts, event_id=f"EvF{run:02d}{n:07d}")
        return f"{CUSTOMERS}:{ts}", await self._post(json.dumps(event), "application/json",
                                                     retry=retry)

    async def command(self, text: str, response_url: str) -> float | None:
        body = fake.form_body(fake.slash_command(text, user=TEAM, channel=REVIEW,
                                                 response_url=response_url))
        return await self._post(body, "application/x-www-form-urlencoded")

    async def _post(self, body: str, content_type: str, retry: int = 0) -> float | None:
        headers = fake.signed_headers(body, content_type=content_type, retry_num=retry or None)
        started = time.perf_counter()
        try:
            async with self.session.post(self.url, data=body.encode(), headers=headers) as reply:
                await reply.read()
                if reply.status != 200:
                    return None
        except (TimeoutError, aiohttp.ClientError):
            return None
        return (time.perf_counter() - started) * 1000


def stored_keys(db_path: Path) -> set[str]:
    conn = sqlite3.connect(db_path)
    try:
        keys = {k for (k,) in conn.execute("select event_key from inbox")}
        keys |= {k for (k,) in conn.execute("select event_key from messages where event_key "
                                            "is not null")}
    finally:
        conn.close()
    return keys


def message_keys(db_path: Path) -> set[str]:
    conn = sqlite3.connect(db_path)
    try:
        return {k for (k,) in conn.execute("select event_key from messages")}
    finally:
        conn.close()


def inbox_waiting(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("select count(*) from inbox where status = 'new'").fetchone()[0]
    finally:
        conn.close()


async def until(check, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(every)
    return False


async def burst(sender: Sender, count: int, run: int, rate: float) -> list[asyncio.Task]:
    tasks = []
    for n in range(count):
        tasks.append(asyncio.create_task(sender.message(n, run)))
        await asyncio.sleep(1 / rate)
    return tasks


# ---- 1. SIGKILL during a burst --------------------------------------------------------------

async def sigkill(slack, runs: int, count: int) -> None:
    print(f"1. SIGKILL during a burst of {count} customer messages, {runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        config = write_config(Path(folder), slack.api_url, port)
        db_path = Path(folder) / "nudge.db"
        base = f"http://127.0.0.1:{port}"
        acked_all: set[str] = set()
        lost_total = 0
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            sender = Sender(session, f"{base}/slack/events")
            for run in range(1, runs + 1):
                nudge = start_nudge(config, WARM_CACHE)
                await wait_until_up(session, base, nudge)
                sending = asyncio.create_task(burst(sender, count, run, rate=100))
                await asyncio.sleep(random.uniform(0.3, 0.9) * count / 100)
                nudge.send_signal(signal.SIGKILL)
                nudge.wait()
                results = await asyncio.gather(*(await sending))
                acked = {key for key, ms in results if ms is not None}
                lost = acked - stored_keys(db_path)
                acked_all |= acked
                lost_total += len(lost)
                print(f"   run {run:2}: {len(acked):4} acknowledged, {len(acked) - len(lost):4} "
                      f"on disk, {len(lost)} lost")
            nudge = start_nudge(config, WARM_CACHE)
            await wait_until_up(session, base, nudge)
            await until(lambda: inbox_waiting(db_path) == 0, 120)
            stop(nudge)
        handled = acked_all & message_keys(db_path)
        print(f"   total: {len(acked_all)} acknowledged, {lost_total} lost at the kill; after "
              f"one restart {len(handled)} of them stored as messages")


@contextlib.contextmanager
def small_disk(prefix: str):
    """A 64 MB tmpfs to fill up (mounting needs root), unmounted and removed afterwards."""
    mount = Path(tempfile.mkdtemp(prefix=prefix))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)
        mount.rmdir()


# ---- 2. a full disk -------------------------------------------------------------------------

async def full_disk(slack, count: int) -> None:
    print(f"2. Full disk during a burst of {count} customer messages, then space returns")
    if os.geteuid() != 0:
        print("   skipped: mounting a small tmpfs needs root")
        return
    with small_disk("nudge-full-") as mount:
        port = free_port()
        config = write_config(mount, slack.api_url, port)
        db_path = mount / "nudge.db"
        base = f"http://127.0.0.1:{port}"
        told_before = len(warnings(slack))
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            sender = Sender(session, f"{base}/slack/events")
            nudge = start_nudge(config, WARM_CACHE, Path(tempfile.gettempdir()) / "full.log")
            await wait_until_up(session, base, nudge)
            filler = mount / "filler"
            with filler.open("wb") as file:  # fill every byte left
                try:
                    while True:
                        file.write(b"\0" * 65536)
                        file.flush()
                except OSError:
                    pass
            results = await asyncio.gather(*(await burst(sender, count, 99, rate=100)))
            acked = {key for key, ms in results if ms is not None}
            on_disk_while_full = len(acked & stored_keys(db_path))
            filler.unlink()
            await until(lambda: acked <= message_keys(db_path), 60)
            stop(nudge)
        conn = sqlite3.connect(db_path)
        statuses = dict(conn.execute("select status, count(*) from inbox group by status"))
        conn.close()
        print(f"   inbox afterwards: {statuses}")
        stored = acked & message_keys(db_path)
        told = len(warnings(slack)) - told_before
        print(f"   {len(acked)} acknowledged, {on_disk_while_full} on disk while it was full, "
              f"{len(stored)} stored once space returned, {len(acked) - len(stored)} lost; "
              f"team told {told} time(s)")


def warnings(slack) -> list:
    return [c for c in slack.calls_to("chat.postMessage") if "cannot store" in str(c.args)]


# ---- 7, 8, 9: reviews after a kill, a long outage, a full disk and a kill ----------------------

def reviewed_keys(db_path: Path) -> set[str]:
    """Messages whose review was shown (a suggestion of theirs remembers where)."""
    conn = sqlite3.connect(db_path)
    try:
        return {k for (k,) in conn.execute(
            "select m.event_key from messages m where exists (select 1 from suggestions s "
            "where s.message_id = m.id and s.review_ref is not null)")}
    finally:
        conn.close()


def unreviewed_of(db_path: Path, prefix: str) -> bool:
    """Whether a message whose key starts with `prefix` is stored and not reviewed."""
    return any(key.startswith(prefix) for key in message_keys(db_path) - reviewed_keys(db_path))


def in_history(slack, keys: set[str]) -> None:
    """What Slack keeps in the channel for each message sent (the catch-up reads it)."""
    for key in sorted(keys):
        ts = key.partition(":")[2]
        slack.written(CUSTOMERS, CUSTOMER_LINES[0], user=CUSTOMER, ts=ts)


async def kill_before_review(slack, runs: int, count: int) -> None:
    print(f"7. SIGKILL while messages are stored and not yet reviewed, {runs} runs of "
          f"{count} messages, then one restart")
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        config = write_config(Path(folder), slack.api_url, port)
        db_path = Path(folder) / "nudge.db"
        base = f"http://127.0.0.1:{port}"
        acked_all: set[str] = set()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            sender = Sender(session, f"{base}/slack/events")
            for run in range(1, runs + 1):
                nudge = start_nudge(config, WARM_CACHE)
                await wait_until_up(session, base, nudge)
                sending = asyncio.create_task(burst(sender, count, 40 + run, rate=100))
                # The kill comes once some message of this burst is stored and not reviewed.
                await until(partial(unreviewed_of, db_path, f"{CUSTOMERS}:17{40 + run:02d}"),
                            60, every=0.02)
                nudge.send_signal(signal.SIGKILL)
                nudge.wait()
                results = await asyncio.gather(*(await sending))
                acked = {key for key, ms in results if ms is not None}
                in_history(slack, acked)
                stored = acked & message_keys(db_path)
                waiting = len(stored - reviewed_keys(db_path))
                acked_all |= acked
                print(f"   run {run:2}: {len(acked):4} acknowledged, {len(stored):4} stored as "
                      f"messages, {waiting} of them not yet reviewed at the kill")
            nudge = start_nudge(config, WARM_CACHE)
            await wait_until_up(session, base, nudge)
            await until(lambda: acked_all <= reviewed_keys(db_path), 300)
            stop(nudge)
        unreviewed = acked_all - reviewed_keys(db_path)
        lost = acked_all - message_keys(db_path)
        print(f"   after one restart: {len(acked_all)} acknowledged, {len(unreviewed)} "
              f"unreviewed, {len(lost)} lost")


async def long_outage(slack, missed: int) -> None:
    print(f"8. {missed} messages written while Nudge was stopped, then a start")
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        config = write_config(Path(folder), slack.api_url, port)
        db_path = Path(folder) / "nudge.db"
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            sender = Sender(session, f"{base}/slack/events")
            nudge = start_nudge(config, WARM_CACHE)
            await wait_until_up(session, base, nudge)
            first, _ = await sender.message(0, 60)  # the channel is known: stored before
            in_history(slack, {first})
            await until(lambda: first in reviewed_keys(db_path), 60)
            stop(nudge)
            written = {f"{CUSTOMERS}:17{61:02d}{n:06d}.000001" for n in range(missed)}
            in_history(slack, written)
            reads_before = len(slack.calls_to("conversations.history"))
            started = time.monotonic()
            nudge = start_nudge(config, WARM_CACHE)
            await wait_until_up(session, base, nudge)
            await until(lambda: written <= reviewed_keys(db_path), 600)
            took = time.monotonic() - started
            stop(nudge)
        reads = len(slack.calls_to("conversations.history")) - reads_before
        handled = written & message_keys(db_path)
        reviewed = written & reviewed_keys(db_path)
        print(f"   {len(handled)} of {missed} read back and stored, {len(reviewed)} reviewed, "
              f"{missed - len(reviewed)} unreviewed or lost; {reads} history pages, {took:.0f} s")


async def full_disk_and_kill(slack, count: int) -> None:
    print(f"9. Full disk during a burst of {count} messages, SIGKILL, space returns, restart, "
          "Slack retries what was not acknowledged")
    if os.geteuid() != 0:
        print("   skipped: mounting a small tmpfs needs root")
        return
    with small_disk("nudge-full-kill-") as mount:
        port = free_port()
        config = write_config(mount, slack.api_url, port)
        db_path = mount / "nudge.db"
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            sender = Sender(session, f"{base}/slack/events")
            nudge = start_nudge(config, WARM_CACHE)
            await wait_until_up(session, base, nudge)
            first, _ = await sender.message(0, 70)  # before the disk fills: a known channel
            in_history(slack, {first})
            await until(lambda: first in reviewed_keys(db_path), 60)
            filler = mount / "filler"
            with filler.open("wb") as file:  # fill every byte left
                try:
                    while True:
                        file.write(b"\0" * 65536)
                        file.flush()
                except OSError:
                    pass
            results = await asyncio.gather(*(await burst(sender, count, 71, rate=100)))
            acked = {key for key, ms in results if ms is not None}
            refused = {key for key, ms in results if ms is None}
            in_history(slack, acked | refused)  # Slack keeps them in the channel either way
            nudge.send_signal(signal.SIGKILL)
            nudge.wait()
            volatile = acked - stored_keys(db_path)  # acknowledged, held only in memory
            filler.unlink()
            nudge = start_nudge(config, WARM_CACHE)
            await wait_until_up(session, base, nudge)
            # Slack's first retry of each event it got no 200 for.
            retried = await asyncio.gather(*(sender.message(n, 71, retry=1)
                                             for n in range(count)
                                             if f"{CUSTOMERS}:17{71:02d}{n:06d}.000001"
                                             in refused))
            taken = {key for key, ms in retried if ms is not None}
            everything = acked | refused
            await until(lambda: everything <= reviewed_keys(db_path), 300)
            stop(nudge)
        reviewed = reviewed_keys(db_path)
        print(f"   while full: {len(acked)} acknowledged, {len(refused)} refused (503); "
              f"acknowledged but not on disk at the kill: {len(volatile)}; after the restart, "
              f"Slack's retry taken for {len(taken)}")
        print(f"   acknowledged and lost or unreviewed: {len(acked - reviewed)}; of all "
              f"{len(everything)}, {len(everything & reviewed)} reviewed, "
              f"{len(everything - reviewed)} not")


# ---- 3 and 4: in-process, against the fake --------------------------------------------------

async def error_pages(presses: int) -> None:
    from tests.fake_slack import FakeSlack
    from tests.slack.conftest import slack_config, stop_nudge
    from tests.slack.conftest import start_nudge as start_in_process

    print(f"3. Slack answers Send with error pages, {presses} presses (text/plain 400, "
          "HTML 502, empty 503)")
    slack = await FakeSlack().start()
    slack.add_user(TEAM, "Sam")
    slack.add_user(CUSTOMER, "Alex")
    with tempfile.TemporaryDirectory() as folder:
        nudge = await start_in_process("http", slack_config(Path(folder), slack), slack)
        kinds = [(400, "text"), (502, "html"), (503, "empty")]
        slowest = 0.0
        try:
            for n in range(presses):
                review = await nudge.review_of(f"can I order {n} loaves?",
                                               ts=f"1790000000.{n:06d}")
                send = next(e for b in review["blocks"] if b["type"] == "actions"
                            for e in b["elements"] if e["action_id"] == "nudge_send")
                status, kind = kinds[n % len(kinds)]
                # 500 and 503 are retried once by the client: both attempts get the page.
                slack.error_page_next("chat.postMessage", status, kind,
                                      times=2 if status in (500, 503) else 1)
                started = time.perf_counter()
                await nudge.press("send", send["value"], review["ts"])
                slowest = max(slowest, time.perf_counter() - started)
                await nudge.settle()
            recorded = dict(nudge.db.execute(
                "select status, count(*) from suggestions where rank = 0 group by status"
            ).fetchall())
            posted = len([c for c in slack.calls_to("chat.postMessage")
                          if c.args.get("channel") == CUSTOMERS])
        finally:
            await stop_nudge(nudge)
            await slack.stop()
    sent = recorded.get("sent", 0) + recorded.get("sending", 0)
    print(f"   replies really posted {posted}, recorded as sent {sent} (false \"sent\": "
          f"{max(0, sent - posted)}), back to pending {recorded.get('pending', 0)}; "
          f"slowest acknowledgement {slowest * 1000:.0f} ms")
    print("   (the 5xx pages pass: the outbox retries them; the 400s are lasting refusals)")


async def slack_outage(messages: int) -> None:
    """Slack's Web API answers 503 pages while customers write: every review must be shown
    once Slack is back (the outbox retries with backoff), also when Nudge is stopped in the
    middle of the retries and started again."""
    from tests.fake_slack import FakeSlack
    from tests.slack.conftest import slack_config, stop_nudge
    from tests.slack.conftest import start_nudge as start_in_process

    print(f"6. Slack answers 503 to every post for a while, {messages} customer messages; "
          "then the same with a stop and a start during the retries")
    slack = await FakeSlack().start()
    with tempfile.TemporaryDirectory() as folder:
        config = slack_config(Path(folder), slack)
        for stop_midway in (False, True):
            nudge = await start_in_process("http", config, slack)
            shown_before = len(reviews_shown(slack))
            first_row = nudge.db.execute("select coalesce(max(id), 0) from deliveries"
                                         ).fetchone()[0]
            # The client retries a 5xx once by itself: two pages per attempt. Without a stop
            # each review's first attempt fails; with one, its first three do (0, 1 and 3 s
            # after the message), the stop comes after 5 s of grace, and the fourth attempt
            # is the next start's.
            failed_attempts = 3 if stop_midway else 1
            slack.error_page_next("chat.postMessage", 503, "html",
                                  times=2 * failed_attempts * messages)
            base = 1_790_100_000 + (10_000 if stop_midway else 0)
            for n in range(messages):
                await nudge.say(CUSTOMER_LINES[n % len(CUSTOMER_LINES)],
                                ts=f"{base + n}.000100", event_id=f"EvOut{base + n}")
            if stop_midway:
                await wait_for_rows(nudge, "retrying", messages)
                await stop_nudge(nudge)
                nudge = await start_in_process("http", config, slack)
                left = nudge.db.execute(
                    "select count(*) from deliveries where kind = 'review' and id > ? and "
                    "status = 'retrying'", [first_row]).fetchone()[0]
                print(f"   stopped with {left} reviews waiting to be retried")
                await nudge.app.scheduler.resumed_retries()
            await nudge.settle()
            rows = dict(nudge.db.execute(
                "select status, count(*) from deliveries where kind = 'review' and id > ? "
                "group by status", [first_row]).fetchall())
            shown = reviews_shown(slack)[shown_before:]
            await stop_nudge(nudge)
            label = "stopped and started during the retries" if stop_midway else "no stop"
            print(f"   {label}: {len(shown)} of {messages} reviews shown, "
                  f"{len(shown) - len(set(shown))} shown twice; review deliveries {rows}")
    await slack.stop()


def reviews_shown(slack) -> list[str]:
    """The suggestion id of every review the review channel got, in order."""
    shown = []
    for call in slack.calls_to("chat.postMessage"):
        if call.args.get("channel") != REVIEW:
            continue
        values = [e.get("value") for b in call.args.get("blocks") or []
                  if b.get("type") == "actions" for e in b.get("elements", [])]
        if values:
            shown.append(values[0])
    return shown


async def wait_for_rows(nudge, status: str, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = nudge.db.execute("select count(*) from deliveries where kind = 'review' "
                                   "and status = ?", [status]).fetchone()[0]
        if waiting >= count:
            return
        await asyncio.sleep(0.05)


async def failed_start() -> None:
    from bot.app import Application
    from bot.core.errors import StartupError
    from bot.platforms.slack.adapter import SlackAdapter
    from tests.fake_slack import FakeSlack
    from tests.slack.conftest import MANAGER, slack_config, slack_secrets

    print("4. A start with a refused token while a promotion is due")
    slack = await FakeSlack().start()
    with tempfile.TemporaryDirectory() as folder:
        config = slack_config(Path(folder), slack)
        app = Application(config, slack_secrets("http"))
        app.add_adapter(SlackAdapter(config, app.secrets))
        from bot.core.types import Request

        reply = app.ctx.router.dispatch(Request(
            platform="slack", text=f'/nudge promo add "Mince pies!" in #{CUSTOMERS} in 1 '
                                   "minute", user=MANAGER, channel=REVIEW, role="team"),
            app.ctx)
        app.db.execute("update promotions set next_run_at = '2020-01-01T00:00:00+00:00'")
        slack.fail_next("auth.test", "invalid_auth")
        try:
            await asyncio.wait_for(app.run(), 30)
            outcome = "started (unexpected)"
        except StartupError as error:
            outcome = f"stopped: {error}"
        consumed = app.db.execute("select count(*) from deliveries").fetchone()[0]
        status = app.db.execute("select status from promotions").fetchone()
        posted = len(slack.calls_to("chat.postMessage"))
        app.db.conn.close()
    await slack.stop()
    print(f"   promotion added: {reply.ok}; {outcome}")
    print(f"   {consumed} deliveries consumed, promotion {status[0] if status else '?'}, "
          f"{posted} posts")


# ---- 5. acknowledgement latency -------------------------------------------------------------

async def send_commands(sender: Sender, command: str, answers: Callable[[], str], count: int,
                        rate: float) -> list[float | None]:
    """`count` commands, all at once (rate 0) or `rate` a second, each with its own response
    URL (Slack allows five uses of one)."""
    tasks = []
    for _ in range(count):
        tasks.append(asyncio.create_task(sender.command(command, answers())))
        if rate:
            await asyncio.sleep(1 / rate)
    return await asyncio.gather(*tasks)


async def answers_to(slack, before: int, count: int, timeout: float = 60) -> int:
    """How many of `count` commands were answered through their response URLs (waiting for
    them at most `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while len(slack.responses) - before < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return len(slack.responses) - before


def waiting_conversations(db_path: Path, count: int) -> None:
    """`count` conversations whose customer spoke last, each with one message."""
    conn = sqlite3.connect(db_path)
    now = "2026-11-23T09:00:00+00:00"
    with conn:
        for n in range(count):
            conversation = conn.execute(
                "insert into conversations (platform, workspace, channel, thread, customer_id, "
                "started_at, last_message_at, last_customer_message_at, status) values "
                "('slack', ?, ?, ?, ?, ?, ?, ?, 'waiting')",
                [fake.TEAM_ID, CUSTOMERS, f"1600{n:06d}.000001", f"slack:U{n:05d}", now, now,
                 now]).lastrowid
            conn.execute("insert or ignore into customers (id, platform, user_id, name, "
                         "first_seen, last_seen) values (?, 'slack', ?, ?, ?, ?)",
                         [f"slack:U{n:05d}", f"U{n:05d}", f"Customer {n}", now, now])
            conn.execute("insert into messages (conversation_id, platform, event_key, author_id, "
                         "author_role, text, created_at) values (?, 'slack', ?, ?, 'customer', "
                         "?, ?)", [conversation, f"{CUSTOMERS}:1600{n:06d}.000001", f"U{n:05d}",
                                   CUSTOMER_LINES[n % len(CUSTOMER_LINES)], now])
    conn.close()


async def ack_latency(slack, digests: int, messages: int, command: str = "digest") -> None:
    from bot.store import open_db

    print(f"5. Acknowledgement of customer messages (25/s) while {digests} `/nudge {command}` "
          "run (625 waiting conversations)")
    for label, rate in (("all sent at once", 0), ("sent at 100/s", 100)):
        with tempfile.TemporaryDirectory() as folder:
            port = free_port()
            config = write_config(Path(folder), slack.api_url, port)
            db_path = Path(folder) / "nudge.db"
            open_db(db_path).conn.close()
            waiting_conversations(db_path, 625)
            base = f"http://127.0.0.1:{port}"
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector,
                                             timeout=aiohttp.ClientTimeout(total=30)) as session:
                sender = Sender(session, f"{base}/slack/events")
                nudge = start_nudge(config, WARM_CACHE)
                await wait_until_up(session, base, nudge)
                await asyncio.gather(*(await burst(sender, 5, 90, rate=20)))  # warm
                await sender.command(command, slack.response_url())  # reader started
                await asyncio.sleep(2)
                answered_before = len(slack.responses)
                started = time.monotonic()
                commands = asyncio.create_task(
                    send_commands(sender, command, slack.response_url, digests, rate))
                results = await asyncio.gather(*(await burst(sender, messages, 91, rate=25)))
                command_acks = [ms for ms in await commands if ms is not None]
                answered = await answers_to(slack, answered_before, digests)
                answered_in = time.monotonic() - started
                stop(nudge)
            acks = [ms for _, ms in results if ms is not None]
            print(f"   {label}: customer messages {len(acks)}/{messages} acknowledged, p50 "
                  f"{percentile(acks, 50):.0f} ms, p99 {percentile(acks, 99):.0f} ms, max "
                  f"{max(acks, default=0):.0f} ms; commands acknowledged "
                  f"{len(command_acks)}/{digests}, p99 {percentile(command_acks, 99):.0f} ms, "
                  f"answered {answered}/{digests} within {answered_in:.1f} s")
    messages = 60
    print("   cold first start (no trained model yet)")
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as cold:
        port = free_port()
        config = write_config(Path(folder), slack.api_url, port)
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            sender = Sender(session, f"{base}/slack/events")
            nudge = start_nudge(config, Path(cold))
            await wait_until_up(session, base, nudge)
            answers = slack.response_url()
            command = asyncio.create_task(sender.command("help", answers))
            results = await asyncio.gather(*(await burst(sender, messages, 92, rate=20)))
            command_ms = await command
            stop(nudge)
        acks = [ms for _, ms in results if ms is not None]
        print(f"   customer messages: {len(acks)}/{messages} acknowledged, p50 "
              f"{percentile(acks, 50):.0f} ms, p99 {percentile(acks, 99):.0f} ms, max "
              f"{max(acks, default=0):.0f} ms; /nudge help "
              f"{command_ms if command_ms is None else round(command_ms)} ms")


async def main(runs: int, count: int, only: set[int]) -> None:
    if not (WARM_CACHE / "done").exists():
        WARM_CACHE.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-c", "from bot.config import load_config;"
                        "from bot.engine import Engine; Engine(load_config("
                        f"'{ROOT / 'config.example.yaml'}')).warm()"],
                       cwd=ROOT, env={**os.environ, "NUDGE_CACHE_DIR": str(WARM_CACHE)},
                       check=True)
        (WARM_CACHE / "done").touch()
    print(f"load average {os.getloadavg()[0]:.2f} at start")
    slack_thread = FakeSlackThread()
    slack = slack_thread.start()
    try:
        scenarios = {
            1: lambda: sigkill(slack, runs, count), 2: lambda: full_disk(slack, count),
            3: lambda: error_pages(12), 4: failed_start, 5: lambda: ack_latency(slack, 200, 60),
            6: lambda: slack_outage(10), 7: lambda: kill_before_review(slack, 5, count),
            8: lambda: long_outage(slack, 300), 9: lambda: full_disk_and_kill(slack, 100),
        }
        for number, scenario in scenarios.items():
            if not only or number in only:
                await scenario()
    finally:
        slack_thread.stop()
        shutil.rmtree(WARM_CACHE / "tmp", ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--burst", type=int, default=120)
    parser.add_argument("--only", type=int, action="append", default=[],
                        help="run only this scenario (repeatable)")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.burst, set(args.only)))
