"""How well the intent classifier does on the held-out dev set (never trained on).

Prints per-intent precision, recall and F1, the macro-F1 and a confusion matrix, for the model's
own best guess and for what Nudge actually uses (unsure guesses fall back to chit_chat).
With --compare it also cross-validates alternative models on the training set only, to show
why the pipeline is what it is.

    .venv/bin/python bench/engine_quality.py [--compare]

Target: macro-F1 >= 0.90 on dev.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support  # noqa: E402

from bot.config import EngineSettings  # noqa: E402
from bot.engine.classifier import IntentClassifier  # noqa: E402
from bot.engine.corpus import dev_examples, training_examples  # noqa: E402
from bot.engine.model import ModelSettings, build_pipeline, train  # noqa: E402
from bot.engine.text import normalise  # noqa: E402
from bot.engine.types import INTENTS  # noqa: E402

TARGET = 0.90
SHORT = {
    "purchase_intent": "buy", "pricing": "price", "product_question": "product",
    "store_visit": "store", "order_support": "order", "complaint": "compl", "praise": "praise",
    "chit_chat": "chat", "unsubscribe": "unsub",
}


def report(title: str, truth: list[str], predicted: list[str]) -> float:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(INTENTS), zero_division=0)
    macro = f1_score(truth, predicted, labels=list(INTENTS), average="macro")
    print(f"\n{title}")
    print(f"{'intent':<18}{'precision':>10}{'recall':>8}{'F1':>8}{'n':>6}")
    for i, intent in enumerate(INTENTS):
        print(f"{intent:<18}{precision[i]:>10.3f}{recall[i]:>8.3f}{f1[i]:>8.3f}{support[i]:>6}")
    accuracy = np.mean(np.array(truth) == np.array(predicted))
    print(f"{'macro-F1':<18}{macro:>26.3f}   accuracy {accuracy:.3f}")
    return macro


def print_confusion(truth: list[str], predicted: list[str]) -> None:
    matrix = confusion_matrix(truth, predicted, labels=list(INTENTS))
    print("\nconfusion matrix (rows: true intent, columns: predicted)")
    print(" " * 9 + "".join(f"{SHORT[i]:>8}" for i in INTENTS))
    for intent, row in zip(INTENTS, matrix, strict=True):
        print(f"{SHORT[intent]:<9}" + "".join(f"{n:>8}" for n in row))


def compare(examples) -> None:
    """5-fold cross-validated macro-F1 on the training set only (dev stays unseen)."""
    from sklearn.linear_model import RidgeClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC
    from threadpoolctl import threadpool_limits

    texts = [normalise(e.text) for e in examples]
    labels = [e.intent for e in examples]
    folds = StratifiedKFold(5, shuffle=True, random_state=0)

    def with_classifier(classifier):
        features = build_pipeline(ModelSettings()).named_steps["features"]
        return Pipeline([("features", features), ("classifier", classifier)])

    candidates = {
        "TF-IDF words+chars -> logistic regression (used)": build_pipeline(ModelSettings()),
        "same, C=5": build_pipeline(ModelSettings(c=5.0)),
        "same, C=50": build_pipeline(ModelSettings(c=50.0)),
        "TF-IDF words+chars -> linear SVM (no probabilities)": with_classifier(LinearSVC(C=0.5)),
        "TF-IDF words+chars -> ridge (no probabilities)": with_classifier(RidgeClassifier()),
        "TF-IDF words+chars -> complement naive Bayes": with_classifier(ComplementNB(alpha=0.3)),
    }
    print("\n5-fold cross-validation on the training set (macro-F1):")
    with threadpool_limits(limits=1):
        for name, pipeline in candidates.items():
            predicted = cross_val_predict(pipeline, texts, labels, cv=folds)
            print(f"  {f1_score(labels, predicted, average='macro'):.3f}  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true",
                        help="also cross-validate alternative models on the training set")
    args = parser.parse_args()
    examples, dev = training_examples(), dev_examples()
    started = time.perf_counter()
    model = train(examples)
    seconds = time.perf_counter() - started
    print(f"trained on {len(examples)} examples in {seconds:.2f} s "
          f"({len(model.word_vocab)} word + {len(model.char_vocab)} char features); "
          f"dev set: {len(dev)} examples, never trained on")
    truth = [e.intent for e in dev]
    texts = [normalise(e.text) for e in dev]
    best = [model.classes[i] for i in model.probabilities(texts).argmax(axis=1)]
    report("model's best guess on dev", truth, best)

    threshold = EngineSettings().confidence_threshold
    classifier = IntentClassifier(threshold, model=model)
    used = classifier.classify_many([e.text for e in dev])
    unsure = sum(c.low_confidence for c in used)
    macro = report(f"what Nudge uses (confidence < {threshold} -> chit_chat; {unsure} of "
                   f"{len(dev)} fell back)", truth, [c.intent for c in used])
    print_confusion(truth, [c.intent for c in used])
    verdict = "met" if macro >= TARGET else "NOT met"
    print(f"\ntarget macro-F1 >= {TARGET:.2f}: {verdict} ({macro:.3f})")
    if args.compare:
        compare(examples)
    return 0 if macro >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
