"""The suggestion buttons in the team's review channel: Send, Another, Edit and Dismiss, and
the "wrong intent?" select menu.

Each button's custom id names its action and the suggestion ("nudge:send:42"), and one
DynamicItem class, registered when the client starts, serves every such button. No view is
kept in memory per message, so buttons work the same after a restart as before it. The
menu works the same way ("nudge:intent:42", served by IntentSelect).
Edit opens a modal whose id names the suggestion too ("nudge:edited:42"); its submission is
picked up from the raw interaction, so it also survives a restart.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import discord

from bot.core.types import Menu, Reply
from bot.platforms.discord import render
from bot.platforms.discord.approval import ACTIONS as APPROVAL
from bot.platforms.discord.approval import ApprovalButton
from bot.platforms.discord.listening import PLATFORM, is_team, role_names
from handlers import conversation, corrections
from handlers.review import CORRECT, suggestion_text

if TYPE_CHECKING:
    from bot.platforms.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

ACTIONS = ("send", "another", "edit", "dismiss")
STYLES = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "default": discord.ButtonStyle.secondary,
}
EDIT_MODAL = re.compile(r"nudge:edited:(?P<value>\d+)")
MAX_COUNTED_REVIEWS = 10_000


class PressCounts:
    """Presses handled per review message, so an LLM draft still on its way never replaces
    what a press showed. Only the reviews pressed last are kept (a draft takes seconds; a
    review pressed 10,000 presses ago has none on its way): a long-running Nudge does not
    remember every review it ever showed. A forgotten count reads 0, so a draft that saw a
    press is still dropped."""

    def __init__(self, size: int = MAX_COUNTED_REVIEWS):
        self.size = size
        self._counts: OrderedDict[int, int] = OrderedDict()

    def pressed(self, message_id: int) -> None:
        self._counts[message_id] = self._counts.pop(message_id, 0) + 1
        while len(self._counts) > self.size:
            self._counts.popitem(last=False)

    def get(self, message_id: int, default: int = 0) -> int:
        return self._counts.get(message_id, default)

    def __len__(self) -> int:
        return len(self._counts)
EDIT_INPUT = "reply"
BUTTON_LABEL_LIMIT = 80
# A string select: at most 25 options, 100 characters per label, value and placeholder (150).
MAX_SELECT_OPTIONS = 25
SELECT_TEXT_LIMIT = 100
SELECT_PLACEHOLDER_LIMIT = 150
REPLY_INPUT_LIMIT = 4000  # a text input's max_length
MAX_REPLY_INPUTS = 5  # a modal holds five rows
NOT_TEAM = "Only the team can act on Nudge's suggestions."


class ReviewButton(discord.ui.DynamicItem[discord.ui.Button],
                   template=r"nudge:(?P<action>send|another|edit|dismiss):(?P<value>\d+)"):
    """A suggestion button, recognised by its custom id whenever it is pressed."""

    def __init__(self, action: str, value: str, label: str = "",
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary):
        super().__init__(
            discord.ui.Button(
                label=render.shorten(label or action.title(), BUTTON_LABEL_LIMIT),
                style=style,
                custom_id=f"nudge:{action}:{value}",
            )
        )
        self.action = action
        self.value = value

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> ReviewButton:
        return cls(match["action"], match["value"], item.label or "", item.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await press(interaction.client.adapter, interaction, self.action, self.value)


class IntentSelect(discord.ui.DynamicItem[discord.ui.Select],
                   template=r"nudge:intent:(?P<value>\d+)"):
    """The review's "wrong intent?" menu, recognised by its custom id ("nudge:intent:42")
    whenever someone picks an intent, before or after a restart."""

    def __init__(self, value: str, menu: Menu | None = None):
        options = [
            discord.SelectOption(label=render.shorten(option.label, SELECT_TEXT_LIMIT),
                                 value=option.value[:SELECT_TEXT_LIMIT])
            for option in (menu.options if menu else ())
        ][:MAX_SELECT_OPTIONS]
        super().__init__(discord.ui.Select(
            custom_id=f"nudge:intent:{value}",
            placeholder=render.shorten(menu.placeholder if menu else "Wrong intent?",
                                       SELECT_PLACEHOLDER_LIMIT),
            options=options or [discord.SelectOption(label="-")],
            min_values=1, max_values=1,
        ))
        self.value = value

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Select,
                             match: re.Match[str], /) -> IntentSelect:
        chosen = cls(match["value"])
        chosen.item.options = item.options
        return chosen

    async def callback(self, interaction: discord.Interaction) -> None:
        values = self.item.values or (interaction.data or {}).get("values") or [""]
        await correct(interaction.client.adapter, interaction, self.value, str(values[0]))


def view_for(reply: Reply) -> discord.ui.View | None:
    """The buttons of a Reply's choices and its menu, or None when it has neither."""
    items: list[discord.ui.Item] = [
        ReviewButton(choice.action, choice.value, choice.label, STYLES[choice.style])
        for choice in reply.choices
        if choice.action in ACTIONS and choice.value.isdigit()
    ]
    items += [ApprovalButton(choice.action, choice.value, choice.label)
              for choice in reply.choices
              if choice.action in APPROVAL and choice.value.isdigit()]
    menu = reply.menu
    if menu is not None and menu.action == CORRECT and menu.value.isdigit() and menu.options:
        items.append(IntentSelect(menu.value, menu))  # a select fills a row of its own
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    # Stopped before sending, so discord.py keeps no copy of it: presses reach ReviewButton,
    # registered once, exactly as they do after a restart.
    view.stop()
    return view


def review_parts(adapter: DiscordAdapter, reply: Reply) -> dict[str, Any]:
    """An edit() of the review message: the embed for `reply` and its buttons (or none)."""
    parts = render.edit_parts(reply, adapter.jump_link(reply.meta))
    parts["view"] = view_for(reply)
    return parts


def edit_modal(value: str, text: str) -> discord.ui.Modal:
    """The Edit modal, starting from the whole reply: a long one spans several boxes."""
    modal = discord.ui.Modal(title="Edit the reply, then send it",
                             custom_id=f"nudge:edited:{value}", timeout=600)
    pieces = render.split_exact(text, REPLY_INPUT_LIMIT)[:MAX_REPLY_INPUTS]
    for n, piece in enumerate(pieces):
        modal.add_item(discord.ui.TextInput(
            label="Reply to the customer" if n == 0 else f"Reply, continued ({n + 1})",
            custom_id=input_id(n), style=discord.TextStyle.paragraph,
            default=piece or None, max_length=REPLY_INPUT_LIMIT, required=n == 0,
        ))
    modal.stop()  # its submission is read by on_interaction below, before or after a restart
    return modal


def input_id(n: int) -> str:
    return EDIT_INPUT if n == 0 else f"{EDIT_INPUT}_{n + 1}"


async def press(adapter: DiscordAdapter, interaction: discord.Interaction, action: str,
                value: str, edited_text: str | None = None) -> None:
    """Answer a button press (or the Edit modal) inside Discord's 3 seconds, then act."""
    if not is_team(interaction.user, adapter.settings.team_roles):
        await interaction.response.send_message(NOT_TEAM, ephemeral=True)
        return
    if action == "edit" and edited_text is None:
        text = suggestion_text(adapter.app.ctx, value) or ""  # the whole reply, as stored
        await interaction.response.send_modal(edit_modal(value, text))
        return
    if interaction.message is not None:
        # A draft still on its way must not replace what this press shows.
        adapter.review_versions.pressed(interaction.message.id)
    await interaction.response.defer()  # the review message is edited below
    try:
        result = conversation.on_choice(adapter.app.ctx, action, value, PLATFORM,
                                        str(interaction.user.id), edited_text=edited_text)
    except Exception:
        log.exception("the %s button on suggestion %s failed", action, value)
        await interaction.followup.send(
            "Sorry, that failed on my side; nothing was sent. The details are in Nudge's log.",
            ephemeral=True)
        return
    if not result.review.ok:
        await interaction.followup.send(result.review.text, ephemeral=True)
        return
    review, refused = await adapter.app.deliver_choice(result)
    try:
        await interaction.edit_original_response(**review_parts(adapter, review))
    except discord.HTTPException as error:
        log.warning("could not update the review of suggestion %s: %s", value, error)
    else:
        # A refused send shows the wording the person just chose: nothing to improve.
        if interaction.message is not None and review.choices and not refused:
            improve_later(adapter, interaction.message, review)


async def correct(adapter: DiscordAdapter, interaction: discord.Interaction, value: str,
                  intent: str) -> None:
    """"Wrong intent?": store the correction and redraw the review for the chosen intent."""
    if not is_team(interaction.user, adapter.settings.team_roles):
        await interaction.response.send_message(NOT_TEAM, ephemeral=True)
        return
    if interaction.message is not None:
        adapter.review_versions.pressed(interaction.message.id)
    await interaction.response.defer()
    try:
        review = corrections.on_correct(adapter.app.ctx, value, intent, PLATFORM,
                                        str(interaction.user.id), role_names(interaction.user))
    except Exception:
        log.exception("correcting the intent of suggestion %s failed", value)
        await interaction.followup.send(
            "Sorry, that failed on my side; nothing changed. The details are in Nudge's log.",
            ephemeral=True)
        return
    if not review.ok:
        await interaction.followup.send(review.text, ephemeral=True)
        return
    try:
        await interaction.edit_original_response(**review_parts(adapter, review))
    except discord.HTTPException as error:
        log.warning("could not update the review of suggestion %s: %s", value, error)
    else:
        if interaction.message is not None:
            improve_later(adapter, interaction.message, review)


def improve_later(adapter: DiscordAdapter, message: discord.Message, review: Reply) -> None:
    """Ask the optional LLM to word a shown suggestion; the message is replaced when it does."""
    if getattr(adapter.app, "llm", None) is None or not review.choices:
        return
    version = adapter.review_versions.get(message.id, 0)
    task = asyncio.create_task(_show_improved(adapter, message, version, review))
    adapter.drafts.add(task)
    task.add_done_callback(adapter.drafts.discard)


async def _show_improved(adapter: DiscordAdapter, message: discord.Message, version: int,
                         review: Reply) -> None:
    improved = await adapter.app.improve_review(review)  # None keeps the template; never raises
    if improved is None or adapter.review_versions.get(message.id, 0) != version:
        return
    try:
        await message.edit(**review_parts(adapter, improved))
    except discord.HTTPException as error:
        log.warning("could not show the LLM's wording of suggestion %s: %s",
                    review.meta.get("suggestion_id"), error)


def submitted_reply(interaction: discord.Interaction) -> str:
    """The text typed in the Edit modal's boxes, in order, wherever Discord nested them."""
    found: dict[str, str] = {}

    def walk(components: list[dict]) -> None:
        for component in components:
            if str(component.get("custom_id", "")).startswith(EDIT_INPUT) \
                    and "value" in component:
                found[component["custom_id"]] = component["value"] or ""
            for key in ("components", "component"):
                inner = component.get(key)
                walk(inner if isinstance(inner, list) else [inner] if inner else [])

    walk(list((interaction.data or {}).get("components", [])))
    return "".join(found.get(input_id(n), "") for n in range(MAX_REPLY_INPUTS))


async def on_interaction(adapter: DiscordAdapter, interaction: discord.Interaction) -> None:
    """Pick up Edit modal submissions; buttons and commands are dispatched by discord.py."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    match = EDIT_MODAL.fullmatch(str((interaction.data or {}).get("custom_id", "")))
    if match:
        await press(adapter, interaction, "edit", match["value"], submitted_reply(interaction))
