"""Products: which ones a customer names, what they cost (shown the local way), what is left.

A product is found by its name or one of its aliases, word for word after folding case,
accents and plurals ("2 sourdoughs" names "Sourdough loaf" when "sourdough" is an alias), with
one slip allowed in a long word ("croisant"). A category ("cakes") names every product in it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bot.config import Product
from bot.engine.days import _distance
from bot.translations import variants

# symbol, whether it goes before the amount, decimal separator, decimals shown
_CURRENCIES: dict[str, tuple[str, bool, str, int]] = {
    "GBP": ("£", True, ".", 2),
    "USD": ("$", True, ".", 2),
    "CAD": ("CA$", True, ".", 2),
    "AUD": ("A$", True, ".", 2),
    "NZD": ("NZ$", True, ".", 2),
    "IEP": ("£", True, ".", 2),
    "EUR": ("€", False, ",", 2),
    "CHF": ("CHF ", True, ".", 2),
    "SEK": ("kr", False, ",", 2),
    "NOK": ("kr", False, ",", 2),
    "DKK": ("kr.", False, ",", 2),
    "PLN": ("zł", False, ",", 2),
    "JPY": ("¥", True, ".", 0),
    "INR": ("₹", True, ".", 2),
}
_WORD = re.compile(r"[^\W_]+")


def format_price(amount: Decimal, currency: str, lang: str = "") -> str:
    """£4.20, $12, 4,20 €, CHF 3.50; a whole amount drops its ".00" (£12).

    `lang` writes it the way that language does: in English the symbol comes first with a
    decimal point (€4.20); in Spanish, French and German after, with a comma (4,20 €, 4,20 £).
    Without it, the currency's own custom decides."""
    symbol, before, separator, decimals = _CURRENCIES.get(currency, (currency + " ", True, ".", 2))
    if lang == "en" and not symbol.strip().isalpha():
        before, separator = True, "."
    elif lang in ("es", "fr", "de"):
        before, separator = False, ","
    quantum = Decimal(1).scaleb(-decimals)
    value = Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{value:,.{decimals}f}" if value != value.to_integral() else f"{int(value):,}"
    if separator == ",":
        text = text.replace(",", " ").replace(".", ",")
    if before:
        return f"{symbol}{text}"
    return f"{text} {symbol.strip()}"


def fold(word: str) -> str:
    """A word as compared: lower case, no accents, no plural ending."""
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(c for c in word if not unicodedata.combining(c))
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Size words customers use for the same tier, in the four languages: "the big hamper" is the
# large one, "la pequeña" the small one.
_SIZES = {
    "large": "big bigger biggest large larger largest grand grande grandes gran gros grosse "
             "gross grosser grosses grossere grosseren grosste mayor xl",
    "small": "small smaller smallest little petit petite petits pequeno pequena peque chico "
             "chica klein kleine kleiner kleines kleinere kleineren menor mini",
    "medium": "medium mediano mediana moyen moyenne mittel mittlere mittlerer",
}
_SIZE_OF = {fold(word): size for size, names in _SIZES.items() for word in names.split()}
_AMOUNT = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")  # "10kg" is "10 kg"
# "half a kilo", "medio kilo", "un demi-kilo", "ein halbes Kilo"; "a kilo", "un kilo".
_HALF_KILO = re.compile(r"(?<![\w])(half an? |medio |demi-?|un demi-?|ein halbes |halbes |"
                        r"1/2 ?)(kilo|kg)s?(?![\w])", re.IGNORECASE)
_ONE_KILO = re.compile(r"(?<![\w])(an? |one |un |une |uno |una |ein |eine |einen |"
                       r"el |le )(kilo|kg)(?![\w])", re.IGNORECASE)
_KILO = re.compile(r"(?<![\w])kilo(s|gramm?s?|grammes?|gramos?)?(?![\w])", re.IGNORECASE)
# Units a product's size is given in, as grams, millilitres or centimetres.
UNITS = {"g": 1, "gr": 1, "kg": 1000, "ml": 1, "cl": 10, "l": 1000, "cm": 1, "m": 100,
          "mm": 0.1, "inch": 2.54, "zoll": 2.54, "pouce": 2.54, "oz": 28.35, "lb": 453.6}


# How long a rental or a service lasts, in the four languages: "for half a day", "medio día",
# "einen halben Tag", "une demi-journée"; "a whole day", "día entero", "ganzen Tag", "1 día".
_HALF_DAY = re.compile(r"(?<![\w])(?:half[- ](?:a[- ])?day|medio d[ií]a|media jornada"
                       r"|halbe[nrs]? tag|halbtags|demi[- ]journ[ée]e)(?![\w])", re.IGNORECASE)
_FULL_DAY = re.compile(r"(?<![\w])(?:(?:a |one )?(?:full|whole) day|all day|(?:un |el )?d[ií]a "
                       r"(?:entero|completo)|(?:einen |den )?ganze[nrs]? tag|ganztags"
                       r"|journ[ée]e (?:enti[èe]re|compl[èe]te)|toute la journ[ée]e"
                       r"|1 (?:day|d[ií]a|tag|jour))(?![\w])", re.IGNORECASE)


# "E-Bike", "e-book", "T-Shirt", "U-Schloss": one word, not a letter and another word.
_LETTER_PREFIX = re.compile(r"(?<![\w-])([^\W\d_])[-‐]([^\W\d_]{2,})")


# Numbers from two to twelve in words ("for two", "pour nous deux", "für vier"): kits and
# tables for a number of people name it in digits. "One" is left alone: it is also "a".
_NUMBERS = {word: str(n) for n, names in enumerate([
    "", "", "two deux zwei dos", "three trois drei tres", "four quatre vier cuatro",
    "five cinq funf cinco", "six sechs seis", "seven sept sieben siete",
    "eight huit acht ocho", "nine neuf neun nueve", "ten dix zehn diez",
    "eleven onze elf", "twelve douze zwolf doce"]) for word in names.split()}


def words(text: str) -> list[str]:
    """The words as compared: folded, sizes as one word per tier, "10kg" as "10 kg", "a kilo"
    as "1 kg", half and whole days as one word each, "e-bike" as "ebike"."""
    text = _LETTER_PREFIX.sub(r"\1\2", text)
    text = _FULL_DAY.sub(" fullday ", _HALF_DAY.sub(" halfday ", text))
    text = _KILO.sub("kg", _ONE_KILO.sub(r"1 \2", _HALF_KILO.sub("500 g", text)))
    found = (fold(word) for word in _WORD.findall(_AMOUNT.sub(" ", text)))
    return [_SIZE_OF.get(word, _NUMBERS.get(word, word)) for word in found]


def amount(name: str) -> float | None:
    """How much a product holds, from the size in its name ("Guji 1 kg" is 1000), if any."""
    found = words(name)
    for number, unit in zip(found, found[1:], strict=False):
        if number.replace(",", "").isdigit() and unit in UNITS:
            return float(number) * UNITS[unit]
    return None


def _same(given: str, known: str) -> bool:
    if given == known:
        return True
    return len(known) >= 6 and len(given) >= 5 and _distance(given, known, 1) <= 1


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(all(_same(haystack[i + k], needle[k]) for k in range(size))
               for i in range(len(haystack) - size + 1))


def by_size(products: tuple[Product, ...], found: list[str]) -> tuple[Product, ...]:
    """Of several products, those a size word picks: named with it ("Large bike lock"), else,
    when their names give amounts, the biggest or the smallest ("big bag" is the 1 kg)."""
    wanted = [word for word in found if word in _SIZES]
    if len(products) < 2 or len(wanted) != 1:
        return products
    size = wanted[0]
    literal = tuple(p for p in products if size in words(" ".join(variants(p.name))))
    if literal:
        return literal
    amounts = {id(p): amount(str(p.name)) for p in products}
    known = [p for p in products if amounts[id(p)] is not None]
    if len(known) < 2 or size == "medium":
        return products
    pick = max if size == "large" else min
    chosen = pick(amounts[id(p)] for p in known)
    return tuple(p for p in known if amounts[id(p)] == chosen)


# Words that say how a customer asks, not what about.
ASKING_WORDS = (
    "how much price prices cost costs charge cheap expensive open opening close closing hours "
    "time today tomorrow tonight stock left sold available availability have got sell buy order "
    "want like need get please thanks thank hello know tell question ask wondering quick "
    "weekend morning afternoon evening day week month year one some many much more lot things "
    "thing stuff anything something everything item items product products there here "
    "shop store place come visit still also really just actually "
    # The same asking words in Spanish, French and German.
    "cuanto cuesta cuestan vale valen precio precios tienes teneis tienen venden vendeis "
    "abierto abiertos abris abren cierra cierran horario hoy manana semana quiero queria "
    "combien coute coutent prix tarif avez vend vendez ouvert ouverts ouvrez ferme fermez "
    "horaires aujourdhui demain semaine veux voudrais voudrions "
    "viel kostet kosten preis preise habt haben verkauft offen geoffnet geschlossen "
    "offnungszeiten heute morgen woche mochte mochten will wollen "
    "uno una celui celle ceux eins einen einer "
    "solo only just nur seulement juste then dann denn eigentlich ailleurs dailleurs "
    "entonces alors donc so")
# What a product comes in: "how much is the 10 kg bag?" names the 10 kg product.
CONTAINER_WORDS = (
    "bag sack pack packet tin can bottle jar box tub tute beutel packung packchen dose "
    "flasche glas bolsa paquete bote lata botella caja tarro sac sachet paquet boite "
    "bouteille pot")
_NOT_A_NAME = frozenset(fold(word) for word in f"{ASKING_WORDS} {CONTAINER_WORDS}".split())


@dataclass(frozen=True)
class Named:
    """What a text names: products (by name or alias) and categories."""

    products: tuple[Product, ...] = ()
    categories: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.products or self.categories)


class ProductDirectory:
    """The shop's products, with every way a customer may name each, worked out once."""

    def __init__(self, products: list[Product], currency: str):
        self.products = list(products)
        self.currency = currency
        self._names = [(product, [words(n) for n in (*variants(product.name), *product.aliases)
                                  if words(n)]) for product in self.products]
        from bot.engine.faq import terms  # here: faq imports this module

        # Worked out once, not per message: each product's names, their words, and which
        # products use each word (a catalog may hold thousands of products).
        self._names_by_id = {id(product): names for product, names in self._names}
        self._own = {id(product): frozenset(w for name in names for w in name)
                     for product, names in self._names}
        self._content = [(product, [[w for w in name if terms(w)] for name in names])
                         for product, names in self._names]
        self._by_word: dict[str, list[Product]] = {}
        for product in self.products:
            for word in self._own[id(product)]:
                self._by_word.setdefault(word, []).append(product)
        self.categories = sorted({p.category for p in self.products if p.category})
        self._category_words = {c: words(c) for c in self.categories}

    def price(self, product: Product, lang: str = "") -> str:
        """The product's price as a reply in `lang` shows it ("" when it has none)."""
        if product.price is None:
            return ""
        return format_price(product.price, self.currency, lang)

    def named(self, text: str) -> Named:
        """The products and categories `text` names, in config order.

        A product named by a longer phrase wins over one named by a word inside it ("rye
        sourdough" is not also "sourdough" when both exist)."""
        found = words(text)
        hits: list[tuple[Product, int]] = []
        for product, names in self._names:
            longest = max((len(n) for n in names if _contains(found, n)), default=0)
            if longest:
                hits.append((product, longest))
        if not hits:
            hits = self._scattered(found)
        products = tuple(p for p, size in hits if not any(
            other is not p and other_size > size and self._inside(p, other)
            for other, other_size in hits))
        products = self._most_said(products, found)
        categories = tuple(c for c, cw in self._category_words.items()
                           if cw and _contains(found, cw))
        return Named(by_size(products, found), categories)

    def _most_said(self, products: tuple[Product, ...], found: list[str]) -> tuple[Product, ...]:
        """The product whose names explain more of what the customer said than those named
        by a phrase: "an e-bike for half a day" is the half-day e-bike rental, not the e-bike
        for sale whose alias is "e-bike"."""
        if not products:
            return products
        from bot.engine.faq import terms  # here: faq imports this module

        said = {word for word in found
                if word not in _NOT_A_NAME and (terms(word) or word.isdigit())}
        if not said:
            return products

        # Each word of the message as the catalog spells it: itself, or the names' words one
        # slip away ("the Ethiopian" and "Ethiopia"), looked up once in the vocabulary.
        spelt: dict[str, str] = {}
        for word in said:
            spelt.update((known, word) for known in self._by_word if _same(word, known))

        def covered(product: Product) -> frozenset[str]:
            return frozenset(spelt[w] for w in self._own[id(product)] if w in spelt)

        # Only a product that says all a named one says, and more, takes its place; it shares
        # a word with the message, so only those are weighed.
        named = max((covered(p) for p in products), key=len)
        candidates = {id(p): p for word in spelt for p in self._by_word[word]}
        scores = [(covered(p), p) for p in candidates.values()]
        wider = [(c, p) for c, p in scores if c > named]
        if not wider:
            return products
        most = max(len(c) for c, _ in wider)
        better = tuple(p for c, p in wider if len(c) == most)
        return better if len(better) <= 3 else products

    def _scattered(self, found: list[str]) -> list[tuple[Product, float]]:
        """Products whose every name word (two or more) is in the text, not side by side: "un
        corte para un niño" names "Corte niño". Counted a little below a name said whole."""
        present = set(found)
        hits = []
        for (product, names), (_, content) in zip(self._names, self._content, strict=True):
            sizes = [len(n) - 0.5 for n, words_ in zip(names, content, strict=True)
                     if len(words_) >= 2 and all(w in present for w in words_)]
            if sizes:
                hits.append((product, max(sizes)))
        return hits

    def siblings(self, text: str, earlier: tuple[Product, ...],
                 ignore: frozenset[str] = frozenset()) -> tuple[Product, ...]:
        """The products `text` picks among those like the ones talked about before: "et en
        poche ?" after the large-format novel is its paperback, "¿y la pequeña?" after the
        big gift basket the small one. A sibling shares a name word with an earlier product
        and has every content word of `text` among its names."""
        from bot.engine.faq import terms  # here: faq imports this module

        wanted = [word for word in words(text)
                  if (terms(word) or word.isdigit() or word in UNITS)
                  and word not in ignore and word not in _NOT_A_NAME]
        if not wanted or not earlier:
            return ()
        before = {word for product in earlier for word in self._own.get(id(product), ())
                  if terms(word)}
        found, kinship = [], []
        for product in self.products:
            mine = self._own[id(product)]
            if all(any(_same(w, m) for m in mine) for w in wanted) and mine & before:
                found.append(product)
                kinship.append(len(mine & before))
        # The closest kin: "und das Kilo?" after the Espresso is the Espresso's kilo bag, not
        # another coffee's that shares only the word "coffee".
        found = [p for p, kin in zip(found, kinship, strict=True) if kin == max(kinship)]
        if not found and set(wanted) & set(_SIZES):
            # "and the bigger one?" when the sizes are weights: the sibling by amount.
            kin = [product for product, names in self._names
                   if {word for name in names for word in name} & before]
            found = list(by_size(tuple(kin), wanted))
            found = found if len(found) < len(kin) else []
        return tuple(found) if len(found) <= 3 else ()

    def _names_of(self, product: Product) -> list[list[str]]:
        return self._names_by_id.get(id(product), [])

    def _inside(self, short: Product, long: Product) -> bool:
        """Whether every name of `short` found is a part of a name of `long`."""
        long_names = [" ".join(n) for _, names in self._names if _ is long for n in names]
        short_names = [" ".join(n) for _, names in self._names if _ is short for n in names]
        return any(s in ln for s in short_names for ln in long_names)

    def in_category(self, category: str) -> list[Product]:
        return [p for p in self.products if p.category.casefold() == category.casefold()]

    def knows(self, name: str) -> bool:
        """Whether `name` is a product name, an alias or a category (for offers' applies_to)."""
        target = words(name)
        return any(n == target for _, names in self._names for n in names) or any(
            cw == target for cw in self._category_words.values())

    def matches(self, name: str, product: Product) -> bool:
        """Whether `name` (from an offer's applies_to) is this product, an alias or its category."""
        target = words(name)
        own = [n for p, names in self._names if p is product for n in names]
        return target in own or (bool(product.category) and words(product.category) == target)
