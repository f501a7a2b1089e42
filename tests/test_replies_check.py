"""`nudge check` warns, without failing, about a config that will give weak replies; `nudge
suggest --at` takes a date and a time, and `--json` keeps its shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import yaml

from bot.config_warnings import config_warnings
from tests.conftest import ROOT, example_config


def nudge(config_file, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    return subprocess.run([sys.executable, "-m", "bot", "--config", str(config_file), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def test_the_example_config_gets_no_warning(config):
    assert config_warnings(config, date(2026, 11, 23)) == []


def test_missing_cta_kinds_unknown_applies_to_and_ended_offers_are_warned_about(tmp_path):
    config = example_config(tmp_path)
    config.ctas = [cta for cta in config.ctas if cta.kind in ("buy", "offer", "learn")]
    config.offers[0].applies_to = ["pastry box", "unicorn cakes"]
    found = config_warnings(config, date(2027, 1, 5))
    assert found[0].startswith("ctas: no contact CTA")
    assert found[1].startswith("ctas: no visit CTA")
    assert found[2].startswith("ctas: no review or refer CTA")
    assert 'offers[0].applies_to: "unicorn cakes" is no product name, alias or category' \
        in found[3]
    assert found[4].startswith('offers[0] ("autumn10") ended on 2026-12-31')
    assert len(found) == 5


def test_check_prints_the_warnings_and_still_succeeds(tmp_path, config):
    raw = config.model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["ctas"] = [cta for cta in raw["ctas"] if cta["kind"] != "contact"]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = nudge(path, "check")
    assert result.returncode == 0, result.stderr
    assert "warning: ctas: no contact CTA" in result.stdout
    assert "6 products" in result.stdout


def test_suggest_takes_a_date_and_a_time_and_keeps_its_json_shape(config_file):
    result = nudge(config_file, "suggest", "is mill road open?", "--json", "--at",
                   "2026-11-23 19:30")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"intent", "confidence", "stage", "low_confidence", "suggestions"} <= set(data)
    assert data["lang"] == "en"
    first = data["suggestions"][0]
    assert {"text", "rationale", "cta_id", "cta_kind", "cta_url", "offer_id", "urgent",
            "facts"} <= set(first)
    assert "closed" in first["text"].lower()
