"""`--config FILE` works after the command as well as before it, as a new user types it."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from bot import corrections
from bot.cli import cli


@pytest.fixture
def nudge(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str):
        return CliRunner().invoke(cli, list(args))

    return run


def every_command(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from every_command(command, f"{prefix}{name} ")


def test_check_takes_the_config_after_the_command(nudge, config_file):
    result = nudge("check", "--config", str(config_file))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{config_file}: OK")
    short = nudge("check", "-c", str(config_file))
    assert short.exit_code == 0 and short.output.startswith(f"{config_file}: OK")


def test_subcommands_take_it_too_and_after_the_command_wins(nudge, config_file, db, tmp_path):
    corrections.record(db, corrections.Correction("hi there", "chit_chat", None, "slack", "U1",
                                                  "2026-11-23T10:00:00+00:00"))
    listed = nudge("corrections", "list", "--config", str(config_file))
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith("1 correction; the newest 1:")
    promos = nudge("--config", str(tmp_path / "missing.yaml"), "promo", "list", "-c",
                   str(config_file))
    assert promos.exit_code == 0, promos.output
    missing = nudge("check", "--config", str(tmp_path / "missing.yaml"))
    assert missing.exit_code == 2 and "missing.yaml: file not found" in missing.output


def test_every_command_that_reads_the_config_accepts_it():
    lacking = [name for name, command in every_command(cli)
               if name != "init" and not any("--config" in p.opts for p in command.params)]
    assert lacking == []
