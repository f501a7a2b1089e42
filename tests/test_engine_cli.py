"""`nudge classify` and `nudge suggest`, run as a person would: a real process and a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.engine.types import INTENTS, STAGES
from tests.conftest import ROOT


def nudge(config_file, *args: str, stdin: str | bytes = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NUDGE_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_file), *args],
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True, timeout=120, env=env, cwd=ROOT,
    )


def test_classify_adds_intent_confidence_and_stage_and_keeps_other_keys(config_file):
    lines = [
        {"text": "how much is a sourdough loaf?", "id": 1},
        {"text": "please stop messaging me", "id": 2, "channel": "C1"},
        {"text": "", "id": 3},
    ]
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    result = nudge(config_file, "classify", stdin=stdin)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) == 3
    for sent, row in zip(lines, rows, strict=True):
        assert {k: row[k] for k in sent} == sent
        assert row["intent"] in INTENTS and row["stage"] == STAGES[row["intent"]]
        assert 0 <= row["confidence"] <= 1
    assert [row["intent"] for row in rows] == ["pricing", "unsubscribe", "chit_chat"]


def test_a_bad_line_gets_an_error_key_and_the_run_goes_on(config_file):
    stdin = (
        b'{"text": "where is the mill road shop?"}\n'
        b"this is not json\n"
        b"\n"
        b'["a list", "not an object"]\n'
        b'{"id": 7, "message": "no text key"}\n'
    ) + b'{"text": "caf\xc3\xa9 \xff open on sunday?"}\n'
    result = nudge(config_file, "classify", stdin=stdin)
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) == 5  # the blank line is not an input
    assert rows[0]["intent"] == "store_visit" and "error" not in rows[0]
    assert rows[1] == {"line": 2, "error": "not valid JSON (Expecting value)"}
    assert rows[2]["line"] == 3 and "JSON object" in rows[2]["error"]
    assert rows[3]["id"] == 7 and '"text"' in rows[3]["error"] and "intent" not in rows[3]
    assert rows[4] == {"line": 5, "error": "not UTF-8 text (byte 17)"}
    assert result.returncode == 1
    assert b"4 of 5 lines had an error" in result.stderr and b"Traceback" not in result.stderr


def test_no_line_stops_the_run_and_every_output_line_is_strict_json(config_file):
    good = [json.dumps({"text": f"do you sell rye bread? ({n})"}).encode() for n in range(300)]
    hostile = {
        b"[" * 100_000 + b"]" * 100_000: "nested too deeply",
        b'{"text": "' + b"[" * 900 + b'", "x": ' + b"[" * 900 + b"]" * 900 + b"}":
            "nested too deeply",
        b'{"text": "hi \\ud800 there"}': "lone surrogate",
        b'{"text": "hi", "n": ' + b"9" * 5000 + b"}": "a number too large",
        b'{"text": "hi", "n": NaN}': "NaN is not allowed",
        b'{"text": "hi", "n": -Infinity}': "-Infinity is not allowed",
        b'{"text": "hi", "n": 1e999}': "a number too large",
        b'{"text": "\xc3\x28 broken"}': "not UTF-8 text",
    }
    stdin = b"\n".join(good[:150] + list(hostile) + good[150:]) + b"\n"
    result = nudge(config_file, "classify", stdin=stdin)
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 300 + len(hostile)

    def strict(name):
        raise AssertionError(f"{name} in the output")

    rows = [json.loads(line, parse_constant=strict) for line in lines]
    assert all(row["intent"] in INTENTS for row in rows[:150] + rows[150 + len(hostile):])
    for row, reason in zip(rows[150:150 + len(hostile)], hostile.values(), strict=True):
        assert set(row) == {"line", "error"} and reason in row["error"], row
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert f"{len(hostile)} of {300 + len(hostile)} lines had an error".encode() in result.stderr


def test_suggest_prints_the_intent_stage_and_suggestions(config_file):
    result = nudge(config_file, "suggest", "how much is the autumn box?", "--at", "2026-11-23")
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert out.startswith("intent: pricing (stage promotion")
    assert "1. Pastry box: £12." in out and "Good news" in out and "AUTUMN10" in out
    assert "utm_source=console&utm_medium=chat&utm_campaign=autumn-box" in out
    assert "why: asked about price" in out


def test_suggest_json_gives_the_whole_suggestion_set(config_file):
    result = nudge(config_file, "suggest", "--json", "--platform", "discord", "--since-cta", "3",
                   "lovely weather today")
    data = json.loads(result.stdout)
    assert data["intent"] == "chit_chat" and data["stage"] == "conversation"
    first = data["suggestions"][0]
    assert first["cta_kind"] == "learn" and "utm_source=discord" in first["cta_url"]
    assert set(first) >= {"text", "rationale", "cta_id", "cta_url", "offer_id", "urgent", "facts"}
