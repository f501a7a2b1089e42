"""A/B tests: promotion wordings alternate run by run (or split across channels), reply
templates give each thread one wording, and `/nudge tests` credits sends and clicks to the
variant that earned them, naming a winner only when the 95% intervals separate."""

from __future__ import annotations

import re
import shutil

import pytest

from bot.core.types import Request
from bot.engine.render import Renderer, pick_wording
from bot.results.experiments import ABTest, Arm, wilson
from bot.store import open_db
from bot.store.links import record_click
from handlers import conversation
from prompts import REPLIES_DIR
from tests.cli_helpers import nudge
from tests.conftest import started_app
from tests.promo_helpers import add, posts, say, utc
from tests.tracking_helpers import PUBLIC_URL, tracking_config

TOKEN = re.compile(re.escape(PUBLIC_URL) + r"/r/([A-Za-z0-9_-]+)")


@pytest.fixture
async def tracked_app(tmp_path, clock):
    """The real application with tracked links on, posting to a counting console."""
    config = tracking_config(tmp_path)
    config.digest.enabled = False
    config.waiting.enabled = False
    db = open_db(config.storage.path)
    application = await started_app(config, db, clock)
    yield application
    await application.scheduler.stop()
    db.conn.close()


async def run_days(app, clock, days: int) -> None:
    for day in range(days):
        clock.moment = utc(2026, 11, 24 + day, 9, 0)
        await app.scheduler.run_due()


async def test_the_wordings_of_a_promotion_alternate_run_by_run(app, clock):
    pid = add(app, '/nudge promo add "Sourdough is back" | "Fresh sourdough, warm at 9" '
                   "in #customers every day at 9:00")
    await run_days(app, clock, 4)
    texts = [post.text for post in posts(app)]
    assert ["Fresh sourdough, warm" in text for text in texts] == [False, True, False, True]
    variants = [row[0] for row in app.db.execute(
        "select variant from deliveries where ref_id = ? order by scheduled_for", [str(pid)])]
    assert variants == ["a", "b", "a", "b"]


async def test_with_two_channels_each_run_splits_the_wordings_and_they_swap_next_time(app, clock):
    add(app, '/nudge promo add "Wording one" | "Wording two" in #customers, #news every day '
             "at 9:00")
    await run_days(app, clock, 2)
    seen = [(post.channel, "one" if "Wording one" in post.text else "two")
            for post in posts(app)]
    assert sorted(seen[:2]) == [("customers", "one"), ("news", "two")]
    assert sorted(seen[2:]) == [("customers", "two"), ("news", "one")]


def test_the_add_reply_and_promo_show_name_each_wording(app):
    reply = say(app, '/nudge promo add "A words" | "B words" | "C words" in #customers at '
                     "tomorrow 9am")
    assert reply.ok, reply.text
    assert [(f.label, f.value) for f in reply.fields[:3]] == [
        ("Wording A", "A words"), ("Wording B", "B words"), ("Wording C", "C words")]
    show = say(app, f"/nudge promo show {reply.meta['promotion_id']}").text
    assert "(#customers, wording B):\n📣 B words" in show and "wording C" in show
    same = say(app, '/nudge promo add "Same" | "Same" in #customers at tomorrow 9am')
    assert not same.ok and "the same" in same.text
    dangling = say(app, '/nudge promo add "A" | in #customers at tomorrow 9am')
    assert not dangling.ok


async def test_promotion_clicks_are_credited_to_the_wording_that_earned_them(tracked_app,
                                                                              clock):
    app = tracked_app
    pid = add(app, '/nudge promo add "Plain words" | "Punchy words!" in #customers every day '
                   "at 9:00 offer autumn10")
    await run_days(app, clock, 4)
    tokens = [TOKEN.search(post.text).group(1) for post in posts(app)]
    links = [app.db["links"].get(token) for token in tokens]
    assert [(link["kind"], link["ref_id"], link["variant"]) for link in links] == [
        ("promotion", str(pid), "a"), ("promotion", str(pid), "b"),
        ("promotion", str(pid), "a"), ("promotion", str(pid), "b")]
    for token in (tokens[1], tokens[1], tokens[3]):  # B's posts are clicked, A's are not
        record_click(app.db, token, clock())
    text = say(app, "/nudge tests").text
    assert "*Running*" in text and f"promotion #{pid}: no winner yet" in text
    assert "A: 2 sent, 0 clicked (0 clicks), CTR 0%" in text
    assert "B: 2 sent, 2 clicked (3 clicks), CTR 100%" in text


def test_wilson_interval_matches_the_textbook_values():
    low, high = wilson(10, 100)
    assert (round(low, 4), round(high, 4)) == (0.0552, 0.1744)
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(0, 20)[0] == 0.0 and wilson(20, 20)[1] == 1.0


def test_a_winner_is_named_only_when_the_intervals_separate():
    close = ABTest("promotion", "1", "promotion #1", True, (Arm("a", 100, 10, 10),
                                                          Arm("b", 100, 16, 16)))
    assert close.winner is None
    clear = ABTest("promotion", "1", "promotion #1", True, (Arm("a", 400, 20, 20),
                                                          Arm("b", 400, 80, 95)))
    assert clear.winner.variant == "b"


def test_the_digest_says_when_a_test_has_a_winner(ctx, clock):
    from handlers.digest import build_digest

    ctx.db["promotions"].insert({"id": 9, "text": "x", "targets": "[]", "trigger": "{}",
                                 "timezone": "UTC", "status": "active", "runs": 2,
                                 "variants": '["x", "y"]'})
    for n in range(60):
        variant = "ab"[n % 2]
        delivery = ctx.db["deliveries"].insert({
            "kind": "promotion", "ref_id": "9", "scheduled_for": f"2026-10-{1 + n // 2:02}T09"
            f":{n:02}:00+00:00", "platform": "console", "target": "c", "status": "sent",
            "variant": variant}).last_pk
        clicked = variant == "b" or n % 10 == 0
        token = f"tok{n:04d}abcdefgh"
        ctx.db["links"].insert({"token": token, "kind": "promotion", "ref_id": "9",
                                "delivery_id": delivery, "variant": variant, "url": "u"})
        if clicked:
            record_click(ctx.db, token, clock())
    text = build_digest(ctx).text
    assert "*A/B tests with a winner (1)*" in text
    assert "promotion #9: wording B wins (CTR 100% against A 20%)" in text


def template_dir(tmp_path):
    """The shipped reply templates plus a second pricing wording, as a team would add it."""
    folder = tmp_path / "replies"
    shutil.copytree(REPLIES_DIR, folder)
    (folder / "en" / "pricing.b.j2").write_text(
        "Good question! {% if cta %}{{ cta.label }}: {{ cta.url }}{% endif %}\n")
    return folder


def test_a_template_beside_another_makes_an_a_b_test_of_that_intent(tmp_path):
    renderer = Renderer(template_dir(tmp_path))
    assert renderer.wordings("pricing.j2") == ["a", "b"]
    assert renderer.wordings("praise.j2") == ["a"]
    assert Renderer().wordings("pricing.j2") == ["a"]  # nothing under test as shipped


def test_each_thread_keeps_one_wording_and_threads_are_spread_across_both():
    picks = {f"slack:C1:{n}.1": pick_wording(f"slack:C1:{n}.1", "pricing", ["a", "b"])
             for n in range(200)}
    assert all(pick_wording(key, "pricing", ["a", "b"]) == value for key, value in picks.items())
    counts = {v: list(picks.values()).count(v) for v in "ab"}
    assert 70 < counts["a"] < 130 and 70 < counts["b"] < 130
    assert pick_wording("slack:C1:1.1", "pricing", ["a"]) is None


def test_reply_variants_are_stored_sent_and_credited(tmp_path, ctx, engine, clock):
    engine._renderer = Renderer(template_dir(tmp_path))  # the team's own templates folder
    ctx.engine = engine
    wordings = {}
    for n in range(12):
        request = Request(platform="slack", text="how much is the sourdough loaf?", user="U1",
                          channel="C1", message_id=f"{n}.1", workspace="T1")
        review = conversation.on_message(request, ctx)
        suggestion = ctx.db["suggestions"].get(review.meta["suggestion_id"])
        if suggestion["intent"] != "pricing":
            continue
        wordings[n] = suggestion["variant"]
        assert suggestion["text"].startswith("Good question!") == (suggestion["variant"] == "b")
        sent = conversation.on_choice(ctx, "send", suggestion["id"], "slack", "U_TEAM")
        conversation.confirm_send(ctx, sent)  # the platform confirmed the post
    assert set(wordings.values()) == {"a", "b"}
    text = say_tests(ctx)
    sent = {v: list(wordings.values()).count(v) for v in "ab"}
    assert f"A: {sent['a']} sent" in text and f"B: {sent['b']} sent" in text
    assert "pricing replies" in text


def say_tests(ctx) -> str:
    return ctx.router.dispatch(Request(platform="slack", text="/nudge tests", user="U_TEAM",
                                       channel="C0", role="team"), ctx).text


def test_nudge_tests_from_the_command_line(config_file, db):
    db["promotions"].insert({"id": 2, "text": "x", "targets": "[]", "trigger": "{}",
                             "timezone": "UTC", "status": "finished", "runs": 2,
                             "variants": '["x", "y"]'})
    result = nudge(config_file, "tests")
    assert result.returncode == 0, result.stderr
    assert "*Finished*" in result.stdout and "promotion #2: nothing sent yet" in result.stdout


def test_the_tests_command_only_reads_so_it_runs_in_the_reader_thread(ctx, config):
    import dataclasses

    from bot.config import database_target
    from bot.readers import READ_ONLY_COMMANDS, command_name
    from bot.store import reading

    assert command_name("tests") in READ_ONLY_COMMANDS
    ctx.db["promotions"].insert({"id": 2, "text": "x", "targets": "[]", "trigger": "{}",
                                 "timezone": "UTC", "status": "active", "runs": 2,
                                 "variants": '["x", "y"]'})
    reader = reading.open_reader(database_target(config))
    try:
        with reading.read_only(reader):  # any write would fail
            text = say_tests(dataclasses.replace(ctx, db=reader))
    finally:
        reader.conn.close()
    assert "promotion #2: nothing sent yet" in text
