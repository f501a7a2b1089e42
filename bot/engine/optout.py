"""Is this message really an opt-out? Asking to stop is; asking to be contacted is not.

An opt-out is stored at once and silences offers for that customer from then on, so reading
"please call me back" or "add me to your newsletter" as one loses a customer who asked for
more. Two word patterns, in English, German, Spanish and French, written for Nudge:
- `asks_to_stop`: the customer asks for less (stop, unsubscribe, remove me, no more, don't
  send / call / contact me, leave me alone, "keine Mails mehr", "dadme de baja", "ne m'envoyez
  plus");
- `asks_to_be_contacted`: the customer asks for contact or for more (call / ring / email /
  text me, send me the menu or your offers, add me to / sign me up for a list, keep me
  posted), unless negated just before ("don't call me").
The classifier (bot.engine.classifier.decide) stores an opt-out only when the model reads
unsubscribe clearly and no contact request says otherwise; else it asks the team.
"""

from __future__ import annotations

import re
import unicodedata

_STOP = (
    # English
    r"stop\w*", r"unsub\w*", r"end my", r"turn (\w+ )?off", r"block\w*",
    r"cancel\w* (\S+ ){0,4}(e-?mails?|newsletters?|sms|texts|alerts|messages|"
    r"mailings?|notifications|marketing|promo\w*|offers|deals)",
    r"withdraw\w*", r"remove", r"delete", r"no longer", r"enough with", r"spam\w*",
    r"didn ?t (sign|ask|subscribe|opt)", r"rather not", r"removed", r"count me out",
    r"s\W?t\W?o\W?p", r"stp", r"undo", r"end (\w+ )?(subscription|messages|emails|texts)",
    r"prefer not", r"halt", r"leave me off", r"untag",
    r"no (newsletters|texts|emails|messages|calls)", r"not for me",
    r"(do not|don ?t|dont) (want|consent)", r"without the", r"mute", r"kill the", r"cease",
    r"take me out", r"lose my number", r"silence", r"(do not|don ?t|dont) want to be",
    r"can (you|u) not",
    r"(do not|don ?t|dont) (\w+ ){0,2}(dm|slide|message|text|email|mail|call|ring|contact|tag)",
    r"opt(ed|ing)? (me )?out", r"opt-out", r"remove (me|my|this|us)",
    r"take (me|my|us|this) \w* ?off", r"(get|wipe|strike|cross) (me|my name) off",
    r"off (your|the|ur) (\w+ )?list", r"no more", r"no further",
    r"(do not|don ?t|dont|never) (\w+ )?(send|email|e-mail|mail|message|text|call|ring|phone|"
    r"contact|spam|bother)",
    r"leave me alone", r"not interested", r"(quit|cease) \w+ing", r"enough of",
    r"(delete|erase) my", r"don ?t want (\w+ )*(any ?more|again)", r"(any ?more|any longer)",
    r"want (out|off)",
    # German
    r"abmeld\w*", r"abbestell\w*", r"austrag\w*", r"tragt mich aus", r"tragen sie mich aus",
    r"keine \w+ mehr", r"nicht mehr", r"hor(t|en sie)? auf", r"entfern\w*", r"losch\w*", r"in ruhe",
    r"kein interesse", r"kundig\w*", r"schluss mit", r"aufhor\w*", r"streich\w*", r"raus",
    r"widerruf\w*", r"(meld|bestell|stell)\w*\W(.{0,40}\W)?ab", r"mich aus",
    r"kein\w* (\S+ ){0,4}mehr",
    r"aus (der|dem|eurer|eurem|ihrer|ihrem) \S*(liste|verteiler|newsletter)",
    # Spanish
    r"de baja", r"dejad? de", r"deje de", r"dejen de", r"no me \w+ mas",
    r"no (quiero|deseo) (recibir )?mas",
    r"(borra|borrad|borren|quita|quitad|quiten|elimina|eliminad)(me|dme|nme)\w*", r"basta",
    r"no (me )?interesa", r"sin mas", r"desuscrib\w*", r"no mas", r"quit\w* de",
    r"sac\w* de (la|vuestra|su|tu)", r"baja", r"borr\w*", r"elimin\w*", r"no (autorizo|deseo)",
    r"(dejar|dejo) de", r"anul\w*", r"quit(a|ad|en|eis)\w*", r"salir de", r"ya no", r"paren de",
    r"no me manden",
    # Italian and Portuguese, which customers write too
    r"togli\w*", r"cancellate(mi)?", r"cancellami", r"parem de", r"descadastr\w*",
    # French
    r"desinscri\w*", r"desabonn\w*", r"arret\w* (de|d|les|la|vos|ces)", r"annul\w*", r"retir\w*",
    r"supprim\w*", r"resili\w*", r"sortir de", r"plus d", r"n en \w+ plus", r"consentement",
    r"ne \w+ plus", r"ne (m|me) \w+ plus", r"plus (de|jamais)", r"retire[rz]?[- ]moi",
    r"enleve[rz]?[- ]moi", r"supprime[rz]? (moi|mon|mes)", r"laissez[- ]moi tranquille",
    r"pas interess\w*",
)
_CONTACT = (
    # English
    r"(call|ring|phone|email|e-mail|mail|text|message|contact|dm|ping|notify|tell|remind) (me|us)",
    r"(give|drop) me an? (call|ring|line|bell|email|text)", r"get (back )?in touch", r"call back",
    r"send (me|us|over)", r"(add|put|sign|subscribe) (me|us|my \w+)", r"sign up",
    r"join (your|the)", r"keep me (posted|updated|informed)", r"let me know",
    r"(i ?d|i would) (like|love) to (get|receive|hear)",
    r"(want|like|love) to (get|receive|hear about) (your|the|updates)",
    r"have someone (call|contact|ring)", r"put me (down|on|back)", r"keep (me|my \w+) (on|in)",
    r"re-?(add|subscribe)\w*", r"count me in", r"(don ?t|dont|do not|never) (take|remove|delete|"
    r"unsubscribe|drop) (me|my)", r"no me (quit|borr|elimin|saqu)\w*",
    r"ne me (retir|desinscri|enlev|supprim)\w*", r"(lasst|lassen sie) mich (im|in|auf)",
    r"(get|be|go|join|stay) on (your|the|ur) (\w+ )?list",
    r"(like|want|love|get|receive) (\w+ )?(updates|news)",
    # German
    r"ruf\w* (sie |ihr )?mich", r"(schick|send|mail)\w* (sie |ihr )?mir",
    r"meldet? (euch |sich )?bei mir", r"melden sie sich",
    r"(nehmt|nehmen sie|setzt|setzen sie) (mich|meine \w+) (\S+ ){0,4}(in|auf)",
    r"meld\w* (\w+ ){0,5}an(?!\w)", r"tragt mich (bitte )?ein",
    r"trag\w* mich (bitte )?(in|ein)", r"kontaktier\w* (sie |ihr )?mich", r"zuruckruf\w*",
    r"anmeld\w*", r"informiert mich", r"bescheid", r"gern \w+ angebote", r"hatte gern",
    r"(auf|in) (eure|ihre|die|den) (mailing ?liste|liste|verteiler|newsletter)",
    # Spanish
    r"llam(a|ad|e|en)me", r"(envia|enviad|envie|mand[ae]|mandad|pasa|pasad)(me|dme|nme)",
    r"me (mandais|enviais|pasais|podeis (enviar|mandar|pasar|llamar|contactar))",
    r"contact(a|ad|e|en)me", r"apunta(me|dme)", r"(anade|anadid)me", r"suscrib(o|irme)",
    r"(anad|pon)\w* (me|mi|nos)", r"pon(ed|ga|gan)?me", r"apuntar(me|nos)",
    r"avisa(me|dme)", r"escribi?d?me", r"(quiero|me gustaria) recibir", r"que alguien me llame",
    # French
    r"rappele[rz]?[- ]moi", r"appele[rz]?[- ]moi", r"envoye[rz]?[- ]moi", r"m ?envoyer",
    r"inscri(vez|s|re)[- ]moi", r"ajoute[rz]?[- ]moi", r"ajoute[rz]? (mon|ma|mes)",
    r"etre sur (la|votre|vos) (\w+ )?liste", r"contacte[rz]?[- ]moi", r"me contacter",
    r"m ?abonner", r"me rappeler", r"m ?appeler", r"tene[rz]?[- ]moi au courant",
    r"prevene[rz]?[- ]moi", r"ecrive[rz]?[- ]moi", r"recevoir (vos|les)", r"me transmett\w*",
)
# A contact request negated just before ("don't call me", "arrêtez de m'appeler") or just
# after ("schickt mir keine Newsletter mehr") asks for less, not more.
_NEGATED_BEFORE = re.compile(
    r"(?<!\w)(do not|don ?t|dont|didn ?t|did not|never|stop\w*|quit|cease|nicht|kein\w*|nie|"
    r"mehr|plus|pas|jamais|nunca|jamas|ne|n|arret\w*|deja\w*|deje\w*|hor\w* auf)\W+"
    r"(\w+\W+){0,2}$|(?<!\w)(no|not)\W+$")
# "Don't take me off", "no me quitéis", "ne me retirez pas": asking to stay, not to stop.
_KEEP = re.compile(r"(?<!\w)(don ?t|dont|do not|please don ?t|never|no me|ne me)\W+$")
_NEGATED_AFTER = re.compile(r"^\W*(\w+\W+)?(kein\w*|nicht|nichts|mehr|plus|no more|nunca|"
                            r"jamais)(?!\w)")


def _plain(text: str) -> str:
    """Lower case, no accents, apostrophes as spaces: "ne m'envoyez" → "ne m envoyez"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[’'`]", " ", folded).replace("ß", "ss")


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


_STOP_PATTERN, _CONTACT_PATTERN = _pattern(_STOP), _pattern(_CONTACT)


def asks_to_stop(text: str) -> bool:
    """Whether the message asks for fewer messages, calls or offers in any way ("don't take me
    off the list" does not)."""
    plain = _plain(text)
    return any(not _KEEP.search(plain[: match.start()])
               for match in _STOP_PATTERN.finditer(plain))


def asks_to_be_contacted(text: str) -> bool:
    """Whether the message asks to be contacted, sent something or added to a list (a request
    negated just before it, "don't call me", is not one)."""
    plain = _plain(text)
    return any(not _NEGATED_BEFORE.search(plain[: match.start()])
               and not _NEGATED_AFTER.search(plain[match.end():])
               for match in _CONTACT_PATTERN.finditer(plain))
