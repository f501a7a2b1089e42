"""The intent classifier: its corpus, its Python API, its arithmetic and its cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, OrderedDict

import numpy as np
import pytest

from bot.engine.corpus import (
    DEV_FILE,
    dev_examples,
    read_examples,
    same_text_key,
    training_examples,
    training_files,
)
from bot.engine.embedding import Embedder, embedder
from bot.engine.model import (
    IntentModel,
    ModelSettings,
    build_pipeline,
    load_or_train,
    train,
    vectors_path,
)
from bot.engine.types import INTENTS, STAGES, Classification
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def examples():
    return training_examples()


@pytest.fixture(scope="module")
def sample(examples):
    """A quarter of the corpus, every intent in it: enough to test the arithmetic and the
    cache, and four times quicker to train."""
    return examples[::4]


def test_no_dev_text_appears_in_any_training_file():
    dev = {same_text_key(e.text) for e in dev_examples()}
    for path in training_files():
        leaked = [e.text for e in read_examples(path) if same_text_key(e.text) in dev]
        assert leaked == [], f"{path.name} repeats dev texts"


def test_every_train_file_is_read_and_no_held_out_file_is(tmp_path):
    rows = {"train.jsonl": "hello there", "train_zz_new.jsonl": "good morning",
            "dev.jsonl": "hi", "multilingual_test.jsonl": "hola"}
    for name, text in rows.items():
        (tmp_path / name).write_text(json.dumps({"text": text, "intent": "chit_chat"}) + "\n")
    assert [e.text for e in training_examples(tmp_path)] == ["hello there", "good morning"]


def test_dev_texts_are_left_out_of_training_even_if_a_file_repeats_one(tmp_path):
    (tmp_path / DEV_FILE).write_text(json.dumps({"text": "Hi!", "intent": "chit_chat"}) + "\n")
    (tmp_path / "train.jsonl").write_text(
        json.dumps({"text": "hi", "intent": "chit_chat"}) + "\n"
        + json.dumps({"text": "hello there", "intent": "chit_chat"}) + "\n"
    )
    assert [e.text for e in training_examples(tmp_path)] == ["hello there"]


def test_the_corpus_covers_every_intent_with_enough_examples(examples):
    train_counts = Counter(e.intent for e in examples)
    dev_counts = Counter(e.intent for e in dev_examples())
    assert set(train_counts) == set(dev_counts) == set(INTENTS)
    assert min(train_counts.values()) >= 120
    assert min(dev_counts.values()) >= 30


def test_classify_returns_an_intent_its_stage_and_a_confidence(engine):
    result = engine.classify("how much is a sourdough loaf?")
    assert isinstance(result, Classification)
    assert result.intent == "pricing" and result.stage == STAGES["pricing"] == "promotion"
    assert 0.35 <= result.confidence <= 1 and not result.low_confidence


def test_classify_many_gives_the_same_answers_as_one_at_a_time(engine):
    texts = [e.text for e in dev_examples()[::15]] + ["", "   "]
    assert engine.classify_many(texts) == [engine.classify(text) for text in texts]


def test_empty_text_is_small_talk_with_no_confidence(engine):
    for text in ("", " \n\t "):
        assert engine.classify(text) == Classification("chit_chat", 0.0, "conversation", True)


def test_the_numpy_predictions_match_the_scikit_learn_pipeline(sample):
    settings = ModelSettings()
    model = train(sample, settings)
    pipeline = build_pipeline(settings)
    pipeline.fit([e.text for e in sample], [e.intent for e in sample])
    texts = [e.text for e in dev_examples()[::7]] + ["", "zzzz qqqq", "¿Dónde está mi pedido?"]
    assert tuple(pipeline.classes_) == model.classes
    np.testing.assert_allclose(model.probabilities(texts), pipeline.predict_proba(texts),
                               atol=1e-9)


def test_training_twice_gives_the_identical_model(sample):
    first, second = train(sample), train(sample)
    assert first.key == second.key
    assert first.word_vocab == second.word_vocab and first.char_vocab == second.char_vocab
    assert np.array_equal(first.coef_t, second.coef_t)
    assert np.array_equal(first.intercept, second.intercept)


def test_the_model_is_cached_and_reloaded_without_retraining(sample, tmp_path, monkeypatch):
    trained = load_or_train(sample, cache_dir=tmp_path)
    [cached] = tmp_path.glob("intents-*.npz")
    monkeypatch.setattr("bot.engine.model.train", lambda *a, **k: pytest.fail("retrained"))
    loaded = load_or_train(sample, cache_dir=tmp_path)
    assert loaded.key == trained.key and loaded.classes == trained.classes
    assert np.array_equal(loaded.coef_t, trained.coef_t)
    assert loaded.char_vocab == trained.char_vocab
    assert sorted(tmp_path.iterdir()) == sorted([cached, vectors_path(trained.embedder, tmp_path)])
    # (no temporary file left behind)


def test_training_again_in_a_new_process_reuses_the_kept_vectors(sample, tmp_path, monkeypatch):
    train(sample, cache_dir=tmp_path)
    assert vectors_path(embedder(), tmp_path).exists()
    monkeypatch.setattr("bot.engine.model._memo", OrderedDict())  # as in a fresh process
    monkeypatch.setattr(Embedder, "embed", lambda self, texts: pytest.fail(f"embedded {texts}"))
    again = train(sample, cache_dir=tmp_path)
    assert again.classes and again.embedding_dim == 512


def test_an_unreadable_cache_is_replaced_by_a_fresh_model(sample, tmp_path):
    trained = load_or_train(sample, cache_dir=tmp_path)
    [cached] = tmp_path.glob("intents-*.npz")
    cached.write_bytes(b"not a zip file at all")
    again = load_or_train(sample, cache_dir=tmp_path)
    assert np.array_equal(again.coef_t, trained.coef_t)
    assert IntentModel.load(cached, trained.key, trained.embedder).classes == trained.classes


def test_a_cache_made_for_another_corpus_is_not_used(sample, tmp_path):
    model = load_or_train(sample, cache_dir=tmp_path)
    [cached] = tmp_path.glob("intents-*.npz")
    with pytest.raises(ValueError, match="does not match"):
        IntentModel.load(cached, "another-key", model.embedder)
    smaller = load_or_train(sample[::2], cache_dir=tmp_path)
    assert smaller.key != model.key
    assert [p.name for p in tmp_path.glob("intents-*.npz")] == \
        [f"intents-{smaller.key[:24]}.npz"]  # the stale file was removed


def test_an_unwritable_cache_folder_still_gives_a_working_model(sample, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    model = load_or_train(sample[:300], cache_dir=blocker / "cache")
    assert model.probabilities(["hello"]).shape == (1, len(model.classes))


def test_first_use_trains_in_a_child_process_so_the_bot_never_loads_scikit_learn(tmp_path):
    script = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from bot.config import EXAMPLE_CONFIG, load_config\n"
        "from bot.engine import Engine\n"
        "result = Engine(load_config(EXAMPLE_CONFIG)).suggest(\n"
        "    'how much is a loaf?', platform='console', now=datetime.now(UTC))\n"
        "print(result.intent, 'sklearn' in sys.modules)\n"
    )
    env = {**os.environ, "NUDGE_CACHE_DIR": str(tmp_path / "fresh")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert done.stdout.split() == ["pricing", "False"], done.stderr
    assert len(list((tmp_path / "fresh").glob("intents-*.npz"))) == 1


def test_the_warm_module_explains_its_usage():
    done = subprocess.run([sys.executable, "-m", "bot.engine.warm"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and "usage: python -m bot.engine.warm CACHE_DIR" in done.stderr
