"""A config file that could hurt gets one plain line per problem, never a hang or a traceback.

Alias bombs and self-referring aliases are refused before anything walks the data, nesting is
capped, secrets are recognised by shape anywhere in any string, and every `team.managers` entry
is checked (a malformed one used to leave nobody as manager, silently).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.config import ConfigError, parse_config
from tests.conftest import ROOT

BRAND = "brand: {name: Crumb & Co.}\n"


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as refused:
        parse_config(text, "config.yaml")
    return refused.value.problems


def alias_bomb(levels: int = 9) -> str:
    lines = ['l0: &l0 ["crumb", "crumb", "crumb", "crumb", "crumb", "crumb", "crumb", "crumb"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 8) + "]")
    return BRAND + "\n".join(lines) + "\n"


def test_an_alias_bomb_is_one_line_from_nudge_check(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(alias_bomb())
    assert len(config.read_bytes()) < 600
    env = {k: v for k, v in os.environ.items() if k != "NUDGE_CONFIG"}
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "check"],
                            capture_output=True, text=True, timeout=60, env=env, cwd=ROOT)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "config.yaml: line 6: its aliases (*name) expand to more than 20,000 values or 32 "
        "levels; write the settings out instead"]


@pytest.mark.parametrize(("text", "line"), [
    (BRAND + "x: &a [*a]\n", "an alias (*name) refers to the value that contains it"),
    (BRAND + "x: " + "[" * 50_000 + "]" * 50_000 + "\n", "nested more than 32 levels deep"),
    (BRAND + "x: " + "{a: " * 40 + "1" + "}" * 40 + "\n", "nested more than 32 levels deep"),
    (BRAND + "".join(f"{'  ' * n}k{n}:\n" for n in range(40)) + "  " * 40 + "v: 1\n",
     "nested more than 32 levels deep"),
    (BRAND + "a: &a [[[[[[[[1]]]]]]]]\nb: &b [[[[[[[[*a]]]]]]]]\nc: &c [[[[[[[[*b]]]]]]]]\n"
     "d: &d [[[[[[[[*c]]]]]]]]\ne: [[[[[[[[*d]]]]]]]]\n", "32 levels"),
    (BRAND + "scheduling: {grace_minutes: " + "9" * 5000 + "}\n", "a number with too many digits"),
    (BRAND + "offers: [{id: a, title: t, text: t, end: 2026-02-31}]\n",
     'offers[0].end: expected a valid date or datetime, day value is outside expected range, '
     'got "2026-02-31"'),
], ids=["self-reference", "deep-flow", "deep-mapping", "deep-indentation", "deep-by-aliases",
        "huge-number", "impossible-date"])
def test_a_file_that_would_hang_or_crash_a_reader_gets_one_line(text, line):
    [problem] = problems(text)
    assert problem.startswith("config.yaml: ") and line in problem


@pytest.mark.parametrize("written", ["2026-02-30", "2026-13-01", "'2026-02-30'"])
def test_an_impossible_date_in_special_hours_names_its_key(written):
    text = (BRAND + "stores:\n  - name: Mill Road\n    address: 12 Mill Road\n"
            "    hours: {mon: '08:00-18:00'}\n"
            f"    special_hours:\n      - {{date: {written}, closed: true}}\n")
    [problem] = problems(text)
    assert problem.startswith("config.yaml: stores[0].special_hours[0].date: ")
    assert written.strip("'") in problem


def test_aliases_of_a_normal_size_still_work():
    config = parse_config(BRAND + "stores:\n"
                          "  - {name: Mill Road, address: 12 Mill Road, hours: &week "
                          "{mon: '08:00-18:00', tue: '08:00-18:00'}}\n"
                          "  - {name: Market, address: 3 Market Sq, hours: *week}\n")
    assert config.stores[1].hours == {"mon": "08:00-18:00", "tue": "08:00-18:00"}


@pytest.mark.parametrize(("text", "path"), [
    ("brand: {name: X, sign_off: 'Thanks! xoxb-123456789012-abcdefABCDEF'}", "brand.sign_off"),
    ("brand: {name: X, voice: 'see xapp-1-A0123-4567-abcdef'}", "brand.voice"),
    ("brand: {name: X}\nfaq: [{question: q, answer: "
     "'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123'}]", "faq[0].answer"),
    ("brand: {name: X}\nllm: {model: 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t'}", "llm.model"),
    ("brand: {name: X}\nllm: {base_url: 'https://me:hunter2@llm.example/v1'}", "llm.base_url"),
    ("brand: {name: X}\nllm: {base_url: 'https://0123abcd@llm.example/v1'}", "llm.base_url"),
    ("brand: {name: X}\nctas: [{id: a, label: l, kind: buy, "
     "url: 'https://shop.example/?t=ghp_abcdefghijklmnopqrstuvwxyz0123456789'}]", "ctas[0].url"),
], ids=["slack-in-sign-off", "slack-app-token", "discord-token", "openai-key", "url-password",
        "url-user", "github-token"])
def test_a_secret_is_recognised_by_its_shape_anywhere_in_any_string(text, path):
    [line] = problems(text + "\n")
    assert line.startswith(f"config.yaml: {path}: looks like a secret")
    assert "hunter2" not in line and "xoxb-" not in line and "ghp_" not in line


@pytest.mark.parametrize("text", [
    "brand: {name: X, sign_off: 'xoxo, the Crumb & Co. team'}",
    "brand: {name: X, voice: 'warm; ask about the task-management-workshop-series'}",
    "brand: {name: X}\nctas: [{id: a, label: l, kind: buy, url: 'https://crumb.example/a.b'}]",
    "brand: {name: X}\nfaq: [{question: email, answer: 'write to hello@crumb.example'}]",
])
def test_ordinary_words_are_not_taken_for_secrets(text):
    assert parse_config(text + "\n").brand.name == "X"


def test_every_bad_manager_entry_gets_its_own_line():
    lines = problems(BRAND + "team:\n  managers: [U0MANAGER, 'Slack:U0MANAGER', "
                     "'slack:u0manager', 'discord:role:', 'teams:U1', 'discord:ops', "
                     "'slack:U0OK', 'discord:role:Marketing', 'console:team']\n")
    assert lines == [
        'config.yaml: team.managers[0]: expected "<platform>:<user id>" or "<platform>:role:'
        '<role name>", such as "slack:U0MANAGER", "discord:123456789012345678" or '
        '"discord:role:Marketing", got "U0MANAGER"',
        'config.yaml: team.managers[1]: write the platform in lower case: "slack:U0MANAGER", '
        'got "Slack:U0MANAGER"',
        "config.yaml: team.managers[2]: a Slack user id looks like \"U0MANAGER\" (upper case, "
        "from the person's profile: ⋮ > Copy member ID), got \"slack:u0manager\"",
        'config.yaml: team.managers[3]: expected "discord:role:<role name>", got "discord:role:"',
        'config.yaml: team.managers[4]: unknown platform "teams": use console, slack, discord, '
        'got "teams:U1"',
        'config.yaml: team.managers[5]: a Discord user id is a number such as '
        '"123456789012345678" (Developer Mode, right-click the person, Copy User ID), got '
        '"discord:ops"',
    ]
