"""The brand-set checks (bench/brand_checks.py) on hand-made suggestions, each passing and
failing, and one replay through the real handler (bench/brand_replay.py) of a two-message
conversation against a plain-string config made here from config.example.yaml."""

from __future__ import annotations

import json

import pytest
import yaml

from bench.brand_checks import check, mentioned_offers, norm
from bench.brand_replay import _main_checkout, load_conversations, replay_brand
from tests.conftest import EXAMPLE

CODES = {"autumn10": "AUTUMN10", "coffee-stamp": ""}


def suggestion(text="Sourdough loaf: £4.20. Order online for pickup.", **fields):
    return {"text": text, "cta_kind": "buy", "offer_id": None, "urgent": 0,
            "intent": "pricing", **fields}


def test_matching_ignores_case_all_whitespace_and_reads_the_curly_apostrophe():
    assert norm("12,50\u202f€ It\u2019s") == norm("12,50 €  it's") == "12,50€it's"
    assert check(suggestion("Das kostet 12,50\u00a0€ pro Tüte."), {"has": ["12,50 €"]}) == {}


@pytest.mark.parametrize(("checks", "passes"), [
    ({"has": ["£4.20", "order online"]}, True),
    ({"has": ["£4.20", "£3.80"]}, False),
    ({"has_any": ["£4.20", "4,20 £"]}, True),
    ({"has_any": ["£3.80", "3,80 £"]}, False),
    ({"not": ["€"]}, True),
    ({"not": ["£"]}, False),
    ({"cta": ["buy", "offer"]}, True),
    ({"cta": [None, "contact"]}, False),
    ({"urgent": False}, True),
    ({"urgent": True}, False),
    ({"intent": ["pricing", "product_question"]}, True),
    ({"intent": ["complaint"]}, False),
])
def test_each_text_and_field_check_passes_and_fails(checks, passes):
    broken = check(suggestion(), checks, CODES)
    assert (broken == {}) is passes
    assert passes or set(broken) == set(checks)


def test_a_suggestion_without_a_link_passes_only_where_null_is_allowed():
    bare = suggestion("We'll check with the team and get back to you.", cta_kind=None)
    assert check(bare, {"cta": [None, "contact"]}) == {}
    assert "cta" in check(bare, {"cta": ["visit"]})


def test_an_offer_counts_as_mentioned_by_its_id_or_by_its_code_in_the_text():
    by_id = suggestion(offer_id="autumn10")
    by_code = suggestion("Pastry box: £12. Use autumn10 for 10% off your first box.")
    assert mentioned_offers(by_id, CODES) == mentioned_offers(by_code, CODES) == {"autumn10"}
    for mentioning in (by_id, by_code):
        assert check(mentioning, {"offer": "autumn10", "offers": ["autumn10"]}, CODES) == {}
        assert set(check(mentioning, {"offers": []}, CODES)) == {"offers"}
    assert check(suggestion(), {"offers": []}, CODES) == {}
    assert set(check(suggestion(), {"offer": "autumn10"}, CODES)) == {"offer"}


def test_the_reply_must_read_in_the_customers_language():
    german = suggestion("Das Sauerteigbrot kostet 4,20 £. Du kannst es online bestellen und im "
                        "Laden abholen, wir freuen uns auf dich!")
    assert check(german, {"lang": "de"}) == {}
    assert "lang" in check(german, {"lang": "en"})


def test_one_long_sentence_in_another_language_breaks_the_language_check():
    mixed = suggestion("Gerne, das Sauerteigbrot kostet 4,20 £ und ist heute frisch. "
                       "We deliver within five miles of Mill Road on Fridays and Saturdays.")
    broken = check(mixed, {"lang": "de"})
    assert "en:" in broken["lang"]


def test_store_names_and_links_are_left_out_when_telling_the_language():
    reply = suggestion("Mill Road hat heute bis 18:00 geöffnet, komm gern vorbei! "
                       "https://maps.example/crumb-mill-road")
    assert check(reply, {"lang": "de"}, names=["Mill Road", "12 Mill Road, Cambridge"]) == {}


def test_a_worktree_finds_the_main_checkout_through_its_git_file(tmp_path):
    (tmp_path / "wt").mkdir()
    (tmp_path / "wt" / ".git").write_text("gitdir: /work/main/.git/worktrees/wt\n")
    assert str(_main_checkout(tmp_path / "wt")) == "/work/main"
    assert _main_checkout(tmp_path) == tmp_path


def test_a_two_message_conversation_is_replayed_as_one_thread_and_judged(tmp_path):
    raw = yaml.safe_load(EXAMPLE.read_text())
    (tmp_path / "crumb.yaml").write_text(yaml.safe_dump(raw))
    conversation = {"brand": "crumb", "id": "cr-01", "at": "2026-12-15T10:00", "messages": [
        {"text": "how much is the sourdough loaf?",
         "checks": {"has": ["£4.20"], "cta": ["buy", "offer", None], "urgent": False,
                    "lang": "en", "intent": ["pricing", "product_question"]}},
        {"text": "and is the baguette cheaper?",
         "checks": {"has": ["£1.90"], "not": ["£"], "lang": "en"}},
    ]}
    (tmp_path / "conversations.jsonl").write_text(json.dumps(conversation) + "\n")

    result = replay_brand(tmp_path / "crumb.yaml", load_conversations(tmp_path)["crumb"])

    assert result.error == ""
    assert (result.conversations, result.messages, result.passed) == (1, 2, 1)
    assert result.keys["has"] == [2, 2] and result.keys["not"] == [0, 1]
    assert result.keys["lang"] == [2, 2] and result.keys["intent"] == [1, 1]
    [failure] = result.failures
    assert failure["id"] == "cr-01" and set(failure["broken"]) == {"not"}
    assert "£1.90" in failure["reply"]
    assert result.figures()["pass_share"] == 0.5


def test_a_config_the_loader_refuses_is_reported_not_run(tmp_path):
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["brand"]["currency"] = "pounds"
    (tmp_path / "crumb.yaml").write_text(yaml.safe_dump(raw))
    result = replay_brand(tmp_path / "crumb.yaml", [])
    assert result.error.startswith("config refused") and result.messages == 0
