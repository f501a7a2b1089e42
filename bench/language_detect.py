"""Language detection on short chat messages: py3langid alone against Nudge's detector
(py3langid plus everyday words and the thread's earlier language), on the reply bench's
customer messages (bench/reply_conversations.py) and a few dozen more very short ones.

    .venv/bin/python bench/language_detect.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reply_conversations import CONVERSATIONS  # noqa: E402
from bot.engine.language import _by_model, detect_one  # noqa: E402

# Written for this bench: what customers send in one breath.
SHORT = [
    ("ok", ""), ("thx", "en"), ("cheers!", "en"), ("yes please", "en"), ("open today?", "en"),
    ("how much?", "en"), ("lol ok", "en"), ("sounds good", "en"), ("is it in stock", "en"),
    ("gracias", "es"), ("vale, gracias", "es"), ("¿cuánto es?", "es"), ("¿hay pan?", "es"),
    ("perfecto", ""), ("hola", "es"), ("¿abren hoy?", "es"), ("muchas gracias!", "es"),
    ("merci", "fr"), ("merci beaucoup", "fr"), ("c'est combien ?", "fr"), ("bonjour", "fr"),
    ("ouvert demain ?", "fr"), ("d'accord merci", "fr"), ("vous livrez ?", "fr"),
    ("danke", "de"), ("danke schön", "de"), ("wie viel?", "de"), ("habt ihr offen?", "de"),
    ("hallo", "de"), ("alles klar, danke", "de"), ("gibt es noch brot?", "de"),
    ("grazie mille", "it"), ("quanto costa?", "it"), ("siete aperti oggi?", "it"),
    ("obrigado", "pt"), ("quanto custa o pão?", "pt"), ("bedankt", "nl"),
    ("hoeveel kost dat?", "nl"), ("zijn jullie open?", "nl"),
]


def labelled() -> list[tuple[str, str]]:
    rows = [(text, checks.get("lang", "en")) for _, script in CONVERSATIONS
            for text, checks in script]
    return rows + SHORT


def reply_in(found: str) -> str:
    """The language a reply is written in for a detected one (the bench brand's default is
    English; any language it does not write gets that)."""
    return found if found in ("en", "es", "fr", "de") else "en"


def score(detect, rows) -> int:
    return sum(reply_in(detect(text)) == reply_in(lang) for text, lang in rows)


def exact(detect, rows) -> int:
    """Messages whose own language is told right ("" is right for "ok", "👍")."""
    return sum(detect(text) == lang for text, lang in rows)


def main() -> None:
    rows = labelled()
    alone = lambda text: _by_model(text)[0]  # noqa: E731
    print(f"language detection on {len(rows)} customer messages; {len(SHORT)} of them are "
          "one to four words")
    for name, detect in (("py3langid alone", alone), ("Nudge (words + py3langid)", detect_one)):
        right = score(detect, rows)
        short = exact(detect, SHORT)
        print(f"  {name:<26} reply language right {right}/{len(rows)} ({right / len(rows):.1%});"
              f" very short messages' own language {short}/{len(SHORT)}")


if __name__ == "__main__":
    main()
