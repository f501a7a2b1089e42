"""Whatever a customer types, the engine answers calmly and never executes it."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from bot.engine.text import MAX_CHARS, clean
from bot.engine.types import INTENTS, STAGES, ThreadState

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

BAD_INPUTS = {
    "empty": "",
    "whitespace": " \n\t \r\n ",
    "huge": "how much is the autumn box? " * 2000,  # ~56,000 characters
    "control characters": "hi\x00\x01\x02\x07\x1b[31m there\x7f\u200b\ufeff",
    "binary junk": bytes(random.Random(7).randrange(256) for _ in range(600)).decode("latin-1"),
    "undecodable bytes": b"\xff\xfe\xfa caf\xc3 \x80\x81".decode("utf-8", errors="replace"),
    "spanish": "¿Cuánto cuesta la caja de otoño?",
    "japanese": "営業時間は何時までですか？",
    "arabic": "هل لديكم خيارات نباتية؟",
    "markdown": "**URGENT** _please_ see `code` and [link](https://evil.example/x)",
    "html": "<script>alert(1)</script><b>hello</b> <img src=x onerror=alert(1)>",
    "slack mentions": "<@U0123ABC> <!channel> <#C0123|general> hey",
    "discord mentions": "<@123456789012345678> @everyone <@&987654321> yo",
    "template syntax": "{{ 7*7 }} {% for x in range(9) %}{{ x }}{% endfor %} {{ config }}",
    "jinja escape attempt": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "only emoji": "😡😡😡🔥",
}


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_a_sensible_intent_and_safe_suggestions(engine, text):
    result = engine.suggest(text, platform="slack", state=ThreadState(1), now=NOW)
    c = result.classification
    assert c.intent in INTENTS and c.stage == STAGES[c.intent] and 0 <= c.confidence <= 1
    assert result.suggestions
    for s in result.suggestions:
        assert "49" not in s.text and "0123456" not in s.text  # nothing executed, nothing echoed
        assert "evil.example" not in s.text and "<script>" not in s.text
        assert "__class__" not in s.text and "subclasses" not in s.text


def test_empty_and_whitespace_text_is_small_talk_flagged_unsure(engine):
    for text in ("", "   \n"):
        c = engine.suggest(text, platform="slack", state=ThreadState(1), now=NOW).classification
        assert (c.intent, c.low_confidence) == ("chit_chat", True)


def test_a_50000_character_message_is_cut_before_processing(engine):
    huge = "where is the mill road shop? " + "x" * 50_000
    assert len(clean(huge)) == MAX_CHARS
    result = engine.suggest(huge, platform="slack", state=ThreadState(1), now=NOW)
    assert result.intent == "store_visit"


def test_control_characters_are_removed_before_classifying():
    assert clean("hi\x00\x07 there\u200b\ufeff\n") == "hi there"
