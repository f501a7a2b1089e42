"""The brand's knowledge (FAQ entries and products), matched to a customer's question.

Two scorers, behind one small interface (`scores(text) -> one score per entry, 0 to 1`):

- words: TF-IDF over word stems, where words that mean the same thing to a shop ("dog", "pup",
  "pet"; "deliver", "shipping"; and their Spanish, French and German forms) also count as one
  shared concept, so "can I bring my puppy?" finds "Are pets allowed?";
- meaning: sentence embeddings, when the engine provides them (`bot.engine.embedding.embed`,
  rows L2-normalised); the cosine of the question and the entry.

An entry is used only when the best score reaches the threshold (`engine.faq_threshold`), so a
vague match never puts words in the team's mouth.
"""

from __future__ import annotations

import copy
import importlib
import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import FAQ, Product
from bot.engine.faq import terms
from bot.translations import variants, wording

log = logging.getLogger(__name__)

# Words a shop's customers use for the same thing. Each group becomes one extra concept term.
_CONCEPTS = {
    "pet": "dog dogs doggy doggie puppy puppies pup pups pet pets cat cats perro perros mascota "
           "mascotas chien chiens animaux animal hund hunde haustier haustiere",
    "deliver": "deliver delivers delivery deliveries delivering ship ships shipping shipped "
               "post postage courier dispatch envio envios domicilio reparto entrega entregas "
               "llevar llevais traer livraison livrer livrez apporter lieferung liefern liefert "
               "lieferservice versand bringen bringt",
    "vegan": "vegan vegans vegetarian veggie plant plantbased vegano vegana vegetariano vegetal "
             "vegetalien vegetarien vegane vegetarisch",
    "gluten": "gluten glutenfree gf coeliac celiac celiaco coeliaque zoliakie glutenfrei "
              "sin_gluten",
    "allergen": "allergen allergens allergy allergies allergic nut nuts peanut peanuts sesame "
                "alergia alergias alergeno alergenos allergie allergies allergene allergien",
    "park": "park parking car cars carpark aparcar aparcamiento parking stationnement "
            "parkplatz parken",
    "wifi": "wifi wi-fi internet wlan",
    "pay": "cash contactless pay paying payment payments amex visa mastercard "
           "apple tarjeta efectivo pagar carte especes payer karte bargeld zahlen bezahlen",
    "toilet": "toilet toilets loo loos bathroom bathrooms restroom restrooms wc bano banos "
              "toilettes toilette",
    "access": "wheelchair wheelchairs accessible accessibility step steps ramp pram prams "
              "buggy stroller silla rollstuhl fauteuil",
    "child": "kid kids child children baby babies toddler family ninos enfants kinder",
    "seat": "seat seats seating sit table tables inside indoor eat mesa mesas table terrasse "
            "sitzplatz sitzplatze",
    "book": "book booking bookings reserve reservation reservations reservar reserva "
            "reserver reservieren",
    "custom": "custom bespoke personalised personalized personalise personalize tailor "
              "tailored made-to-order",
    "cake": "cake cakes gateau gateaux tarta tartas pastel kuchen torte",
    "bread": "bread breads loaf loaves pan pain brot",
    "gift": "gift gifts voucher vouchers present presents regalo cadeau geschenk gutschein",
    "return": "return returns refund refunds exchange exchanges devolucion reembolso "
              "remboursement retour ruckgabe erstattung umtausch",
    "halal": "halal kosher",
    "plant": "plant plants houseplant houseplants flower flowers shrub shrubs planta plantas "
             "plante plantes pflanze pflanzen",
    "dead": "die dies died dying dead wilt wilted wilting droop drooping drooped rot rotten "
            "muerta murio morte fanee eingegangen",
    "dairy": "dairy lactose milk leche lait milch laktose",
    "sugar": "sugar sugarfree diabetic azucar sucre zucker",
    "event": "event events party parties wedding weddings birthday birthdays catering "
             "office corporate boda cumpleanos mariage anniversaire hochzeit geburtstag",
}
_CONCEPT_OF: dict[str, str] = {}
for _concept, _words in _CONCEPTS.items():
    for _word in _words.split():
        for _term in terms(_word.replace("_", " ")) or [_word[:6]]:
            _CONCEPT_OF.setdefault(_term, f"#{_concept}")


def concept_terms(text: str) -> list[str]:
    """The stems of `text` plus one concept term for each word a concept group knows."""
    stems = terms(text)
    return stems + [_CONCEPT_OF[stem] for stem in stems if stem in _CONCEPT_OF]


Scorer = Callable[[str], list[float]]
# How a question asks ("how much", "do you sell", "open"), not what about: prices, stock and
# hours are answered from the products and the shops, so these words never pick an FAQ entry.
GENERIC = frozenset(terms(
    "how much price prices cost costs charge cheap expensive open opening close closing hours "
    "stock left sold available have got sell selling buy order get want need know tell "
    "please thanks question"))


class WordScorer:
    """TF-IDF cosine between a question and each document, over stems and concepts.

    `ignore`: stems that say nothing about the topic (the shops' names and streets: "do you
    deliver?" is not the answer to "when does the Mill Road shop close?")."""

    def __init__(self, documents: list[list[str]], ignore: frozenset[str] = frozenset()):
        self.ignore = ignore
        documents = [[t for t in doc if t not in ignore] for doc in documents]
        frequency = Counter(term for doc in documents for term in set(doc))
        count = len(documents)
        self.idf = {term: math.log((1 + count) / (1 + df)) + 1 for term, df in frequency.items()}
        self.vectors = [self._vector(doc) for doc in documents]

    def _vector(self, words: list[str]) -> dict[str, float]:
        weights = {term: (1 + math.log(n)) * self.idf[term]
                   for term, n in Counter(words).items() if term in self.idf}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {term: w / norm for term, w in weights.items()} if norm else {}

    def __call__(self, text: str) -> list[float]:
        query = self._vector([t for t in concept_terms(text) if t not in self.ignore])
        return [sum(w * doc.get(term, 0.0) for term, w in query.items()) for doc in self.vectors]


def embedding_function() -> Callable[[list[str]], object] | None:
    """`bot.engine.embedding.embed` when the engine ships sentence embeddings, else None."""
    try:
        module = importlib.import_module("bot.engine.embedding")
    except ImportError:
        return None
    return getattr(module, "embed", None)


class MeaningScorer:
    """Cosine of sentence embeddings (rows are L2-normalised by `embed`)."""

    def __init__(self, embed: Callable[[list[str]], object], documents: list[list[str]]):
        """`documents`: each entry's sentences (one per language it is written in); an entry
        scores as its closest sentence."""
        import numpy as np

        self.embed = embed
        self.owner = np.asarray([i for i, sentences in enumerate(documents) for _ in sentences])
        self.count = len(documents)
        self.matrix = np.asarray(embed([s for sentences in documents for s in sentences]))

    def __call__(self, text: str) -> list[float]:
        import numpy as np

        query = np.asarray(self.embed([text]))[0]
        best = np.full(self.count, -1.0)
        np.maximum.at(best, self.owner, self.matrix @ query)
        return [float(v) for v in best]


def _each(texts) -> list[str]:
    """concept_terms of each text, one after the other."""
    return [term for text in texts if text for term in concept_terms(text)]


@dataclass(frozen=True)
class Entry:
    """One thing the brand knows: an FAQ answer, or a product."""

    faq: FAQ | None = None
    product: Product | None = None

    @property
    def label(self) -> str:
        return f'FAQ "{self.faq.question}"' if self.faq else f'product "{self.product.name}"'

    def words(self) -> list[str]:
        """Its stems in every language it is written in, the question or name counted twice.
        Each wording is read alone: together they could pass the length a message is cut to."""
        if self.faq is not None:
            asked = _each(variants(self.faq.question))
            return asked * 2 + _each(variants(self.faq.answer))
        p = self.product
        names = _each([*variants(p.name), *p.aliases])
        return names * 2 + _each([p.category, *variants(p.description)])

    def sentences(self) -> list[str]:
        """What a customer's question is compared with by meaning: one sentence a language."""
        if self.faq is not None:
            return list(variants(self.faq.question))
        p = self.product
        languages = [*getattr(p.name, "translations", {})] or [""]
        return [" ".join(part for part in (wording(p.name, lang), ", ".join(p.aliases),
                                           p.category, wording(p.description, lang)) if part)
                for lang in languages]


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


# Below this cosine two sentences share little meaning; above `_MEANING_FULL` they say the same.
_MEANING_FLOOR = 0.38
_MEANING_FULL = 0.75


def _meaning_as_score(cosine: float) -> float:
    return max(0.0, min(1.0, (cosine - _MEANING_FLOOR) / (_MEANING_FULL - _MEANING_FLOOR)))


class Knowledge:
    """The FAQ and the products, searchable by words and, when available, by meaning."""

    def __init__(self, faq: list[FAQ], products: list[Product], threshold: float,
                 meaning: bool = True, ignore: str = ""):
        self.entries = [Entry(faq=entry) for entry in faq] + \
            [Entry(product=product) for product in products]
        self.threshold = threshold
        self.words = WordScorer([entry.words() for entry in self.entries],
                                frozenset(terms(ignore)) | GENERIC)
        self.meaning: MeaningScorer | None = None
        embed = embedding_function() if meaning and self.entries else None
        if embed is not None:
            try:
                self.meaning = MeaningScorer(embed, [e.sentences() for e in self.entries])
            except Exception as error:  # a broken model must not stop the words from working
                log.warning("sentence embeddings unavailable for the FAQ (%s); matching by words",
                            error.__class__.__name__)

    def in_language(self, faq: list[FAQ], products: list[Product]) -> Knowledge:
        """The same index answering with these entries: the FAQ and products of the config
        in the reply's language, in the same order (see bot.translations.in_language)."""
        clone = copy.copy(self)
        clone.entries = [Entry(faq=entry) for entry in faq] + \
            [Entry(product=product) for product in products]
        if len(clone.entries) != len(self.entries):
            raise ValueError("the entries in another language must be the same entries")
        return clone

    def scores(self, text: str) -> list[float]:
        """One score per entry: the words' score, raised by the meaning's when it is higher."""
        by_words = self.words(text)
        if self.meaning is None:
            return by_words
        by_meaning = self.meaning(text)
        return [max(w, _meaning_as_score(m)) for w, m in zip(by_words, by_meaning, strict=True)]

    def products_by_meaning(self, text: str, floor: float,
                            margin: float = 0.05) -> tuple[Product, ...]:
        """The products `text` means, by meaning alone, when the best is at least `floor` sure
        (with those within `margin` of it: the sizes of one thing score alike). Words shared
        by chance ("bonsai tree" and "Christmas tree") never count here."""
        if self.meaning is None:
            return ()
        scores = [_meaning_as_score(m) if e.product is not None else 0.0
                  for e, m in zip(self.entries, self.meaning(text), strict=True)]
        best = max(scores, default=0.0)
        if best < floor:
            return ()
        return tuple(e.product for e, score in zip(self.entries, scores, strict=True)
                     if e.product is not None and score >= best - margin)

    def best(self, text: str, *, faq_only: bool = False) -> Match | None:
        """The best entry scoring at least the threshold; the first one wins a tie."""
        if not self.entries:
            return None
        scores = self.scores(text)
        ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        for index in ranked:
            if scores[index] < self.threshold:
                return None
            entry = self.entries[index]
            if faq_only and entry.faq is None:
                continue
            return Match(entry, round(scores[index], 4))
        return None
