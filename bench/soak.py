"""Nudge under sustained mixed load, minute by minute: does it stay fast, and stop growing?

Starts the real `nudge run` in Slack HTTP mode against the fake Slack (the helpers of
bench/slack_http.py), then for `--minutes` posts signed requests to 127.0.0.1 at `--rate` per
second, open loop: customer messages (some in earlier threads), `/nudge help`, Send presses on
the reviews Nudge posted, and every minute a `/nudge digest`; a promotion posts every two minutes
and a "wrong intent?" correction every 15 s makes the model refit every few minutes. Each minute it
prints the acks finished that minute (p50/p99/max; Slack allows 3,000 ms), the RSS of the nudge
process, the database and WAL sizes and the reviews still pending. At the end it checks that
every customer message was reviewed once, every command answered once, every Send posted once.
Nudge's stderr goes to nudge.log in the temporary folder (its size is printed). The same on
Discord, at the rate Discord allows a bot: bench/soak_discord.py.

    .venv/bin/python bench/soak.py [--minutes 30] [--rate 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.customer_lines import line as customer_line  # noqa: E402
from bench.slack_http import (  # noqa: E402
    CUSTOMER,
    CUSTOMERS,
    REVIEW,
    TEAM,
    FakeSlackThread,
    free_port,
    percentile,
    start_nudge,
    stop,
    wait_until_up,
    write_config,
)
from tests import fake_slack as fake  # noqa: E402

CORRECTION_EVERY_S = 15
PROMOTION_EVERY_MIN = 2
DIGEST_EVERY_S = 60
DRAIN_S = 120  # after the load, how long the reviews and answers may take to catch up
MB = 1024 * 1024


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def size_mb(path: Path) -> float:
    return path.stat().st_size / MB if path.exists() else 0.0


def sizes(pid: int, db: Path) -> str:
    """The RSS of the nudge process, the database and its WAL, in MB: three table columns."""
    return f"{rss_mb(pid):>7.1f} {size_mb(db):>7.1f} {size_mb(Path(f'{db}-wal')):>7.1f}"


def after_load(pid: int, db: Path, log: Path) -> str:
    return (f"after the load: RSS {rss_mb(pid):.1f} MB, database {size_mb(db):.1f} MB, WAL "
            f"{size_mb(Path(f'{db}-wal')):.1f} MB, nudge.log {size_mb(log):.2f} MB")


class Soak:
    """The load: what was sent, what it was answered, and what Nudge posted to the fake."""

    def __init__(self, session: aiohttp.ClientSession, url: str, slack: fake.FakeSlack):
        self.session, self.url, self.slack = session, url, slack
        self.counter = 0
        self.messages = 0  # customer messages acknowledged
        self.threads: list[str] = []  # ts of earlier top-level customer messages
        self.command_keys: list[str] = []  # response URL keys handed to acknowledged commands
        self.presses = 0
        self.corrections = 0
        self.corrected: set[str] = set()  # reviews corrected: never pressed (a few per run)
        self.reviews: list[tuple[str, dict]] = []  # (review ts, blocks) Nudge posted
        self.review_cursor = 0  # how far into slack.calls the reviews were collected
        self.unpressed = 0  # index into self.reviews of the next review to press Send on
        self.latencies: dict[int, list[float]] = defaultdict(list)  # minute finished -> ms
        self.failures: dict[int, Counter] = defaultdict(Counter)
        self.started = time.perf_counter()

    def minute(self) -> int:
        return int((time.perf_counter() - self.started) // 60)

    def collect_reviews(self) -> None:
        """The review messages Nudge posted since the last look (the fake's call list only
        grows; a call still being answered has no response yet and is looked at next time)."""
        calls = self.slack.calls
        while self.review_cursor < len(calls):
            call = calls[self.review_cursor]
            if not call.response:
                break
            self.review_cursor += 1
            if call.method != "chat.postMessage" or call.status != 200 \
                    or call.args.get("channel") != REVIEW:
                continue
            if _element(call.args.get("blocks") or [], "nudge_send") is not None:
                self.reviews.append((call.response["ts"], call.args["blocks"]))

    def _message(self, n: int) -> tuple[str, str, str]:
        ts = f"1790{n:08d}.000001"
        reply_in_thread = n % 20 in (7, 8, 9) and self.threads
        thread_ts = self.threads[(n * 7919) % len(self.threads)] if reply_in_thread else None
        if thread_ts is None:
            self.threads.append(ts)
            del self.threads[:-500]  # recent threads only: the bench stays bounded too
        event = fake.message_event(customer_line(n), user=CUSTOMER,
                                   channel=CUSTOMERS, ts=ts, thread_ts=thread_ts,
                                   event_id=f"EvSoak{n:09d}")
        return "message", json.dumps(event), "application/json"

    def _command(self, text: str) -> tuple[str, str, str]:
        url = self.slack.response_url()
        fields = fake.slash_command(text, user=TEAM, channel=REVIEW, response_url=url)
        return "command:" + url.rsplit("/", 1)[1], fake.form_body(fields), \
            "application/x-www-form-urlencoded"

    def _interaction(self, kind: str, payload: dict) -> tuple[str, str, str]:
        return kind, fake.form_body({"payload": json.dumps(payload)}), \
            "application/x-www-form-urlencoded"

    def press_send(self) -> tuple[str, str, str] | None:
        self.collect_reviews()
        if self.unpressed >= len(self.reviews):
            return None
        ts, blocks = self.reviews[self.unpressed]
        self.unpressed += 1
        if ts in self.corrected:  # redrawn with new suggestions: this Send is stale
            return None
        value = _element(blocks, "nudge_send")["value"]
        return self._interaction("press", fake.button_press(
            "nudge_send", value, user=TEAM, channel=REVIEW, message_ts=ts,
            response_url=self.slack.response_url()))

    def correct(self) -> tuple[str, str, str] | None:
        """Pick another intent on the newest review not pressed yet (it stays unsent)."""
        self.collect_reviews()
        if self.unpressed >= len(self.reviews):
            return None
        ts, blocks = self.reviews[-1]
        menu = _element(blocks, "nudge_intent")
        if menu is None:
            return None
        option = menu["options"][self.corrections % len(menu["options"])]
        self.corrections += 1
        self.corrected.add(ts)
        return self._interaction("correction", fake.select_choice(
            "nudge_intent", option["value"], option["text"]["text"], user=TEAM, channel=REVIEW,
            message_ts=ts, response_url=self.slack.response_url()))

    def next_request(self, due: dict[str, float]) -> tuple[str, str, str]:
        """Half customer messages, a third `/nudge help`, the rest Send presses; a digest
        and a correction when their time has come."""
        now = time.perf_counter()
        for name, every, make in (("digest", DIGEST_EVERY_S, lambda: self._command("digest")),
                                  ("correction", CORRECTION_EVERY_S, self.correct)):
            if now >= due[name]:
                due[name] = now + every
                request = make()
                if request is not None:
                    return request
        self.counter += 1
        n = self.counter
        if n % 20 < 10:
            return self._message(n)
        if n % 20 >= 17:
            request = self.press_send()
            if request is not None:
                return request
        return self._command("help")

    async def one(self, request: tuple[str, str, str]) -> None:
        kind, body, content_type = request
        headers = fake.signed_headers(body, content_type=content_type)
        started = time.perf_counter()
        try:
            async with self.session.post(self.url, data=body.encode(), headers=headers) as reply:
                await reply.read()
                status = reply.status
        except (TimeoutError, aiohttp.ClientError) as error:
            self.failures[self.minute()][error.__class__.__name__] += 1
            return
        if status != 200:
            self.failures[self.minute()][str(status)] += 1
            return
        self.latencies[self.minute()].append((time.perf_counter() - started) * 1000)
        if kind == "message":
            self.messages += 1
        elif kind.startswith("command:"):
            self.command_keys.append(kind.split(":", 1)[1])
        elif kind == "press":
            self.presses += 1


def _element(blocks: list[dict], action_id: str) -> dict | None:
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return element
    return None


def row(minute: int, soak: Soak, pid: int, db: Path) -> str:
    latencies = soak.latencies.pop(minute, [])
    kinds = soak.failures.pop(minute, Counter())
    failed = sum(kinds.values())
    soak.collect_reviews()
    pending = soak.messages - len(soak.reviews)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    return (f"{minute + 1:>4} {len(latencies) + failed:>6} {failed:>5} {p50:>7.1f} {p99:>8.1f} "
            f"{max(latencies, default=0):>8.1f} {sizes(pid, db)} {pending:>7} "
            f"{os.getloadavg()[0]:>5.2f}"
            + (f"  ({', '.join(f'{n} {kind}' for kind, n in kinds.most_common(2))})"
               if kinds else ""))


async def load(soak: Soak, rate: float, minutes: float, pid: int, db: Path) -> None:
    """The requests at `rate` per second for `minutes`, a row printed as each minute ends."""
    print(f"{'min':>4} {'acks':>6} {'fail':>5} {'p50 ms':>7} {'p99 ms':>8} {'max ms':>8} "
          f"{'RSS MB':>7} {'db MB':>7} {'WAL MB':>7} {'pending':>7} {'load':>5}", flush=True)
    due = {"digest": 0.0, "correction": time.perf_counter() + CORRECTION_EVERY_S}
    soak.started = time.perf_counter()
    await paced(rate, minutes, soak.started, lambda: soak.one(soak.next_request(due)),
                lambda minute: row(minute, soak, pid, db))


async def paced(rate: float, minutes: float, start: float, fire: Callable[[], Awaitable],
                minute_row: Callable[[int], str]) -> None:
    """Open loop: `fire()` is started `rate` times a second from `start` (perf_counter) for
    `minutes`, whether or not earlier ones finished; `minute_row(m)` is printed as each
    minute ends, and after the last one (its stragglers given 30 s)."""
    running: set[asyncio.Task] = set()

    def minute() -> int:
        return int((time.perf_counter() - start) // 60)

    printed = 0
    for i in range(int(rate * minutes * 60)):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(fire())
        running.add(task)
        task.add_done_callback(running.discard)
        while minute() > printed:
            print(minute_row(printed), flush=True)
            printed += 1
    if running:
        await asyncio.wait(running, timeout=30)
    while printed <= minute() and printed < minutes:
        print(minute_row(printed), flush=True)
        printed += 1


def promotion_commands(minutes: float, channel: str) -> list[str]:
    """One promotion to `channel` every PROMOTION_EVERY_MIN minutes of the run (promotions
    repeat at most hourly, so each is its own, at a set time): the `promo add` commands."""
    zone = ZoneInfo(yaml.safe_load((ROOT / "config.example.yaml").read_text())["timezone"])
    start = datetime.now(zone).replace(second=0, microsecond=0)
    return [f'promo add "Fresh loaves out of the oven! ({n})" in #{channel} at '
            f"{start + timedelta(minutes=n * PROMOTION_EVERY_MIN + 1):%Y-%m-%dT%H:%M}"
            for n in range(1, int(minutes // PROMOTION_EVERY_MIN) + 1)]


async def plan_promotions(soak: Soak, minutes: float) -> int:
    planned = 0
    for command in promotion_commands(minutes, CUSTOMERS):
        await soak.one(soak._command(command))
        planned += 1
    seen = len(soak.command_keys)
    await drain(soak, lambda: len(soak.slack.responses) >= seen)
    for answer in soak.slack.responses[-planned:][:1]:
        print("promotion:", answer.get("text", "")[:120])
    return planned


async def drain(soak: Soak, done) -> bool:
    return await until(lambda: soak.collect_reviews() or done())


async def until(done: Callable[[], bool], seconds: float = DRAIN_S) -> bool:
    """Whether `done()` came true within `seconds` (looked at twice a second)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        await asyncio.sleep(0.5)
    return False


def check(soak: Soak, slack: fake.FakeSlack, db_path: Path, drained: bool) -> list[str]:
    """The end figures; the lines naming anything lost or done twice start with FAIL."""
    lines = []
    answered = Counter(response.get("_key") for response in slack.responses)
    commands = Counter(answered[key] for key in soak.command_keys)
    replies = [c for c in slack.calls_to("chat.postMessage")
               if c.args.get("channel") == CUSTOMERS and c.args.get("thread_ts")]
    promotions = [c for c in slack.calls_to("chat.postMessage")
                  if c.args.get("channel") == CUSTOMERS and not c.args.get("thread_ts")]
    stored, reviewed, sent, delivered, refits = stored_figures(db_path)
    figures = [
        ("customer messages acked", soak.messages, "stored", stored),
        ("customer messages acked", soak.messages, "review posts", len(soak.reviews)),
        ("customer messages acked", soak.messages, "messages with a review", reviewed),
        ("commands acked", len(soak.command_keys), "answered exactly once", commands[1]),
        ("Send presses acked", soak.presses, "replies posted", len(replies)),
        ("Send presses acked", soak.presses, "suggestions sent", sent),
        ("promotion deliveries sent", delivered, "promotion posts", len(promotions)),
    ]
    lines += verdicts(figures)
    lines.append(f"     commands answered never: {commands[0]}, more than once: "
                 f"{sum(n for k, n in commands.items() if k > 1)}; corrections: "
                 f"{soak.corrections}; refits: {refits or 'none'}"
                 + ("" if drained else f"; NOT drained after {DRAIN_S} s"))
    return lines


def stored_figures(db_path: Path) -> tuple[int, int, int, int, dict[str, int]]:
    """What the database holds at the end: customer messages, messages whose review was shown,
    suggestions sent, promotion deliveries sent, and the model refits by status."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        stored = db.execute("select count(*) from messages where author_role = 'customer'"
                            ).fetchone()[0]
        reviewed = db.execute("select count(distinct message_id) from suggestions "
                              "where review_ref is not null").fetchone()[0]
        sent = db.execute("select count(*) from suggestions where status = 'sent'").fetchone()[0]
        delivered = db.execute("select count(*) from deliveries where kind = 'promotion' "
                               "and status = 'sent'").fetchone()[0]
        refits = dict(db.execute("select status, count(*) from model_refits group by status"))
    return stored, reviewed, sent, delivered, refits


def verdicts(figures: list[tuple[str, int, str, int]]) -> list[str]:
    """One line per (what, expected, seen what, seen): "ok" when the two agree, else FAIL."""
    return [f"{'ok  ' if expected == seen else 'FAIL'} {what}: {expected}; {seen_what}: {seen}"
            for what, expected, seen_what, seen in figures]


async def main(minutes: float, rate: float) -> int:
    slack_thread = FakeSlackThread()
    slack = slack_thread.start()
    port = free_port()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db_path, log_path = folder / "nudge.db", folder / "nudge.log"
        config = write_config(folder, slack.api_url, port,
                              team={"managers": [f"slack:{TEAM}"]},
                              engine={"refit_after": 10})
        with open(log_path, "wb") as log:
            nudge = start_nudge(config, log)
            try:
                connector = aiohttp.TCPConnector(limit=0)
                timeout = aiohttp.ClientTimeout(total=10)
                async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
                    base = f"http://127.0.0.1:{port}"
                    await wait_until_up(session, base, nudge, log_path)
                    soak = Soak(session, f"{base}/slack/events", slack)
                    for n in range(20):  # warm-up: the engine loaded, its caches filled
                        await soak.one(soak._message(10 ** 7 + n) if n % 2 else
                                       soak._command("help"))
                    await drain(soak, lambda: soak.messages == len(soak.reviews))
                    planned = await plan_promotions(soak, minutes)
                    print(f"Soak: {minutes:g} min at {rate:g} requests/s, nudge pid {nudge.pid}, "
                          f"{planned} promotions planned, load average "
                          f"{os.getloadavg()[0]:.2f} at start", flush=True)
                    await load(soak, rate, minutes, nudge.pid, db_path)
                    drained = await drain(soak, lambda: soak.messages <= len(soak.reviews) and (
                        len({r.get("_key") for r in slack.responses}
                            & set(soak.command_keys)) == len(soak.command_keys)))
                    print(after_load(nudge.pid, db_path, log_path))
            finally:
                stop(nudge)
                slack_thread.stop()
        lines = check(soak, slack, db_path, drained)
        print("\n".join(lines))
        if nudge.returncode not in (0, -2):
            print(f"nudge exited with {nudge.returncode}: "
                  + log_path.read_text(errors="replace")[-1500:])
        return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=60)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.minutes, args.rate)))
