"""Promises and claims written in words, grouped by what they promise, in en, es, fr and de.

A draft may say "it's on us" where the facts say "free", or "a great deal" where they say
"10% off": the guardrails compare concepts, not words. A concept in the draft that the facts
(and the engine's own reply) never raise is an invention, and the draft is dropped. Each pattern
is matched on text already folded by bot.plaintext.visible, case-insensitively.
"""

from __future__ import annotations

import re
from functools import cache

# Words that promise something of value, or a condition, and must come from the facts.
PROMISES: dict[str, tuple[str, ...]] = {
    "something free": (
        # "free" alone, not "gluten-free", "feel free", "free to", "free time", "free table".
        r"(?<![-\w])(?<!feel )(?<!feel very )free\b(?![-\w])(?! to\b)(?! time\b)(?! table)"
        r"(?! seat)(?! slot)(?! spot)(?! parking)(?! wi-?fi)",
        r"\bfor nothing\b", r"\bcosts? (?:you )?nothing\b", r"\bno (?:extra )?charge\b",
        r"\bat no (?:extra |additional )?cost\b", r"\bwithout (?:any )?charge\b",
        r"\bon the house\b", r"\bcomplimentary\b", r"\bfreebies?\b", r"\bgratis\b",
        r"(?<!rely )(?<!count )(?<!depend )(?<!call )(?<!trust )(?<!lean )(?<!focus )"
        r"(?<!check )(?<!ring )(?<!in )(?<!upon )(?<!wait )(?<!find )(?<!follow )(?<!tag )"
        r"(?<!visit )"
        r"(?<!shop )(?<!order )(?<!book )(?<!message )(?<!reach )(?<!with )(?<!spend time )"
        r"\bon us\b(?! (?:on|at|via|in)\b)",
        r"\b(?:won'?t|will not|doesn'?t|does not|didn'?t) cost\b", r"\bzero cost\b",
        r"\bnothing to pay\b", r"\bwithout paying\b", r"\bgiveaway\b", r"\bgive (?:you )?away\b",
        r"\b(?:don'?t|do not|won'?t|will not|never|needn'?t) (?:have to |need to )?pay\b",
        r"\bpay nothing\b", r"\bno cost\b", r"\bthrow\w* in\b", r"\bthrown in\b",
        r"\btoss\w* in\b", r"\bextra \w+ (?:for|at) no\b", r"\bwaive[ds]?\b",
        r"\bcover(?:s|ed)? (?:the |your |all )?(?:postage|delivery|shipping|costs?|bill|fees?)\b",
        r"\bgratuit(?:e|s|es|ement)?\b", r"\boffert(?:e|s|es)?\b", r"\ben cadeau\b",
        r"\bsin (?:coste|costo|cargo)\b", r"\bde regalo\b", r"\bregal(?:amos|o)\b",
        r"\bkostenlos\w*", r"\bumsonst\b", r"\bgeschenkt\b", r"\bgeht auf uns\b",
        r"\bcorre (?:de|por) nuestra cuenta\b", r"\bc'est pour nous\b",
    ),
    "a discount": (
        r"\bdiscount\w*", r"(?:%|\d)\s*off\b", r"\bmoney off\b", r"(?<!great )\bdeals?\b(?! with)",
        r"\bbargains?\b", r"\ba (?:real |total |absolute )?steal\b", r"\bsnip\b",
        r"\b(?:on|in the|a) sale\b", r"\bsale (?:price|on)\b",
        r"\bsave (?:\d|£|\$|€|money|up to|big|on|yourself|a bundle)",
        r"\bsavings?\b",
        r"\bcheaper\b", r"\breduc(?:ed|tion|tions)\b", r"\bmarked down\b", r"\bmarkdown\b",
        r"\bprice drop\b", r"\bspecial (?:price|offer|deal)\b", r"\blower price\b",
        r"\bknock\w* [\w £$€]{0,12}off\b", r"\bslash\w* prices?\b", r"\bcut[- ]price\b",
        r"\bdescuento\w*", r"\brebaj\w+", r"\bofertas?\b", r"\bpromoci[oó]n\b", r"\bahorr\w+",
        r"\bremises?\b", r"\br[ée]duction\w*", r"\brabais\b", r"\bsoldes\b", r"\bpromo\b",
        r"\b[ée]conomis\w+", r"\brabatt\w*", r"\bpreisnachlass\b", r"\bsonderangebot\w*",
        r"\bschn[äa]ppchen\b", r"\breduziert\w*", r"\bg[üu]nstiger\b", r"\bsparen\b",
        r"\bspar\w* (?:sie|du)\b", r"%\s*(?:de descuento|de r[ée]duction|rabatt)",
    ),
    "a multi-buy deal": (
        r"\bbogo\w*", r"\bbuy (?:one|1|two|2)\W+(?:and )?get (?:one|1|a second|another)",
        r"\b(?:\d|one|two|three|four)[\s-]*(?:for|x)[\s-]*(?:the price of )?(?:\d|one|two|three)\b",
        r"\b\d\s*\+\s*\d\b(?!\s*(?:=|%))", r"\bsecond (?:one |item |box |loaf |coffee |cake )?"
        r"(?:is )?(?:free|half|on us|for)\b", r"\bget (?:one|another|a second)\b[^.!?]{0,20}"
        r"\b(?:free|on us|half)", r"\b(?:dos|tres) por (?:uno|dos)\b",
        r"\b(?:deux|trois) pour (?:un|une|deux)\b", r"\b(?:zwei|drei) f[üu]r (?:eins|zwei)\b",
        r"\b(?:el|la) segund[oa] (?:gratis|a mitad)", r"\ble (?:deuxi[èe]me|second) (?:offert|"
        r"gratuit|[àa] moiti[ée])", r"\bdas zweite (?:gratis|umsonst|kostenlos|zum halben)",
    ),
    "a share of the price": (
        r"\bhalf\b(?! (?:an? |past )?(?:hour|day|dozen|way))(?!-(?:hour|day|way))",
        r"\bhalves\b", r"\bquarter\b(?! (?:past|to)\b)", r"\b(?:a|one|two) thirds?\b",
        r"\b(?:a|one) fifth\b", r"\bmitad\b", r"\bmoiti[ée]\b", r"\bh[äa]lfte\b",
        r"\bhalbe[nm]? preis", r"\bzum halben\b", r"\bun tiers\b", r"\bun quart\b",
        r"\bun tercio\b", r"\bun cuarto\b(?! de hora)", r"\bein drittel\b", r"\bein viertel\b",
        r"\bdouble (?:points|stamps|rewards|loyalty|the)\b", r"\btwice the\b",
    ),
    "an amount in words": (
        r"\bfivers?\b", r"\btenners?\b", r"\bquid\b", r"\bbucks?\b(?!\s*fizz)", r"\bpence\b",
        r"\bpennies\b", r"\bcents?\b", r"\bc[ée]ntimos?\b", r"\bcentimes?\b", r"\bbob\b(?= off)",
        r"\ba grand\b(?= off)", r"\bpounds? off\b", r"\beuros? (?:off|de descuento|de moins)\b",
    ),
    "a refund": (
        r"\brefund\w*", r"\bmoney[- ]back\b", r"\bmoney (?:is |will be )?(?:returned|back)\b",
        r"\b(?:return|give|get|send) (?:you |your )?(?:the |your )?money\b",
        r"\breimburs\w+", r"\brepay\w*", r"\bpay (?:you )?back\b", r"\bcredit (?:your|to your|"
        r"back)\b", r"\bstore credit\b", r"\breembols\w+", r"\bdevol(?:ver|vemos|vemos el|"
        r"uci[oó]n)\w*", r"\bremboursements?\b", r"\brembours\w*", r"\br[üu]ckerstatt\w*",
        r"\berstatt\w*", r"\bgeld zur[üu]ck\b", r"\bzur[üu]ckzahl\w*",
    ),
    "price matching": (
        r"\bprice[- ]match\w*", r"\bmatch\w* (?:any|their|a|the|your|every|competitors?'?)\b"
        r"[^.!?]{0,25}\bprices?\b", r"\bbeat (?:any|their|every)\b", r"\blowest prices?\b",
        r"\bbest prices?\b", r"\bcheapest\b", r"\bcheaper than\b", r"\bunbeatable\b",
        r"\bfind (?:it|them|one|the same) cheaper\b", r"\bwe'?ll match\b",
        r"\bigual\w* (?:cualquier|el) precio\b",
        r"\bmejor precio\b", r"\bprecio m[áa]s bajo\b",
        r"\baligne\w* (?:\w+ )?(?:prix|tarifs)\b", r"\bconcurrence\b", r"\bcompetencia\b",
        r"\bkonkurrenz\w*", r"\bcompetitors?'?s?\b",
        r"\bmeilleur prix\b", r"\bprix le plus bas\b", r"\bpreisgarantie\b", r"\bbestpreis\b",
        r"\bg[üu]nstigste\w*", r"\bniedrigste\w* preis\b",
    ),
    "shipping": (
        r"\bwe (?:can )?ship\b", r"\bships?\b (?:to|anywhere|worldwide|nationwide|within|in \d|"
        r"by|tomorrow|today|for|out)\b", r"\bshipping (?:is |will be )?(?:included|covered|on us|"
        r"free|worldwide|anywhere)", r"\b(?:fast|quick|express|tracked|speedy|next[- ]day|"
        r"same[- ]day|overnight) (?:shipping|delivery|postage|dispatch|service)\b",
        r"\bpostage\b", r"\bcourier\b", r"\bsame[- ]day\b", r"\bre-?ship\w*",
        r"\bdispatch\w*", r"\bsend (?:it|them|a new one|another|a replacement) out\b",
        r"\bdeliver\w* (?:is |are |will be )?(?:included|covered|anywhere|worldwide|nationwide|"
        r"to your (?:door|home)|within|in \d|by (?:tomorrow|tonight|\w+day)|tomorrow|today)",
        r"\bhome delivery\b", r"\bdoorstep\b", r"\bto your door\b", r"\bwe deliver\b",
        r"\benv[ií]o (?:gratis|gratuito|incluido|expr[ée]s|urgente|en \d)", r"\benviamos\b",
        r"\ba domicilio\b", r"\blivraison (?:offerte|gratuite|express|incluse|en \d|\w+ domicile)",
        r"\bnous livrons\b", r"\bexp[ée]di\w* (?:sous|en|dans|gratuit)", r"\bversandkostenfrei\b",
        r"\bexpressversand\b", r"\bwir liefern\b", r"\blieferung (?:ist )?(?:inklusive|gratis|"
        r"kostenlos|frei|bis)",
    ),
    "a guarantee": (
        r"\bguarant\w*", r"\bwarrant(?:y|ies)\b", r"\bwe promise\b", r"\bi promise\b",
        r"\bpromised? (?:you|that)\b", r"\brisk[- ]free\b", r"\bno risk\b",
        r"\bno questions asked\b", r"\bgarant\w+",
        r"\bprometemos\b", r"\bpromet(?:tons|s)\b", r"\bversprech\w*", r"\bsans risque\b",
        r"\bsin riesgo\b", r"\bohne risiko\b",
    ),
    "a deadline or rush": (
        r"\bhurry\b", r"\blast chance\b", r"\blimited[- ]time\b", r"\bfor a limited\b",
        r"\blimited (?:stock|offer|edition|availability)\b",
        r"\bwhile (?:stocks?|supplies) last\b", r"\b(?:today|tonight|this week(?:end)?) only\b",
        r"\bonly (?:today|tonight|this week)\b", r"\b(?:ends?|ending|expires?|expiring) "
        r"(?:soon|today|tonight|tomorrow|at midnight|this|next|on)\b", r"\bdeadline\b",
        r"\bact (?:now|fast|quickly)\b", r"\bdon'?t miss\b", r"\bbefore (?:it'?s|they'?re) gone\b",
        r"\bselling (?:fast|out)\b", r"\balmost gone\b", r"\b(?:few|last few|only \w+) left\b",
        r"\bfinal (?:day|days|hours|chance)\b", r"\blast day\b", r"\bcountdown\b",
        r"\bend of (?:the )?(?:day|week|month|year|season)\b", r"\bthis season\b",
        r"\bdate prisa\b", r"\bdaos prisa\b", r"\b[úu]ltim[ao]s? (?:oportunidad|d[ií]as?|"
        r"unidades)\b", r"\btiempo limitado\b", r"\bs[óo]lo (?:por )?hoy\b",
        r"\bhasta agotar\b", r"\bfin de mes\b", r"\bd[ée]p[êe]chez\b", r"\bderni[èe]re chance\b",
        r"\bderniers jours\b", r"\btemps limit[ée]\b", r"\baujourd'hui seulement\b",
        r"\bseulement aujourd'hui\b", r"\bjusqu'[àa] [ée]puisement\b", r"\bfin du mois\b",
        r"\bbeeil\w*", r"\bletzte chance\b", r"\bnur heute\b", r"\bnur noch\b",
        r"\bbegrenzt\w*", r"\bsolange der vorrat\b", r"\bmonatsende\b", r"\bende (?:des monats|"
        r"der woche)\b",
    ),
    "a gift card or loyalty reward": (
        r"\bvouchers?\b", r"\bcoupons?\b", r"\bgift ?cards?\b", r"\bgift certificates?\b",
        r"\bloyalty\b", r"\breward points?\b", r"\bpoints? (?:card|scheme)\b", r"\bstamp card\b",
        r"\bbonus\b", r"\bcashback\b", r"\bcup[oó]n\w*", r"\bvale (?:de|regalo)\b",
        r"\btarjeta regalo\b", r"\bbon d'achat\b", r"\bcarte (?:cadeau|de fid[ée]lit[ée])\b",
        r"\bgutschein\w*", r"\btreuepunkt\w*", r"\bbonuskarte\b",
        r"\bfidelidad\b", r"\bfid[ée]lit[ée]\b", r"\bun vale\b", r"\btreue(?:karte|programm)\b",
        r"\bcollect\w* (?:\w+ )?(?:stamps|points)\b", r"\b(?:stamps?|points?) (?:with|on|per|for) "
        r"(?:every|each)\b", r"\bearn\w* (?:\w+ )?(?:points|stamps|rewards)\b",
        r"\bsammel\w* (?:\w+ )?(?:punkte|stempel)\b", r"\btampons?\b", r"\bsellos?\b",
    ),
    # How to claim something: a word to say, a message to show, a code to scan. A model invents
    # these readily ("show this message in store for a treat"); only the facts can set them.
    "a way to redeem": (
        r"\bsecret (?:word|phrase|code|password|menu|handshake)s?\b", r"\bpass ?words?\b",
        r"\b(?:magic|special|secret|safe) (?:words?|phrases?)\b",
        r"\btell (?:the|our|any) (?:barista|staff|cashier|server|person at)\b",
        r"\b(?:show|present)\w*\b[^.!?]{0,30}\b(?:at|to) the (?:till|counter|register|cashier)\b",
        r"\b(?:send|text|env[íi]a|manda|envoie|envoyez|schick|sende)\w* (?:us |nous |uns )?"
        r"[\"'«„]?(?-i:[A-ZÁÉÍÓÚÑÄÖÜ]{2,})\b(?![\"'»“]?\s*(?:to|a|à|an)\s+\d)",
        r"\b(?:came|come|found us|heard about us) (?:from|via|through) (?:slack|discord|this chat|"
        r"here)\b",
        r"\bpass ?phrases?\b", r"\bcode ?words?\b", r"\bmagic words?\b",
        r"\bmention (?:this|the|our) (?:chat|message|conversation|post|ad|text)\b",
        r"\b(?:show|present|bring|flash|hold up)\w*(?: \w+){0,2} (?:this|the|a|your|that) "
        r"(?:message|chat|text|dm|screenshot|screen|post|conversation|phone|email|app)\b",
        r"\b(?:say|whisper|tell (?:us|the team|staff))\b[^.!?]{0,40}\b(?:at|to) the (?:till|"
        r"counter|register|cashier|door)\b", r"\bsag\w*\b[^.!?]{0,40}\b(?:an der (?:kasse|theke)|"
        r"am tresen)\b", r"\bd(?:i|ile|iles|ecid)\b[^.!?]{0,40}\ben (?:la )?(?:caja|mostrador|"
        r"barra)\b", r"\bdi(?:s|tes)\b[^.!?]{0,40}\b(?:au comptoir|en caisse|[àa] la caisse)\b",
        r"\bscreen ?(?:shots?|grabs?)\b", r"\bqr\b", r"\bscan\w*",
        r"\b(?:reply|respond|answer|text)(?: back)? (?:with |to us with )?[\"'“‘]?"
        r"(?-i:[A-Z]{2,})\b",
        r"\bgeheim\w*", r"\bpasswort\w*", r"\bkennwort\w*", r"\bcodewort\w*",
        r"\bzauberwort\w*", r"\bbildschirmfoto\w*", r"\bzeig\w* (?:\w+ )?(?:diese|die|deine) "
        r"(?:nachricht|chat|screenshot|bildschirm|handy|display)",
        r"\berw[äa]hn\w* (?:\w+ )?(?:diesen|den) chat",
        r"\bantworte\w* (?:\w+ )?mit [„\"'‚]?(?-i:[A-ZÄÖÜ]{2,})\b",
        r"\bpalabras? (?:secreta|clave|m[áa]gica)s?\b", r"\bcontrase[ñn]as?\b",
        r"\bcapturas? de pantalla\b", r"\bpantallazos?\b", r"\bescane\w*",
        r"\b(?:ense[ñn]|muestr|present)\w* (?:\w+ )?(?:este|el|tu|la) (?:mensaje|chat|pantalla|"
        r"m[óo]vil|captura)\b",
        r"\bmenciona\w* (?:este|el) (?:chat|mensaje)\b",
        r"\bresponde\w* (?:con )?[«\"']?(?-i:[A-ZÁÉÍÓÚÑ]{2,})\b",
        r"\bmots? (?:de passe|secrets?|magiques?|cl[ée]s?)\b", r"\bcaptures? d'[ée]cran\b",
        r"\bscann\w*", r"\b(?:montr|pr[ée]sent)\w* (?:\w+ )?(?:ce|le|ton|votre|l') ?"
        r"(?:message|chat|[ée]cran|t[ée]l[ée]phone|portable)\b",
        r"\bmentionne\w* (?:cette|la|ce) (?:conversation|discussion|chat|message)\b",
        r"\br[ée]ponds?\w* [«\"']?\s?(?-i:[A-ZÉ]{2,})\b",
    ),
    # How long a delivery or a collection takes, which only the shop can say.
    "a delivery or collection time": (
        r"\b(?:within|in(?: about| under| less than)?|takes?|taking|take about) (?:an?|one|two|"
        r"three|few|a few|a couple of|the|\d+) (?:working |business )?(?:hours?|days?|weeks?)\b",
        r"\bwithin the (?:hour|day|week)\b",
        r"\bready (?:(?:in|within) (?:an?|one|two|the|under|less|about|a few|\d)|by|from)\b",
        r"\bready (?:to|for) (?:collect\w*|pick(?:ing)?[- ]?up"
        r"|pickup|collection)\b", r"\bsame (?:afternoon|morning|evening|day)\b",
        r"\b(?:next|following) (?:morning|afternoon|evening|day|working day|business day)\b",
        r"\bovernight\b", r"\b(?:an?|one|two|\d+) (?:hours?|days?) after (?:you )?order",
        r"\bwill be with you\b", r"\byou'?ll (?:have|receive|get) (?:it|them|"
        r"your (?:order|box|parcel))\b", r"\b(?:lo|la|los|las) (?:tendr[áa]s|recibir[áa]s)\b",
        r"\bllegar[áa]n?\b", r"\btu (?:l'|les )auras\b", r"\barrivera\b", r"\blivr[ée]e?s? sous\b",
        r"\bam selben tag\b", r"\bhast du (?:es|sie|deine)\b", r"\bwird (?:\w+ )?geliefert\b",
        r"\b(?:arrive|arrives|arriving|delivered|dispatched)\b[^.!?]{0,25}\b(?:within|by|in \d)",
        r"\binnerhalb (?:von )?(?:einer|eines|zwei|drei|\d+|weniger|k[üu]rzester)\b",
        r"\b(?:lieferung|versand|zustellung|abholung)\w* dauer\w*", r"\babholbereit\b",
        r"\bdauert\b[^.!?]{0,30}\b(?:stunden?|tage?n?|werktage?n?|wochen?)\b",
        r"\b(?:liegen|sind|ist) [^.!?]{0,25}\bbereit\b",
        r"\ben (?:una|un|dos|tres|\d+|menos de|pocas?|unas?) (?:horas?|d[íi]as?|semanas?)\b",
        r"\blist[oa]s? para recoger\b", r"\bsuele\w* (?:llegar|tardar)\b", r"\btarda\w* ",
        r"\bdans l'heure\b", r"\b(?:en|sous|dans) (?:une|un|deux|trois|\d+|quelques|moins d'une"
        r"|moins de) (?:heures?|jours?|semaines?)\b", r"\bpr[êe]te?s? (?:[àa]|dans)\b",
        r"\b(?:livraison|retrait|exp[ée]dition) prend\b", r"\bprend\w* [^.!?]{0,25}\bheures\b",
    ),
}

# Days and holidays a draft may name only when the facts do (each one on its own: "Christmas"
# in the facts does not back "Easter").
DAYS: dict[str, tuple[str, ...]] = {
    "tomorrow": (r"\btomorrow\b", r"\bpasado ma[ñn]ana\b", r"(?<!la )(?<!esta )(?<!cada )"
                 r"(?<!por )(?<!de )\bma[ñn]ana\b(?! por la)", r"\bdemain\b",
                 r"(?<!guten )(?<!am )(?<!jeden )(?<!heute )\bmorgen\b", r"\b[üu]bermorgen\b"),
    "tonight": (r"\btonight\b", r"\besta noche\b", r"\bce soir\b", r"\bheute (?:abend|nacht)\b"),
    "yesterday": (r"\byesterday\b", r"\bayer\b", r"\bgestern\b"),
    "weekend": (r"\bweekends?\b", r"\bfin(?:es)? de semana\b", r"\bweek-?ends?\b",
                r"\bwochenende\w*"),
    "next week": (r"\bnext week\b", r"\bla (?:semana que viene|pr[óo]xima semana)\b",
                  r"\bla semaine prochaine\b", r"\bn[äa]chste[nr]? woche\b"),
    "this week": (r"\bthis week\b", r"\besta semana\b", r"\bcette semaine\b",
                  r"\bdiese[rn]? woche\b"),
    "next month": (r"\bnext month\b", r"\bel (?:mes que viene|pr[óo]ximo mes)\b",
                   r"\ble mois prochain\b", r"\bn[äa]chste[nr]? monat\b"),
    "this month": (r"\bthis month\b", r"\beste mes\b", r"\bce mois\b", r"\bdiese[nr]? monat\b"),
    "Christmas Eve": (r"\bchristmas eve\b", r"\bnochebuena\b", r"\br[ée]veillon\b",
                      r"\bheiligabend\b", r"\bheiliger abend\b"),
    "Christmas": (r"\bchristmas\b(?! eve)", r"\bxmas\b", r"\bnavidad\w*", r"\bno[ëe]l\b",
                  r"\bweihnacht\w*", r"\bfestive season\b"),
    "New Year": (r"\bnew year\w*", r"\bnochevieja\b", r"\ba[ñn]o nuevo\b", r"\bnouvel an\b",
                 r"\bsaint-sylvestre\b", r"\bsilvester\b", r"\bneujahr\w*"),
    "Boxing Day": (r"\bboxing day\b",),
    "Easter": (r"\beaster\b", r"\bsemana santa\b", r"\bpascua\b", r"\bp[âa]ques\b",
               r"\bostern\b"),
    "Halloween": (r"\bhalloween\b",),
    "Valentine's Day": (r"\bvalentine\w*", r"\bsan valent[íi]n\b", r"\bsaint-valentin\b",
                        r"\bvalentinstag\b"),
    "Black Friday": (r"\bblack friday\b",),
    "Cyber Monday": (r"\bcyber monday\b",),
    "Thanksgiving": (r"\bthanksgiving\b",),
    "Mother's Day": (r"\bmother'?s'? day\b", r"\bmothering sunday\b", r"\bd[íi]a de la madre\b",
                     r"\bf[êe]te des m[èe]res\b", r"\bmuttertag\b"),
    "Father's Day": (r"\bfather'?s'? day\b", r"\bd[íi]a del padre\b", r"\bf[êe]te des p[èe]res\b",
                     r"\bvatertag\b"),
    "a holiday": (r"\bbank holiday\b", r"\bpublic holiday\b", r"\bholidays?\b(?! season)",
                  r"\bd[íi]a festivo\b", r"\bjour f[ée]ri[ée]\b", r"\bfeiertag\w*"),
    "Pancake Day": (r"\bpancake day\b", r"\bshrove tuesday\b"),
    "Diwali": (r"\bdiwali\b",), "Eid": (r"\beid\b",), "Hanukkah": (r"\bhanukk?ah\b",),
    "Lunar New Year": (r"\blunar new year\b", r"\bchinese new year\b"),
    "St Patrick's Day": (r"\bst\.? patrick\w*", r"\bsaint patrick\w*"),
}


@cache
def _compiled(table: str) -> dict[str, re.Pattern[str]]:
    source = PROMISES if table == "promises" else DAYS
    return {name: re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
            for name, patterns in source.items()}


def concepts_in(text: str, table: str = "promises") -> dict[str, str]:
    """The concepts `text` raises, each with the words that raised it first."""
    found = {}
    for name, pattern in _compiled(table).items():
        match = pattern.search(text)
        if match:
            found[name] = match.group(0)
    return found


def unbacked(draft: str, known: str) -> str | None:
    """The first promise or day the draft raises that the known text does not, for the log."""
    for table, kind in (("promises", "a promise not in the facts"),
                        ("days", "a day not in the facts")):
        backed = concepts_in(known, table)
        for name, words in concepts_in(draft, table).items():
            if name not in backed:
                return f"{kind}: {words} ({name})"
    return None
