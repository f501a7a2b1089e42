""""Wrong intent?": a team member says what a customer message really was.

The real engine, a real SQLite file, the platform-neutral handler, and the console through a
pipe. (Slack and Discord: tests/slack/test_correct_intent.py, tests/test_discord_corrections.py.)
"""

from __future__ import annotations

import itertools

import pytest
import yaml

from bot.config import database_target
from bot.core.types import Request
from bot.engine.types import INTENTS
from bot.store import open_db
from handlers import conversation, corrections
from tests.conftest import example_config
from tests.test_console import run_console

_ids = itertools.count(1)
PRICE_QUESTION = "how much is a sourdough loaf?"
MANAGER = "U0MANAGER"  # in the example config's team.managers; "UTEAM" is on the team only


@pytest.fixture
def chat(ctx, engine):
    ctx.engine = engine
    return ctx


def customer_says(chat, text: str, user: str = "U1"):
    request = Request(platform="slack", text=text, user=user, channel="C1", thread="T1",
                      message_id=f"m{next(_ids)}")
    return conversation.on_message(request, chat)


def field(review, label: str) -> str:
    return next(f.value for f in review.fields if f.label == label)


def test_every_review_offers_every_intent_in_a_wrong_intent_menu(chat):
    review = customer_says(chat, PRICE_QUESTION)
    assert review.menu.action == "intent" and review.menu.placeholder == "Wrong intent?"
    assert review.menu.value == str(review.meta["suggestion_id"])
    assert [option.value for option in review.menu.options] == list(INTENTS)


def test_a_correction_resuggests_for_the_chosen_intent_and_is_stored(chat, clock):
    review = customer_says(chat, PRICE_QUESTION)
    shown = review.meta["suggestion_id"]
    assert field(review, "Intent").startswith("pricing")

    redrawn = corrections.on_correct(chat, shown, "complaint", "slack", MANAGER)

    assert redrawn.ok and field(redrawn, "Intent").startswith("complaint")
    assert field(redrawn, "Corrected") == f"pricing → complaint by {MANAGER}"
    assert field(redrawn, "Suggested reply") != field(review, "Suggested reply")
    assert "Link" not in {f.label for f in redrawn.fields}  # a complaint gets no sales link
    assert field(redrawn, "Urgent") == "needs a person now"
    assert redrawn.choices and redrawn.menu is not None  # still a review to act on
    new = chat.db["suggestions"].get(redrawn.meta["suggestion_id"])
    assert (new["intent"], new["status"]) == ("complaint", "pending")
    statuses = chat.db.execute(
        "select intent, status from suggestions order by id").fetchall()
    assert {row for row in statuses if row[0] == "pricing"} == {("pricing", "replaced")}
    stored = list(chat.db["corrections"].rows)
    assert len(stored) == 1
    row = stored[0]
    assert (row["text"], row["from_intent"], row["to_intent"]) == (PRICE_QUESTION, "pricing",
                                                                   "complaint")
    assert (row["platform"], row["user_id"], row["source"]) == ("slack", MANAGER, "review")
    assert row["created_at"] == "2026-11-23T10:00:00+00:00"
    assert row["suggestion_id"] == shown
    assert row["conversation_id"] == review.meta["conversation_id"]
    message = chat.db["messages"].get(row["message_id"])
    assert message["text"] == PRICE_QUESTION


def test_after_a_correction_another_cycles_through_the_new_suggestions_only(chat):
    review = customer_says(chat, PRICE_QUESTION)
    redrawn = corrections.on_correct(chat, review.meta["suggestion_id"], "praise", "slack", "U")
    seen = {redrawn.meta["suggestion_id"]}
    current = redrawn
    for _ in range(4):
        current = conversation.on_choice(chat, "another", current.meta["suggestion_id"],
                                         "slack", "U").review
        seen.add(current.meta["suggestion_id"])
        assert field(current, "Intent").startswith("praise")
    live = chat.db["suggestions"].count_where("intent = 'praise'")
    assert len(seen) == live and f"/{live})" in current.choices[1].label


def test_correcting_to_unsubscribe_records_the_opt_out_and_correcting_back_withdraws_it(chat):
    review = customer_says(chat, "lovely weather today")
    redrawn = corrections.on_correct(chat, review.meta["suggestion_id"], "unsubscribe",
                                     "slack", MANAGER)
    assert chat.db["opt_outs"].count == 1
    corrections.on_correct(chat, redrawn.meta["suggestion_id"], "chit_chat", "slack", MANAGER)
    assert chat.db["opt_outs"].count == 0
    assert [r["to_intent"] for r in chat.db["corrections"].rows] == ["unsubscribe", "chit_chat"]


@pytest.mark.parametrize(("text", "was", "to"), [
    ("please stop messaging me", "unsubscribe", "chit_chat"),  # an opt-out unheard
    (PRICE_QUESTION, "pricing", "unsubscribe"),
    ("the loaf was stale and your staff were rude", "complaint", "praise"),
    (PRICE_QUESTION, "pricing", "complaint"),
])
def test_only_a_manager_corrects_into_or_out_of_unsubscribe_and_complaint(chat, text, was, to):
    review = customer_says(chat, text)
    assert field(review, "Intent").startswith(was)
    opted_out = chat.db["opt_outs"].count

    refused = corrections.on_correct(chat, review.meta["suggestion_id"], to, "slack", "UTEAM")

    assert not refused.ok and "Only the managers" in refused.text and "team.managers" in \
        refused.text and f"from {was} to {to}" in refused.text
    assert chat.db["corrections"].count == 0 and chat.db["opt_outs"].count == opted_out
    assert chat.db["suggestions"].count_where("status = 'replaced'") == 0
    assert corrections.on_correct(chat, review.meta["suggestion_id"], to, "slack", MANAGER).ok
    assert [r["user_id"] for r in chat.db["corrections"].rows] == [MANAGER]


def test_other_corrections_stay_open_to_the_whole_team(chat):
    review = customer_says(chat, PRICE_QUESTION)
    assert corrections.on_correct(chat, review.meta["suggestion_id"], "store_visit", "slack",
                                  "UTEAM").ok
    assert [r["to_intent"] for r in chat.db["corrections"].rows] == ["store_visit"]


def test_an_unknown_intent_or_suggestion_gets_a_calm_answer_and_nothing_is_stored(chat):
    review = customer_says(chat, PRICE_QUESTION)
    wrong = corrections.on_correct(chat, review.meta["suggestion_id"], "bread", "slack", "U")
    assert not wrong.ok and "not an intent" in wrong.text and "pricing" in wrong.text
    gone = corrections.on_correct(chat, 99999, "pricing", "slack", "U")
    assert not gone.ok and "no longer exists" in gone.text
    assert chat.db["corrections"].count == 0


def test_a_correction_after_the_review_was_handled_is_kept_but_changes_nothing_shown(chat):
    review = customer_says(chat, PRICE_QUESTION)
    conversation.on_choice(chat, "dismiss", review.meta["suggestion_id"], "slack", "UTEAM")
    late = corrections.on_correct(chat, review.meta["suggestion_id"], "Purchase intent",
                                  "slack", "UTEAM")
    assert field(late, "Handled") == "already dismissed" and late.menu is None
    assert [r["to_intent"] for r in chat.db["corrections"].rows] == ["purchase_intent"]
    assert chat.db["suggestions"].count_where("status = 'replaced'") == 0


def stored_rows(config, columns: str) -> list[tuple]:
    """The corrections the console's process stored, as the database holds them."""
    db = open_db(database_target(config))
    try:
        return [tuple(row) for row in db.execute(f"select {columns} from corrections")]
    finally:
        db.conn.close()


def test_intent_in_the_console_redraws_the_review_and_stores_the_correction(config_file, config):
    result = run_console(config_file, f"{PRICE_QUESTION}\n/intent store visit\n/intent nope\n")
    assert result.returncode == 0, result.stderr
    assert "[/intent <name>] Wrong intent?" in result.stdout
    assert "Intent: store_visit" in result.stdout
    assert "Corrected: pricing → store_visit by team" in result.stdout
    assert "'nope' is not an intent" in result.stdout
    rows = stored_rows(config, "text, from_intent, to_intent, platform, user_id")
    assert rows == [(PRICE_QUESTION, "pricing", "store_visit", "console", "team")]


def test_in_the_console_a_guarded_correction_needs_the_console_to_be_a_manager(tmp_path):
    config = example_config(tmp_path, team={"managers": ["slack:U0MANAGER"]})
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    result = run_console(config_file, f"{PRICE_QUESTION}\n/intent complaint\n"
                                      "/intent store visit\n")
    assert result.returncode == 0, result.stderr
    assert "Only the managers (`team.managers` in Nudge's config) can correct a message from " \
        "pricing to complaint" in result.stdout
    rows = stored_rows(config, "from_intent, to_intent")
    assert rows == [("pricing", "store_visit")]  # the unguarded one, by the same person
