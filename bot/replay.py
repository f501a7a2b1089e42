"""`nudge suggest --thread FILE`: a whole conversation played as the console would play it.

The file is JSON Lines, one object a line: {"text": "..."} is a customer message, and
{"text": "/as anna"} or {"text": "/new"} switch customer or start a new thread exactly as in the
console; an optional "at" (same formats as --at) stops the clock at that moment from that line
on. Every line is read and checked before anything is played, so a bad line is refused with its
number and nothing half-played is printed.

Each message goes through the console's own path: handlers.conversation.on_message stores it
and asks the engine with the thread's memory; then, before the next message, the first
suggestion is sent as the console's /send does (on_choice "send", then confirm_send: the post
itself goes nowhere but this transcript). So the second message of a thread is answered knowing
what the first one said and was told, the offers it was sent and the CTA count.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import fixed_clock
from bot.cli.engine import parse_line
from bot.config import Config, database_target
from bot.core.context import Context
from bot.core.types import Reply, Request
from bot.engine.types import SuggestionSet
from bot.plaintext import has_visible_text
from bot.platforms.console import PLAYER_COMMANDS, TEAM_USER, Speakers
from bot.store import MEMORY, ProcessLock, is_postgres, open_db, utc_now
from handlers import conversation

KEYS = ("text", "at")


class ThreadFileError(ValueError):
    """A line of the thread file that cannot be played: "line 3: ..."."""


@dataclass(frozen=True)
class Step:
    line: int
    text: str  # a customer message, or "/as <name>" or "/new"
    at: datetime | None  # the clock stops here from this line on

    @property
    def is_command(self) -> bool:
        return self.text.strip().split()[0].lower() in PLAYER_COMMANDS


@dataclass(frozen=True)
class Played:
    """One customer message played, and what the engine suggested for it."""

    step: Step
    customer: str
    thread: str
    at: datetime
    result: SuggestionSet | None  # None only when nothing was asked of the engine


def read_steps(lines: Iterable[bytes], zone: ZoneInfo) -> list[Step]:
    """Every line checked; ThreadFileError names the first one that cannot be played."""
    steps = []
    for number, raw in enumerate(lines, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # the byte-order mark some Windows editors write
        if not raw.strip():
            continue
        steps.append(_step(raw, number, zone))
    if not any(not step.is_command for step in steps):
        raise ThreadFileError("the thread has no customer message to play")
    return steps


def _step(raw: bytes, number: int, zone: ZoneInfo) -> Step:
    row, text = parse_line(raw, number)
    if text is None:
        raise ThreadFileError(f"line {number}: {row['error']}")
    unknown = sorted(set(row) - set(KEYS))
    if unknown:
        raise ThreadFileError(f"line {number}: unknown key {unknown[0][:40]!r}; a line has "
                              '"text" and, optionally, "at"')
    at = row.get("at")
    if at is not None:
        if not isinstance(at, str):
            raise ThreadFileError(f'line {number}: "at" must be a string such as '
                                  '"2026-12-23 17:30"')
        try:
            at = fixed_clock.parse_moment(at, zone)
        except ValueError as problem:
            raise ThreadFileError(f'line {number}: "at": {problem}') from None
    if not has_visible_text(text):
        raise ThreadFileError(f'line {number}: "text" is empty')
    step = Step(number, text, at)
    if text.strip().startswith("/"):
        if not step.is_command:
            command = text.strip().split()[0]
            raise ThreadFileError(f"line {number}: {command[:20]!r} cannot be played; a thread "
                                  "file knows /as <name> and /new")
        try:
            Speakers("customer", "customers").play(text, "check")
        except ValueError as usage:
            raise ThreadFileError(f"line {number}: {usage}") from None
    return step


class _Watched:
    """The real engine, remembering its last answer: the replay prints the whole suggestion
    set (language included), while on_message hands back only the team's review."""

    def __init__(self, engine):
        self.engine = engine
        self.last: SuggestionSet | None = None

    def suggest(self, *args, **kwargs) -> SuggestionSet:
        self.last = self.engine.suggest(*args, **kwargs)
        return self.last

    def __getattr__(self, name: str):
        return getattr(self.engine, name)


def play(steps: list[Step], ctx: Context, start: datetime | None, platform: str = "console",
         say: Callable[[str], None] = lambda line: None,
         session: str = "replay") -> Iterator[Played]:
    """Play `steps` on `ctx` (its engine and database), one Played per customer message.

    The clock is `start` (the real clock when None) until a line's "at" stops it elsewhere.
    `say` gets what the console would print for /as and /new. `session` prefixes message ids
    and new threads' names: make it unique (`unique_session`) on a database kept afterwards,
    where a message id seen before would be taken for a redelivery and skipped.
    """
    console = ctx.config.platforms.console
    speakers = Speakers(console.user, console.channel)
    engine = ctx.engine = _Watched(ctx.engine)
    moment = start
    ctx.clock = lambda: moment if moment is not None else utc_now()
    pending: Reply | None = None
    for step in steps:
        if step.at is not None:
            moment = step.at
        if step.is_command:
            say(speakers.play(step.text, f"{session}-{step.line}"))
            continue
        send_first(ctx, pending)
        request = Request(platform=platform, text=step.text, user=speakers.customer,
                          channel=console.channel, thread=speakers.thread,
                          message_id=f"{session}-{step.line}", user_name=speakers.customer)
        engine.last = None
        pending = conversation.on_message(request, ctx)
        yield Played(step, speakers.customer, speakers.thread, ctx.now(), engine.last)


def unique_session() -> str:
    return f"replay-{time.time_ns()}"


def send_first(ctx: Context, review: Reply | None) -> None:
    """Send the review's suggestion (the first one) as the console's /send does; the platform
    is this transcript, so the send is confirmed at once."""
    if review is None or not review.choices:
        return
    result = conversation.on_choice(ctx, "send", review.choices[0].value, "console", TEAM_USER)
    if result.post is not None:
        conversation.confirm_send(ctx, result)


@contextmanager
def database(config: Config, configured: bool):
    """A fresh temporary database (deleted afterwards), or the configured one when asked:
    then locked, like `nudge run`, so a running Nudge and a replay never share it."""
    if configured:
        path = database_target(config)
        lock = ProcessLock(path)
        if str(path) != MEMORY and not is_postgres(path):
            lock.acquire()
        db = open_db(path)
        try:
            yield db
        finally:
            db.conn.close()
            lock.release()
        return
    with tempfile.TemporaryDirectory(prefix="nudge-replay-") as folder:
        db = open_db(Path(folder) / "replay.db")
        try:
            yield db
        finally:
            db.conn.close()


def suggestion_dict(result: SuggestionSet) -> dict:
    """What `nudge suggest --json` prints for one message."""
    return {
        **asdict(result.classification),
        # Urgent when any suggestion is, not only for strongly negative wording.
        "urgent": result.urgent,
        "handled_as": result.handled_as or result.intent,
        "lang": result.lang,
        "wrote_in": result.wrote_in,
        "suggestions": [asdict(s) for s in result.suggestions],
    }


def as_json_line(played: Played, zone: ZoneInfo) -> str:
    head = {"line": played.step.line, "customer": played.customer, "thread": played.thread,
            "at": played.at.astimezone(zone).isoformat(), "text": played.step.text}
    body = suggestion_dict(played.result) if played.result is not None else {
        "error": "nothing was suggested"}
    return json.dumps({**head, **body}, ensure_ascii=False, allow_nan=False)


def as_text(played: Played, zone: ZoneInfo, describe: Callable[[SuggestionSet], str]) -> str:
    when = fixed_clock.describe(played.at, zone)
    lines = [f"--- line {played.step.line}, {when}",
             f"{played.customer}: {played.step.text}"]
    lines.append(describe(played.result) if played.result is not None
                 else "nothing was suggested")
    return "\n".join(lines)
