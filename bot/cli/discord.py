"""`nudge discord-invite` and `nudge discord-sync`: setting Nudge up in a Discord server.

discord.py is imported inside the commands, so `nudge --help` and offline runs never load it.
"""

from __future__ import annotations

import asyncio

import click

from bot.cli.common import ConfigProblem, get_config

SCOPES = ("bot", "applications.commands")


@click.command("discord-invite")
@click.option("--client-id", required=True,
              help="Your application's ID (Developer Portal > General Information).")
def discord_invite(client_id: str) -> None:
    """Print the link that adds Nudge to a server, with the scopes and permissions it needs."""
    if not client_id.strip().isdigit():
        raise click.BadParameter(
            "expected the numeric Application ID from the Developer Portal's General "
            "Information page", param_hint="--client-id")
    import discord

    from bot.platforms.discord.permissions import LABELS, invite_permissions

    needed = invite_permissions()
    click.echo(discord.utils.oauth_url(client_id.strip(), permissions=needed, scopes=SCOPES))
    click.echo(f"scopes: {' '.join(SCOPES)}")
    click.echo(f"permissions: {needed.value}")
    for label in LABELS.values():
        click.echo(f"  - {label}")
    click.echo("Also turn on the Message Content intent: Developer Portal > Bot > "
               "Privileged Gateway Intents > MESSAGE CONTENT INTENT.")


@click.command("discord-sync")
@click.option("--global", "everywhere", is_flag=True,
              help="Register /nudge in every server (Discord may take up to an hour to show it).")
@click.option("--guild", "guilds", type=int, multiple=True,
              help="Register /nudge in this server id at once (repeatable; default: the "
                   "config's platforms.discord.guilds).")
@click.pass_context
def discord_sync(ctx: click.Context, everywhere: bool, guilds: tuple[int, ...]) -> None:
    """Register the /nudge app commands with Discord, from the handler registry."""
    from bot.config import Secrets

    config = get_config(ctx)
    token = Secrets.from_env().discord_token
    if token is None:
        raise ConfigProblem("Error: DISCORD_TOKEN is not set.")  # exit 2, as any setup problem
    targets = list(guilds) or ([] if everywhere else list(config.platforms.discord.guilds))
    if not everywhere and not targets:
        raise click.UsageError(
            "Nothing to sync: pass --global or --guild ID, or set platforms.discord.guilds.")
    for line in asyncio.run(_sync(config, token.get_secret_value(), everywhere, targets)):
        click.echo(line)


async def _sync(config, token: str, everywhere: bool, guilds: list[int]) -> list[str]:
    import discord
    from discord import app_commands

    from bot.platforms.discord.adapter import BAD_TOKEN_HELP, api_base_url
    from bot.platforms.discord.commands import build_group
    from handlers.registry import COMMANDS

    async def not_connected(interaction, name, text) -> None:
        # This client only registers the commands; the running Nudge answers them.
        raise RuntimeError("discord-sync does not answer commands")

    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)
    tree.add_command(build_group(COMMANDS, not_connected))
    lines = []
    with api_base_url(config.platforms.discord.api_base_url):
        try:
            await client.login(token)
        except discord.LoginFailure:
            await client.close()
            raise click.ClickException(BAD_TOKEN_HELP) from None
        try:
            if everywhere:
                synced = await tree.sync()
                lines.append(f"global: /nudge with {_count(synced)} commands (may take up to "
                             "an hour to appear)")
            for guild_id in guilds:
                guild = discord.Object(id=guild_id)
                tree.copy_global_to(guild=guild)
                try:
                    synced = await tree.sync(guild=guild)
                except discord.Forbidden:
                    lines.append(f"guild {guild_id}: refused; invite Nudge there with the "
                                 "applications.commands scope (`nudge discord-invite`)")
                else:
                    lines.append(f"guild {guild_id}: /nudge with {_count(synced)} commands")
        except discord.HTTPException as error:
            raise click.ClickException(f"Discord refused the sync: {error}") from None
        finally:
            await client.close()
    return lines


def _count(synced: list) -> int:
    return sum(len(getattr(command, "options", []) or []) for command in synced)
