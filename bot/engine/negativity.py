"""Is a customer message strongly negative, whatever it asks for?

An angry "where is my order?!" is order support, and an angry "stop texting me" is an opt-out,
but both need a person now. Three signals, in English, Spanish, French and German:
- strong words of anger or disgust ("unacceptable", "inaceptable", "honteux", "Frechheit"),
  unless negated just before ("not bad" never counts; only strong words are listed anyway);
- shouting: words in capitals, "!!" or "?!", angry emoji;
- the intent model's own probabilities that the message is a complaint, or praise.
A strong word counts unless the model reads the message as praise (so "fucking amazing" is not
urgent); shouting counts only when the model leans towards a complaint (so "WOW I LOVE IT!!!"
or "HI!! ARE YOU OPEN TODAY??" are not urgent).
"""

from __future__ import annotations

import re
import unicodedata

# Written for Nudge (never taken from evaluation data): words and short phrases that carry
# strong anger or disgust in any shop's messages. Accents are ignored when matching.
STRONG_WORDS = {
    "en": (
        "unacceptable", "disgusting", "disgusted", "appalling", "appalled", "outrageous",
        "furious", "livid", "horrible", "horrendous", "terrible", "awful", "atrocious",
        "pathetic", "ridiculous", "shocking", "scam", "scammers", "rip off", "ripoff",
        "worst", "useless", "incompetent", "rude", "disgrace", "disgraceful", "shameful",
        "never again", "fed up", "sick of", "sick and tired", "this is a joke", "wtf",
        "fuck", "fucking", "shit", "shite", "crap", "bullshit", "lawyer", "trading standards",
        "report you", "pissed off",
    ),
    "es": (
        "inaceptable", "asqueroso", "asco", "vergonzoso", "verguenza", "indignante",
        "indignado", "indignada", "harto", "harta", "estafa", "estafadores", "pesimo",
        "pesima", "lo peor", "nunca mas", "desastre", "una mierda", "mierda", "basura",
        "horrible", "terrible", "furioso", "furiosa", "ridiculo", "una broma", "enfadado",
        "enfadada", "cabreado", "cabreada",
    ),
    "fr": (
        "inadmissible", "inacceptable", "honteux", "honte", "scandaleux", "scandale",
        "degoutant", "degoute", "degoutee", "lamentable", "catastrophique", "arnaque",
        "escroc", "escrocs", "plus jamais", "ras le bol", "marre", "furieux", "furieuse",
        "nul", "le pire", "merde", "horrible", "en colere", "deplorable", "minable",
    ),
    "de": (
        "unverschamt", "unverschaemt", "frechheit", "katastrophe", "katastrophal",
        "ekelhaft", "widerlich", "schrecklich", "furchtbar", "inakzeptabel", "betrug",
        "betruger", "abzocke", "nie wieder", "wutend", "wuetend", "miserabel",
        "das letzte", "schlechteste", "unmoglich", "scheisse", "scheiss", "mies",
        "skandal", "skandalos", "unfassbar", "sauerei",
    ),
}
NEGATIONS = {"not", "no", "never", "isnt", "wasnt", "arent", "nicht", "kein", "keine", "pas",
             "ni", "nada", "nunca", "sin", "without", "ohne", "jamais"}
ANGRY_EMOJI = set("😡🤬😠👎😤💢🖕💩👿😾🤮🤢")
# Angry emoji with at most this many words beside them ("😡", "👎👎 again") are a complaint.
WORDS_BESIDE_ANGRY_EMOJI = 2
# Skin tones, variation selectors and joiners carry no meaning of their own.
_EMOJI_MODIFIERS = re.compile("[\U0001F3FB-\U0001F3FF\uFE0E\uFE0F\u200D]")
# A strong word does not count from this praise probability up; shouting counts from this
# complaint probability up.
PRAISE_CANCELS_STRONG_WORD = 0.5
SHOUTING_NEEDS_COMPLAINT = 0.3

_WORD = re.compile(r"\w+")
_PHRASES = {tuple(phrase.split()) for words in STRONG_WORDS.values() for phrase in words}
_LONGEST = max(len(phrase) for phrase in _PHRASES)


def _plain(text: str) -> str:
    """Lower case without accents: "Pésimo" and "pesimo" match the same entry."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def strong_words(text: str) -> list[str]:
    """The strong words and phrases in the text that are not negated just before."""
    words = _WORD.findall(_plain(text).replace("'", "").replace("’", ""))
    found = []
    for start in range(len(words)):
        for size in range(_LONGEST, 0, -1):
            phrase = tuple(words[start : start + size])
            if len(phrase) == size and phrase in _PHRASES:
                if not (start > 0 and words[start - 1] in NEGATIONS):
                    found.append(" ".join(phrase))
                break
    return found


def shouting(text: str) -> int:
    """How many signs of shouting: capitalised words (2 or more), "!!" or "?!", angry emoji."""
    capitals = [w for w in re.findall(r"[^\W\d_]{3,}", text) if w.isupper()]
    signs = int(len(capitals) >= 2)
    signs += int("!!" in text or "?!" in text or "!?" in text)
    signs += int(any(c in ANGRY_EMOJI for c in text))
    return signs


def angry_emoji_only(text: str) -> bool:
    """Angry emoji alone or nearly alone (😡, 🤬🤬, "👎 again", "💩"): a customer this upset
    needs a person, whatever the model makes of so few characters. Any other emoji beside them
    (😂👎) leaves the message to the model."""
    text = _EMOJI_MODIFIERS.sub("", text)
    if not any(c in ANGRY_EMOJI for c in text):
        return False
    rest = "".join(c for c in text if c not in ANGRY_EMOJI)
    if any(unicodedata.category(c) == "So" for c in rest):
        return False
    return len(_WORD.findall(rest)) <= WORDS_BESIDE_ANGRY_EMOJI


def strongly_negative(text: str, complaint_probability: float,
                      praise_probability: float = 0.0) -> bool:
    """Whether a person should look at this message now, whatever its intent."""
    if strong_words(text) and praise_probability < PRAISE_CANCELS_STRONG_WORD:
        return True
    return shouting(text) > 0 and complaint_probability >= SHOUTING_NEEDS_COMPLAINT
