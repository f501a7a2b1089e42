"""The `nudge` command line. It mirrors the library: each command is a thin call into bot/.

Bad input ends with a clear message on stderr and a non-zero exit (2 for configuration and
usage problems), never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import sys
from datetime import datetime
from pathlib import Path

import click

from bot.cli.common import ConfigProblem, get_config, read_at
from bot.config import EXAMPLE_CONFIG, Config, Secrets, find_config_path
from bot.logs import setup_logging
from bot.store import DatabaseProblem


class NudgeGroup(click.Group):
    """The root command: a database Nudge cannot use ends any command with its one line."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DatabaseProblem as problem:
            raise ConfigProblem(str(problem)) from None


@click.group(cls=NudgeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "-c", "config_path", type=click.Path(dir_okay=False),
              help="Config file (default: $NUDGE_CONFIG, ./config.yaml, else the example).")
@click.option("--verbose", "-v", is_flag=True, help="Log what Nudge is doing on stderr.")
@click.version_option(package_name="nudgebot", prog_name="nudge")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """Nudge: suggests replies and calls-to-action for your customer chats."""
    ctx.obj = {"config_path": config_path}
    setup_logging(Secrets.from_env(), logging.INFO if verbose else logging.WARNING)


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing config.yaml.")
def init(force: bool) -> None:
    """Write config.yaml in this folder from the commented example."""
    target = Path("config.yaml")
    if target.exists() and not force:
        raise click.ClickException("config.yaml already exists; use --force to overwrite it.")
    shutil.copyfile(EXAMPLE_CONFIG, target)
    click.echo(f"Wrote {target}. Edit it, then run `nudge check`.")


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the config and say which platforms would start, and why."""
    from bot.app import plan_platforms
    from bot.config_warnings import config_warnings, translation_lines
    from bot.llm.plan import plan_llm

    config = get_config(ctx)
    source = find_config_path(ctx.obj.get("config_path"))
    click.echo(f"{source}: OK ({config.brand.name}, {config.timezone})")
    click.echo(
        f"catalog: {len(config.ctas)} CTAs, {len(config.offers)} offers, "
        f"{len(config.stores)} stores, {len(config.faq)} FAQ entries, "
        f"{len(config.products)} products"
    )
    for line in config_warnings(config, datetime.now(config.zone).date()):
        click.echo(f"warning: {line}")
    for line in translation_lines(config):
        click.echo(f"translations: {line}")
    plans = plan_platforms(config, Secrets.from_env())
    for plan in plans:
        click.echo(f"{plan.name}: {'starts' if plan.start else 'off'} ({plan.reason})")
    llm = plan_llm(config, Secrets.from_env())
    click.echo(f"llm: {'on' if llm.enabled else 'off'} ({llm.reason})")
    from bot.tracking import describe

    slack_http = any(plan.name == "slack" and plan.start and plan.reason.startswith("HTTP")
                     for plan in plans)
    click.echo(f"links: {describe(config, slack_http)}")
    click.echo(f"engine: {describe_embedding_model(config)}")


def describe_embedding_model(config: Config) -> str:
    """Load the sentence-embedding model now, so a broken one is found before `nudge run`."""
    from bot.engine.embedding import EmbeddingModelError, embedder

    try:
        vectors = embedder(config.engine.embedding_model)
    except EmbeddingModelError as error:
        raise ConfigProblem(f"engine: {error}") from None
    where = "installed with Nudge" if not config.engine.embedding_model else "from the config"
    return f"multilingual sentence embeddings ready ({vectors.dim} dimensions, {where}: " \
           f"{vectors.directory})"


def build_app(config: Config, console_only: bool = False):
    """The Application with the adapters its config and environment ask for."""
    from bot.app import Application, plan_platforms
    from bot.platforms import create_adapter

    secrets = Secrets.from_env()
    app = Application(config, secrets)
    for plan in plan_platforms(config, secrets):
        wanted = plan.name == "console" if console_only else plan.start
        if wanted:
            app.add_adapter(create_adapter(plan.name, config, secrets))
    return app


@cli.command()
@click.option("--console", "console_only", is_flag=True,
              help="Use the local console even when platform tokens are set.")
@click.option("--at", "at", metavar="WHEN",
              help="Run the console on a fixed clock, stopped at WHEN: \"2026-12-23 17:30\", "
                   "\"2026-12-23T17:30+01:00\" or \"2026-12-23\" (the brand's time zone unless "
                   "an offset is given). See below.")
@click.pass_context
def run(ctx: click.Context, console_only: bool, at: str | None) -> None:
    """Start Nudge: Slack and Discord when their tokens are set, else the offline console.

    \b
    With --at, Nudge answers as if it were that moment, to see what customers would be
    told on a given day (opening hours, offers, "open now"):
    - only the console starts: real customers are never answered on a pretend clock;
    - the clock stays at that moment (in the console, /at <when> moves it, /at now goes
      back to the real clock);
    - scheduled promotions, reminders, the digest and waiting-customer pings do not run,
      and nothing a previous run left half-sent is touched: it all waits for the next
      start without --at, so nothing is recorded as sent, missed or failed meanwhile;
    - messages typed in the console are stored in the configured database with the
      pretend time (Nudge must not be running on the same database).
    """
    config = get_config(ctx)
    moment = read_at(config, at)
    app = build_app(config, console_only or moment is not None)
    if moment is not None:
        app.fix_clock(moment)
    if not app.adapters:
        raise click.ClickException("No platform can start; run `nudge check` to see why.")
    from bot.core.errors import StartupError

    try:
        asyncio.run(app.run())
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    except StartupError as error:
        raise click.ClickException(str(error)) from None


def _register_commands() -> None:
    """Commands defined next to the library code they drive, added here one line each."""
    from bot.cli import corrections as corrections_cli
    from bot.cli import db as db_cli
    from bot.cli import discord as discord_cli
    from bot.cli import engine as engine_cli
    from bot.cli import gaps as gaps_cli
    from bot.cli import promotions as promotions_cli
    from bot.cli import reminders as reminders_cli
    from bot.cli import results as results_cli
    from bot.platforms.slack.manifest import slack_manifest

    cli.add_command(results_cli.stats)
    cli.add_command(results_cli.export)
    cli.add_command(results_cli.redemptions)
    cli.add_command(results_cli.tests_)
    cli.add_command(results_cli.report_)
    cli.add_command(promotions_cli.promo)
    cli.add_command(reminders_cli.remind)
    cli.add_command(engine_cli.classify)
    cli.add_command(engine_cli.suggest)
    cli.add_command(corrections_cli.corrections_group)
    cli.add_command(db_cli.db_group)
    cli.add_command(gaps_cli.gaps)
    cli.add_command(gaps_cli.faq_group)
    cli.add_command(discord_cli.discord_invite)
    cli.add_command(discord_cli.discord_sync)
    cli.add_command(slack_manifest)
    for command in cli.commands.values():
        if command.name != "init":  # the one command that reads no config
            _accept_config_after(command)


def _remember_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_root().obj["config_path"] = value


def _accept_config_after(command: click.Command) -> None:
    """`nudge check --config FILE` as well as `nudge --config FILE check`: people type the
    option where they think of it. Added to every command and subcommand; after the command
    it wins over one before it."""
    command.params.append(click.Option(
        ["--config", "-c"], type=click.Path(dir_okay=False), expose_value=False,
        callback=_remember_config, metavar="FILE",
        help="Config file (also accepted before the command)."))
    for sub in getattr(command, "commands", {}).values():
        _accept_config_after(sub)


_register_commands()


def main() -> None:
    try:
        cli.main(prog_name="nudge", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
