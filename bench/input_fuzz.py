"""Hostile input, generated: slash-command arguments, config files, classify lines and LLM drafts.

Every case goes through the real code: commands through the real router, store and scheduler
(posts land in counting fakes, then the clock is run forward three hours), configs through
parse_config and `nudge check`, classify lines through parse_line and a real `nudge classify`
process, drafts through check_draft. Prints cases tried, tracebacks (goal 0), hangs over 2 s
(goal 0), unintended posts (goal 0: a post to a person, or a schedule firing more often than
its floor) and the guardrail rejection rates.

    .venv/bin/python bench/input_fuzz.py [--seed 14] [--commands 800] [--configs 500]
                                         [--lines 500] [--drafts 900]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import Application  # noqa: E402
from bot.cli.engine import parse_line  # noqa: E402
from bot.config import ConfigError, Secrets, parse_config  # noqa: E402
from bot.core.types import DIRECT, Request  # noqa: E402
from bot.llm.guardrails import check_draft  # noqa: E402
from tests.fakes import CountingAdapter, SleepRecorder  # noqa: E402
from tests.llm.guardrail_corpus import CONTEXT, Draft, load  # noqa: E402

HANG_SECONDS = 2.0
EXAMPLE = ROOT / "config.example.yaml"
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
PERSON = re.compile(r"^(?:@|[UWD][A-Z0-9]{6,}$)")


class Tally:
    """What one family of inputs did: cases, tracebacks (with a sample), hangs, slowest case."""

    def __init__(self, name: str):
        self.name = name
        self.cases = self.tracebacks = self.hangs = 0
        self.slowest = 0.0
        self.samples: list[str] = []

    def timed(self, label: str, call):
        """Run `call()`, counting it; returns its result, or None when it raised."""
        self.cases += 1
        start = time.perf_counter()
        try:
            return call()
        except Exception as error:  # a traceback is exactly what is being counted
            self.tracebacks += 1
            if len(self.samples) < 5:
                self.samples.append(f"{label[:60]!r}: {type(error).__name__}: {error}"[:200])
            return None
        finally:
            took = time.perf_counter() - start
            self.slowest = max(self.slowest, took)
            self.hangs += took > HANG_SECONDS

    def line(self) -> str:
        return (f"{self.name:<16} {self.cases:>6} cases  {self.tracebacks} tracebacks  "
                f"{self.hangs} hangs over {HANG_SECONDS:.0f} s  (slowest {self.slowest:.3f} s)")


class TracebackLog(logging.Handler):
    """Counts log records that carry a traceback (the router's 'failed on my side' path)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.exc_info is not None


# --- slash commands ---------------------------------------------------------------------------

IDS = ["1", "2", "0", "-1", "#3", "1e23", "9" * 25, "9" * 5000, "١٢", "1_000", "0x10", "NaN",
       "", "\u200b", "3 4", "99999999999999999999999", "#-0", "1.5", "∞"]
TEXTS = ["Fresh bread", "x" * 5000, "\u200b\u200d\ufeff", "😀" * 400, '"', "'", '"unclosed',
         "\u202eevil\u202c", "a\x00b", "\x1b[31mred", "<!channel> sale", "@everyone hi",
         "*bold* _it_ ~s~ `c`", "Ｆｕｌｌ ｗｉｄｔｈ", "", " ", "line\nbreak", "\\", "{{ 7*7 }}"]
TARGETS = ["#customers", "#team", "#U0CUSTOMER", "U0CUSTOMER", "slack:#D0123ABCD",
           "slack:W012ABCDEF", "<@U0CUSTOMER>", "discord:#123456789012345678", "discord:#abc",
           ", ".join(f"#c{n}" for n in range(300)), "#", "in", "#💥", "#" + "x" * 500,
           "slack:#C0123ABCD", "#ann", "teams:#x", "slack:", "<#C0123ABCD|deals>", "#news"]
SCHEDULES = ["at tomorrow 9am", 'cron "* * * * *"', 'cron "*/5 * * * *"',
             'cron "0 9 * * 1-5"', 'cron "0,30 * * * *"', 'cron "* * 25 12 *"',
             "every 1 minutes", "every 14 minutes", "every 0 hours", "every 59 minutes",
             "every 99999999999999999999 days", "at 2030-13-45", "at yesterday",
             "every day at 9:00 times 0", "every day at 9:00 times 99999999999",
             "at tomorrow 9am tz Mars/Olympus", "at tomorrow 9am tz ../../etc/passwd",
             "every day at 9:00 until 1900-01-01", "every day at 25:00",
             "on the 31st of every month at 9:00", 'cron "99 99 99 99 99"', "in 5 minutes",
             "every hour", "every 2 hours", "at now", 'cron "0 * * * *"', "every 15 minutes",
             'cron "*/15 * * * *"', "at " + "9" * 400, "every " + "day " * 200, "cron",
             "at tomorrow 9am every day at 9:00 until dec 31 times 4 tz Europe/Paris"]
ACTIONS = ["promo add", "promo list", "promo show", "promo pause", "promo resume",
           "promo cancel", "promo edit", "promo send-now", "remind", "remind list",
           "remind cancel", "help", "promo", "remind me", "nonsense", ""]


def a_command(rng: random.Random) -> str:
    action = rng.choice(ACTIONS)
    if action == "promo add":
        return (f'/nudge promo add "{rng.choice(TEXTS)}" in {rng.choice(TARGETS)} '
                f"{rng.choice(SCHEDULES)}")
    if action in ("remind", "remind me"):
        who = "me" if action == "remind me" else rng.choice(TARGETS)
        return f'/nudge remind {who} "{rng.choice(TEXTS)}" {rng.choice(SCHEDULES)}'
    if action == "promo edit":
        return f'/nudge promo edit {rng.choice(IDS)} "{rng.choice(TEXTS)}"'
    if action in ("promo show", "promo pause", "promo resume", "promo cancel",
                  "promo send-now", "remind cancel"):
        return f"/nudge {action} {rng.choice(IDS)}"
    noise = "".join(rng.choice("\"'#@<>|\\ \u200b\t,;:*é😀") for _ in range(rng.randint(0, 30)))
    return f"/nudge {action} {noise}"


class Clock:
    def __init__(self):
        self.moment = START

    def __call__(self) -> datetime:
        return self.moment


async def fuzz_commands(count: int, rng: random.Random, folder: Path) -> tuple[Tally, int, int]:
    """Returns the tally, the posts made, and the unintended ones among them."""
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["storage"] = {"path": str(folder / "commands.db")}
    raw["digest"] = {"enabled": False}
    raw["waiting"] = {"enabled": False}
    config = parse_config(yaml.safe_dump(raw))
    clock = Clock()
    app = Application(config, Secrets.from_env({}), clock=clock)
    for platform in ("console", "slack", "discord"):
        app.add_adapter(CountingAdapter(platform))
    app.scheduler.sender.sleep = SleepRecorder()
    app.db["opt_outs"].insert({"customer_id": "slack:U0CUSTOMER", "platform": "slack",
                               "user_id": "U0CUSTOMER", "created_at": START.isoformat()})
    await app.scheduler.start(paused=True)
    tracebacks = TracebackLog()
    logging.getLogger().addHandler(tracebacks)
    tally = Tally("slash commands")
    try:
        for _ in range(count):
            command = a_command(rng)
            platform = rng.choice(("console", "slack"))
            request = Request(platform=platform, text=command, user="team", channel="team",
                              role="team")
            before = tracebacks.count
            reply = tally.timed(command, lambda r=request: app.ctx.router.dispatch(r, app.ctx))
            if tracebacks.count > before or (reply is not None and "failed on my side"
                                             in reply.text):
                tally.tracebacks += 1
                if len(tally.samples) < 5:
                    tally.samples.append(f"{command[:60]!r}: failed on my side")
        for _ in range(36):  # three hours, five minutes at a time
            clock.moment += timedelta(minutes=5)
            await app.scheduler.run_due()
    finally:
        await app.scheduler.stop()
        logging.getLogger().removeHandler(tracebacks)
    posts = [(name, post) for name, adapter in app.adapters.items() for post in adapter.posts]
    unintended = sum(1 for _, post in posts if PERSON.match(post.channel)
                     and post.channel != DIRECT + "team")
    unintended += too_often(app)
    app.db.conn.close()
    return tally, len(posts), unintended


def too_often(app: Application) -> int:
    """Deliveries closer together than their floor (promotions 1 h, reminders 15 min)."""
    floors = {"promotion": timedelta(hours=1), "reminder": timedelta(minutes=15)}
    runs: dict[tuple[str, str, str], list[datetime]] = defaultdict(list)
    for row in app.db["deliveries"].rows_where("status = 'sent'"):
        if row["kind"] in floors:
            runs[(row["kind"], row["ref_id"], row["target"])].append(
                datetime.fromisoformat(row["scheduled_for"]))
    close = 0
    for (kind, _, _), times in runs.items():
        times.sort()
        close += sum(1 for a, b in zip(times, times[1:], strict=False) if b - a < floors[kind])
    return close


# --- config files -----------------------------------------------------------------------------

SECRETS = ["xoxb-123456789012-1234567890123-abcdefABCDEF", "xapp-1-A0123-4567-abcdef",
           "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123",
           "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t", "https://bot:hunter2@llm.example/v1",
           "ghp_abcdefghijklmnopqrstuvwxyz0123456789"]


def alias_bomb(levels: int, width: int) -> str:
    lines = ["brand: {name: X}", "l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def a_config(rng: random.Random) -> tuple[str, bool]:
    """A hostile config text, and whether it plants a secret (which must be refused)."""
    kind = rng.randrange(10)
    if kind == 0:
        return alias_bomb(rng.randint(3, 12), rng.randint(2, 12)), False
    if kind == 1:
        depth = rng.randint(20, 100_000)
        opener, closer = rng.choice((("[", "]"), ("{a: ", "}")))
        return "brand: {name: X}\nx: " + opener * depth + "1" + closer * depth + "\n", False
    if kind == 2:
        return "brand: {name: X}\nscheduling: {grace_minutes: " + "9" * rng.randint(1, 9000) \
            + "}\n", False
    if kind == 3:
        raw = yaml.safe_load(EXAMPLE.read_text())
        secret = rng.choice(SECRETS)
        where = rng.choice([("brand", "sign_off"), ("brand", "voice"), ("llm", "base_url"),
                            ("llm", "model"), ("platforms", "slack", "review_channel")])
        node = raw
        for key in where[:-1]:
            node = node.setdefault(key, {})
        node[where[-1]] = f"{rng.choice(['Thanks! ', '', 'see '])}{secret}{rng.choice(['', ' x'])}"
        return yaml.safe_dump(raw), True
    if kind == 4:
        managers = [rng.choice(["U0MANAGER", "Slack:U0MANAGER", "slack:u0", "discord:role:",
                                "teams:U1", "slack:U0OK", ":", "slack:role:Ops", "💥", ""])
                    for _ in range(rng.randint(1, 6))]
        return yaml.safe_dump({"brand": {"name": "X"}, "team": {"managers": managers}}), False
    if kind == 5:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))).decode(
            "latin-1"), False
    if kind == 6:
        return "brand: {name: X}\nx: &a [*a]\n", False
    if kind == 7:
        return f"brand: {{name: X}}\noffers: [{{id: a, title: t, text: t, end: " \
               f"{rng.randint(1, 9999)}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}}}]\n", \
            False
    if kind == 8:
        return "brand:\n  name: " + "x" * rng.randint(1, 200_000) + "\n", False
    return "\t" * rng.randint(1, 50) + rng.choice(["{", "[", "&", "*", "!!python/object"]), False


def fuzz_configs(count: int, rng: random.Random) -> tuple[Tally, int, int]:
    """Returns the tally, secrets planted, and secrets accepted."""
    tally = Tally("config files")
    planted = accepted = 0

    def parse(text: str) -> bool:
        try:
            parse_config(text)
            return True
        except ConfigError:
            return False

    for _ in range(count):
        text, secret = a_config(rng)
        planted += secret
        ok = tally.timed(text[:60], lambda t=text: parse(t))
        accepted += bool(secret and ok)
    return tally, planted, accepted


def nudge_check(text: str, folder: Path) -> tuple[int, str, float]:
    path = folder / "fuzz-config.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogateescape")
    env = {k: v for k, v in os.environ.items() if k != "NUDGE_CONFIG"}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(path), "check"],
                            capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    return result.returncode, result.stderr, time.perf_counter() - start


# --- classify lines ---------------------------------------------------------------------------

def a_line(rng: random.Random) -> bytes:
    kind = rng.randrange(12)
    if kind == 0:
        depth = rng.randint(30, 200_000)
        return b"[" * depth + b"]" * depth
    if kind == 1:
        return b'{"text": "hi \\ud' + rng.choice([b"800", b"bff", b"c00"]) + b'"}'
    if kind == 2:
        return b'{"text": "hi", "n": ' + b"9" * rng.randint(4000, 20000) + b"}"
    if kind == 3:
        return b'{"text": "hi", "n": ' + rng.choice([b"NaN", b"Infinity", b"-Infinity",
                                                      b"1e999", b"-1e999"]) + b"}"
    if kind == 4:
        return b'{"text": "' + bytes(rng.randrange(128, 256) for _ in range(8)) + b'"}'
    if kind == 5:
        return json.dumps({"text": "x" * rng.randint(1, 2_000_000)}).encode()
    if kind == 6:
        return json.dumps({"text": rng.choice(TEXTS), "meta": {"a": [1, {"b": None}]}},
                          ensure_ascii=rng.random() < 0.5).encode()
    if kind == 7:
        return rng.choice([b"null", b"[]", b'"text"', b"{}", b'{"text": 5}', b"{,}", b"\x00"])
    if kind == 8:
        return b'{"text": "a", "text": "b"}'
    if kind == 9:
        return b'{"text": "ok"}' + b" " * rng.randint(0, 5) + rng.choice([b"", b"junk", b"}"])
    if kind == 10:
        return b'\xef\xbb\xbf{"text": "with a byte-order mark"}'
    return json.dumps({"text": "how much is a " + "very " * rng.randint(0, 50) + "big box?"}
                      ).encode()


def fuzz_classify(count: int, rng: random.Random, folder: Path) -> tuple[Tally, str]:
    tally = Tally("classify lines")
    lines = [a_line(rng) for _ in range(count)]
    for number, line in enumerate(lines, start=1):
        tally.timed(repr(line[:60]), lambda li=line, n=number: parse_line(li, n))
    config = folder / "classify-config.yaml"
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["storage"] = {"path": str(folder / "classify.db")}
    config.write_text(yaml.safe_dump(raw))
    env = {k: v for k, v in os.environ.items() if k != "NUDGE_CONFIG"}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "classify"],
                            input=b"\n".join(lines) + b"\n", capture_output=True, timeout=600,
                            env=env, cwd=ROOT)
    took = time.perf_counter() - start
    out = result.stdout.decode("utf-8", "replace").splitlines()

    def strict(name):
        raise ValueError(name)

    readable = 0
    for line in out:
        try:
            json.loads(line, parse_constant=strict)
            readable += 1
        except ValueError:
            pass
    expected = sum(1 for line in lines if line.strip())
    if b"Traceback" in result.stderr:
        tally.tracebacks += 1
        tally.samples.append("nudge classify printed a traceback")
    summary = (f"nudge classify process: {len(out)} of {expected} lines answered, {readable} "
               f"strict JSON, exit {result.returncode}, {took:.1f} s in all")
    return tally, summary


# --- LLM drafts -------------------------------------------------------------------------------

INVENTIONS = [
    "ninety per cent off", "a quarter off", "half off", "a fiver off", "BOGO", "buy one get one "
    "on us", "a dozen extra", "twenty percent off", "2-for-1", "three for two", "cheaper than "
    "anywhere", "free delivery", "delivery is on us", "it costs nothing to ship",
    "we match any price", "money returned if not happy", "gratis", "until Christmas Eve",
    "ends tomorrow", "this weekend only", "last chance", "while stocks last",
    "enter bakerylove at checkout", "use vip at checkout", "code sweettooth",
    "promo: crumbs", "SAVE20", "#FreePastry", "a full refund", "guaranteed fresh",
    "next-day delivery", "on Boxing Day", "before Easter", "until the 5th", "£9.99 a box",
    "30% off", "call 07700 900123", "la mitad de precio", "envío gratis", "dos por uno",
    "livraison offerte", "deux pour un", "zum halben Preis", "kostenlos", "nur heute",
]
DOMAINS = ["crumb-deals", "crumbandco-deals", "evil", "bakery-offers", "crumbshop"]
TLDS = ["com", "ru", "shop", "co.uk", "gg", "me/x", "ly/3xY", "net", "de"]


def a_link(rng: random.Random) -> str:
    name, tld = rng.choice(DOMAINS), rng.choice(TLDS)
    dot = rng.choice([".", "[.]", "(dot)", " dot ", "\u3002", "\uff0e", " . ", "{dot}",
                      "\u200b.", ".\u200d"])
    link = f"{name}{dot}{tld}"
    if rng.random() < 0.3:
        link = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in link)
    if rng.random() < 0.3:
        link = rng.choice(["https://", "hxxps://", "www.", "www dot "]) + link
    return link


def mutate(draft: Draft, rng: random.Random) -> Draft:
    """An adversarial draft: a faithful one with one invention worked in."""
    invention = a_link(rng) if rng.random() < 0.3 else rng.choice(INVENTIONS)
    if rng.random() < 0.2:  # a zero-width character inside a word
        at = rng.randrange(1, max(2, len(invention) - 1))
        invention = invention[:at] + rng.choice("\u200b\u200c\u2060\ufeff") + invention[at:]
    sentences = re.split(r"(?<=[.!?])\s+", draft.text)
    at = rng.randrange(len(sentences) + 1)
    sentences.insert(at, rng.choice(["Also: {}!", "Plus {}.", "{} too.", "And {}!"]).format(
        invention))
    return Draft(draft.suggestion, draft.lang, "generated", " ".join(sentences))


def harmless(draft: Draft, rng: random.Random) -> Draft:
    """A faithful draft with harmless changes: a preamble, quotes, an emoji, spacing."""
    text = draft.text
    change = rng.randrange(5)
    if change == 0:
        text = "Sure, here's a friendlier reply:\n" + text
    elif change == 1:
        text = f'"{text}"'
    elif change == 2:
        text = text.replace("! ", " 😊 ", 1)
    elif change == 3:
        text = text.replace(" ", "  ", 2)
    else:
        text = "<think>keep to the facts</think>\n" + text
    return Draft(draft.suggestion, draft.lang, "harmless", text)


def rejected(tally: Tally, drafts: list[Draft]) -> int:
    count = 0
    for draft in drafts:
        verdict = tally.timed(draft.text, lambda d=draft: check_draft(d.filled(), d.target,
                                                                      context=CONTEXT))
        count += verdict is not None and not verdict.accepted
    return count


def fuzz_drafts(count: int, rng: random.Random) -> tuple[Tally, list[str]]:
    tally = Tally("LLM drafts")
    adversarial, faithful = load("adversarial"), load("faithful")
    generated = [mutate(rng.choice(faithful), rng) for _ in range(count)]
    variants = [harmless(rng.choice(faithful), rng) for _ in range(max(60, count // 5))]
    probes = [Draft("offer", "en", "probe", text) for text in (
        "a." * 20_000, "a" * 50_000 + ".com", "x-" * 20_000 + "y", "code " * 10_000,
        "use " * 10_000 + "AUTUMN10", ("1" * 300 + " ") * 50, "[.]" * 20_000, "@" * 30_000)]
    rates = []
    # The fresh corpus was written after the outside audit without reading the first one.
    fresh_adversarial, fresh_faithful = load("fresh_adversarial"), load("fresh_faithful")
    for name, drafts, want_rejected in (("corpus adversarial", adversarial, True),
                                        ("corpus faithful", faithful, False),
                                        ("fresh adversarial", fresh_adversarial, True),
                                        ("fresh faithful", fresh_faithful, False),
                                        ("generated adversarial", generated, True),
                                        ("harmless variants", variants, False)):
        count_rejected = rejected(tally, drafts)
        share = count_rejected / len(drafts)
        goal = "goal >= 98%" if want_rejected else "goal 0"
        rates.append(f"  {name:<22} {count_rejected:>4} of {len(drafts):>4} rejected "
                     f"({share:.1%}; {goal})")
    rejected(tally, probes)
    return tally, rates


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.CRITICAL)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="nudge-fuzz-") as name:
        folder = Path(name)
        commands, posts, unintended = await fuzz_commands(args.commands, rng, folder)
        configs, planted, leaked = fuzz_configs(args.configs, rng)
        checks = [nudge_check(text, folder) for text in (
            alias_bomb(8, 9), "brand: {name: X}\nx: " + "[" * 100_000 + "]" * 100_000,
            "brand: {name: X, sign_off: 'Thanks! xoxb-123456789012-abcdefABCDEF'}\n")]
        classify, classify_summary = fuzz_classify(args.lines, rng, folder)
        drafts, rates = fuzz_drafts(args.drafts, rng)
    tallies = [commands, configs, classify, drafts]
    total = sum(t.cases for t in tallies)
    print(f"input fuzz (seed {args.seed}): {total} hostile inputs")
    for tally in tallies:
        print("  " + tally.line())
        for sample in tally.samples:
            print(f"      e.g. {sample}")
    print(f"tracebacks: {sum(t.tracebacks for t in tallies)} (goal 0)")
    print(f"hangs over {HANG_SECONDS:.0f} s: {sum(t.hangs for t in tallies)} (goal 0)")
    print(f"posts made by the commands over 3 simulated hours: {posts}; unintended: {unintended} "
          "(goal 0)")
    print(f"secrets planted in configs: {planted}; accepted: {leaked} (goal 0)")
    for code, stderr, took in checks:
        lines = stderr.strip().splitlines()
        print(f"nudge check on a hostile file: exit {code}, {len(lines)} line(s), "
              f"traceback: {'Traceback' in stderr}, {took:.2f} s (process start included)")
    print(classify_summary)
    print("guardrail rejection rates:")
    print("\n".join(rates))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--commands", type=int, default=800)
    parser.add_argument("--configs", type=int, default=500)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--drafts", type=int, default=900)
    asyncio.run(main(parser.parse_args()))
