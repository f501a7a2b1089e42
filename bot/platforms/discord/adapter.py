"""The Discord adapter: a discord.py client in Nudge's own asyncio loop.

It connects with the intents Nudge needs (guilds, guild messages and the privileged message
content), answers `/nudge` and `!nudge`, turns customer messages in the listened channels into
suggestions in the review channel, and posts what the team sends. discord.py's own rate-limit
handling is kept; what Discord refuses for good (a missing permission, an unknown channel) is
logged with the channel and what is missing, recorded for the digest, and never stops the client.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import Config, Secrets
from bot.core.errors import DeliveryError, StartupError, transient_status
from bot.core.types import Image, Post, Reply
from bot.platforms.discord import (
    approval,
    catch_up,
    commands,
    pacing,
    permissions,
    render,
    review,
)
from bot.platforms.discord.listening import (
    PLATFORM,
    is_from_a_person,
    is_listened,
    is_team,
    message_request,
)
from bot.platforms.errors import report_platform_error
from handlers import conversation
from handlers.review import remember_review_message

if TYPE_CHECKING:
    from bot.app import Application

log = logging.getLogger(__name__)

API_VERSION = 10
PORTAL = "https://discord.com/developers/applications"
MESSAGE_CONTENT_HELP = (
    "Discord refused to connect: the Message Content intent is not enabled for this bot. "
    f"In the Developer Portal ({PORTAL}) pick your application, go to Bot > Privileged Gateway "
    "Intents, turn on "
    "MESSAGE CONTENT INTENT, save, and start Nudge again."
)
BAD_TOKEN_HELP = (
    "Discord refused DISCORD_TOKEN (401 Unauthorized). In the Developer Portal, Bot > Reset "
    "Token gives a new one; set it in the environment and start Nudge again."
)
# A wait longer than this for a rate limit fails the post as transient, for the scheduler to
# retry later, instead of holding everything up.
MAX_RATE_LIMIT_WAIT = 30.0


@contextmanager
def api_base_url(url: str | None) -> Iterator[None]:
    """Talk to another Discord API (a local fake in tests) while inside, when `url` is set.

    discord.py keeps its addresses in class attributes; they are restored on the way out.
    """
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    if url:
        Route.BASE = f"{url.rstrip('/')}/api/v{API_VERSION}"
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.message_content = True  # privileged: enabled in the Developer Portal
    return wanted


class NudgeClient(discord.Client):
    """discord.py's client, with Nudge's adapter attached for the event handlers."""

    def __init__(self, adapter: DiscordAdapter, **options: Any):
        # Nudge never joins voice channels: no warning about voice libraries it does not need.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(),
            allowed_mentions=adapter.mentions,
            max_ratelimit_timeout=MAX_RATE_LIMIT_WAIT,
            **options,
        )
        self.adapter = adapter
        # One request at a time per rate-limit bucket: with several in flight, discord.py's
        # count drifts and Discord answers 429s (see pacing.py).
        self.http.request = pacing.one_at_a_time(self.http.request)
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self._on_app_command_error

    async def setup_hook(self) -> None:
        await self.adapter.setup(self)

    async def on_ready(self) -> None:
        await self.adapter.on_ready()

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter.on_message(message)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await review.on_interaction(self.adapter, interaction)

    async def on_error(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("Discord %s handler failed; the client carries on", event)

    async def _on_app_command_error(self, interaction: discord.Interaction,
                                    error: app_commands.AppCommandError) -> None:
        log.error("/nudge failed: %s", error, exc_info=error)


class DiscordAdapter:
    platform = PLATFORM

    def __init__(self, config: Config, secrets: Secrets, *, guild_ready_timeout: float = 2.0):
        self.config = config
        self.settings = config.platforms.discord
        self.token = secrets.discord_token
        self.mentions = render.allowed_mentions(self.settings.allow_mentions)
        self.guild_ready_timeout = guild_ready_timeout
        self.client: NudgeClient | None = None
        self.app: Application | None = None
        self.ready = asyncio.Event()
        self.drafts: set[asyncio.Task] = set()  # LLM wordings on their way to a review
        self.review_versions = review.PressCounts()  # review message id -> presses handled
        self.catching_up: asyncio.Task | None = None  # see catch_up.py

    # Life cycle

    async def start(self, app: Application) -> None:
        if self.token is None:
            raise StartupError("DISCORD_TOKEN is not set")
        self.app = app
        self.client = NudgeClient(self, guild_ready_timeout=self.guild_ready_timeout)
        try:
            with api_base_url(self.settings.api_base_url):
                await self.client.start(self.token.get_secret_value())
        except discord.PrivilegedIntentsRequired:
            raise StartupError(MESSAGE_CONTENT_HELP) from None
        except discord.LoginFailure:
            raise StartupError(BAD_TOKEN_HELP) from None
        except discord.ConnectionClosed as error:
            if error.code == 4004:  # authentication failed, on the Gateway this time
                raise StartupError(BAD_TOKEN_HELP) from None
            raise StartupError(
                f"Discord closed the connection (code {error.code}: {error.reason or 'no reason'})"
            ) from None
        except (aiohttp.ClientError, OSError, discord.HTTPException) as error:
            if self.client.user is not None:
                raise
            raise StartupError(f"Could not log in to Discord: {error}") from None
        finally:
            await self.stop()

    async def stop(self) -> None:
        for task in [*self.drafts, self.catching_up]:
            if task is not None:
                task.cancel()
        if self.client is not None and not self.client.is_closed():
            await self.client.close()
        self.ready.clear()

    async def setup(self, client: NudgeClient) -> None:
        """After login, before the gateway: buttons, commands, and the guild command sync."""
        if self.settings.api_base_url:
            # The gateway address comes from the other API too; the library's default is
            # Discord's own. Restored by api_base_url() when the client stops.
            _, gateway, _ = await client.http.get_bot_gateway()
            DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
        await self.warm_engine()
        client.add_dynamic_items(review.ReviewButton, review.IntentSelect,
                                 approval.ApprovalButton)
        client.tree.add_command(commands.build_group(
            self.app.ctx.router.commands.values(),
            lambda interaction, name, text: commands.run_app_command(
                self, interaction, name, text),
        ))
        for guild_id in self.settings.guilds:
            await self.sync_guild(client, guild_id)

    async def warm_engine(self) -> None:
        """Load the intent model before the Gateway opens, in a thread: loading it on the
        first customer message would hold every event (and interaction) up for a second."""
        warm = getattr(self.app.ctx.engine, "warm", None)
        if warm is None:
            return
        try:
            await asyncio.to_thread(warm)
        except Exception:
            log.exception("could not load the suggestion engine ahead of time")

    async def sync_guild(self, client: NudgeClient, guild_id: int) -> None:
        """Register /nudge in one guild (visible at once, unlike a global sync)."""
        guild = discord.Object(id=guild_id)
        client.tree.copy_global_to(guild=guild)
        try:
            synced = await client.tree.sync(guild=guild)
        except discord.HTTPException as error:
            detail = (
                "Discord refused to register /nudge here: re-invite Nudge with the "
                "applications.commands scope (`nudge discord-invite`)"
                if isinstance(error, discord.Forbidden) else f"could not register /nudge: {error}"
            )
            self.report(str(guild_id), "commands_not_synced", detail, kind="guild")
        else:
            count = sum(len(command.options) for command in synced)
            log.info("registered /nudge with %d commands in guild %s", count, guild_id)

    async def on_ready(self) -> None:
        client = self.client
        log.info("Discord: connected as %s to %d server(s)", client.user, len(client.guilds))
        self.check_channels()
        self.ready.set()
        # Again at each reconnection: what was written during the gap is read back.
        self.catching_up = asyncio.create_task(self._catch_up())

    async def _catch_up(self) -> None:
        try:
            await catch_up.catch_up(self)
        except Exception:
            log.exception("Discord: could not read back the messages written while away")

    def check_channels(self) -> None:
        """Report configured channels Nudge cannot see or lacks permissions in."""
        checks = [(channel_id, permissions.TO_LISTEN, "platforms.discord.listen_channels")
                  for channel_id in self.settings.listen_channels]
        if self.settings.review_channel is None:
            log.warning("platforms.discord.review_channel is not set: suggestions cannot be "
                        "shown to the team on Discord")
        else:
            checks.append((self.settings.review_channel, permissions.TO_REVIEW,
                           "platforms.discord.review_channel"))
        for channel_id, needed, key in checks:
            channel = self.client.get_channel(channel_id)
            if channel is None:
                self.report(str(channel_id), "unknown_channel",
                            f"{key}: no channel with this id is visible to Nudge (wrong id, or "
                            "Nudge is not in that server or lacks View Channels there)")
                continue
            missing = self.missing_permissions(channel_id, needed)
            if missing:
                self.report(str(channel_id), "missing_permissions",
                            f"{key}: Nudge lacks {', '.join(missing)} in #{channel}")

    # Events

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or not is_from_a_person(message, self.client.user):
            return
        listened = is_listened(message.channel, self.settings.listen_channels)
        team = is_team(message.author, self.settings.team_roles)
        command = commands.prefix_command(message.content, self.settings.command_prefix)
        if command is not None and (team or not listened):
            await commands.run_prefix_command(self, message, command, listened)
        elif listened and message.content.strip():
            await self.listen(message)

    async def listen(self, message: discord.Message) -> None:
        ctx = self.app.ctx
        request = message_request(message, self.settings.team_roles, ctx.db)
        await self.app.engine_ready()
        review_reply = await conversation.on_message_off_loop(request, ctx, self.app.run_engine)
        if review_reply is None:
            return
        # Through the outbox: retried while Discord fails for a passing reason; a review that
        # cannot be shown is reported, and the customer stays in the digest's waiting list.
        shown = await self.app.show_review(review_reply, PLATFORM,
                                           lambda: self.show_team(review_reply))
        if shown is not None:
            review.improve_later(self, shown, review_reply)

    # Sending

    @property
    def connected(self) -> bool:
        return self.client is not None and self.client.user is not None \
            and not self.client.is_closed()

    def jump_link(self, meta: dict) -> str:
        """A link to the customer's message, from the review's meta (survives Another)."""
        channel_id, message_id = str(meta.get("channel", "")), meta.get("customer_message_id")
        if not (channel_id.isdigit() and message_id):
            return meta.get("permalink", "") or ""
        channel = self.client.get_channel(int(channel_id)) if self.client else None
        guild = getattr(channel, "guild", None)
        if guild is None:
            return meta.get("permalink", "") or ""
        return f"https://discord.com/channels/{guild.id}/{channel_id}/{message_id}"

    def channel_id(self, name_or_id: str) -> int:
        """A channel id from "123…", "<#123…>", "#name" or "name" (the first match by name)."""
        text = name_or_id.strip().removeprefix("<").removesuffix(">").lstrip("#")
        if text.isdigit():
            return int(text)
        name = text.casefold()
        for guild in self.client.guilds:
            for channel in guild.text_channels:
                if channel.name.casefold() == name:
                    return channel.id
        self.report(name_or_id, "unknown_channel", f"no channel named {name_or_id!r} is visible "
                    "to Nudge")
        raise DeliveryError(f"Discord has no channel {name_or_id!r} that Nudge can see",
                            transient=False)

    async def post(self, post: Post) -> str:
        """Publish `post.text`; a reply to `post.reply_to` when set. Returns the message id."""
        if not self.connected:
            raise DeliveryError("Discord is not connected", transient=True)
        if not post.text.strip():
            raise DeliveryError("there is nothing to post", transient=False)
        if post.direct_user is not None:
            return await self.post_direct(post.direct_user, post.text)
        channel_id = self.channel_id(post.channel)
        target = self.client.get_channel(channel_id) or self.client.get_partial_messageable(
            channel_id)
        answer = post.reply_to or (post.thread if post.thread != post.channel else "")
        reference = discord.MessageReference(
            message_id=int(answer), channel_id=channel_id, fail_if_not_exists=False
        ) if answer.isdigit() else None
        first: discord.Message | None = None
        image = render.image_embed(post.image_url)
        chunks = render.split_text(post.text)
        done = skipped = min(post.skip_parts, len(chunks))  # out before: never posted twice
        try:
            for chunk in chunks[done:]:
                extra = {"embed": image} if image is not None and done == 0 else {}
                sent = await target.send(chunk, reference=reference if done == 0 else None,
                                         allowed_mentions=self.mentions, **extra)
                first = first or sent
                done += 1
        except Exception as error:
            problem = self.delivery_error(error, channel_id, "post", permissions.TO_POST)
            if done == skipped:  # nothing out in this attempt: may be retried
                problem.parts_sent = skipped
                raise problem from None
            # Part of it is out: a retry would repeat those parts to the reader.
            raise DeliveryError(f"Discord posted {done} of {len(chunks)} parts, then refused "
                                f"the rest: {problem}", transient=False, code=problem.code,
                                status=problem.status, parts_sent=done) from None
        if post.image is not None:
            await self.attach_image(target, channel_id, post.image)
        return str(first.id)

    async def attach_image(self, target: Any, channel_id: int, image: Image) -> bool:
        """Post a picture as an attachment, after the text it belongs to. The text is already
        delivered, so a refusal (no Attach Files permission) is logged and kept for the digest
        rather than raised; True when Discord took it."""
        try:
            await target.send(file=discord.File(io.BytesIO(image.data), filename=image.filename,
                                                description=image.title or None))
        except Exception as error:  # the text went out; the picture is a bonus
            log.warning("Discord: could not attach %s in %s: %s", image.filename, channel_id,
                        error.__class__.__name__)
            if isinstance(error, discord.Forbidden):
                self.report(str(channel_id), "missing_permissions",
                            f"Nudge may not attach files in <#{channel_id}> (the digest's "
                            "chart): give it Attach Files there")
            return False
        return True

    async def post_direct(self, user_id: str, text: str) -> str:
        """A direct message to one person (a reminder they asked for)."""
        if not user_id.isdigit():
            raise DeliveryError(f"{user_id!r} is not a Discord user id", transient=False)
        try:
            channel = await self.client.create_dm(discord.Object(id=int(user_id)))
            first = None
            for chunk in render.split_text(text):
                sent = await channel.send(chunk, allowed_mentions=self.mentions)
                first = first or sent
        except (discord.Forbidden, discord.NotFound) as error:
            detail = (f"<@{user_id}> does not accept direct messages from Nudge (their privacy "
                      "settings, or no server in common)" if isinstance(error, discord.Forbidden)
                      else f"there is no Discord user {user_id}")
            self.report(f"@{user_id}", "direct_message_refused", detail, kind="user")
            raise DeliveryError(detail, transient=False) from None
        except Exception as error:
            raise self.delivery_error(error, 0, "send a direct message", ()) from None
        return str(first.id)

    async def notify_team(self, reply: Reply) -> None:
        """Show a Reply in the review channel: an embed, with buttons for a suggestion."""
        await self.show_team(reply)

    async def show_team(self, reply: Reply) -> discord.Message:
        """notify_team, returning the message shown (to replace it with a better draft)."""
        if not self.connected:
            raise DeliveryError("Discord is not connected", transient=True)
        channel_id = self.settings.review_channel
        if channel_id is None:
            raise DeliveryError("platforms.discord.review_channel is not set", transient=False)
        target = self.client.get_channel(channel_id) or self.client.get_partial_messageable(
            channel_id)
        parts: dict[str, Any] = {"embed": render.reply_embed(reply, self.jump_link(reply.meta))}
        view = review.view_for(reply)
        if view is not None:
            parts["view"] = view
        try:
            message = await target.send(**parts, allowed_mentions=self.mentions)
        except Exception as error:
            raise self.delivery_error(error, channel_id, "post in the review channel",
                                      permissions.TO_REVIEW) from None
        suggestion_id = reply.meta.get("suggestion_id")
        if suggestion_id:
            remember_review_message(self.app.ctx, suggestion_id, f"{channel_id}:{message.id}")
        return message

    async def redraw_review(self, ref: str, reply: Reply) -> None:
        """Replace the review message at `ref` ("channel id:message id", from show_team)."""
        channel_id, _, message_id = ref.partition(":")
        if not (self.connected and channel_id.isdigit() and message_id.isdigit()):
            return
        channel = self.client.get_partial_messageable(int(channel_id))
        try:
            await channel.get_partial_message(int(message_id)).edit(
                **review.review_parts(self, reply))
        except Exception as error:
            raise self.delivery_error(error, int(channel_id), "redraw a review",
                                      permissions.TO_REVIEW) from None

    # Errors

    def missing_permissions(self, channel_id: int, needed: tuple[str, ...]) -> list[str]:
        channel = self.client.get_channel(channel_id) if self.client else None
        guild = getattr(channel, "guild", None)
        if channel is None or guild is None or guild.me is None:
            return []
        wanted = needed
        if not isinstance(channel, discord.Thread):
            wanted = tuple(name for name in needed if name != "send_messages_in_threads")
        return permissions.missing(channel.permissions_for(guild.me), wanted)

    def channel_label(self, channel_id: int) -> str:
        channel = self.client.get_channel(channel_id) if self.client else None
        return f"#{channel} ({channel_id})" if channel is not None else f"channel {channel_id}"

    def describe_failure(self, error: BaseException, channel_id: int | None,
                         needed: tuple[str, ...] = permissions.TO_POST) -> str:
        if isinstance(error, discord.Forbidden):
            missing = self.missing_permissions(channel_id, needed) if channel_id else []
            return f"missing {', '.join(missing)}" if missing else \
                f"Discord said {error.status} {error.text or 'Forbidden'}"
        if isinstance(error, discord.NotFound):
            return "unknown channel (deleted, or Nudge was removed from it)"
        return f"{error.__class__.__name__}: {error}"

    def delivery_error(self, error: BaseException, channel_id: int, doing: str,
                       needed: tuple[str, ...]) -> DeliveryError:
        """Classify a failed send by its HTTP status, whatever the body was: 429 and 5xx (and
        no answer at all) may pass, any other 4xx will not."""
        if isinstance(error, discord.Forbidden | discord.NotFound):
            problem = "missing_permissions" if isinstance(error, discord.Forbidden) \
                else "unknown_channel"
            detail = f"could not {doing} in {self.channel_label(channel_id)}: " \
                f"{self.describe_failure(error, channel_id, needed)}"
            self.report(str(channel_id), problem, detail)
            return DeliveryError(detail, transient=False, code=str(error.code or problem),
                                 status=error.status)
        if isinstance(error, discord.RateLimited):
            return DeliveryError(f"rate limited for {error.retry_after:.0f}s", transient=True,
                                 code="ratelimited", status=429)
        if isinstance(error, discord.HTTPException):
            code = str(error.code) if error.code else f"http_{error.status}"
            return DeliveryError(f"Discord answered {error.status}: {error.text or error}",
                                 transient=transient_status(error.status), code=code,
                                 status=error.status)
        if isinstance(error, asyncio.TimeoutError | aiohttp.ClientError | OSError):
            return DeliveryError(f"Discord did not answer ({error.__class__.__name__})",
                                 transient=True, code="timeout")
        log.error("unexpected failure to %s in %s", doing, channel_id, exc_info=error)
        return DeliveryError(f"could not {doing}: {error.__class__.__name__}", transient=False,
                             code=error.__class__.__name__)

    def report(self, channel: str, problem: str, detail: str, kind: str = "channel") -> None:
        """Log a problem a person must fix, and keep it for the next digest."""
        report_platform_error(self.app.ctx if self.app is not None else None, PLATFORM, channel,
                              problem, detail, kind)
