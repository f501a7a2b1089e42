"""`nudge discord-invite` and `nudge discord-sync`, run as a person would run them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import yaml

from handlers.registry import COMMANDS
from tests.conftest import ROOT
from tests.discord_helpers import TOKEN, discord_config
from tests.fake_discord import (
    ATTACH_FILES,
    EMBED_LINKS,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    USE_APPLICATION_COMMANDS,
    VIEW_CHANNEL,
    FakeDiscord,
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "NUDGE_"))}
    return {**env, **extra}


def nudge(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=clean_env(**env), cwd=ROOT, timeout=60)


def test_invite_prints_the_oauth_url_with_the_scopes_and_permission_integer():
    result = nudge("discord-invite", "--client-id", "123456789012345678")

    assert result.returncode == 0, result.stderr
    needed = VIEW_CHANNEL | SEND_MESSAGES | SEND_MESSAGES_IN_THREADS | EMBED_LINKS | \
        ATTACH_FILES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS
    lines = result.stdout.splitlines()
    assert lines[0] == ("https://discord.com/oauth2/authorize?client_id=123456789012345678"
                        f"&scope=bot+applications.commands&permissions={needed}")
    assert f"permissions: {needed}" in lines
    for label in ("View Channels", "Send Messages", "Send Messages in Threads", "Embed Links",
                  "Attach Files", "Read Message History", "Use Application Commands"):
        assert f"  - {label}" in lines
    assert "MESSAGE CONTENT INTENT" in result.stdout


def test_invite_refuses_something_that_is_not_an_application_id():
    result = nudge("discord-invite", "--client-id", "my-bot")

    assert result.returncode == 2
    assert "numeric Application ID" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_does_not_load_discord_py_until_a_discord_command_runs():
    code = "import sys, bot.cli; print('discord' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


async def test_sync_registers_the_commands_globally(tmp_path):
    async with FakeDiscord() as fake:
        config_file = tmp_path / "config.yaml"
        config = discord_config(tmp_path, fake)
        config_file.write_text(yaml.safe_dump(config.model_dump(mode="json")))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--config", str(config_file), "discord-sync", "--global",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=clean_env(DISCORD_TOKEN=TOKEN), cwd=ROOT)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)

    assert process.returncode == 0, stderr.decode()
    [synced] = fake.calls_to("PUT", rf"/applications/{fake.application_id}/commands$")
    assert [option["name"] for option in synced.body[0]["options"]] == [c.name for c in COMMANDS]
    assert stdout.decode().startswith(f"global: /nudge with {len(COMMANDS)} commands")
    assert not fake.calls_to("PUT", r"/guilds/")


def test_sync_needs_the_token(config_file):
    result = nudge("--config", str(config_file), "discord-sync", "--global")

    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr


async def test_run_without_the_message_content_intent_exits_with_what_to_do(tmp_path):
    async with FakeDiscord(message_content_enabled=False) as fake:
        config_file = tmp_path / "config.yaml"
        config_file.write_text(yaml.safe_dump(
            discord_config(tmp_path, fake).model_dump(mode="json")))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--config", str(config_file), "run",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=clean_env(DISCORD_TOKEN=TOKEN), cwd=ROOT)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)

    assert process.returncode == 1
    assert "Error: Discord refused to connect: the Message Content intent is not enabled" in \
        stderr.decode()
    assert "Traceback" not in stderr.decode() and TOKEN not in stderr.decode()
