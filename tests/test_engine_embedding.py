"""Sentence embeddings: the installed multilingual model, and a clear line when a model is bad."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import yaml

from bot.config import ConfigError, parse_config
from bot.engine.embedding import Embedder, EmbeddingModelError, bundled_model_dir, embed
from tests.conftest import EXAMPLE
from tests.test_engine_cli import nudge


def test_embed_gives_one_unit_row_per_text():
    vectors = embed(["where is my order?", "", "Danke, das Brot war super!"])
    assert vectors.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embed([]).shape == (0, 512)


def test_texts_that_mean_the_same_in_two_languages_are_closer_than_unrelated_ones():
    order_en, order_es, cake_fr = embed(["where is my order?", "¿dónde está mi pedido?",
                                         "je voudrais un gâteau au chocolat"])
    assert order_en @ order_es > order_en @ cake_fr + 0.2


def test_the_model_is_loaded_once_per_process():
    from bot.engine.embedding import embedder

    assert embedder() is embedder(bundled_model_dir())


def test_a_text_read_twice_is_embedded_once_and_only_the_last_texts_are_kept(monkeypatch):
    """The classifier and each knowledge index read the same message: it is embedded once,
    and the vectors kept are a few hundred texts', not every message's."""
    from bot.engine import embedding

    model = Embedder(bundled_model_dir())
    encoded: list[str] = []
    encode = model._backend.encode
    monkeypatch.setattr(model._backend, "encode", lambda texts: encoded.extend(texts)
                        or encode(texts))
    first = model.embed(["where is my order?", "hi", "where is my order?"])
    again = model.embed(["hi", "where is my order?"])
    assert encoded == ["where is my order?", "hi"]
    np.testing.assert_array_equal(again, first[[1, 0]])
    np.testing.assert_allclose(first[0], encode(["where is my order?"])[0], atol=1e-6)
    model.embed([f"loaf number {n}" for n in range(embedding.RECENT_TEXTS + 10)])
    assert len(model._recent) == embedding.RECENT_TEXTS
    model.embed(["hi"])  # forgotten by now: embedded again
    assert encoded[-1] == "hi"


def test_a_missing_model_directory_is_one_line_naming_the_fix(tmp_path):
    with pytest.raises(EmbeddingModelError) as caught:
        Embedder(tmp_path / "nowhere")
    message = str(caught.value)
    assert "\n" not in message and "no such directory" in message
    assert "engine.embedding_model" in message


def test_a_broken_model_file_is_one_line_naming_the_fix(tmp_path):
    shutil.copy(bundled_model_dir() / "sp.model", tmp_path / "sp.model")
    (tmp_path / "weights.npz").write_bytes(b"half a download")
    with pytest.raises(EmbeddingModelError) as caught:
        Embedder(tmp_path)
    message = str(caught.value)
    assert "\n" not in message and "cannot be read" in message
    assert "engine.embedding_model" in message


def test_the_config_refuses_a_model_directory_without_the_model_files(tmp_path):
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["engine"]["embedding_model"] = str(tmp_path)
    with pytest.raises(ConfigError, match="weights.npz missing"):
        parse_config(yaml.safe_dump(raw), "config.yaml")


def test_classify_with_a_broken_model_prints_one_line_and_exits_2(tmp_path, config):
    model = tmp_path / "model"
    model.mkdir()
    shutil.copy(bundled_model_dir() / "sp.model", model / "sp.model")
    (model / "weights.npz").write_bytes(b"not a model")
    raw = config.model_dump(mode="json")
    raw["engine"]["embedding_model"] = str(model)
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(raw))
    result = nudge(config_file, "classify", stdin=json.dumps({"text": "hi"}) + "\n")
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "engine.embedding_model" in lines[0], lines
    assert "Traceback" not in result.stderr.decode()


def test_check_loads_the_model_and_names_a_broken_one(tmp_path, config, config_file):
    ok = nudge(config_file, "check")
    assert ok.returncode == 0, ok.stderr
    assert "engine: multilingual sentence embeddings ready (512 dimensions" in ok.stdout.decode()
    model = tmp_path / "model"
    model.mkdir()
    shutil.copy(bundled_model_dir() / "sp.model", model / "sp.model")
    (model / "weights.npz").write_bytes(b"not a model")
    raw = config.model_dump(mode="json")
    raw["engine"]["embedding_model"] = str(model)
    config_file.write_text(yaml.safe_dump(raw))
    broken = nudge(config_file, "check")
    assert broken.returncode == 2
    assert broken.stderr.decode().strip().splitlines()[-1].startswith("engine: the embedding")
