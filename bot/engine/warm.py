"""`python -m bot.engine.warm CACHE_DIR`: train the intent model and cache it, then exit.

Run as a child process on first use (see classifier.shared_model) so scikit-learn is only
ever loaded in a process that ends a second later.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.engine.corpus import training_examples
from bot.engine.model import cache_path, load_or_train


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bot.engine.warm CACHE_DIR", file=sys.stderr)
        return 2
    cache_dir = Path(argv[0])
    model = load_or_train(training_examples(), cache_dir=cache_dir)
    return 0 if cache_path(model.key, cache_dir).exists() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
