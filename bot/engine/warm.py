"""`python -m bot.engine.warm CACHE_DIR [EMBEDDING_MODEL_DIR]`: train the intent model, cache it.

Run as a child process on first use (see classifier.shared_model) so scikit-learn is only
ever loaded in a process that ends a second later.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.engine.corpus import training_examples
from bot.engine.embedding import EmbeddingModelError
from bot.engine.model import cache_path, load_or_train


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2):
        print("usage: python -m bot.engine.warm CACHE_DIR [EMBEDDING_MODEL_DIR]", file=sys.stderr)
        return 2
    cache_dir = Path(argv[0])
    embedding_dir = argv[1] if len(argv) == 2 else None
    try:
        model = load_or_train(training_examples(), cache_dir=cache_dir,
                              embedding_dir=embedding_dir)
    except EmbeddingModelError as error:
        print(error, file=sys.stderr)
        return 2
    return 0 if cache_path(model.key, cache_dir).exists() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
