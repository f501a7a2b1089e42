"""Which language a customer wrote in, offline, for short chat messages.

Two signals: a few dozen everyday words per reply language (English, Spanish, French, German:
"gracias", "combien", "habt ihr"), which decide short messages that a statistical detector gets
wrong ("merci" is not Spanish, "danke" is not Dutch), and py3langid (a compact n-gram model,
BSD licence, loaded from its package without pickles) for everything else, including languages
Nudge does not reply in ("sono aperti domenica?" is Italian). A message too short or too plain
to tell ("ok", "👍", "Crumb & Co.?") takes the language of the customer's earlier message, else
it is unknown ("") and the brand's default language is used.

`bench/language_detect.py` measures both signals on short messages.
"""

from __future__ import annotations

import re
import threading
import unicodedata

# Languages py3langid may answer: the four Nudge replies in and the ones customers of a
# European shop most often write in otherwise, so a stray guess (Xhosa for "lol ok") is ruled out.
CANDIDATES = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "sv", "da", "no", "fi", "tr", "ro",
              "cs", "el", "ru", "uk", "ar", "zh", "ja", "ko", "hi")
_LEXICON = {
    "en": """the is are you your do does can we my what how much when where open have has it to
        for and with please thanks thank hello hey yes today tomorrow will would any got there
        this that im dont just u ur pls cheers be did could should sorry order love great
        lol thx cool perfect good morning hours price of""",
    "es": """el los las que y un una es por para con tienen tienes hay cuanto cuesta precio hola
        gracias buenos buenas dias abren abierto manana hoy quiero puedo si pero muy esta estan
        donde cuando del al lo su mi pedido vale necesito tambien abre tenemos somos
        teneis podeis sois estais vosotros quisiera""",
    "fr": """le les des du est et vous je nous pour avec pas une ce c'est bonjour merci combien
        ouvert ouverts ouvrez demain aujourd'hui oui non avez etes sur dans au aux mon ma mes quel
        quelle quand s'il plait commande votre vos ici bien fermes""",
    "de": """der das und ist ich sie wir ihr habt haben nicht ein eine mit fur auf zu wie viel
        wann wo heute morgen danke hallo bitte guten offen geoffnet kostet kann konnen gibt noch
        die dem den des
        auch mein meine bestellung schon sehr gut euch bei""",
    # A few words of languages Nudge does not reply in, so the team is told which one it was.
    "it": "grazie ciao buongiorno prego aperti siete quanto costa vorrei",
    "pt": "obrigado obrigada ola bom dia custa voces queria",
    "nl": "bedankt dank hoeveel jullie goedemorgen graag",
}
REPLY_LANGUAGES = ("en", "es", "fr", "de")
_WORDS = {lang: frozenset(words.split()) for lang, words in _LEXICON.items()}
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_identifier = None
_lock = threading.Lock()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


def _identifier_model():
    """py3langid's model, loaded once (about a second; the engine's warm-up does it)."""
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            model.set_languages(list(CANDIDATES))
            _identifier = model
    return _identifier


def warm_detector() -> None:
    _identifier_model()


def lexicon_scores(text: str) -> dict[str, int]:
    """How many everyday words of each reply language the text uses."""
    tokens = _TOKEN.findall(_fold(text))
    return {lang: sum(token in words for token in tokens) for lang, words in _WORDS.items()}


def _by_lexicon(text: str, at_least: int) -> str:
    scores = lexicon_scores(text)
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= at_least and top > second else ""


def _by_model(text: str) -> tuple[str, float]:
    lang, probability = _identifier_model().classify(text)
    return lang, float(probability)


def detect_one(text: str) -> str:
    """The language of one message, or "" when it cannot be told."""
    tokens = _TOKEN.findall(_fold(text))
    if not tokens:
        return ""
    by_words = _by_lexicon(text, 2)
    if by_words:
        return by_words
    lang, probability = _by_model(text)
    if probability >= 0.9 and (len(tokens) >= 3 or lang in REPLY_LANGUAGES):
        return lang
    if probability >= 0.75 and len(tokens) >= 3 and lang in REPLY_LANGUAGES:
        return lang
    if len(tokens) >= 3 and not any(lexicon_scores(text).values()) and (
            probability >= 0.6 or (probability >= 0.5 and lang not in REPLY_LANGUAGES)):
        # No everyday word of a reply language, and the model leans to another one (a
        # product's English name in an Italian question lowers its certainty).
        return lang
    return _by_lexicon(text, 1)


def detect_language(text: str, earlier: tuple[str, ...] = ()) -> str:
    """The language of `text`; a message that cannot be told alone takes the language of the
    customer's latest earlier message that can be; "" when none can."""
    found = detect_one(text)
    if found:
        return found
    for previous in reversed(earlier):
        found = detect_one(previous)
        if found:
            return found
    return ""
