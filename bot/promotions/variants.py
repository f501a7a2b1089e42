"""Which wording of an A/B-tested promotion a post uses: deterministic, so results are fair.

Each run moves on to the next wording, and a run that posts in several channels gives each
channel the next wording along: with two wordings and two channels, every run shows both, and
each channel sees A and B in turn. Variants are named a, b, c, ... as the team wrote them.
"""

from __future__ import annotations


def variant_name(index: int) -> str:
    return chr(ord("a") + index)


def variant_index(name: str | None) -> int:
    """The position of a variant name; 0 for none (a promotion without a test)."""
    if not name or len(name) != 1 or not name.isalpha():
        return 0
    return ord(name.lower()) - ord("a")


def variant_for(run: int, target_index: int, count: int) -> str:
    """The variant for run number `run` (0 for the first) in the `target_index`-th channel;
    "" when there is nothing to test."""
    if count < 2:
        return ""
    return variant_name((run + target_index) % count)
