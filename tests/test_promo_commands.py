"""`/nudge promo`: what the team types, what it sees, who may change what, and the audit log."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from bot.app import Application
from bot.config import Secrets
from tests.fakes import CountingAdapter
from tests.promo_helpers import add, promotion, say, utc

ADD = '/nudge promo add "Mince pies are back!" in #customers at tomorrow 9am'


def audit(app) -> list[tuple[str, str, str, str]]:
    return [(row["platform"], row["user_id"], row["action"], row["subject"])
            for row in app.db["audit_log"].rows_where(order_by="id")]


async def test_adding_confirms_when_and_where_it_will_be_posted(app):
    reply = say(app, '/nudge promo add "Fresh sourdough" in #customers, #news '
                     "every mon,thu at 10:00")
    assert reply.ok
    assert reply.text.startswith("Promotion #1 scheduled: first post Thu 26 Nov 10:00 "
                                 "(Europe/London) in console #customers, console #news.")
    fields = {field.label: field.value for field in reply.fields}
    assert fields["Schedule"] == "every mon, thu at 10:00 (Europe/London)"
    assert fields["Next posts"] == "Thu 26 Nov 10:00, Mon 30 Nov 10:00, Thu 03 Dec 10:00"


async def test_the_slack_modal_form_with_iso_time_and_channel_id_works(app):
    pid = add(app, '/nudge promo add "Advent calendar" in #C0123ABCD at 2026-12-01T09:00 '
                   "every day at 09:00", platform="slack", user="U0MANAGER")
    row = promotion(app, pid)
    assert json.loads(row["targets"]) == [{"platform": "slack", "channel": "C0123ABCD"}]
    assert row["next_run_at"] == "2026-12-01T09:00:00+00:00"
    assert app.scheduler.job("promotion", pid) is not None


@pytest.mark.parametrize(("written", "target"), [
    ("#customers", {"platform": "console", "channel": "customers"}),
    ("customers", {"platform": "console", "channel": "customers"}),
    ("slack:#C0123ABCD", {"platform": "slack", "channel": "C0123ABCD"}),
    ("discord:#123456789012345678", {"platform": "discord", "channel": "123456789012345678"}),
    ("slack:<#C0123ABCD|general>", {"platform": "slack", "channel": "C0123ABCD"}),
])
async def test_channels_are_named_or_given_by_id_with_an_optional_platform(app, written, target):
    pid = add(app, f'/nudge promo add "Hello" in {written} at tomorrow 9am')
    assert json.loads(promotion(app, pid)["targets"]) == [target]


async def test_slack_smart_quotes_are_read_as_quotes(app):
    pid = add(app, "/nudge promo add \u201cWe\u2019re open late tonight\u201d in #customers "
                   "at tomorrow 9am")
    assert promotion(app, pid)["text"] == "We\u2019re open late tonight"


@pytest.mark.parametrize(("typed", "says"), [
    ('/nudge promo add Big sale in #customers at tomorrow 9am', "Put the text in quotes"),
    ('/nudge promo add "Big sale" at tomorrow 9am', "Put the text in quotes"),
    ('/nudge promo add "Big sale" in at tomorrow 9am', "Say which channel after `in`"),
    ('/nudge promo add "Big sale" in #customers', "Say when"),
    ('/nudge promo add "Big sale" in #customers at yesterday 9am', "is in the past"),
    ('/nudge promo add "Big sale" in #customers at feb 30 9am', "February has no day 30"),
    ('/nudge promo add "Big sale" in #customers every 10 minutes', "repeats too often"),
    ('/nudge promo add "Big sale" in team:#x at tomorrow 9am', '"team" is not a platform'),
    ('/nudge promo add "Big sale" in #bad/name at tomorrow 9am', "is not a channel"),
    ('/nudge promo add "Big sale" in discord:#general at tomorrow 9am', "given by id"),
    ('/nudge promo add "Big sale" in #customers at tomorrow 9am cta nope', 'no CTA "nope"'),
    ('/nudge promo add "Big sale" in #customers at tomorrow 9am offer nope', 'no offer "nope"'),
    ('/nudge promo add "Big sale" in #customers at tomorrow 9am offer', "Say which offer"),
    ('/nudge promo add "Spring" in #customers at 2027-04-01T09:00 offer autumn10',
     "Offer autumn10 ends on Thu 31 Dec 2026"),
    ('/nudge promo add "" in #customers at tomorrow 9am', "has no text"),
    ('/nudge promo add "' + "x" * 1501 + '" in #customers at tomorrow 9am', "under 1500"),
])
async def test_a_bad_add_is_explained_and_nothing_is_scheduled(app, typed, says):
    reply = say(app, typed)
    assert not reply.ok
    assert says in reply.text
    assert app.db["promotions"].count == 0
    assert [job.id for job in app.scheduler.scheduler.get_jobs()
            if job.id.startswith("promotion:")] == []


async def test_show_renders_exactly_what_will_be_posted_with_offer_tagged_link_and_sign_off(
        app):
    pid = add(app, '/nudge promo add "Our autumn boxes are here" in #customers, '
                   "slack:#C0123ABCD at tomorrow 9am offer autumn10")
    reply = say(app, f"/nudge promo show {pid}")
    console_part, slack_part = reply.text.split("\n\nOn slack")
    assert console_part.splitlines()[2:] == [
        "On console (#customers):",
        "📣 Our autumn boxes are here",
        "",
        "Autumn box: 10% off your first pastry box, code AUTUMN10.",
        "",
        "👉 Get 10% off your first box: https://crumbandco.example/offers/autumn?ref=chat"
        "&utm_source=console&utm_medium=chat&utm_campaign=promo-1",
        "",
        "See you soon! The Crumb & Co. team",
    ]
    slack_link = next(line for line in slack_part.splitlines() if "https://" in line)
    query = parse_qs(urlsplit(slack_link.split(": ", 1)[1]).query)
    assert query == {"ref": ["chat"], "utm_source": ["slack"], "utm_medium": ["chat"],
                     "utm_campaign": ["promo-1"]}
    fields = {field.label: field.value for field in reply.fields}
    assert fields["Status"] == "active" and fields["Next posts"] == "Tue 24 Nov 09:00"


async def test_what_is_posted_is_what_show_shows(app, clock):
    pid = add(app, '/nudge promo add "Our autumn boxes are here" in #customers '
                   "at tomorrow 9am offer autumn10")
    shown = say(app, f"/nudge promo show {pid}").text.split("On console (#customers):\n")[1]
    clock.moment = utc(2026, 11, 24, 9, 0)
    await app.scheduler.run_due()
    assert app.adapters["console"].posts[0].text == shown


async def test_the_teams_text_is_posted_as_written_never_run_as_a_template(app):
    pid = add(app, '/nudge promo add "Save {{ 7*7 }}% {% if 1 %}now{% endif %}" in #customers '
                   "at tomorrow 9am")
    reply = say(app, f"/nudge promo show {pid}")
    assert "📣 Save {{ 7*7 }}% {% if 1 %}now{% endif %}" in reply.text


async def test_list_shows_upcoming_promotions_with_next_run_in_the_team_zone(app):
    add(app, '/nudge promo add "Fresh sourdough every morning" in #customers every day at 9:00')
    other = add(app, '/nudge promo add "Pain au chocolat" in #customers at tomorrow 8am '
                     "tz Europe/Paris")
    gone = add(app, ADD)
    say(app, f"/nudge promo cancel {gone}")
    reply = say(app, "/nudge promo list")
    assert reply.text.splitlines() == [
        "*Promotions* (times in Europe/London)",
        f"#{other} next Tue 24 Nov 07:00 · once, Tue 24 Nov 2026 08:00 (Europe/Paris) · "
        "console #customers · "
        "\"Pain au chocolat\"",
        "#1 next Tue 24 Nov 09:00 · every day at 09:00 · console #customers · "
        "\"Fresh sourdough every morning\"",
    ]
    assert f"#{gone} cancelled" in say(app, "/nudge promo list all").text


async def test_an_empty_list_says_how_to_add_one(app):
    reply = say(app, "/nudge promo")
    assert reply.ok and "No promotions are scheduled" in reply.text


async def test_edit_changes_the_text_of_the_next_posts(app, clock):
    pid = add(app, ADD)
    assert say(app, f'/nudge promo edit {pid} "Mince pies: last batch!"').ok
    clock.moment = utc(2026, 11, 24, 9, 0)
    await app.scheduler.run_due()
    assert app.adapters["console"].posts[0].text.startswith("📣 Mince pies: last batch!")


@pytest.mark.parametrize(("typed", "says"), [
    ("/nudge promo show 42", "There is no promotion #42"),
    ("/nudge promo pause abc", '"abc" is not a promotion number'),
    ("/nudge promo resume 1", "only a paused one can be resumed"),
    ("/nudge promo edit 1", "Say which promotion and what changes"),
    ("/nudge promo pause", "Say which promotion to pause"),
    ("/nudge promo frobnicate", "`frobnicate` is not a promo command"),
])
async def test_bad_promo_commands_are_explained(app, typed, says):
    add(app, ADD)
    reply = say(app, typed)
    assert not reply.ok and says in reply.text


async def test_someone_who_is_not_a_manager_may_look_but_not_change(app):
    pid = add(app, ADD)
    for command in (ADD, f"/nudge promo pause {pid}", f"/nudge promo cancel {pid}",
                    f'/nudge promo edit {pid} "Free pies"', f"/nudge promo send-now {pid}"):
        reply = say(app, command, user="intern")
        assert not reply.ok
        assert "Only the promotion managers" in reply.text
    assert app.db["promotions"].count == 1
    assert promotion(app, pid)["status"] == "active"
    assert say(app, "/nudge promo list", user="intern").ok
    assert say(app, f"/nudge promo show {pid}", user="intern").ok
    assert [action for _, _, action, _ in audit(app)] == ["promotion.add"]


async def test_a_manager_may_be_named_by_role(app):
    reply = say(app, '/nudge promo add "Hi" in #123456789012345678 at tomorrow 9am',
                platform="discord", user="4242", roles=("Marketing",))
    assert reply.ok
    refused = say(app, '/nudge promo add "Hi" in #123456789012345678 at tomorrow 9am',
                  platform="discord", user="4242", roles=("Bakers",))
    assert not refused.ok


async def test_every_change_is_written_to_the_audit_log(app):
    pid = add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
    for command in ("pause", "resume", "cancel"):
        say(app, f"/nudge promo {command} {pid}")
    other = add(app, ADD)
    say(app, f'/nudge promo edit {other} "Mince pies: last batch!"')
    assert audit(app) == [
        ("console", "team", "promotion.add", "promotion #1"),
        ("console", "team", "promotion.pause", "promotion #1"),
        ("console", "team", "promotion.resume", "promotion #1"),
        ("console", "team", "promotion.cancel", "promotion #1"),
        ("console", "team", "promotion.add", "promotion #2"),
        ("console", "team", "promotion.edit", "promotion #2"),
    ]
    details = json.loads(app.db["audit_log"].get(6)["details"])
    assert details == {"before": "Mince pies are back!", "after": "Mince pies: last batch!"}


async def test_send_now_posts_at_once_and_leaves_the_schedule_alone(config, db):
    app = Application(config, Secrets.from_env({}), db=db)  # the wall clock, really running
    platform = CountingAdapter("console")
    app.add_adapter(platform)
    await app.scheduler.start()
    try:
        pid = add(app, '/nudge promo add "Fresh sourdough" in #customers every day at 9:00')
        before = promotion(app, pid)
        reply = say(app, f"/nudge promo send-now {pid}")
        assert reply.ok and "as a test: its schedule does not change" in reply.text
        for _ in range(300):
            if platform.posts:
                break
            await asyncio.sleep(0.01)
        assert [post.channel for post in platform.posts] == ["customers"]
        after = promotion(app, pid)
        assert (after["runs"], after["next_run_at"]) == (before["runs"], before["next_run_at"])
        assert app.db["deliveries"].count_where("status = 'sent'") == 1
        assert app.db["audit_log"].count_where("action = 'promotion.send-now'") == 1
    finally:
        await app.scheduler.stop()


async def test_send_now_needs_the_running_nudge(ctx):
    from bot.promotions.store import Actor
    from handlers.promotions import perform

    reply = perform("add", ["Hi", "in", "customers", "at", "tomorrow", "9am"], ctx,
                    Actor("console", "team"), "console")
    reply = perform("send-now", [str(reply.meta["promotion_id"])], ctx,
                    Actor("console", "team"), "console")
    assert not reply.ok and "start it with `nudge run`" in reply.text


async def test_a_promotion_in_another_zone_posts_at_its_own_wall_clock_time(app, clock):
    pid = add(app, '/nudge promo add "Croissants" in #customers every day at 8:00 '
                   "tz Europe/Paris")
    job = app.scheduler.job("promotion", pid)
    paris = job.next_run_time.astimezone(ZoneInfo("Europe/Paris"))
    assert (paris.hour, paris.minute) == (8, 0)
    assert job.next_run_time == datetime(2026, 11, 24, 7, 0, tzinfo=ZoneInfo("UTC"))
    assert job.next_run_time - clock() < timedelta(days=1)
