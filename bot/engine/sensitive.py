"""Questions a template must never answer: allergies and other health or safety matters (a
person or an animal ill or hurt after something bought or eaten, a near-accident in the shop),
threats, legal threats, and the press. They go to a person at once (urgent), with a holding
reply that promises nothing and carries no sales link.

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
        # A person or an animal unwell after something bought or eaten.
        r"poorly", r"unwell", r"not (been )?well", r"vet'?s? bills?", r"emergency vets?",
        r"(took|take|taken|taking|rushed|been|go|went|going) (\w+ ){0,2}to the vet'?s?",
        r"(upset|bad) (stomach|tummy)", r"(stomach|tummy) (ache|bug|upset|pains?)", r"bleeding",
        r"rash", r"swollen", r"seizures?", r"collapsed", r"lethargic", r"bitten", r"stung",
        r"(is|was|been|got|has been) (really |so |very )?sick", r"sick (after|since|from)",
        r"tierarzt\w*", r"tierklinik", r"durchfall", r"erbroch\w*", r"erbrich\w*", r"erbricht",
        r"ubergeben", r"gekotzt", r"kotzt",
        r"bauchschmerz\w*", r"verletz\w*", r"blutet\w*", r"schlecht geworden",
        r"veterinari\w*", r"diarrea", r"(se ha|se puso|esta|se ha puesto) malo",
        r"dolor de (barriga|estomago|tripa)", r"herid[oa]s?", r"sangr\w*", r"urgencias",
        r"veterinaire", r"veto", r"vomi", r"diarrhee", r"mal au ventre", r"blesse\w*",
        r"saign\w*", r"urgences",
    ),
    "safety": (
        r"(nearly|almost|could have|could've) (\w+ )?(fell|fall|fallen|tripped|slipped|hit|"
        r"crushed|killed|hurt|injured|broke|broken|knocked)", r"near miss", r"narrowly missed",
        r"(slipped|tripped) (on|over)", r"fell (on|off|over|down|from)", r"wet floor",
        r"(shelf|shelves|shelving|sign|display|boxes|box|ladder|pallet|trolley|door) (\w+ )?"
        r"(fell|came down|collapsed|toppled|crashed)", r"dangerous", r"unsafe", r"hazard\w*",
        r"fast (hingefallen|gesturzt|umgefallen|getroffen|erschlagen|ausgerutscht)",
        r"ausgerutscht", r"gestolpert", r"gesturzt", r"gefahrlich\w*", r"umgefallen",
        r"casi (me|se|nos|le) (cae|caigo|cayo|mata|mato|da|dio|golpea)\w*", r"resbal\w*",
        r"tropec\w*", r"peligros\w*", r"me cai", r"se cayo",
        r"failli (tomber|glisser|me|nous|se|prendre|recevoir)\w*", r"(j'ai|il a|elle a) glisse",
        r"(suis|est|sommes) tombe\w*", r"dangereu\w*", r"(une|grosse|fait une) chute",
    ),
    "threat": (
        r"i ?('ll|will|am going to|m going to|m gonna|'m gonna) (find|hurt|kill|smash|burn|"
        r"destroy|get|sort) (you|u|your|ur)", r"kill (you|u)", r"i know where (you|u) live",
        r"(you|u)('ll| will) (regret|pay for) (this|it)", r"watch (your|ur) back",
        r"burn (your|ur|the) (shop|place|store|business)", r"smash (your|ur|the) (windows?|shop|"
        r"place|face)", r"(mach|bring)\w* (dich|euch|sie) (fertig|um)", r"werdet es bereuen",
        r"wirst es bereuen", r"ich weiss,? wo", r"abfackeln", r"umbringen",
        r"(os|te|se) (vais|vas|van) a arrepentir", r"se (donde|que) vives",
        r"(os|te|les) voy a (matar|partir|quemar|buscar)", r"quemar (la|el|vuestr[oa]) "
        r"(tienda|local|negocio)", r"(vous allez|tu vas) le regretter",
        r"je sais ou (tu|vous) habit\w*", r"je vais (vous|te) (tuer|casser|defoncer|retrouver)",
        r"bruler (votre|la|le|ta) (boutique|magasin)",
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


# The holding reply each topic shares with one the templates word (an injury or a near miss is
# answered as health is, a threat as a legal matter: calmly, by a person, promising nothing).
WORDING = {"safety": "health", "threat": "legal"}


def wording(topic: str) -> str:
    """The topic whose holding reply this topic uses (allergy, health, legal or press)."""
    return WORDING.get(topic, topic)


def sensitive_topic(text: str) -> str | None:
    """"allergy", "health", "safety", "threat", "legal" or "press" when the message touches
    one; else None."""
    folded = fold(text)
    for topic, pattern in _PATTERNS.items():
        if pattern.search(folded):
            return topic
    return None
