"""The negativity signal: strong words in four languages, shouting, and the model's lean."""

from __future__ import annotations

import pytest

from bot.engine.negativity import shouting, strong_words, strongly_negative


@pytest.mark.parametrize("text", [
    "my parcel never came, this is unacceptable",
    "C'est honteux, toujours pas de remboursement",
    "Das ist eine Frechheit, ich warte seit Tagen",
    "es una vergüenza, nadie contesta",
    "pesimo servicio",  # no accent, as people type
])
def test_a_strong_word_makes_a_message_urgent_unless_it_reads_as_praise(text):
    assert strong_words(text)
    assert strongly_negative(text, complaint_probability=0.01, praise_probability=0.01)


def test_a_negated_word_does_not_count():
    assert strong_words("not terrible at all, thanks") == []


def test_swearing_in_praise_is_not_urgent():
    assert not strongly_negative("fucking amazing cake", complaint_probability=0.01,
                                 praise_probability=0.9)


def test_shouting_counts_only_when_the_model_leans_towards_a_complaint():
    assert shouting("WOW I LOVE IT!!!") == 2
    assert not strongly_negative("WOW I LOVE IT!!!", complaint_probability=0.02)
    assert strongly_negative("WHERE IS MY ORDER??!", complaint_probability=0.4)


def test_a_calm_message_is_not_urgent():
    assert not strongly_negative("hi, when do you open on Sunday?", complaint_probability=0.1)
