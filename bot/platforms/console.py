"""The console adapter: Nudge offline, in a terminal or a pipe.

Each plain line is a customer message in the console's customer channel; lines that start with
"/" come from the team: "/nudge ..." runs a command, and "/send", "/another", "/edit <text>",
"/dismiss" press the buttons of the latest suggestion, and "/intent <name>" says which intent
it really was (the review is redrawn for that intent and the correction is stored). "/as <name>"
types as another customer (each keeps their own thread) and "/new" starts a new thread for the
current one; the prompt shows who is speaking. "/at <when>" stops the clock at another moment
(what would customers be told on Christmas Eve at 17:30?) and "/at now" goes back to the real
one; scheduled work always keeps to the real clock (see Application.fix_clock). It stops
cleanly at end of input, so `printf 'hi\\n/nudge help\\n' | nudge run` is scriptable. With an
LLM configured, the template suggestion is shown first and an "Updated draft" follows when the
model's wording arrives.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot import fixed_clock
from bot.config import Config, Secrets
from bot.core.types import Image, Post, Reply, Request
from bot.promotions import images
from handlers import conversation, corrections

if TYPE_CHECKING:
    from bot.app import Application

log = logging.getLogger(__name__)

TEAM_USER = "team"
BUTTON_COMMANDS = ("/send", "/another", "/edit", "/dismiss")
INTENT_COMMAND = "/intent"
PLAYER_COMMANDS = ("/as", "/new")
CLOCK_COMMAND = "/at"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
_EOF = object()


def _indented(text: str) -> str:
    return "\n".join(line if n == 0 or not line else f"    {line}"
                     for n, line in enumerate(text.split("\n")))


def render(reply: Reply) -> str:
    """A Reply as plain terminal text: the text, its fields, then its buttons."""
    lines = [reply.text]
    # Continuation lines are indented so a multi-paragraph reply still reads as one field.
    lines += [f"  {field.label}: " + _indented(field.value) for field in reply.fields]
    if reply.choices:
        lines.append("  " + "  ".join(f"[/{c.action}] {c.label}" for c in reply.choices))
    if reply.menu is not None:
        names = ", ".join(option.value for option in reply.menu.options)
        lines.append(f"  [/{reply.menu.action} <name>] {reply.menu.placeholder} {names}")
    return "\n".join(lines)


class Speakers:
    """Who is typing as the customer, and in which thread: "/as <name>" and "/new".

    Shared by the console and `nudge suggest --thread`, so a replayed conversation lands in
    exactly the threads the console would have used."""

    def __init__(self, customer: str, channel: str):
        self.customer = customer
        self.channel = channel
        # Each customer's current thread: their own by default, a fresh one after /new.
        self.threads: dict[str, str] = {}

    @property
    def thread(self) -> str:
        """The thread the current customer is writing in."""
        return self.threads.get(self.customer, self.customer)

    def play(self, text: str, new_id: str) -> str:
        """Apply "/as <name>" or "/new" (`new_id` names a new thread); returns what to say.
        Raises ValueError, with the usage, for a name that cannot be used."""
        command, _, name = text.strip().partition(" ")
        if command.lower() == "/new":
            self.threads[self.customer] = f"{self.customer}:{new_id}"
            return f"New conversation: {self.customer} starts a new thread in #{self.channel}."
        name = name.strip()
        if not _NAME.fullmatch(name):
            raise ValueError("Usage: /as <name> (letters, digits, '-', '_' or '.'), e.g. "
                             "/as anna")
        self.customer = name
        return f"Now speaking as {name} in #{self.channel}."


class ConsoleAdapter:
    platform = "console"

    def __init__(self, config: Config, secrets: Secrets | None = None,
                 stdin: TextIO | None = None, stdout: TextIO | None = None):
        console = config.platforms.console
        self.channel, self.review_channel = console.channel, console.review_channel
        self.speakers = Speakers(console.user, console.channel)
        # Pictures (the digest's chart) are saved beside the database, and their path printed.
        self.pictures = Path(config.storage.path).resolve().parent / "charts"
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty()
        self.latest_suggestion: str | None = None
        self._counter = 0
        self._session = str(int(time.time() * 1000))
        self._stopping = asyncio.Event()
        self._drafts: set[asyncio.Task] = set()

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    def _read_lines(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> None:
        # A daemon thread, so a blocked read never holds up shutdown (Ctrl-C, EOF elsewhere).
        try:
            for line in self.stdin:
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError, UnicodeDecodeError) as error:
            log.warning("console input ended: %s", error.__class__.__name__)
        loop.call_soon_threadsafe(queue.put_nowait, _EOF)

    async def start(self, app: Application) -> None:
        self.app = app
        brand = app.config.brand.name
        self.say(
            f"Nudge for {brand}, offline console. Type what a customer would write; "
            "/nudge help for commands, /send /another /edit /dismiss for suggestions, "
            "/intent <name> when the intent is wrong, "
            "/as <name> to be another customer, /new for a new thread, "
            "/at <when> to stop the clock at another moment (/at now: the real clock), "
            "Ctrl-D to quit."
        )
        if app.fixed_at is not None:
            self.say(f"The clock stays at {self._moment(app.fixed_at)}: replies are worked out "
                     "for that moment. Scheduled promotions, reminders and the digest do not "
                     "run in this session; they wait, untouched, for the next start without "
                     "--at.")
        queue: asyncio.Queue = asyncio.Queue()
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read_lines, args=(loop, queue), daemon=True).start()
        while not self._stopping.is_set():
            if self.interactive:
                print(self.prompt(), end="", file=self.stdout, flush=True)
            item = await queue.get()
            if item is _EOF:
                await self._settle_drafts()
                break
            line = item.rstrip("\r\n")
            try:
                await self.handle_line(line)
            except Exception:
                log.exception("console line failed")
                self.say("Sorry, that failed on my side; nothing was lost. See the log.")
        if self.interactive:
            self.say("")
        self.say("Bye.")

    async def stop(self) -> None:
        self._stopping.set()

    def _next_id(self) -> str:
        self._counter += 1
        return f"{self._session}-{self._counter}"

    async def handle_line(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        ctx = self.app.ctx
        if text.split()[0].lower() == INTENT_COMMAND:
            await self._correct(text)
        elif text.split()[0].lower() in BUTTON_COMMANDS:
            await self._press(text)
        elif text.split()[0].lower() in PLAYER_COMMANDS:
            self._play(text)
        elif text.split()[0].lower() == CLOCK_COMMAND:
            self._move_clock(text)
        elif text.startswith("/"):
            request = Request(platform="console", text=text, user=TEAM_USER,
                              channel=self.review_channel, role="team",
                              message_id=self._next_id())
            self.say(render(await self.app.dispatch(request)))
        else:
            request = Request(platform="console", text=line, user=self.customer,
                              channel=self.channel, thread=self.thread,
                              message_id=self._next_id(), user_name=self.customer)
            await self.app.engine_ready()
            review = conversation.on_message(request, ctx)
            if review is not None:
                await self.notify_team(review)
                self._improve_later(review)

    @property
    def customer(self) -> str:
        return self.speakers.customer

    @property
    def thread(self) -> str:
        """The thread the current customer is writing in."""
        return self.speakers.thread

    def _play(self, text: str) -> None:
        """/as <name>: type as another customer (each keeps their own thread); /new: the
        current customer starts a new thread in the same channel."""
        try:
            self.say(self.speakers.play(text, self._next_id()))
        except ValueError as usage:
            self.say(str(usage))

    def _moment(self, moment) -> str:
        return fixed_clock.describe(moment, self.app.config.zone)

    def _move_clock(self, text: str) -> None:
        """/at <when>: the clock stays at that moment; /at now: the real clock again; /at
        alone: which clock is in use."""
        parts = text.split(None, 1)
        when = parts[1].strip() if len(parts) > 1 else ""
        usage = "/at <when> (e.g. /at 2026-12-23 17:30) or /at now"
        if not when:
            fixed = self.app.fixed_at
            self.say((f"The clock stays at {self._moment(fixed)}." if fixed else
                      "The clock is the real one.") + f" Usage: {usage}.")
            return
        if when.lower() == "now":
            self.app.fix_clock(None)
            off = "" if self.app.scheduler.running else (
                " Scheduled work stays off in this session, which started on a fixed clock.")
            self.say(f"Back to the real clock ({self._moment(self.app.ctx.now())})." + off)
            return
        try:
            moment = fixed_clock.parse_moment(when, self.app.config.zone)
        except ValueError as problem:
            self.say(f"The clock did not move: {problem}. Usage: {usage}.")
            return
        self.app.fix_clock(moment)
        running = " Scheduled work keeps to the real clock." if self.app.scheduler.running \
            else ""
        self.say(f"The clock stays at {self._moment(moment)} until /at now: replies are "
                 f"worked out for that moment.{running}")

    def prompt(self) -> str:
        """The input prompt: who is speaking, and when if the clock is stopped."""
        app = getattr(self, "app", None)
        fixed = getattr(app, "fixed_at", None)
        if fixed is None:
            return f"{self.customer}> "
        return f"{self.customer} @ {fixed.astimezone(app.config.zone):%d %b %H:%M}> "

    async def _press(self, text: str) -> None:
        action, _, rest = text.partition(" ")
        action = action.lstrip("/").lower()
        if self.latest_suggestion is None:
            self.say("There is no suggestion to act on yet: type a customer message first.")
            return
        await self._settle_drafts()
        result = conversation.on_choice(self.app.ctx, action, self.latest_suggestion,
                                        "console", TEAM_USER, edited_text=rest)
        review, _ = await self.app.deliver_choice(result)
        await self.notify_team(review)
        if action == "another":
            self._improve_later(result.review)

    async def _correct(self, text: str) -> None:
        """`/intent <name>`: the latest suggestion's message was really that intent."""
        name = text.partition(" ")[2]
        if self.latest_suggestion is None:
            self.say("There is no suggestion to correct yet: type a customer message first.")
            return
        if not name.strip():
            self.say("Usage: /intent <name>, for example /intent pricing.")
            return
        await self._settle_drafts()
        review = corrections.on_correct(self.app.ctx, self.latest_suggestion, name, "console",
                                        TEAM_USER)
        await self.notify_team(review)
        if review.ok and review.choices:
            self._improve_later(review)

    def _improve_later(self, review: Reply) -> None:
        """Ask for the LLM's wording without holding up the next line."""
        task = asyncio.create_task(self._show_improved(review))
        self._drafts.add(task)
        task.add_done_callback(self._drafts.discard)

    async def _show_improved(self, review: Reply) -> None:
        improved = await self.app.improve_review(review)
        if improved is not None:
            self.say(f"[#{self.review_channel}] Updated draft: " + render(improved))

    async def _settle_drafts(self) -> None:
        # A button acts on the draft the team was last shown, so a scripted session that
        # presses /send right away waits for a pending draft (at most the LLM timeout).
        if self._drafts:
            await asyncio.gather(*self._drafts, return_exceptions=True)

    async def post(self, post: Post) -> str:
        where = f"@{post.direct_user}" if post.direct_user is not None else f"#{post.channel}"
        self.say(f"[Nudge → {where}] {post.text}")
        if post.image_url:
            self.say(images.console_line(post.image_url, post.image_alt))
        if post.image is not None:
            self.say(f"[chart saved: {self.save_image(post.image)}]")
        return self._next_id()

    def save_image(self, image: Image) -> Path:
        self.pictures.mkdir(parents=True, exist_ok=True)
        path = self.pictures / Path(image.filename).name
        path.write_bytes(image.data)
        return path

    async def notify_team(self, reply: Reply) -> None:
        if reply.choices:
            self.latest_suggestion = reply.choices[0].value
        self.say(f"[#{self.review_channel}] " + render(reply))
