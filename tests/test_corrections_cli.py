"""`nudge corrections export|import|list`: corrections move between installs as JSON Lines."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bot import corrections
from bot.cli import cli
from bot.store import open_db
from tests.conftest import BACKEND, ROOT, example_config

MADE = [
    corrections.Correction("what's the damage on a large sourdough", "pricing", "chit_chat",
                           "slack", "U0TEAM", "2026-11-23T10:00:00+00:00"),
    corrections.Correction("allow the texts bruv, take me off", "unsubscribe", "chit_chat",
                           "discord", "1234", "2026-11-23T10:05:00+00:00"),
]


# Each install's database: its SQLite file, or on PostgreSQL a database of its own.
TARGETS: dict[Path, str] = {}
OPEN: dict[str, object] = {}


@pytest.fixture
def install(tmp_path, request):
    """A config file with its own database, as a second shop's install would have."""
    def make(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        path = folder / "config.yaml"
        path.write_text(yaml.safe_dump(example_config(folder).model_dump(mode="json")))
        TARGETS[path] = (request.getfixturevalue("postgres_server").new_database()
                         if BACKEND == "postgresql" else str(folder / "nudge.db"))
        return path

    yield make
    while OPEN:
        OPEN.popitem()[1].conn.close()


def env_of(config: Path) -> dict[str, str]:
    """The environment the install's `nudge` runs with (its database URL on PostgreSQL)."""
    return {"NUDGE_DATABASE_URL": TARGETS[config]} if BACKEND == "postgresql" else {}


@pytest.fixture
def nudge(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def run(config: Path, *args: str, **options):
        return CliRunner().invoke(cli, ["--config", str(config), "corrections", *args],
                                  env=env_of(config), **options)

    return run


def database(config: Path):
    target = TARGETS[config]
    if target not in OPEN:
        OPEN[target] = open_db(target)
    return OPEN[target]


def test_export_then_import_into_another_install_round_trips_and_skips_duplicates(
        tmp_path, install, nudge):
    first, second = install("first"), install("second")
    db = database(first)
    for correction in MADE:
        corrections.record(db, correction)
    exported = tmp_path / "corrections.jsonl"

    assert nudge(first, "export", str(exported)).exit_code == 0
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    assert lines[0] == {"text": "what's the damage on a large sourdough",
                        "from_intent": "chit_chat", "to_intent": "pricing", "platform": "slack",
                        "user_id": "U0TEAM", "created_at": "2026-11-23T10:00:00+00:00"}
    assert len(lines) == 2

    imported = nudge(second, "import", "--yes", str(exported))
    assert imported.exit_code == 0, imported.output
    assert imported.output.splitlines()[-1] == "Imported 2 corrections."
    again = nudge(second, "import", "--yes", str(exported))
    assert again.output.strip() == f"{exported}: 2 corrections, 0 new (2 already there)."
    rows = list(database(second)["corrections"].rows_where(order_by="id"))
    assert [(r["text"], r["from_intent"], r["to_intent"], r["platform"], r["user_id"],
             r["created_at"], r["source"]) for r in rows] == [
        (c.text, c.from_intent, c.to_intent, c.platform, c.user_id, c.created_at, "import")
        for c in MADE]
    assert nudge(second, "export").output == exported.read_text()  # stdout by default


@pytest.mark.parametrize(("content", "problem"), [
    ('{"text": "hi", "to_intent": "greeting", "created_at": "2026-11-23T10:00:00+00:00"}',
     'line 1: "to_intent" must be one of purchase_intent'),
    ('{"text": "hi", "to_intent": "praise"}', 'line 1: "created_at" must be an ISO 8601 time'),
    ("not json", "line 1: not valid JSON"),
    ('{"text": "", "to_intent": "praise", "created_at": "2026-11-23T10:00:00Z"}',
     'line 1: "text" must be'),
])
def test_a_bad_line_exits_2_with_one_clear_line_and_imports_nothing(tmp_path, install, nudge,
                                                                     content, problem):
    config = install("shop")
    bad = tmp_path / "bad.jsonl"
    good = json.dumps({"text": "fine words", "to_intent": "praise",
                       "created_at": "2026-11-23T10:00:00+00:00"})
    bad.write_text(content + "\n" + good + "\n")
    result = nudge(config, "import", str(bad))
    assert result.exit_code == 2
    assert result.output.startswith(f"{bad}: ") and len(result.output.splitlines()) == 1
    assert problem in result.output and "nothing was imported" in result.output
    assert "Traceback" not in result.output
    assert database(config)["corrections"].count == 0


def test_a_missing_or_binary_file_exits_2(tmp_path, install, nudge):
    config = install("shop")
    assert nudge(config, "import", str(tmp_path / "nope.jsonl")).exit_code == 2
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = nudge(config, "import", str(binary))
    assert result.exit_code == 2 and "not UTF-8 text" in result.output


def test_import_shows_what_it_would_change_and_changes_nothing_without_yes(tmp_path, install,
                                                                          nudge):
    config = install("shop")
    corrections.record(database(config), MADE[0])
    poisoned = tmp_path / "poisoned.jsonl"
    lines = [corrections.Correction(f"stop messaging me {n}", "chit_chat", "unsubscribe",
                                    "slack", "UX", f"2026-11-23T11:00:{n:02d}+00:00")
             for n in range(30)]
    lines += [corrections.Correction("so rude!", "praise", "complaint", "slack", "UX",
                                     "2026-11-23T12:00:00+00:00"), MADE[0]]
    lines.append(corrections.Correction("how much for two", "pricing", None, "", "",
                                        "2026-11-23T12:01:00+00:00"))
    poisoned.write_text("".join(json.dumps({
        "text": c.text, "from_intent": c.from_intent, "to_intent": c.to_intent,
        "platform": c.platform, "user_id": c.user_id, "created_at": c.created_at}) + "\n"
        for c in lines))

    shown = nudge(config, "import", str(poisoned))

    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines() == [
        f"{poisoned}: 33 corrections, 32 new (1 already there):",
        "     30  unsubscribe → chit_chat  (guarded)",
        "      1  complaint → praise  (guarded)",
        "      1  ? → pricing",
        "31 of them move messages into or out of unsubscribe or complaint: they teach Nudge "
        "which messages are opt-outs and complaints (in chat only a manager may make them). "
        "A refit that would lose an opt-out or complaint it reads today is refused.",
        "Nothing was imported: run it again with --yes to import them.",
    ]
    assert database(config)["corrections"].count == 1
    from_stdin = nudge(config, "import", "-", input=poisoned.read_text())
    assert "Nothing was imported" in from_stdin.output
    assert database(config)["corrections"].count == 1
    done = nudge(config, "import", "-y", str(poisoned))
    assert done.exit_code == 0 and done.output.splitlines()[-1] == "Imported 32 corrections."
    assert database(config)["corrections"].count == 33


def test_list_shows_the_newest_corrections(install, nudge):
    config = install("shop")
    assert "No corrections yet" in nudge(config, "list").output
    db = database(config)
    for correction in MADE:
        corrections.record(db, correction)
    listed = nudge(config, "list").output.splitlines()
    assert listed[0] == "2 corrections; the newest 2:"
    assert "discord:1234  chit_chat → unsubscribe  allow the texts bruv" in listed[1]


@pytest.mark.parametrize(("answer", "stored"), [("y", 2), ("n", 0)])
def test_at_a_terminal_import_asks_before_it_changes_anything(tmp_path, install, answer,
                                                              stored):
    config = install("shop")
    exported = tmp_path / "corrections.jsonl"
    exported.write_text("".join(json.dumps({
        "text": c.text, "from_intent": c.from_intent, "to_intent": c.to_intent,
        "platform": c.platform, "user_id": c.user_id, "created_at": c.created_at}) + "\n"
        for c in MADE))
    terminal, typist = pty.openpty()  # a real terminal on standard input, as a person has
    os.write(typist, f"{answer}\n".encode())
    env = {k: v for k, v in os.environ.items() if k != "NUDGE_CONFIG"} | env_of(config)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), "corrections", "import",
             str(exported)], stdin=terminal, capture_output=True, text=True, timeout=120,
            env=env, cwd=ROOT)
    finally:
        os.close(terminal)
        os.close(typist)
    assert result.returncode == 0, result.stderr
    assert "1  chit_chat → unsubscribe  (guarded)" in result.stdout
    assert "Import them? [y/N]" in result.stdout
    assert result.stdout.rstrip().endswith(
        "Imported 2 corrections." if stored else "Nothing was imported.")
    assert database(config)["corrections"].count == stored
