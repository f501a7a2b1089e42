"""The real-world evaluation file stays out of training (it is for measuring only)."""

from __future__ import annotations

import pytest

from bot.engine.corpus import read_examples, same_text_key, training_files
from tests.conftest import ROOT

PLACES = [ROOT.parent / "shared" / "eval" / "realworld-dev.jsonl",
          ROOT.parent.parent / "shared" / "eval" / "realworld-dev.jsonl"]
REALWORLD = next((path for path in PLACES if path.exists()), None)


@pytest.mark.skipif(REALWORLD is None, reason="the real-world evaluation file is not here")
def test_no_line_of_the_real_world_file_appears_in_any_training_file():
    real = {same_text_key(e.text) for e in read_examples(REALWORLD)}
    for path in training_files():
        leaked = sum(same_text_key(e.text) in real for e in read_examples(path))
        assert leaked == 0, f"{path.name} holds {leaked} line(s) of the real-world file"
