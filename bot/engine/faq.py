"""FAQ retrieval: the team's answer to the question a customer is asking, when one fits well.

Each entry becomes a TF-IDF vector of its question (counted twice, since customers phrase
questions, not answers) and its answer; a message is matched by cosine similarity and only an
entry scoring at least the threshold is used, so a vague match never puts words in the team's
mouth. Words are cut to their first six letters, a crude stemmer that lets "allergies" find
"allergens" and "delivery" find "deliver".
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from bot.config import FAQ
from bot.engine.text import normalise, tokens

STEM_LENGTH = 6
_STOPWORD_LIST = """a about above after again all am an and any anything are as at be been
    before being
    but by can could did do does doing done for from get got had has have having he her here
    hers him his how i if im in into is it its just me might more most my no nor not of off
    on once only or other our ours out over own please pls plz same she should so some such
    than that the their theirs them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you
    your yours u ur ya hi hey hello hiya thanks thank thx ta yes yeah ok okay lol guys"""
# The same little words in Spanish, French and German (accents folded, as `fold` leaves them):
# "¿cuánto cuesta el jamón?" is about "jamón", not about "el".
_FOREIGN_STOPWORD_LIST = """el la los las lo un una unos unas de del al a en y o e que es son
    se me te le les nos os su sus mi mis tu tus por para con sin muy mas ya pero como este
    esta estos estas ese esa eso hola buenas buenos gracias porfa favor vale si no hay
    le la les un une des du de d l au aux et ou en est sont ce cet cette ces je tu il elle
    on nous vous ils elles mon ma mes ton ta tes son sa ses notre votre vos leur leurs pour
    par avec sans tres plus mais comme bonjour salut merci svp oui non y a ne pas qui quoi
    cest ca quest ce sera cela ici voila
    der die das den dem des ein eine einen einem einer und oder zu zum zur im in am an auf
    mit fur von vom ist sind ich du er sie es wir ihr mein meine dein deine sein seine euer
    eure unser unsere bitte danke hallo ja nein nicht auch noch schon sehr mal doch"""
_STOPWORDS = frozenset(_STOPWORD_LIST.split()) | frozenset(_FOREIGN_STOPWORD_LIST.split())


def terms(text: str) -> list[str]:
    """The text's content words, plurals folded ("dogs" is "dog") and cut to six letters."""
    from bot.engine.products import fold  # here: products imports days, which is heavier

    return [
        fold(word)[:STEM_LENGTH] for word in tokens(normalise(text))
        if word.isalnum() and word not in _STOPWORDS and len(word) > 1
    ]


@dataclass(frozen=True)
class FAQMatch:
    entry: FAQ
    score: float


class FAQIndex:
    def __init__(self, entries: list[FAQ], threshold: float):
        self.entries = list(entries)
        self.threshold = threshold
        documents = [terms(e.question) * 2 + terms(e.answer) for e in self.entries]
        frequency = Counter(term for doc in documents for term in set(doc))
        count = len(documents)
        self.idf = {term: math.log((1 + count) / (1 + df)) + 1 for term, df in frequency.items()}
        self.vectors = [self._vector(doc) for doc in documents]

    def _vector(self, words: list[str]) -> dict[str, float]:
        weights = {
            term: (1 + math.log(n)) * self.idf[term]
            for term, n in Counter(words).items() if term in self.idf
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {term: w / norm for term, w in weights.items()} if norm else {}

    def scores(self, text: str) -> list[float]:
        query = self._vector(terms(text))
        return [sum(w * doc.get(term, 0.0) for term, w in query.items()) for doc in self.vectors]

    def best(self, text: str) -> FAQMatch | None:
        """The best-matching entry scoring at least the threshold; the first one wins a tie."""
        if not self.entries:
            return None
        scores = self.scores(text)
        top = max(range(len(scores)), key=lambda i: (scores[i], -i))
        if scores[top] < self.threshold:
            return None
        return FAQMatch(self.entries[top], round(scores[top], 4))
