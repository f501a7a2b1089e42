"""The payloads the pictures are drawn from, as Nudge really sends them.

Nudge runs on the example config against the tests' local fake Slack and fake Discord (the
real slack-bolt, slack_sdk and discord.py clients talking over loopback): a customer writes,
the team presses Edit, opens the App Home; the fakes record what went over the wire. The
report is `nudge report --html`, run as a person would on a database with two weeks of
made-up results (made_up.py).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .made_up import ANSWERED, MOMENT, FixedClock, seed_results, weekly_promotion

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the tests' fakes and helpers live in the tests package
    sys.path.insert(0, str(ROOT))

OTHER_CUSTOMER, OTHER_CUSTOMER_SAYS = "U0PRIYA", "Are you open on Sunday morning?"
CUSTOMER_SAYS = "Hi! Do you still have the autumn pastry box? I'd love two for Saturday."


@dataclass
class Payloads:
    """What each picture is drawn from, plus the names the platforms would show for ids."""

    slack_review: dict[str, Any]  # chat.postMessage arguments: text and blocks
    slack_edit: dict[str, Any]  # the view views.open was given
    slack_home: dict[str, Any]  # the view views.publish was given
    discord_review: dict[str, Any]  # the body POSTed to the team channel
    report_html: str  # the page `nudge report --html` wrote
    slack_names: dict[str, str] = field(default_factory=dict)  # channel or user id -> name
    discord_names: dict[str, str] = field(default_factory=dict)
    slack_channel: str = "team-review"  # the review channel's name
    discord_channel: str = "team"


async def slack_payloads(workdir: Path) -> tuple[dict, dict, dict, dict[str, str]]:
    """(the review message, the Edit modal, the App Home, names) from a running Nudge."""
    from bot.core.context import Context
    from handlers.registry import build_router
    from tests import fake_slack as fake
    from tests.fake_slack import FakeSlack
    from tests.slack import conftest as slack

    server = await FakeSlack().start()
    server.add_user(slack.TEAM_MEMBER, "Sam")
    server.add_user(slack.CUSTOMER, "Alex")
    server.add_user(slack.MANAGER, "Morgan")
    server.add_user(OTHER_CUSTOMER, "Priya")
    config = slack.slack_config(workdir, server)
    nudge = await slack.start_nudge("http", config, server, FixedClock())
    try:
        seeding = FixedClock()  # moved day by day; Nudge's own clock stays at MOMENT
        seed_results(Context(config=nudge.app.config, db=nudge.db, router=build_router(),
                             clock=seeding), seeding, days=7, promotion=False,
                     threads=ANSWERED)
        weekly_promotion(nudge.db, "Friday loaves: 2 for £5, this week only!",
                   "2026-11-27T09:00:00+00:00",
                   sent_at="2026-11-20T09:00:00+00:00")
        weekly_promotion(nudge.db, "Advent calendar cookies are back: order yours now.",
                   "2026-12-01T09:00:00+00:00")
        await nudge.review_of(OTHER_CUSTOMER_SAYS, user=OTHER_CUSTOMER,
                              ts=f"{int(MOMENT.timestamp()) - 600}.000100")
        ts = f"{int(MOMENT.timestamp()) - 60}.000100"
        review = await nudge.review_of(CUSTOMER_SAYS, ts=ts)
        edit = next(e for b in review["blocks"] if b["type"] == "actions"
                    for e in b["elements"] if e.get("action_id") == "nudge_edit")
        await nudge.press("edit", edit["value"], review["ts"])
        modal = (await server.wait_for("views.open"))[-1].args["view"]
        event = {"type": "app_home_opened", "user": slack.TEAM_MEMBER, "channel": "D0HOME",
                 "tab": "home", "event_ts": f"{int(MOMENT.timestamp())}.000200"}
        await nudge.deliver("events_api", fake.event_callback(event))
        home = (await server.wait_for("views.publish"))[-1].args["view"]
    finally:
        await slack.stop_nudge(nudge)
        await server.stop()
    names = {slack.CUSTOMERS: "customers", slack.REVIEW: "team-review", "C0PROMOS": "promos",
             **{user: info["real_name"] for user, info in server.users.items()}}
    review = {k: v for k, v in review.items() if k != "ts"}  # ts: what Slack answered
    return review, modal, home, names


async def discord_payload(workdir: Path) -> tuple[dict, dict[str, str]]:
    """(the review message's body as Nudge POSTed it, names) from a running Nudge."""
    from tests.discord_helpers import discord_config, running_nudge
    from tests.fake_discord import FakeDiscord

    async with FakeDiscord() as server, running_nudge(discord_config(workdir, server),
                                                      FixedClock()):
        mark = len(server.calls)
        await server.say(server.carol, server.customers, CUSTOMER_SAYS)
        path = rf"/channels/{server.team}/messages"
        body = (await server.wait_for_call("POST", path, mark)).body
        guild = server.guild()
        names = {item["id"]: item["name"] for item in guild["channels"]}
        names.update({item["user"]["id"]: item["user"]["global_name"]
                      for item in guild["members"]})
    return body, names


def report_page(workdir: Path) -> str:
    """`nudge report --html` over two weeks of made-up results, as its HTML page."""
    from bot.config import database_target
    from bot.core.context import Context
    from bot.store import open_db
    from handlers.registry import build_router
    from tests.conftest import example_config

    folder = workdir / "report"
    folder.mkdir(parents=True, exist_ok=True)
    config = example_config(folder)
    db = open_db(database_target(config))
    try:
        clock = FixedClock()
        seed_results(Context(config=config, db=db, router=build_router(), clock=clock), clock)
    finally:
        db.conn.close()
    config_file = folder / "config.yaml"
    config_file.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    page = folder / "report.html"
    env = {key: value for key, value in os.environ.items() if key not in (
        "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG")}
    done = subprocess.run([sys.executable, "-m", "bot", "--config", str(config_file), "report",
                           "--html", str(page), "--days", "14", "--until", "2026-11-22"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"nudge report failed: {done.stderr}")
    return page.read_text(encoding="utf-8")


@contextlib.contextmanager
def own_database(new_database: Callable[[], str] | None) -> Iterator[None]:
    """With `new_database`, NUDGE_DATABASE_URL names a fresh database for the block (the
    tests on PostgreSQL give each Nudge its own, as each has its own SQLite file otherwise)."""
    if new_database is None:
        yield
        return
    previous = os.environ.get("NUDGE_DATABASE_URL")
    os.environ["NUDGE_DATABASE_URL"] = new_database()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("NUDGE_DATABASE_URL", None)
        else:
            os.environ["NUDGE_DATABASE_URL"] = previous


async def collect(workdir: Path, new_database: Callable[[], str] | None = None) -> Payloads:
    """Every payload, each from its own Nudge on its own database under `workdir` (or one
    `new_database` gives)."""
    slack_dir, discord_dir = workdir / "slack", workdir / "discord"
    slack_dir.mkdir(parents=True, exist_ok=True)
    discord_dir.mkdir(parents=True, exist_ok=True)
    with own_database(new_database):
        review, modal, home, slack_names = await slack_payloads(slack_dir)
    with own_database(new_database):
        discord_body, discord_names = await discord_payload(discord_dir)
    with own_database(new_database):
        page = report_page(workdir)
    return Payloads(review, modal, home, discord_body, page, slack_names, discord_names)
