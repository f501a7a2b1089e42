"""Approval (`promotions.require_approval: true`): a promotion from someone who is not a
manager is a draft, shown to the managers with Approve / Reject; only approved ones are
scheduled, and every step is audited. In chat here, on Discord at the wire below, on Slack in
tests/slack/test_promo_approval.py."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.discord_helpers import discord_config, running_nudge
from tests.fake_discord import FakeDiscord
from tests.promo_helpers import add, notices, promotion, say

ADD = '/nudge promo add "Mince pies are back!" in #customers at tomorrow 9am'


@pytest.fixture
def approving(app):
    app.config.promotions.require_approval = True
    return app


def actions(app) -> list[tuple[str, str]]:
    return [(row["user_id"], row["action"]) for row in
            app.db["audit_log"].rows_where(order_by="id")]


async def test_a_draft_is_not_scheduled_and_the_managers_are_asked(approving):
    app = approving
    reply = say(app, ADD, user="intern")
    assert reply.ok, reply.text
    assert "is a draft: nothing is scheduled until a manager approves it" in reply.text
    pid = reply.meta["promotion_id"]
    assert promotion(app, pid)["status"] == "draft"
    assert app.scheduler.job("promotion", pid) is None
    await asyncio.sleep(0.01)
    [asked] = notices(app)
    assert asked.text.startswith(f"Promotion #{pid} waits for a manager's approval")
    assert [(c.action, c.value) for c in asked.choices] == [("approve", str(pid)),
                                                             ("reject", str(pid))]
    assert "draft, waiting for approval" in say(app, "/nudge promo list").text


async def test_a_manager_approves_and_it_is_scheduled(approving, clock):
    app = approving
    pid = add(app, ADD, user="intern")
    assert not say(app, f"/nudge promo approve {pid}", user="intern").ok  # not a manager
    reply = say(app, f"/nudge promo approve {pid}")
    assert reply.ok and "is approved and scheduled: first post Tue 24 Nov 09:00" in reply.text
    row = promotion(app, pid)
    assert (row["status"], row["approved_by"]) == ("active", "console:team")
    assert app.scheduler.job("promotion", pid) is not None
    assert actions(app) == [("intern", "promotion.add"), ("team", "promotion.approve")]
    assert json.loads(app.db["audit_log"].get(1)["details"])["status"] == "draft"


async def test_a_rejected_draft_is_never_posted(approving, clock):
    app = approving
    pid = add(app, ADD, user="intern")
    assert say(app, f"/nudge promo reject {pid} not this week").ok
    assert promotion(app, pid)["status"] == "rejected"
    assert not say(app, f"/nudge promo approve {pid}").ok
    clock.moment = clock.moment.replace(day=24, hour=9)
    assert await app.scheduler.run_due() == 0
    assert json.loads(app.db["audit_log"].get(2)["details"]) == {"reason": "not this week"}


async def test_managers_are_not_held_up_and_without_the_setting_nobody_drafts(app):
    app.config.promotions.require_approval = True
    assert promotion(app, add(app, ADD))["status"] == "active"
    app.config.promotions.require_approval = False
    refused = say(app, ADD, user="intern")
    assert not refused.ok and "Only the promotion managers" in refused.text


async def test_a_draft_whose_time_passed_must_be_given_a_new_one(approving, clock):
    app = approving
    pid = add(app, ADD, user="intern")
    clock.moment = clock.moment.replace(day=25)
    reply = say(app, f"/nudge promo approve {pid}")
    assert not reply.ok and f"/nudge promo edit {pid} at tomorrow 9am" in reply.text


# --- Discord, at the wire -------------------------------------------------------------------

def review_messages(fake: FakeDiscord) -> list[dict]:
    return [m for m in fake.messages.values()
            if m["channel_id"] == str(fake.team) and m["embeds"]]


async def test_discord_managers_approve_with_a_button(tmp_path, clock):
    async with FakeDiscord() as fake:
        config = discord_config(tmp_path, fake)
        config.promotions.require_approval = True
        async with running_nudge(config, clock) as nudge:
            await fake.slash(fake.alice, fake.team, "promo",
                             f'add "Pies!" in #{fake.general} at tomorrow 9am')
            await fake.wait_for(lambda: review_messages(fake))
            [review] = review_messages(fake)
            pid = nudge.db["promotions"].count
            assert nudge.db["promotions"].get(pid)["status"] == "draft"
            ids = [b["custom_id"] for row in review["components"] for b in row["components"]]
            assert ids == [f"nudge:approve:{pid}", f"nudge:reject:{pid}"]

            mark = len(fake.calls)
            await fake.press(fake.alice, int(review["id"]), ids[0])  # alice is no manager
            refused = await fake.wait_for_call("POST", r"/interactions/", mark)
            assert "Only the promotion managers" in refused.body["data"]["content"]
            assert nudge.db["promotions"].get(pid)["status"] == "draft"

            config.team.managers.append(f"discord:{fake.alice.id}")
            mark = len(fake.calls)
            await fake.press(fake.alice, int(review["id"]), ids[0])
            done = await fake.wait_for_call("POST", r"/interactions/", mark)
            assert done.body["type"] == 7  # the review message is updated in place
            handled = next(f for f in done.body["data"]["embeds"][0]["fields"]
                           if f["name"] == "Handled")
            assert handled["value"] == f"Approved by <@{fake.alice.id}>"
            assert done.body["data"]["components"] == []
            assert nudge.db["promotions"].get(pid)["status"] == "active"
