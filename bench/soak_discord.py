"""Nudge on Discord under sustained mixed load, minute by minute, at the rate Discord allows.

The Discord twin of bench/soak.py: the real `nudge run` (a subprocess, its stderr to nudge.log
in a temporary folder) connects to the fake Discord of the tests (Gateway and REST on
127.0.0.1, in this process), which enforces Discord's rate limits (tests/fake_discord_limits.py).
For `--minutes` people then act at `--rate` events per second, open loop: customer messages in
the customers channel (some replying to an earlier message, some in a thread), `/nudge help`,
Send presses on the reviews Nudge posted; every minute a `/nudge digest`, every 15 s a "wrong
intent?" correction (the model refits after every 10), and a promotion fires every two minutes.

The rate. Discord lets a bot post 5 messages per 5 s in a channel, and every customer message
becomes one review in the one review channel: above one customer message a second the reviews
queue up without end (discord.py waits for the bucket; nothing is refused, everything is late).
Half the events are customer messages, so the default 1.6 events/s is 0.8 reviews/s plus a
digest a minute: 82% of what the review channel takes, leaving room to catch up after a stall.
The replies that Send posts (0.24/s) and the promotions share the customers channel's bucket;
slash commands and presses are answered on interaction endpoints, which the 50-requests-per-
second global limit does not count. `--rate` above 2 is past what one review channel can show.

Each minute it prints: the interaction callbacks (the ack; Discord allows 3 s) finished that
minute, p50/p99/max; the time from MESSAGE_CREATE on the Gateway to the review posted, p50/p99;
the RSS of nudge, the database and WAL sizes, the reviews pending, and the 429s Nudge met. At
the end it checks that every customer message was reviewed once, every command answered once,
every Send posted once, every promotion posted, and that no request met a 429; it exits 1 when
any check fails.

    .venv/bin/python bench/soak_discord.py [--minutes 30] [--rate 1.6]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.customer_lines import line as customer_line  # noqa: E402
from bench.slack_http import config_file, percentile, start_nudge, stop  # noqa: E402
from bench.soak import (  # noqa: E402
    CORRECTION_EVERY_S,
    DIGEST_EVERY_S,
    PROMOTION_EVERY_MIN,
    after_load,
    paced,
    promotion_commands,
    sizes,
    stored_figures,
    until,
    verdicts,
)
from tests.discord_helpers import TOKEN  # noqa: E402
from tests.fake_discord import API, Call, FakeDiscord, Interaction  # noqa: E402

JUMP = re.compile(r"/(\d+)\)$")  # the customer message id at the end of a review's jump link


@dataclass
class Review:
    message_id: int  # the review message in the team channel
    customer_id: int  # the customer message it reviews
    components: list[dict]


class DiscordSoak:
    """What people did on the fake Discord, and what Nudge answered (read from its calls)."""

    def __init__(self, fake: FakeDiscord):
        self.fake = fake
        self.counter = 0
        self.start = 0.0  # loop time the load began: minutes count from here
        self.said: dict[int, float] = {}  # customer message id -> loop time sent on the Gateway
        self.recent: list[int] = []  # earlier top-level customer messages, to reply to
        self.commands: list[Interaction] = []
        self.presses: dict[str, str] = {}  # interaction token -> "channel:message" it answers
        self.corrections = 0
        self.corrected: set[int] = set()  # review messages redrawn: their Send is stale
        self.reviews: list[Review] = []
        self.unpressed = 0  # index into self.reviews of the next one to press Send on
        self.cursor = 0  # how far into fake.calls the answers were read
        self.reviewed: Counter[int] = Counter()  # customer message id -> reviews posted
        self.answers: Counter[str] = Counter()  # interaction token -> followups posted
        self.replies: Counter[str] = Counter()  # "channel:message" replied to -> replies
        self.promotions = 0
        self.acked: set[str] = set()  # interaction tokens whose callback Discord took
        self.events: Counter[int] = Counter()  # minute -> events sent
        self.acks: dict[int, list[float]] = defaultdict(list)  # minute -> callback ms
        self.review_ms: dict[int, list[float]] = defaultdict(list)  # minute -> review ms
        self.limited: Counter[int] = Counter()  # minute -> 429s answered

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    def minute(self, at: float) -> int:
        return int((at - self.start) // 60)

    # What Nudge did

    def look(self) -> None:
        """Read the requests Nudge made since the last look (the call list only grows; one
        still being answered has no status yet and is read next time)."""
        calls = self.fake.calls
        while self.cursor < len(calls) and calls[self.cursor].status:
            self._read(calls[self.cursor])
            self.cursor += 1

    def _read(self, call: Call) -> None:
        path = call.path[len(API):]
        if call.status == 429:
            self.limited[self.minute(call.at)] += 1
        if call.status != 200:
            return
        if call.method == "POST" and path.endswith("/callback"):
            token = path.split("/")[3]
            self.acked.add(token)
            sent = self.fake.interactions[token].sent_at
            self.acks[self.minute(call.at)].append((call.at - sent) * 1000)
        elif call.method == "POST" and path.startswith("/webhooks/"):
            self.answers[path.split("/")[3]] += 1
        elif call.method == "POST" and path == f"/channels/{self.fake.team}/messages":
            self._review(call)
        elif call.method == "POST" and path.endswith("/messages"):
            reference = (call.body.get("message_reference") or {}).get("message_id")
            if reference:
                self.replies[f"{path.split('/')[2]}:{reference}"] += 1
            else:
                self.promotions += 1

    def _review(self, call: Call) -> None:
        fields = [f for embed in call.body.get("embeds") or [] for f in embed.get("fields") or []]
        link = next((JUMP.search(f["value"]) for f in fields if f["name"] == "Message"), None)
        if link is None:
            return  # a digest or another answer posted in the team channel
        customer = int(link[1])
        self.reviewed[customer] += 1
        if customer in self.said:
            self.review_ms[self.minute(call.at)].append((call.at - self.said[customer]) * 1000)
        self.reviews.append(Review(int(call.response["id"]), customer,
                                   call.body.get("components") or []))

    # What people do

    async def say(self, n: int) -> None:
        fake = self.fake
        reply_to = self.recent[(n * 7919) % len(self.recent)] \
            if n % 10 in (7, 8) and self.recent else None
        channel = fake.thread if n % 10 == 9 else fake.customers
        sent = self.now()
        message = await fake.say(fake.carol, channel, customer_line(n),
                                 reply_to=reply_to)
        self.said[message] = sent
        if reply_to is None and channel == fake.customers:
            self.recent.append(message)
            del self.recent[:-500]  # recent ones only: the bench stays bounded too

    async def command(self, name: str, text: str | None = None) -> None:
        self.commands.append(await self.fake.slash(self.fake.alice, self.fake.team, name, text))

    async def press_send(self) -> bool:
        self.look()
        while self.unpressed < len(self.reviews):
            review = self.reviews[self.unpressed]
            self.unpressed += 1
            send = _custom_id(review.components, "nudge:send:")
            if review.message_id in self.corrected or send is None:
                continue
            pressed = await self.fake.press(self.fake.alice, review.message_id, send)
            channel = self.fake.messages[review.customer_id]["channel_id"]
            self.presses[pressed.token] = f"{channel}:{review.customer_id}"
            return True
        return False

    async def correct(self) -> bool:
        """Pick another intent on the newest review not pressed yet (it stays unsent)."""
        self.look()
        if self.unpressed >= len(self.reviews):
            return False
        review = self.reviews[-1]
        menu = next((c for row in review.components for c in row.get("components") or []
                     if c.get("type") == 3), None)
        if menu is None or review.message_id in self.corrected:
            return False
        option = menu["options"][self.corrections % len(menu["options"])]
        self.corrections += 1
        self.corrected.add(review.message_id)
        await self.fake.choose(self.fake.alice, review.message_id, menu["custom_id"],
                               [option["value"]])
        return True

    async def next_event(self, due: dict[str, float]) -> None:
        """Half customer messages, a third `/nudge help`, the rest Send presses; a digest
        and a correction when their time has come."""
        self.events[self.minute(self.now())] += 1
        now = time.perf_counter()
        if now >= due["digest"]:
            due["digest"] = now + DIGEST_EVERY_S
            return await self.command("digest")
        if now >= due["correction"]:
            due["correction"] = now + CORRECTION_EVERY_S
            if await self.correct():
                return
        self.counter += 1
        n = self.counter
        if n % 2 == 0:  # every other event: bursts of messages would overfill the bucket
            return await self.say(n // 2)
        if (n // 2) % 10 >= 7 and await self.press_send():
            return
        await self.command("help")

    # Figures

    def pending(self) -> int:
        return sum(1 for message in self.said if not self.reviewed[message])

    def row(self, minute: int, pid: int, db: Path) -> str:
        self.look()
        acks, reviews = self.acks.pop(minute, []), self.review_ms.pop(minute, [])
        return (f"{minute + 1:>4} {self.events[minute]:>6} {len(acks):>5} "
                f"{percentile(acks, 50):>7.1f} {percentile(acks, 99):>7.1f} "
                f"{max(acks, default=0):>7.1f} {percentile(reviews, 50):>8.1f} "
                f"{percentile(reviews, 99):>8.1f} {sizes(pid, db)} {self.pending():>7} "
                f"{self.limited[minute]:>5} {os.getloadavg()[0]:>5.2f}")

    def settled(self) -> bool:
        self.look()
        return self.pending() == 0 and all(self.answers[c.token] for c in self.commands) \
            and all(self.replies[target] for target in self.presses.values())


def _custom_id(components: list[dict], prefix: str) -> str | None:
    return next((c["custom_id"] for row in components for c in row.get("components") or []
                 if str(c.get("custom_id", "")).startswith(prefix)), None)


HEADER = (f"{'min':>4} {'events':>6} {'acks':>5} {'ack p50':>7} {'p99':>7} {'max ms':>7} "
          f"{'review50':>8} {'p99 ms':>8} {'RSS MB':>7} {'db MB':>7} {'WAL MB':>7} "
          f"{'pending':>7} {'429s':>5} {'load':>5}")


def check(soak: DiscordSoak, db_path: Path, minutes: float, drained: bool) -> list[str]:
    """The end figures; the lines naming anything lost, done twice or refused start with FAIL."""
    soak.look()
    due = len([n for n in range(1, int(minutes // PROMOTION_EVERY_MIN) + 1)
               if n * PROMOTION_EVERY_MIN + 1 <= minutes])  # those whose time came in the run
    stored, reviewed, sent, delivered, refits = stored_figures(db_path)
    said = len(soak.said)
    commands = Counter(soak.answers[c.token] for c in soak.commands)
    pressed = [token for token in soak.presses if token in soak.acked]
    replies = Counter(soak.replies[soak.presses[token]] for token in pressed)
    interactions = len(soak.commands) + len(soak.presses) + soak.corrections
    lines = verdicts([
        ("customer messages sent", said, "stored", stored),
        ("customer messages sent", said, "reviewed exactly once",
         sum(1 for m in soak.said if soak.reviewed[m] == 1)),
        ("customer messages sent", said, "messages with a review", reviewed),
        ("interactions sent", interactions, "acknowledged", len(soak.acked)),
        ("commands sent", len(soak.commands), "answered exactly once", commands[1]),
        ("Send presses acked", len(pressed), "replied to exactly once", replies[1]),
        ("Send presses acked", len(pressed), "suggestions sent", sent),
        ("promotions due in the run", due, "promotion deliveries sent", min(delivered, due)),
        ("promotion deliveries sent", delivered, "promotion posts", soak.promotions),
        ("429s expected", 0, "429s met", sum(soak.limited.values())),
    ])
    lines.append(f"     reviewed never: {soak.pending()}, more than once: "
                 f"{sum(1 for n in soak.reviewed.values() if n > 1)}; commands answered never: "
                 f"{commands[0]}, more than once: {sum(n for k, n in commands.items() if k > 1)}"
                 f"; corrections: {soak.corrections}; refits: {refits or 'none'}"
                 + ("" if drained else "; NOT drained"))
    return lines


async def connected(fake: FakeDiscord, nudge: subprocess.Popen, log: Path) -> None:
    """Until Nudge has identified on the Gateway and registered /nudge in the server."""
    deadline = time.monotonic() + 120
    while not (fake.identify and fake.commands.get(str(fake.guild_id))):
        if nudge.poll() is not None:
            raise SystemExit(f"nudge run exited: {log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            raise SystemExit("nudge run did not connect to the fake Discord within 120 s")
        await asyncio.sleep(0.2)
    await asyncio.sleep(2)  # GUILD_CREATE handled, on_ready run


async def run(soak: DiscordSoak, minutes: float, rate: float, pid: int, db: Path) -> None:
    for n in range(20):  # warm-up: the engine loaded, its caches filled
        await (soak.say(10 ** 6 + n) if n % 2 else soak.command("help"))
    await until(lambda: soak.settled())
    await asyncio.sleep(5)  # the review channel's bucket fresh again: the load starts clean
    planned = 0
    for command in promotion_commands(minutes, str(soak.fake.customers)):  # Discord: by id
        name, text = command.split(" ", 1)
        await soak.command(name, text)
        planned += 1
    await until(lambda: soak.settled())
    for first in soak.commands[-planned:][:1]:
        answer = soak.fake.messages.get(first.original or 0) or {}
        print("promotion:", str(answer.get("content") or answer.get("embeds"))[:120])
    print(f"Discord soak: {minutes:g} min at {rate:g} events/s, nudge pid {pid}, {planned} "
          f"promotions planned, load average {os.getloadavg()[0]:.2f} at start\n{HEADER}",
          flush=True)
    due = {"digest": 0.0, "correction": time.perf_counter() + CORRECTION_EVERY_S}
    soak.start = soak.now()
    await paced(rate, minutes, time.perf_counter(), lambda: soak.next_event(due),
                lambda minute: soak.row(minute, pid, db))


async def main(minutes: float, rate: float) -> int:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        db_path, log_path = folder / "nudge.db", folder / "nudge.log"
        async with FakeDiscord() as fake:
            soak = DiscordSoak(fake)
            config = config_file(folder, {"discord": {
                "listen_channels": [fake.customers], "review_channel": fake.team,
                "team_roles": ["Staff"], "guilds": [fake.guild_id], "api_base_url": fake.url,
            }}, team={"managers": [f"discord:{fake.alice.id}"]}, engine={"refit_after": 10})
            with open(log_path, "wb") as log:
                nudge = start_nudge(config, log, tokens={"DISCORD_TOKEN": TOKEN})
                try:
                    await connected(fake, nudge, log_path)
                    await run(soak, minutes, rate, nudge.pid, db_path)
                    # The database too: discord.py returns the request that empties a bucket
                    # only once its window has passed, and Nudge stores where the review is
                    # after that.
                    drained = await until(lambda: soak.settled() and stored_figures(
                        db_path)[1] >= len(soak.said))
                    print(after_load(nudge.pid, db_path, log_path))
                finally:
                    stop(nudge)
        lines = check(soak, db_path, minutes, drained)
        print("\n".join(lines))
        if nudge.returncode not in (0, -2):
            print(f"nudge exited with {nudge.returncode}: "
                  + log_path.read_text(errors="replace")[-1500:])
        return 1 if any(line.startswith("FAIL") for line in lines) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=1.6,
                        help="events per second, half of them customer messages")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.minutes, args.rate)))
