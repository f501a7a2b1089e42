"""`make bench` runs every bench even after one misses its target, then names the misses and
fails, so one slow figure never hides the others."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_every_bench_runs_and_the_misses_are_named_at_the_end(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    (venv / ".installed-dev").touch()  # newer than pyproject.toml: nothing to install
    benches = []
    for name, code in (("a_misses", 1), ("b_meets", 0), ("c_misses", 3)):
        script = tmp_path / f"{name}.py"
        script.write_text(f"print('ran {name}')\nraise SystemExit({code})\n")
        benches.append(str(script))
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "bench", f"VENV={venv}",
         f"BENCHES={' '.join(benches)}"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "MAKEFLAGS": ""})
    assert result.returncode != 0
    assert [line for line in result.stdout.splitlines() if line.startswith("ran ")] == [
        "ran a_misses", "ran b_meets", "ran c_misses"]
    last = result.stdout.strip().splitlines()[-1]
    assert last == f"== missed a target or failed: {benches[0]} {benches[2]}"
