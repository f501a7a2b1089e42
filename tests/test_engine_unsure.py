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
    result = decide("ok stop now", CLASSES, row, 0.35)
    assert (result.intent, result.confidence) == ("unsubscribe", 0.28)
    assert [intent for intent, _ in result.alternatives] == ["chit_chat", "unsubscribe"]
    assert not result.unsure_opt_out


def test_an_unsure_opt_out_without_words_asking_to_stop_is_left_to_the_team():
    row = probabilities(chit_chat=0.3, unsubscribe=0.28)
    result = decide("ok that's it now", CLASSES, row, 0.35)
    assert (result.intent, result.confidence) == ("chit_chat", 0.3)
    assert result.unsure_opt_out and result.low_confidence
    assert result.alternatives == (("unsubscribe", 0.28), ("chit_chat", 0.3))
    assert result.not_sure.startswith("Not sure: unsubscribe or chit_chat? Record an opt-out "
                                      "only if they asked to stop")


def test_a_sure_opt_out_that_asks_to_be_contacted_is_not_taken_as_one():
    row = probabilities(unsubscribe=0.8, purchase_intent=0.1)
    for text in ("add me to your newsletter", "please call me back", "email me the menu",
                 "tragt mich in den Newsletter ein", "rappelez-moi", "apuntadme a la lista"):
        result = decide(text, CLASSES, row, 0.35)
        assert (result.intent, result.unsure_opt_out) == ("purchase_intent", True), text
        assert result.alternatives[0] == ("unsubscribe", 0.8)


def test_a_sure_opt_out_asking_to_stop_stays_one_however_it_is_worded():
    row = probabilities(unsubscribe=0.8, complaint=0.1)
    for text in ("STOP TEXTING ME", "don't call me again", "take me off your list",
                 "bitte schickt mir keine Newsletter mehr", "ne m'envoyez plus rien",
                 "dejad de llamarme", "no me llaméis más"):
        result = decide(text, CLASSES, row, 0.35)
        assert (result.intent, result.unsure_opt_out) == ("unsubscribe", False), text


def test_a_clear_opt_out_with_no_stop_word_stands_but_a_close_one_is_asked():
    clear = decide("that's enough thanks", CLASSES, probabilities(unsubscribe=0.8), 0.35)
    assert clear.intent == "unsubscribe"
    close = probabilities(unsubscribe=0.45, purchase_intent=0.3)
    asked = decide("that's enough thanks", CLASSES, close, 0.35)
    # Nobody knows what they want: the unsure reply asks, sells nothing, records nothing.
    assert (asked.intent, asked.unsure_opt_out) == ("chit_chat", True)
    assert asked.alternatives == (("unsubscribe", 0.45), ("purchase_intent", 0.3))
    sure_other = probabilities(unsubscribe=0.5, purchase_intent=0.4)
    assert decide("that's enough thanks", CLASSES, sure_other, 0.35).intent == "purchase_intent"


def test_angry_emoji_alone_are_an_urgent_complaint_whatever_the_model_says():
    for text in ("😡", "👎👎👎", "💩", "🤬 seriously", "😤😤!!"):
        result = decide(text, CLASSES, probabilities(chit_chat=0.95), 0.35)
        assert (result.intent, result.urgent) == ("complaint", True), text
    for text in ("😂👎", "👍", "the 👎 button is broken on your site, where do I rate"):
        assert decide(text, CLASSES, probabilities(chit_chat=0.95), 0.35).intent == "chit_chat"


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


def test_words_asking_to_stop_take_an_opt_out_the_model_puts_second():
    row = probabilities(purchase_intent=0.5, unsubscribe=0.4)
    result = decide("enlevez-moi de la liste", CLASSES, row, 0.35)
    assert (result.intent, result.low_confidence) == ("unsubscribe", True)
    assert result.alternatives == (("purchase_intent", 0.5), ("unsubscribe", 0.4))
    # Not when it is a faint third guess, nor when the message also asks to be contacted.
    assert decide("enlevez-moi de la liste", CLASSES, probabilities(
        purchase_intent=0.5, unsubscribe=0.2), 0.35).intent == "purchase_intent"
    assert decide("stop the texts and ring me instead", CLASSES, row, 0.35).intent == \
        "purchase_intent"
