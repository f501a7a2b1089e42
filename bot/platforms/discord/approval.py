"""Approve / Reject on a draft promotion in the review channel (`promotions.require_approval`).

Like the suggestion buttons, one DynamicItem serves every such button by its custom id
("nudge:approve:42"), so they keep working after a restart. A press runs
`promo approve|reject <id>` through the router as the person who pressed: only the managers
(`team.managers`) may, and the review message then shows who decided.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.core.types import Field, Reply
from bot.platforms.discord import render
from bot.platforms.discord.listening import interaction_request

if TYPE_CHECKING:
    from bot.platforms.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

ACTIONS = ("approve", "reject")
STYLES = {"approve": discord.ButtonStyle.success, "reject": discord.ButtonStyle.danger}


class ApprovalButton(discord.ui.DynamicItem[discord.ui.Button],
                     template=r"nudge:(?P<action>approve|reject):(?P<value>\d+)"):
    def __init__(self, action: str, value: str, label: str = ""):
        super().__init__(discord.ui.Button(label=label or action.title(), style=STYLES[action],
                                           custom_id=f"nudge:{action}:{value}"))
        self.action = action
        self.value = value

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> ApprovalButton:
        return cls(match["action"], match["value"], item.label or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        await decide(interaction.client.adapter, interaction, self.action, self.value)


async def decide(adapter: DiscordAdapter, interaction: discord.Interaction, action: str,
                 value: str) -> None:
    ctx = adapter.app.ctx
    request = interaction_request(interaction, f"promo {action} {value}",
                                  adapter.settings.team_roles)
    reply = ctx.router.dispatch(request, ctx)
    if not reply.ok:
        await interaction.response.send_message(reply.text, ephemeral=True)
        return
    done = Reply(reply.text, private=False, fields=(Field(
        "Handled", f"{'Approved' if action == 'approve' else 'Rejected'} by "
                   f"<@{interaction.user.id}>"),))
    try:
        await interaction.response.edit_message(embed=render.reply_embed(done), view=None)
    except discord.HTTPException as error:
        log.warning("could not update the approval of promotion %s: %s", value, error)
