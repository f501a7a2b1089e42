"""What Nudge does when the model is unsure: costly intents are kept, the two likeliest shown."""

from __future__ import annotations

import numpy as np

from bot.engine.classifier import decide
from bot.engine.types import INTENTS, Classification

CLASSES = tuple(sorted(INTENTS))


def probabilities(**chosen: float) -> np.ndarray:
    """A probability row with the given intents' shares and the rest spread evenly."""
    rest = (1 - sum(chosen.values())) / (len(CLASSES) - len(chosen))
    return np.array([chosen.get(intent, rest) for intent in CLASSES])


def test_a_sure_guess_is_taken_as_it_is_with_no_alternatives():
    result = decide("how much is it?", CLASSES, probabilities(pricing=0.9), 0.35)
    assert result == Classification("pricing", 0.9, "promotion")


def test_an_unsure_complaint_stays_a_complaint_and_shows_the_runner_up():
    row = probabilities(complaint=0.3, order_support=0.25)
    result = decide("well that went well", CLASSES, row, 0.35)
    assert result.intent == "complaint" and result.low_confidence
    assert result.alternatives == (("complaint", 0.3), ("order_support", 0.25))


def test_an_unsure_opt_out_in_second_place_is_still_never_small_talk():
    row = probabilities(chit_chat=0.3, unsubscribe=0.28)
    result = decide("ok enough now", CLASSES, row, 0.35)
    assert (result.intent, result.confidence) == ("unsubscribe", 0.28)
    assert [intent for intent, _ in result.alternatives] == ["chit_chat", "unsubscribe"]


def test_other_unsure_guesses_become_small_talk_that_names_both_candidates():
    row = probabilities(pricing=0.3, product_question=0.29)
    result = decide("the blue one?", CLASSES, row, 0.35)
    assert result.intent == "chit_chat" and result.low_confidence
    assert result.confidence == 0.3  # how sure the best guess was
    assert [intent for intent, _ in result.alternatives] == ["pricing", "product_question"]
    assert result.not_sure == "Not sure: pricing or product_question?"


def test_an_empty_message_is_small_talk_with_no_confidence():
    assert decide("  ", CLASSES, probabilities(pricing=0.9), 0.35) == \
        Classification("chit_chat", 0.0, "conversation", True)


def test_a_faint_complaint_in_second_place_does_not_outvote_clear_small_talk():
    row = probabilities(chit_chat=0.33, complaint=0.1)
    result = decide("same again?", CLASSES, row, 0.35)
    assert result.intent == "chit_chat" and result.low_confidence
