"""The intent corpus files: what is trained on, what is held out, and that the two never overlap.

The held-out sets (dev.jsonl, the multilingual test set and the outside-written real-world file
in ../shared/eval/) only measure the engine if no training file repeats their texts, so these
tests compare texts after normalising case, punctuation and spacing.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bot.engine.corpus import (
    CONTACT_OPTOUT_FILE,
    DEV_FILE,
    GUARD_FILE,
    HELD_OUT_FILES,
    INTENTS_DIR,
    MULTILINGUAL_TEST_FILE,
    TRAIN_FILES,
    dev_examples,
    guard_examples,
    multilingual_test_examples,
    read_examples,
    same_text_key,
    training_examples,
    training_files,
)
from bot.engine.types import INTENTS
from tests.conftest import ROOT

# ../shared/eval/ beside the repository (/work/main) or beside its folder of worktrees (/work/wt/x).
REALWORLD_DEV = next((path for path in (folder / "shared" / "eval" / "realworld-dev.jsonl"
                                        for folder in (ROOT.parent, ROOT.parent.parent))
                      if path.exists()), ROOT.parent / "shared" / "eval" / "realworld-dev.jsonl")
LANGUAGES = ("es", "fr", "de")


def training_texts_by_file() -> dict[str, set[str]]:
    """The normalised texts of every training file that is present, by file name."""
    return {path.name: {same_text_key(e.text) for e in read_examples(path)}
            for path in training_files()}


def test_the_held_out_sets_are_not_training_files():
    assert DEV_FILE not in TRAIN_FILES and MULTILINGUAL_TEST_FILE not in TRAIN_FILES
    assert all(name.startswith("train") for name in TRAIN_FILES)
    assert CONTACT_OPTOUT_FILE in HELD_OUT_FILES
    assert INTENTS_DIR / CONTACT_OPTOUT_FILE not in training_files()


def test_training_skips_a_contact_or_opt_out_test_line_repeated_in_a_training_file(tmp_path):
    (tmp_path / "train.jsonl").write_text(
        json.dumps({"text": "Email me the menu, please!", "intent": "product_question"}) + "\n"
        + json.dumps({"text": "stop texting me", "intent": "unsubscribe"}) + "\n")
    (tmp_path / "train_more.jsonl").write_text(
        json.dumps({"text": "please stop texting me", "intent": "unsubscribe"}) + "\n")
    (tmp_path / CONTACT_OPTOUT_FILE).write_text(
        json.dumps({"text": "email me the menu please", "intent": "product_question",
                    "kind": "contact"}) + "\n"
        + json.dumps({"text": "Please stop texting me!", "intent": "unsubscribe",
                      "kind": "opt_out"}) + "\n")
    trained = training_examples(tmp_path)
    assert [e.text for e in trained] == ["stop texting me"]


def test_no_contact_or_opt_out_test_line_appears_in_training_or_the_other_test_sets():
    test_texts = {same_text_key(e.text): e.text
                  for e in read_examples(INTENTS_DIR / CONTACT_OPTOUT_FILE)}
    held = dict(training_texts_by_file(),
                **{name: {same_text_key(e.text) for e in read_examples(INTENTS_DIR / name)}
                   for name in (DEV_FILE, MULTILINGUAL_TEST_FILE)})
    for name, texts in held.items():
        leaked = sorted(test_texts[key] for key in texts & test_texts.keys())
        assert leaked == [], f"{name} repeats lines of {CONTACT_OPTOUT_FILE}"


def test_the_contact_and_opt_out_test_set_has_enough_of_each_in_four_languages():
    rows = [json.loads(line) for line in
            (INTENTS_DIR / CONTACT_OPTOUT_FILE).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    contact = [row for row in rows if row["kind"] == "contact"]
    opt_out = [row for row in rows if row["kind"] == "opt_out"]
    assert len(contact) >= 40 and len(opt_out) >= 20 and len(contact) + len(opt_out) == len(rows)
    # A request to be contacted or added to a list is never labelled an opt-out.
    assert {row["intent"] for row in contact} <= {"purchase_intent", "product_question",
                                                  "chit_chat"}
    assert {row["intent"] for row in opt_out} == {"unsubscribe"}
    for kind in (contact, opt_out):
        assert {row["lang"] for row in kind} == {"en", "de", "es", "fr"}


def test_training_never_reads_the_test_set_even_when_a_training_file_repeats_a_line(tmp_path):
    (tmp_path / "train.jsonl").write_text(
        json.dumps({"text": "hola, ¿qué tal?", "intent": "chit_chat", "lang": "es"}) + "\n"
        + json.dumps({"text": "buenos días", "intent": "chit_chat", "lang": "es"}) + "\n")
    (tmp_path / MULTILINGUAL_TEST_FILE).write_text(
        json.dumps({"text": "Hola, qué tal", "intent": "chit_chat", "lang": "es"}) + "\n"
        + json.dumps({"text": "¿Dónde está la tienda?", "intent": "store_visit", "lang": "es"}))
    trained = training_examples(tmp_path)
    assert [(e.text, e.lang) for e in trained] == [("buenos días", "es")]


def test_no_multilingual_test_line_appears_in_training_or_dev():
    test_texts = {same_text_key(e.text): e.text for e in multilingual_test_examples()}
    held = dict(training_texts_by_file(), **{DEV_FILE: {same_text_key(e.text)
                                                        for e in dev_examples()}})
    for name, texts in held.items():
        leaked = sorted(test_texts[key] for key in texts & test_texts.keys())
        assert leaked == [], f"{name} repeats lines of the multilingual test set"


@pytest.mark.skipif(not REALWORLD_DEV.exists(), reason="the real-world dev file is not present")
def test_no_realworld_dev_line_appears_in_any_training_file():
    with REALWORLD_DEV.open(encoding="utf-8") as lines:
        realworld = {same_text_key(json.loads(line)["text"]) for line in lines if line.strip()}
    for name, texts in training_texts_by_file().items():
        # Only the count is reported: the real-world lines must never be printed or copied.
        overlap = len(texts & realworld)
        assert overlap == 0, f"{name} repeats {overlap} line(s) of realworld-dev.jsonl"


def test_the_multilingual_test_set_covers_every_intent_in_every_language():
    counts = Counter((e.lang, e.intent) for e in multilingual_test_examples())
    for lang in LANGUAGES:
        for intent in INTENTS:
            assert counts[(lang, intent)] >= 12, f"{lang}/{intent}: {counts[(lang, intent)]}"
    assert {lang for lang, _ in counts} == set(LANGUAGES)


def test_the_multilingual_training_file_covers_every_intent_in_every_language():
    examples = read_examples(INTENTS_DIR / "train_multilingual.jsonl")
    counts = Counter((e.lang, e.intent) for e in examples)
    for lang in LANGUAGES:
        for intent in INTENTS:
            assert counts[(lang, intent)] >= 35, f"{lang}/{intent}: {counts[(lang, intent)]}"
    assert {lang for lang, _ in counts} == set(LANGUAGES)


@pytest.mark.parametrize("name", ["train_realworld_wording.jsonl", "train_multilingual.jsonl",
                                  "train_contact_optout.jsonl", "train_intent_boundaries.jsonl",
                                  MULTILINGUAL_TEST_FILE, CONTACT_OPTOUT_FILE])
def test_a_new_corpus_file_has_no_line_twice(name):
    keys = Counter(same_text_key(e.text) for e in read_examples(INTENTS_DIR / name))
    assert [key for key, n in keys.items() if n > 1] == []


def test_the_real_world_wording_file_covers_every_intent():
    counts = Counter(e.intent for e in read_examples(INTENTS_DIR / "train_realworld_wording.jsonl"))
    assert set(counts) == set(INTENTS) and min(counts.values()) >= 60


def test_the_guard_list_is_never_trained_on_even_when_a_training_file_repeats_a_line(tmp_path):
    assert GUARD_FILE in HELD_OUT_FILES and GUARD_FILE not in TRAIN_FILES
    assert INTENTS_DIR / GUARD_FILE not in training_files()
    (tmp_path / "train.jsonl").write_text(
        json.dumps({"text": "Stop messaging me!", "intent": "chit_chat"}) + "\n"
        + json.dumps({"text": "what time do you open", "intent": "store_visit"}) + "\n")
    (tmp_path / DEV_FILE).write_text("")
    (tmp_path / GUARD_FILE).write_text(
        json.dumps({"text": "stop messaging me", "intent": "unsubscribe"}) + "\n")
    assert [e.text for e in training_examples(tmp_path)] == ["what time do you open"]


def test_no_guard_line_appears_in_training_dev_or_the_multilingual_test_set():
    guard = {same_text_key(e.text): e.text for e in guard_examples()}
    others = dict(training_texts_by_file(),
                  **{name: {same_text_key(e.text) for e in read_examples(INTENTS_DIR / name)}
                     for name in (DEV_FILE, MULTILINGUAL_TEST_FILE)})
    for name, texts in others.items():
        assert sorted(guard[key] for key in texts & guard.keys()) == [], \
            f"{name} repeats lines of {GUARD_FILE}"


def test_the_guard_list_holds_opt_outs_and_complaints_in_four_languages_each_once():
    examples = guard_examples()
    counts = Counter((e.lang or "en", e.intent) for e in examples)
    assert {intent for _, intent in counts} == {"unsubscribe", "complaint"}
    for lang in ("en", *LANGUAGES):
        for intent in ("unsubscribe", "complaint"):
            assert counts[(lang, intent)] >= 12, f"{lang}/{intent}: {counts[(lang, intent)]}"
    keys = Counter(same_text_key(e.text) for e in examples)
    assert [key for key, n in keys.items() if n > 1] == []
