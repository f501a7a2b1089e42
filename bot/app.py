"""The Application wires everything together: config, database, engine, router, adapters.

Every adapter and the scheduler share one asyncio loop; handlers stay plain callables.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import fixed_clock
from bot.config import Config, Secrets, database_target
from bot.core.context import Context
from bot.core.errors import DeliveryError, StartupError
from bot.core.types import Post, Reply, Request
from bot.outbox import ReplyOutbox, ReviewOutbox
from bot.platforms.base import Adapter
from bot.readers import ENGINE_COMMANDS, Readers, command_name, dispatch_command
from bot.scheduling.service import SchedulerService
from bot.scheduling.sources import build_sources
from bot.store import MEMORY, ProcessLock, is_postgres, open_db, posting, utc_now
from bot.tracking.server import ClickTracker
from bot.tracking.server import serve as serve_tracked_links
from handlers.conversation import ChoiceResult
from handlers.registry import build_router

log = logging.getLogger(__name__)

# How often a start still waiting for an adapter to connect says so in the log.
ADAPTER_READY_TIMEOUT = 30.0


@dataclass(frozen=True)
class PlatformPlan:
    name: str
    start: bool
    reason: str


def plan_platforms(config: Config, secrets: Secrets) -> list[PlatformPlan]:
    """Which adapters `nudge run` would start, and why: the answer `nudge check` prints."""
    plans = []
    slack = config.platforms.slack
    if not slack.enabled:
        plans.append(PlatformPlan("slack", False, "disabled in the config"))
    elif secrets.slack_bot_token is None:
        plans.append(PlatformPlan("slack", False, "SLACK_BOT_TOKEN is not set"))
    elif slack.mode == "socket" or (slack.mode == "auto" and secrets.slack_app_token):
        if secrets.slack_app_token is None:
            plans.append(
                PlatformPlan("slack", False, "mode is socket but SLACK_APP_TOKEN is not set")
            )
        else:
            plans.append(PlatformPlan("slack", True, "Socket Mode (SLACK_APP_TOKEN is set)"))
    elif secrets.slack_signing_secret is None:
        plans.append(PlatformPlan("slack", False, "HTTP mode needs SLACK_SIGNING_SECRET"))
    else:
        http = slack.http
        plans.append(
            PlatformPlan("slack", True, f"HTTP mode on http://{http.host}:{http.port}{http.path}")
        )
    discord = config.platforms.discord
    if not discord.enabled:
        plans.append(PlatformPlan("discord", False, "disabled in the config"))
    elif secrets.discord_token is None:
        plans.append(PlatformPlan("discord", False, "DISCORD_TOKEN is not set"))
    else:
        plans.append(PlatformPlan(
            "discord", True,
            "DISCORD_TOKEN is set; needs the Message Content intent, enabled in the Developer "
            "Portal under Bot > Privileged Gateway Intents",
        ))
    online = any(plan.start for plan in plans)
    plans.insert(
        0,
        PlatformPlan(
            "console",
            not online,
            "offline default: no platform token is set" if not online
            else "not needed: a chat platform will start",
        ),
    )
    return plans


def load_engine(config: Config):
    """The embedded suggestion engine (trained on first use, then cached)."""
    from bot.engine import Engine

    return Engine(config)


def load_llm(config: Config, secrets: Secrets):
    """The optional LLM drafter, or None when `llm:` is off or unusable (`nudge check` says why)."""
    from bot.llm import LLMDrafter

    return LLMDrafter.from_config(config, secrets)


def load_refitter(db, engine, config: Config, clock: Callable[[], datetime]):
    """What refits the engine's intent model on the team's corrections, in the background;
    None for an engine without an intent model of its own."""
    if not hasattr(getattr(engine, "classifier", None), "use"):
        return None
    from bot.engine.refitter import Refitter

    return Refitter(db, engine, config.engine.refit_after, clock)


def _restore_then(refitter, warm: Callable[[], None]) -> Callable[[], None]:
    """The warm-up, preceded by loading the model refit on the team's corrections (if any)."""
    def restore_and_warm() -> None:
        if refitter is not None:
            try:
                refitter.restore()
            except Exception:
                log.exception("could not load the model refit on the team's corrections")
        warm()
    return restore_and_warm


def _warm(warm: Callable[[], None]) -> bool:
    """Run an engine's warm-up; a failure is logged, and the first suggestion tries again."""
    from bot.engine.embedding import EmbeddingModelError

    try:
        warm()
    except EmbeddingModelError as error:
        log.error("the suggestion engine cannot start: %s", error)  # one line, names the fix
        return False
    except Exception:
        log.exception("could not warm the suggestion engine; the first message will try again")
        return False
    return True


class Application:
    def __init__(self, config: Config, secrets: Secrets, *, db=None,
                 clock: Callable[[], datetime] | None = None, engine=None):
        self.config = config
        self.secrets = secrets
        self.db = db if db is not None else open_db(database_target(config))
        # The real clock: scheduled work, deliveries and clicks always keep to it. Conversations
        # and commands read ctx.clock, which fix_clock can stop at another moment.
        self.clock: Callable[[], datetime] = clock or utc_now
        self.fixed_at: datetime | None = None
        self.ctx = Context(config=config, db=self.db, router=build_router(),
                           engine=engine if engine is not None else load_engine(config),
                           clock=self.clock)
        self.adapters: dict[str, Adapter] = {}
        self.warming: asyncio.Future | None = None  # the engine's warm-up, once run() starts
        self._engine_thread: ThreadPoolExecutor | None = None
        self.scheduler = SchedulerService(self.db, config, clock=lambda: self.clock(),
                                          publish=self.publish, notify=self.notify_team,
                                          platforms=lambda: list(self.adapters))
        for source in build_sources(self.db, config):
            self.scheduler.register(source)
        self.reviews = ReviewOutbox(self.ctx, self._show_review)
        self.replies = ReplyOutbox(self.ctx, self.publish, self.redraw_review)
        self.scheduler.register(self.reviews)
        self.scheduler.register(self.replies)
        self.ctx.scheduler = self.scheduler
        self.ctx.refitter = self.refitter = load_refitter(self.db, self.ctx.engine, config,
                                                          lambda: self.clock())
        self.readers = Readers(self.ctx, str(config.storage.path))
        self.llm = load_llm(config, secrets)
        self.tracker = ClickTracker(self.db, clock=lambda: self.clock(),
                                    proxies=config.links.tracking.proxy_networks()) \
            if config.links.tracking.enabled else None
        self.links_runner = None  # Nudge's own listener for tracked links, when it runs

    def fix_clock(self, moment: datetime | None) -> None:
        """Conversations and commands see `moment` from now on, the clock stopped there (what
        customers would be told then); None goes back to the real clock. Scheduled work keeps
        to the real clock either way: a run started on a fixed clock does not start it."""
        self.fixed_at = moment
        self.ctx.clock = self.clock if moment is None else fixed_clock.frozen(moment)

    @property
    def link_routes(self):
        """Adds the tracked-link redirect to an aiohttp app (the Slack HTTP server); None
        when tracking is off."""
        return self.tracker.add_routes if self.tracker is not None else None

    async def serve_links(self) -> None:
        """Serve tracked links on Nudge's own listener unless the Slack HTTP server does."""
        slack = self.adapters.get("slack")
        if self.tracker is None or getattr(slack, "mode", None) == "http":
            return
        tracking = self.config.links.tracking
        try:
            self.links_runner = await serve_tracked_links(self.tracker, tracking.host,
                                                          tracking.port)
        except OSError as error:
            raise StartupError(f"tracked links cannot be served on {tracking.host}:"
                               f"{tracking.port} ({error.strerror}); change "
                               "links.tracking.port or stop what is using it") from None

    def add_adapter(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter

    async def publish(self, post: Post) -> str:
        """Send a post through its platform's adapter; raise DeliveryError when impossible."""
        adapter = self.adapters.get(post.platform)
        if adapter is None:
            raise DeliveryError(f"{post.platform} is not connected", transient=False)
        if self._to_opted_out_person(post):
            raise DeliveryError("that is a direct message to a customer who opted out; nothing "
                                "was sent, and nothing ever is", transient=False)
        return await adapter.post(post)

    def _to_opted_out_person(self, post: Post) -> bool:
        """Whether `post` goes straight to a customer who opted out: a direct message, or a
        post whose channel is the person's own id (Slack writes to their DM then)."""
        person = post.direct_user or post.channel
        return posting.opted_out(self.db, post.platform, person)

    async def notify_team(self, reply: Reply, platform: str | None = None) -> None:
        """Show `reply` in the review channel of one platform, or of every connected one."""
        # A platform that is not connected cannot be told; every connected one is, instead.
        targets = ([self.adapters[platform]] if platform in self.adapters
                   else list(self.adapters.values()))
        for adapter in targets:
            try:
                await adapter.notify_team(reply)
            except DeliveryError as error:  # already logged by the adapter, with its code
                log.warning("could not tell the team on %s: %s", adapter.platform, error)
            except Exception:
                log.exception("could not notify the team on %s", adapter.platform)

    async def show_review(self, reply: Reply, platform: str,
                          attempt: Callable[[], Awaitable[Any]]) -> Any:
        """Show a customer message's review with the adapter's `attempt`, through the outbox:
        retried while the platform fails for a passing reason; returns what `attempt` returned
        (where the review now is), or None when it could not be shown (the team is told)."""
        return await self.reviews.show(self.scheduler, reply, platform, attempt)

    async def deliver_choice(self, result: ChoiceResult) -> tuple[Reply, bool]:
        """Send what a Send or Edit press claimed, through the outbox; returns (the review to
        show, whether the platform refused). Only a confirmed post is recorded as sent."""
        return await self.replies.send(self.scheduler, result)

    async def _show_review(self, reply: Reply, platform: str) -> None:
        adapter = self.adapters.get(platform)
        if adapter is None:
            raise DeliveryError(f"{platform} is not connected", transient=False)
        await adapter.notify_team(reply)

    async def redraw_review(self, platform: str, suggestion_id: int, reply: Reply) -> None:
        """Show `reply` in place of the review of this suggestion (after a send settled in the
        background); as a new message where the platform cannot edit the old one."""
        adapter = self.adapters.get(platform)
        if adapter is None:
            return
        ref = posting.review_ref(self.db, suggestion_id)
        redraw = getattr(adapter, "redraw_review", None)
        if redraw is not None and ref:
            await redraw(ref, reply)
        else:
            await adapter.notify_team(reply)

    async def dispatch(self, request: Request) -> Reply:
        """Run a `/nudge` command; the ones that only read run off the event loop, in the
        reader process, and the ones that run the engine (`suggest`) in the engine's thread,
        once it is warm: a first start may be training the model for seconds."""
        if command_name(request.text) in ENGINE_COMMANDS:
            await self.engine_ready()
            return await self.run_engine(lambda: dispatch_command(self.ctx, request))
        return await self.readers.dispatch(request)

    async def improve_review(self, review: Reply) -> Reply | None:
        """The review with the LLM's wording once it arrives, or None to keep what is shown.

        Adapters show the template review first, then schedule this with asyncio.create_task
        and replace their review message with the result; it never raises.
        """
        if self.llm is None:
            return None
        from bot.llm import improve_review

        try:
            return await improve_review(self.ctx, self.llm, review)
        except Exception:
            log.exception("LLM drafting failed; the template reply stays")
            return None

    async def run_engine(self, work: Callable[[], Any]) -> Any:
        """Run the engine's `work` in its own worker thread (one at a time: the model is
        shared), keeping the event loop free for acknowledgements."""
        if self._engine_thread is None:
            self._engine_thread = ThreadPoolExecutor(1, thread_name_prefix="nudge-engine")
        return await asyncio.get_running_loop().run_in_executor(self._engine_thread, work)

    def start_warming(self) -> asyncio.Future | None:
        """Warm the engine in a worker thread (loading or training the intent model), so start-up
        is not held up and the first customer message is not the one that waits."""
        warm = getattr(self.ctx.engine, "warm", None)
        if warm is not None and self.warming is None:
            self.warming = asyncio.get_running_loop().run_in_executor(
                None, _warm, _restore_then(self.refitter, warm))
            if self.refitter is not None:
                self.warming.add_done_callback(lambda _: self._catch_up())
        return self.warming

    def _catch_up(self) -> None:
        """After the warm-up: refit on corrections the model has not learnt yet, if any."""
        try:
            self.refitter.catch_up()
        except Exception:
            log.exception("could not check for corrections to learn; they wait for the next "
                          "start")

    async def engine_ready(self) -> None:
        """Wait, without blocking the loop, for a warm-up under way; adapters call it before
        asking for a suggestion. (Without it the suggestion still waits, inside the engine.)"""
        if self.warming is not None and not self.warming.done():
            await asyncio.shield(self.warming)

    async def run(self) -> None:
        """Start every adapter and serve until all of them stop (the console stops at EOF)."""
        if not self.adapters:
            raise RuntimeError("no adapter to run")
        target = database_target(self.config)
        lock = ProcessLock(target)
        # A second Nudge on the same SQLite file is refused, naming the first. On PostgreSQL
        # several processes share one database: claims and advisory locks keep them apart.
        if str(target) != MEMORY and not is_postgres(target):
            lock.acquire()
        try:
            await self._serve()
        finally:
            lock.release()

    async def _serve(self) -> None:
        self.start_warming()
        await self.serve_links()
        tasks = [
            asyncio.create_task(adapter.start(self), name=adapter.platform)
            for adapter in self.adapters.values()
        ]
        try:
            if self.fixed_at is None:
                await self._start_scheduler(tasks)
            else:
                # Nothing scheduled is claimed, sent or marked missed: it all waits, as it
                # would with Nudge stopped, for the next start on the real clock.
                log.info("the clock is fixed at %s: scheduled work does not run",
                         self.fixed_at.isoformat())
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        finally:
            await self.shutdown()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.warming is not None:
                await self.warming  # a thread cannot be cancelled; _warm never raises

    async def _start_scheduler(self, adapter_tasks: list[asyncio.Task]) -> None:
        """Start the scheduler only once every adapter is connected and its token verified.

        Adapters that can tell say so with a `ready` asyncio.Event (the console needs no
        connection). If one of them stops first (a refused token, a port in use), the start
        fails with its error and the scheduler never ran: due promotions, reminders and the
        digest stay pending for the next start, none is sent, failed or finished.
        """
        waits = {adapter.platform: adapter.ready for adapter in self.adapters.values()
                 if isinstance(getattr(adapter, "ready", None), asyncio.Event)}
        while not all(ready.is_set() for ready in waits.values()):
            ready = asyncio.ensure_future(asyncio.gather(
                *(event.wait() for event in waits.values())))
            done, _ = await asyncio.wait([ready, *adapter_tasks], timeout=ADAPTER_READY_TIMEOUT,
                                         return_when=asyncio.FIRST_COMPLETED)
            ready.cancel()
            # Collected, so an adapter that failed to start leaves no "never retrieved" noise.
            await asyncio.gather(ready, return_exceptions=True)
            stopped = [task for task in adapter_tasks if task.done()]
            if stopped:
                stopped[0].result()  # raises the adapter's start-up error
                raise StartupError(f"{stopped[0].get_name()} stopped while starting; nothing "
                                   "scheduled was sent")
            if not done:
                waiting = sorted(name for name, event in waits.items() if not event.is_set())
                log.warning("still waiting for %s to connect; nothing scheduled is sent until "
                            "then", ", ".join(waiting))
        await self.scheduler.start()

    async def shutdown(self) -> None:
        """Stop scheduling first (letting sends under way finish), then the adapters; a refit
        under way is abandoned (it is tried again at the next start)."""
        if self.refitter is not None:
            await self.refitter.stop()
        try:
            await self.scheduler.stop()
        except Exception:
            log.exception("could not stop the scheduler cleanly")
        for adapter in self.adapters.values():
            try:
                await adapter.stop()
            except Exception:
                log.exception("could not stop %s cleanly", adapter.platform)
        if self.llm is not None:
            await self.llm.close()
        self.readers.close()
        if self._engine_thread is not None:
            self._engine_thread.shutdown(wait=False)
            self._engine_thread = None
        if self.links_runner is not None:
            await self.links_runner.cleanup()
            self.links_runner = None
