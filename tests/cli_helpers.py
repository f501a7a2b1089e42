"""Run `nudge` as a person would: a real process, its exit code, stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def nudge(config_file: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in (
        "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG")}
    return subprocess.run([sys.executable, "-m", "bot", "--config", str(config_file), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
