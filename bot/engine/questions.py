"""What a customer's message asks, question by question, and what the brand knows about it.

"open sunday and do you deliver?" is two questions: the reply must answer both. A message is cut
into clauses (at question marks, full stops, semicolons, and at "and" / "also" / "plus" when
what follows reads as a question of its own); each clause is checked for what it asks (a price,
whether something is in stock, opening hours or the way to a shop) and matched against the FAQ
and the products. Plain word rules, in English, Spanish, French and German; no model.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from bot.config import Product
from bot.engine.dates import date_dots
from bot.engine.faq import terms
from bot.engine.knowledge import Knowledge, Match
from bot.engine.products import (
    ASKING_WORDS,
    CONTAINER_WORDS,
    UNITS,
    ProductDirectory,
    by_size,
    words,
)


def fold(text: str) -> str:
    """Lower case, accents folded, curly quotes straightened."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


def _any(*patterns: str) -> re.Pattern:
    plain = (re.sub(r"\((?!\?)", "(?:", p) for p in patterns)  # no capturing groups
    return re.compile(r"(?<![a-z])(?:" + "|".join(plain) + r")(?![a-z])")


PRICE = _any(
    r"how much", r"price[sd]?", r"set (me|us) back", r"what'?s the damage", r"going rate",
    r"pricing", r"cost(s|ing)?", r"charge", r"what do .{1,30} go for",
    r"cheap(est)?", r"expensive", r"[£$€]", r"rate", r"fee",
    r"cuanto(?! (se )?(tarda|tardan|tardais|tardas|tiempo|dura|duran|falta|queda))"
    r"( cuesta| cuestan| vale| valen| es)?", r"precios?", r"cuesta[n]?", r"vale[n]?",
    r"combien(?! de (temps|jours|semaines|heures|minutes|personnes))", r"prix", r"coute(nt)?",
    r"tarifs?",
    r"wie ?viel", r"was kostet", r"kostet", r"kosten", r"preise?",
    r"quanto( costa| custa)?", r"costa(no)?", r"custa", r"prezzo", r"preco", r"hoeveel",
    r"kost", r"prijs",
)
# A customer coming to buy, not only to look: "pick up", "get some", "buy", "order".
BUYING = _any(r"buy(ing)?", r"pick(ing)? up", r"collect(ing)?", r"get some", r"order(ing)?",
              r"purchas\w*", r"shopping", r"comprar", r"acheter", r"kaufen", r"bestellen")
STOCK = _any(
    r"in stock", r"any left", r"left\?", r"sold out", r"still have", r"do you (have|stock|sell|do)",
    r"have you got", r"got any", r"do you still", r"available", r"availability", r"run out",
    r"tiene[ns]?", r"hay", r"queda[n]?", r"disponible[s]?", r"agotad[oa]s?",
    r"avez[- ]vous", r"vous avez", r"il reste", r"en stock", r"epuise",
    r"habt ihr", r"haben sie", r"gibt es", r"noch da", r"vorratig", r"ausverkauft",
    # "Is the new volume in yet?": arrived, in four languages.
    r"arrived", r"come in", r"arrive[es]?", r"arrivee?s", r"llegad[oa]s?", r"llego", r"llegaron",
    r"angekommen", r"eingetroffen", r"wieder da",
)
HOURS = _any(
    r"open(ing)?", r"close[sd]?", r"closing", r"hours", r"what time", r"when do you",
    r"where (are|is)", r"address", r"directions", r"location", r"find you", r"get to you",
    r"abr[ei][ns]?", r"abiert[oa]s?", r"horarios?", r"cierra[n]?", r"cerrad[oa]s?", r"donde",
    r"a que hora",
    r"ouvert(e|s)?", r"ouvrez", r"ouvre", r"horaires?", r"ferme[sz]?", r"fermee?", r"ou etes",
    r"a quelle heure", r"adresse",
    r"offen", r"geoffnet", r"offne[nt]", r"offnungszeiten", r"schliess?t", r"schliessen",
    r"geschlossen",
    r"wann", r"wo (seid|sind|ist)", r"adresse",
)
# "Hat die Buchhandlung am 6. Januar auf?", "habt ihr morgen auf": German asks with "auf".
OPEN_DE = re.compile(r"(?<![a-z])(?:hat|habt|haben|ist)(?: [\w'.-]+){0,8} (?:auf|offen)"
                      r"(?![a-z])|(?<![a-z])aufhaben(?![a-z])")
# Asking whether a shop is open (not where it is, not where an order is).
OPENS = _any(r"open(ing)?", r"close[sd]?", r"closing", r"abr[ei]n?", r"abris", r"abiert[oa]s?",
             r"cierra[n]?", r"cerrad[oa]s?", r"ouvert(e|s)?", r"ouvrez", r"ouvre", r"ferme[sz]?",
             r"offen", r"geoffnet", r"geschlossen", r"auf\s*\?", r"aufhaben")
# Asking to book a table, a seat, an appointment or a class: not buying a product, so no
# shop-wide discount goes with it.
BOOKING = _any(
    r"book(ing)?", r"reserv\w*", r"appointment", r"a table", r"sign (me|us|him|her) up",
    r"enrol\w*", r"register", r"a slot", r"mesa", r"cita", r"apuntar(me|nos|le)?",
    r"inscri\w*", r"rendez-vous", r"rdv", r"une table", r"termin\w*", r"tisch",
    r"anmelden", r"anmeldung", r"buchen",
)
# Asking to be contacted: "call me back", "email me the programme", "talk to the manager".
CONTACT_ME = _any(
    r"call (me|us)( back)?", r"ring (me|us)", r"phone (me|us)", r"give (me|us) a (call|ring)",
    r"e-?mail (me|us)", r"(send|text|message) (me|us)", r"get back to (me|us)",
    r"contact (me|us)", r"(speak|talk) (to|with) (a|the|someone|somebody|your) ?\w*",
    r"llam(a|e|ad|en)(me|nos)", r"(envia|manda|mande|enviad|mandad)(me|nos)",
    r"escrib(e|a|id)(me|nos)", r"hablar con",
    r"rappel(ez|er)[- ]?(moi|nous)", r"appel(ez|er)[- ]?(moi|nous)", r"envoy(ez|er)[- ]?(moi|nous)",
    r"contact(ez|er)[- ]?(moi|nous)", r"ecrive[sz][- ]?(moi|nous)", r"parler (a|au|avec)",
    r"ruf(en sie|t)? (mich|uns)( (bitte )?(an|zuruck))?", r"(mich|uns) (bitte )?zuruck",
    r"schick(en sie|t)? (mir|uns)", r"(mail|e-mail)(en sie|t)? (mir|uns)",
    r"sprechen mit", r"reden mit",
)
# What turns a clause into an offer question: the customer asks about deals.
OFFER = _any(r"offers?", r"deals?", r"discounts?", r"codes?", r"promos?", r"promotions?",
             r"coupons?", r"vouchers?", r"sales?", r"ofertas?", r"descuentos?", r"promocion",
             r"reduction", r"remise", r"angebote?", r"rabatt")
QUESTION_START = _any(
    r"how", r"what", r"when", r"where", r"which", r"who", r"why", r"do", r"does", r"did",
    r"can", r"could", r"is", r"are", r"will", r"would", r"have", r"has", r"any",
    r"cuanto", r"cuando", r"donde", r"que", r"tienen", r"hay", r"puedo", r"abren",
    r"combien", r"quand", r"ou", r"quel(le)?s?", r"est-ce", r"avez", r"pouvez", r"puis",
    r"wie", r"wann", r"wo", r"was", r"habt", r"haben", r"kann", r"gibt", r"ist", r"seid",
)
# How a message that goes on from the last one starts: "and the 1st?", "¿y la pequeña?",
# "et en poche ?", "und am 2.1.?", "what about Sunday".
_GOES_ON = re.compile(r"^\W*(?:(?:ok|okay|ah|oh|hm+|vale|bueno|d'accord|gut|alles klar)\W+)?"
                      r"(?:and|n|also|plus|what about|how about|y|e|et|und|sinon|et sinon"
                      r"|y que tal|que tal|und was ist mit|und wie ist es mit|aber|or|o|ou"
                      r"|oder)(?![a-z])")
FOLLOW_UP_WORDS = 7


def goes_on(text: str) -> bool:
    """Whether a short message reads as going on from the previous one ("and the 1st?")."""
    folded = fold(text).strip()
    size = len(folded.split())
    return 0 < size <= FOLLOW_UP_WORDS and bool(_GOES_ON.match(folded))


_PIECE = re.compile(r"([^?!;\n.]|(?<=\d)\.(?=\d))+([?!;\n.]*)")
_JOIN = re.compile(r",?\s+(?:and|also|plus|oh and|y|et|und|aussi|tambien|auch)\s+"
                   r"(?=(?:" + QUESTION_START.pattern + r"))")
# Words that say nothing about what is asked (bot.engine.products.ASKING_WORDS): what is left
# after them is the subject.
# Word by word: terms() reads a message, and cuts one longer than a message may be.
_GENERIC = {term for word in ASKING_WORDS.split() for term in terms(word)}
_AMOUNT_WORDS = {term for word in [*CONTAINER_WORDS.split(), *UNITS] for term in terms(word)}
# The same words as products.words() reads them, for picking a product's sibling.
_GENERIC_FOLDED = frozenset(fold(word) for word in ASKING_WORDS.split())


def clauses(text: str) -> list[tuple[str, bool]]:
    """The message cut into the questions and statements it is made of, each with whether
    it ended with a question mark."""
    parts = []
    for match in _PIECE.finditer(date_dots(fold(text))):
        asked = "?" in match.group(2)
        pieces = [p.strip(" ,¿¡") for p in _JOIN.split(match.group(0).rstrip("?!;\n. "))]
        parts += [(p, asked or n < len(pieces) - 1) for n, p in enumerate(pieces)]
    return [(p, asked) for p, asked in parts if len(p) > 1]


@dataclass(frozen=True)
class Clause:
    text: str
    price: bool
    stock: bool
    hours: bool
    offer: bool
    products: tuple[Product, ...]
    categories: tuple[str, ...]
    faq: Match | None
    question: bool

    @property
    def subject_words(self) -> list[str]:
        """The clause's words that name what it is about (not how it asks)."""
        return [t for t in terms(self.text) if t not in _GENERIC and not t.isdigit()]

    @property
    def answered(self) -> bool:
        return bool(self.products or self.categories or self.faq or self.hours)


@dataclass(frozen=True)
class Asked:
    """Everything one message asks, and what the brand's knowledge can answer."""

    clauses: tuple[Clause, ...] = ()
    # Products the customer talks about (named now, else in their previous message).
    products: tuple[Product, ...] = ()
    categories: tuple[str, ...] = ()
    earlier_products: bool = False  # products come from the previous message ("how much is it?")
    faq: tuple[Match, ...] = field(default=())
    follow_up: bool = False  # a short message going on from the last one ("and the 1st?")

    @property
    def price(self) -> bool:
        return any(c.price for c in self.clauses)

    @property
    def stock(self) -> bool:
        return any(c.stock for c in self.clauses)

    @property
    def hours(self) -> bool:
        return any(c.hours for c in self.clauses)

    @property
    def offer(self) -> bool:
        return any(c.offer for c in self.clauses)

    @property
    def unanswered(self) -> tuple[Clause, ...]:
        """Questions about something nobody in the config has answered."""
        return tuple(c for c in self.clauses
                     if c.question and not c.answered and c.subject_words)


def analyse(text: str, products: ProductDirectory, knowledge: Knowledge,
            earlier: tuple[str, ...] = ()) -> Asked:
    """What `text` asks, clause by clause; `earlier` is the customer's earlier messages."""
    found = []
    for part, asked in clauses(text):
        named = products.named(part)
        # Asked as a question, matched as one (the FAQ's entries are questions too).
        faq = knowledge.best(f"{part}?" if asked else part, faq_only=True)
        hours = bool(HOURS.search(part) or OPEN_DE.search(part))
        price = bool(PRICE.search(part))
        found.append(Clause(
            text=part, price=price, stock=bool(STOCK.search(part)) and not hours,
            hours=hours and not price, offer=bool(OFFER.search(part)),
            products=named.products, categories=named.categories,
            faq=faq, question=asked or bool(QUESTION_START.match(part)),
        ))
    found = [_product_by_meaning(clause, knowledge) for clause in found]
    if earlier:
        found = [_with_thread_faq(clause, knowledge, earlier[-1]) for clause in found]
    follow_up = bool(earlier) and goes_on(text)
    if follow_up and len(found) == 1 and not (found[0].products or found[0].categories):
        talked_before = _earlier_products(products, earlier)
        siblings = products.siblings(found[0].text, talked_before, ignore=_GENERIC_FOLDED)
        if siblings:
            found[0] = replace(found[0], products=siblings, faq=None)
    found = _follow_up(found, text, products, earlier)
    named_products = _unique(p for c in found for p in c.products)
    categories = tuple(dict.fromkeys(c for clause in found for c in clause.categories))
    from_earlier = False
    if not named_products and not categories and earlier \
            and any(c.price or c.stock for c in found):
        previous = products.named(earlier[-1])
        named_products, categories = previous.products, previous.categories
        if not previous:  # "Was kostet das?" after booking a trim named in other words
            named_products = _meant(earlier[-1], knowledge)
        from_earlier = bool(named_products or categories)
    matches = _unique_matches(c.faq for c in found if c.faq is not None)
    return Asked(tuple(found), named_products, categories, from_earlier, matches, follow_up)


# How sure a match by meaning must be before a product named in other words gets its price.
PRODUCT_BY_MEANING = 0.5


def _product_by_meaning(clause: Clause, knowledge: Knowledge) -> Clause:
    """A product named in words none of its names use ("les pneus d'hiver" for the "Winter
    tyre"), found by meaning when the clause asks about something and names nothing."""
    if clause.products or clause.categories or clause.faq or not _content(clause) \
            or not (clause.price or clause.stock):
        return clause
    found = knowledge.products_by_meaning(clause.text, PRODUCT_BY_MEANING)
    found = by_size(found, words(clause.text))
    return replace(clause, products=found) if 0 < len(found) <= 3 else clause


def _meant(text: str, knowledge: Knowledge) -> tuple[Product, ...]:
    """The products a whole earlier message means, by meaning, sizes picked by its words."""
    found = by_size(knowledge.products_by_meaning(text, PRODUCT_BY_MEANING), words(text))
    return found if len(found) <= 3 else ()


def _content(clause: Clause) -> list[str]:
    """What a clause is about beyond amounts and packaging ("the 10 kg sack" says nothing of
    which product)."""
    return [word for word in clause.subject_words
            if not word.isdigit() and word not in _AMOUNT_WORDS]


def _with_thread_faq(clause: Clause, knowledge: Knowledge, before: str) -> Clause:
    """A question nothing answers alone, read with the customer's previous message: "can I
    stay with them during the session?" after asking about the children's workshop. Only an
    entry that shares a word with the question itself is taken."""
    if not clause.question or clause.answered or not clause.subject_words:
        return clause
    match = knowledge.best(f"{before} {clause.text}?", faq_only=True)
    if match is None:
        return clause
    own = set(match.entry.words())
    if not own & set(clause.subject_words):
        return clause
    return replace(clause, faq=match)


def _earlier_products(products: ProductDirectory, earlier: tuple[str, ...]) -> tuple:
    """The products of the most recent earlier message that named any."""
    for text in reversed(earlier):
        named = products.named(text)
        if named.products:
            return named.products
    return ()


def _follow_up(found: list[Clause], text: str, products: ProductDirectory,
               earlier: tuple[str, ...]) -> list[Clause]:
    """"and the peace lily?" after "how much is the monstera?" asks the same thing: a short
    message that names a product and asks nothing takes the question of the previous one."""
    if not earlier or len(found) != 1 or len(fold(text).split()) > 6:
        return found
    clause = found[0]
    if not (clause.products or clause.categories) or clause.price or clause.stock \
            or clause.hours or clause.faq:
        return found
    before = [part for part, _ in clauses(earlier[-1])]
    price = any(PRICE.search(part) for part in before)
    stock = any(STOCK.search(part) for part in before)
    if not (price or stock):
        return found
    return [replace(clause, price=price, stock=stock and not price, question=True)]


def _unique(items) -> tuple:
    seen: list = []
    for item in items:
        if all(item is not other for other in seen):
            seen.append(item)
    return tuple(seen)


def _unique_matches(matches) -> tuple[Match, ...]:
    best: dict[int, Match] = {}
    for match in matches:
        key = id(match.entry.faq)
        if key not in best or match.score > best[key].score:
            best[key] = match
    return tuple(best.values())
