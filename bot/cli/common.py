"""What every `nudge` command shares: reading the config once per invocation, and the one
line (exit code 2) a problem with it, or with an --at moment, ends a command with.

The commands import this module, never the group in `bot.cli`, which imports them."""

from __future__ import annotations

from datetime import datetime

import click

from bot.config import Config, ConfigError, load_config


class ConfigProblem(click.ClickException):
    """Printed as the config's own problem lines, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


def get_config(ctx: click.Context) -> Config:
    """Load the config named by --config (or the default), once per invocation."""
    state = ctx.find_root().obj
    if "config" not in state:
        try:
            state["config"] = load_config(state.get("config_path"))
        except ConfigError as error:
            raise ConfigProblem(str(error)) from None
    return state["config"]


def read_at(config: Config, text: str | None, option: str = "--at") -> datetime | None:
    """The moment an --at option names, or None; a moment that cannot be read ends the
    command with one line and exit code 2."""
    from bot.fixed_clock import parse_moment

    if text is None:
        return None
    try:
        return parse_moment(text, config.zone)
    except ValueError as problem:
        raise ConfigProblem(f"Error: {option}: {problem}") from None
