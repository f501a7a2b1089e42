"""Questions a template must never answer: allergies and other health or safety matters, legal
threats, and the press. They go to a person at once (urgent), with a holding reply that promises
nothing and carries no sales link.

Plain word patterns in English, Spanish, French and German, checked before anything else: a
wrong "yes, it's nut-free" costs far more than a person answering a harmless question.
"""

from __future__ import annotations

import re

from bot.engine.questions import fold

_TOPICS: dict[str, tuple[str, ...]] = {
    "allergy": (
        r"allerg\w*", r"anaphyla\w*", r"epipen", r"nut[- ]?free", r"(pea)?nuts?", r"tree nuts?",
        r"coeliac", r"celiac", r"intoleran\w*", r"cross[- ]contamin\w*", r"traces? of",
        r"sesame", r"shellfish", r"lactose", r"alergi\w*", r"alergic\w*", r"frutos secos",
        r"cacahuetes?", r"allergi\w*", r"arachides?", r"noix", r"erdnuss\w*", r"nusse?",
        r"unvertraglich\w*", r"zoliakie",
    ),
    "health": (
        r"food poisoning", r"poison\w*", r"(got|been|was|were|felt|feel|am|is) (sick|ill)",
        r"made (me|us|him|her|them|my \w+) (sick|ill)", r"threw up", r"vomit\w*", r"diarrh\w*",
        r"hospital", r"a&e", r"choked?", r"choking", r"toxic", r"swallow(ed)?",
        r"ingest(ed)?", r"(ate|eaten|chewed|licked) (some|a|the|it|one)",
        r"glass in", r"metal in", r"plastic in",
        r"(found|was) a (hair|bug|insect|fly)", r"mou?ld(y)?", r"burn(ed|t)? (my|me|him|her)",
        r"injur\w*", r"hurt (myself|my|me)", r"pregnan\w*", r"safe (for|to eat)",
        r"intoxica\w*", r"enferm\w*", r"hospital", r"malade", r"intoxication", r"vergiftung",
        r"krank", r"schwanger",
    ),
    "legal": (
        r"lawyers?", r"solicitors?", r"attorneys?", r"(will|going to|gonna|to|ll) sue",
        r"suing", r"lawsuit", r"(to|in|see you in) court", r"court case",
        r"legal action", r"small claims", r"trading standards", r"ombudsman", r"report you",
        r"abogad\w*", r"denunci\w*", r"avocats?", r"poursuites?",
        r"tribunal", r"anwalt\w*", r"verklagen", r"klage", r"vor gericht",
    ),
    "press": (
        r"journalists?", r"reporters?", r"newspapers?", r"press (enquiry|inquiry|office)",
        r"for (an|my|a) (article|story|piece|feature|podcast)", r"writing (an|a) (article|story)",
        r"editor at", r"the (bbc|guardian|times|telegraph|local paper)", r"comment for",
        r"periodistas?", r"prensa", r"journaliste", r"la presse", r"journalist\w*", r"presse",
        r"zeitung",
    ),
}
_PATTERNS = {topic: re.compile(r"(?<![a-z])(?:" + "|".join(words) + r")(?![a-z])")
             for topic, words in _TOPICS.items()}


def sensitive_topic(text: str) -> str | None:
    """"allergy", "health", "legal" or "press" when the message touches one; else None."""
    folded = fold(text)
    for topic, pattern in _PATTERNS.items():
        if pattern.search(folded):
            return topic
    return None
