"""The payloads the pictures are drawn from, as Nudge really sends them.

Nudge runs on the example config against the tests' local fake Slack and fake Discord (the
real slack-bolt, slack_sdk and discord.py clients talking over loopback): a customer writes,
the team presses Edit, opens the App Home; the fakes record what went over the wire. The
report is `nudge report --html`, run as a person would on a database with two weeks of
made-up results written through the real handlers (as tests/chart_helpers.py seeds them).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the tests' fakes and helpers live in the tests package
    sys.path.insert(0, str(ROOT))

# Monday 23 Nov 2026, 10:02 in London: the moment every picture shows.
MOMENT = datetime(2026, 11, 23, 10, 2, tzinfo=UTC)
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


class FixedClock:
    """Nudge's clock stopped at MOMENT (moved only by the seeding of the report's data)."""

    def __init__(self, moment: datetime = MOMENT):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def _promotion(db, text: str, next_run_at: str, sent_at: str = "") -> None:
    """An active weekly promotion to #promos, as `/nudge promo` stores one (with its post
    of `sent_at`, if any)."""
    promotion = db["promotions"].insert({
        "text": text, "targets": json.dumps([{"platform": "slack", "channel": "C0PROMOS"}]),
        "schedule": "every fri at 09:00", "status": "active", "next_run_at": next_run_at,
        "trigger": json.dumps({"type": "cron", "fields": {"day_of_week": "fri", "hour": "9",
                                                          "minute": "0", "second": "0"}}),
        "timezone": "Europe/London", "created_at": "2026-11-10T09:00:00+00:00",
    }).last_pk
    if sent_at:
        db["deliveries"].insert({
            "kind": "promotion", "ref_id": str(promotion), "scheduled_for": sent_at,
            "platform": "slack", "target": "C0PROMOS", "status": "sent", "attempts": 1,
            "finished_at": sent_at})


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
        _promotion(nudge.db, "Friday loaves: 2 for £5, this week only!",
                   "2026-11-27T09:00:00+00:00",
                   sent_at="2026-11-20T09:00:00+00:00")
        _promotion(nudge.db, "Advent calendar cookies are back: order yours now.",
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


# One customer thread per entry, cycled day by day: (what they ask, intent, stage, the CTA
# the suggestion carried, what the team did).
THREADS = [
    ("how much is the autumn box?", "pricing", "promotion", "autumn-offer", "send"),
    ("can I order two loaves for friday?", "purchase_intent", "promotion", "order-online",
     "send"),
    ("are you open on sunday?", "store_visit", "information", "visit-mill-road", "edit"),
    ("is the rye bread vegan?", "product_question", "information", "menu", "send"),
    ("any discount on the pastry box?", "pricing", "promotion", "autumn-offer", "edit"),
    ("do you do birthday cakes?", "purchase_intent", "promotion", "order-online", "dismiss"),
    ("my order hasn't arrived", "order_support", "conversation", "help", "send"),
]
ANSWERED = [thread for thread in THREADS if thread[-1] != "dismiss"]
WORDINGS = ["Autumn box: 10% off this week with AUTUMN10",
            "Treat yourself: the autumn pastry box, 10% off with AUTUMN10"]


def customer_thread(ctx, thread: str, text: str, intent: str, stage: str, cta_id: str) -> int:
    """A customer message through the real conversation handler, and the suggestion the
    engine would store for it (with its tagged CTA link); returns the suggestion's id."""
    from bot.core.types import Request
    from bot.engine.links import tag_url
    from bot.store import iso
    from handlers import conversation

    request = Request(platform="slack", text=text, user=f"U{thread}", channel="C0CUSTOMERS",
                      thread=thread, message_id=f"{thread}-m", workspace="T0HOME")
    recorded = conversation.record_message(request, ctx)
    cta = ctx.config.cta(cta_id)
    url = tag_url(cta.url, platform="slack", campaign=cta.campaign)
    return ctx.db["suggestions"].insert({
        "message_id": recorded.message_id, "conversation_id": recorded.conversation_id,
        "rank": 0, "intent": intent, "stage": stage, "confidence": 0.9,
        "text": f"{cta.label}: {url}", "cta_id": cta_id, "cta_url": url, "cta_kind": cta.kind,
        "rationale": "made up for the pictures", "status": "pending",
        "created_at": iso(ctx.now())}).last_pk


def seed_results(ctx, clock: FixedClock, days: int = 14, promotion: bool = True,
                 threads: list[tuple[str, ...]] = THREADS) -> None:
    """`days` of made-up results up to the day before MOMENT, through the real handlers and
    store: customer threads with CTA suggestions sent, edited or dismissed, clicks,
    redemptions with takings, and (with `promotion`) a daily promotion with two wordings
    whose posts earn clicks."""
    from bot.store import iso
    from bot.store.links import LinkInfo, create_link, record_click
    from bot.store.redemptions import Redemption, record
    from handlers import conversation

    first = datetime(2026, 11, 23, 9, 0, tzinfo=UTC) - timedelta(days=days)
    if promotion:
        promotion_id = ctx.db["promotions"].insert({
            "text": WORDINGS[0], "variants": json.dumps(WORDINGS), "targets": "[]",
            "trigger": "{}", "timezone": "Europe/London", "status": "active", "runs": days,
            "offer_id": "autumn10"}).last_pk
    for day in range(days):
        for n in range(3 + day * 5 % 7):
            clock.moment = first + timedelta(days=day, minutes=37 * n)
            text, intent, stage, cta, action = threads[(day + n) % len(threads)]
            suggestion = customer_thread(ctx, f"{day}.{n}", text, intent, stage, cta)
            edited = "Yes! Mill Road is open 8-16 today." if action == "edit" else None
            sent = conversation.on_choice(ctx, action, suggestion, "slack", "U0TEAM",
                                          edited_text=edited)
            if action != "dismiss":
                conversation.confirm_send(ctx, sent)
                if n % 2 == 0:
                    token = create_link(ctx.db, LinkInfo("reply", str(suggestion), cta, "",
                                                         "slack", "C1"), "https://x.example",
                                        clock())
                    record_click(ctx.db, token, clock())
        if not promotion:
            continue
        variant = "ab"[day % 2]
        delivery = ctx.db["deliveries"].insert({
            "kind": "promotion", "ref_id": str(promotion_id), "scheduled_for": iso(clock()),
            "platform": "slack", "target": "C0PROMOS", "status": "sent", "attempts": 1,
            "finished_at": iso(clock()), "variant": variant}).last_pk
        for _ in range(2 if variant == "b" else day % 3 // 2):
            token = create_link(ctx.db, LinkInfo("promotion", str(promotion_id), "autumn-offer",
                                                 variant, "slack", "C0PROMOS", delivery),
                                "https://x.example", clock())
            record_click(ctx.db, token, clock())
        if day % 3 != 1:
            record(ctx.db, [Redemption(clock().date(), "AUTUMN10", "autumn10", 1 + day % 3,
                                       12.0 * (1 + day % 3))],
                   source="till", by="shop", now=clock())


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
