"""Scripted customer conversations for bench/reply_quality.py, against bench/reply_brand.yaml
(Fernleaf Garden Co.: three garden centres around Dublin, prices in euro).

Each conversation is a start time (Dublin) and the customer's messages in one thread; each
message carries what the first suggestion must satisfy:

- has: text that must be in the reply (a price, the day's hours, the FAQ answer);
- not: text that must not be in it;
- cta: the CTA kinds allowed (None: no link);
- offers: the offers that may be mentioned (default: none); offer: one that must be;
- urgent: whether the suggestion must be flagged urgent;
- lang: the language the reply must be in (default en).

Every message is also checked for a sentence already sent in the thread. Written for this bench
by hand; none of it comes from the measuring set in ../shared/eval.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

DUBLIN = ZoneInfo("Europe/Dublin")
SALES = {"buy", "offer"}
INFO = {"learn", "buy", "offer", None}
NONE = {None}
SAFE = {None, "contact"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=DUBLIN)


MON = at("2026-11-23 11:00")  # a Monday morning
SUN_LATE = at("2026-11-29 17:30")  # a Sunday, after Riverside has closed
THU_EVE = at("2026-11-26 19:00")  # a Thursday evening (Riverside open late)
EARLY = at("2026-11-24 07:30")  # a Tuesday before anything opens
XMAS_WEEK = at("2026-12-21 12:00")  # the Monday before Christmas


def m(text: str, **checks) -> tuple[str, dict]:
    return text, checks


CONVERSATIONS: list[tuple[datetime, list[tuple[str, dict]]]] = [
    # --- prices --------------------------------------------------------------------------
    (MON, [m("how much is a monstera?", has="Monstera: €24", cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("whats the price of the peace lily", has="Peace lily: €12", cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("How much are your secateurs?", has="Secateurs: €18", cta=SALES)]),
    (MON, [m("price for a hand trowel pls", has="Hand trowel: €9.50", cta=SALES)]),
    (MON, [m("how much does a bag of peat free compost cost",
             has="Peat-free compost (40 L): €8.50", cta=SALES, offers={"compost3for2"})]),
    (MON, [m("what do you charge for the fiddle leaf fig?",
             has=("Fiddle leaf fig: €39", "sold out"), cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("how much is a snake plant", has=("Snake plant: €15.50", "only a few left"),
             cta=SALES, offers={"houseplants20"})]),
    (MON, [m("how much are your pots?", has=("Terracotta pot (20 cm): €7",
                                              "Glazed pot (30 cm): €22"), cta=SALES)]),
    (MON, [m("cost of a nordmann fir this year?", has="Christmas tree (Nordmann fir): €55",
             cta=SALES)]),
    (MON, [m("how much is a glazed pot", has="Glazed pot (30 cm): €22", cta=SALES,
             not_="Terracotta")]),
    (MON, [m("what's the price of tulip bulbs?", has="Tulip bulbs (pack of 20): €6.50",
             cta=SALES, not_="half price")]),
    (MON, [m("how much would a bonsai tree be?", has="check", not_="€", cta=INFO)]),
    (MON, [m("do you do a discount for allotment societies?", not_="€", cta=INFO)]),
    (MON, [m("how much is delivery?", has="7,50 euro", cta=INFO)]),
    (MON, [m("how much is a seed compost bag", has="Seed compost (20 L): €6", cta=SALES,
             offers={"compost3for2"})]),
    # --- a price, then more in the same thread -------------------------------------------
    (MON, [m("hi! how much is a monstera?", has="Monstera: €24", cta=SALES,
             offers={"houseplants20"}),
           m("and the peace lily?", has="Peace lily: €12", cta=SALES),
           m("great, I'll order both for click and collect", cta=SALES)]),
    (MON, [m("do you have secateurs in stock?", has="Secateurs: in stock", cta=INFO),
           m("how much are they?", has="Secateurs: €18", cta=SALES)]),
    (MON, [m("how much is compost?", has="Peat-free compost (40 L): €8.50", cta=SALES,
             offers={"compost3for2"}),
           m("and how much is the seed compost?", has="Seed compost (20 L): €6", cta=SALES),
           m("ok thanks", cta=NONE)]),
    (MON, [m("price of a snake plant?", has="Snake plant: €15.50", cta=SALES,
             offers={"houseplants20"}),
           m("is there a code for the houseplant sale?", has="GREEN20", cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("how much is a christmas wreath", has="Holly wreath: €28", cta=SALES),
           m("do you deliver them?", has="We deliver within 20 km", cta=INFO),
           m("lovely, thank you", cta=NONE)]),
    (MON, [m("how much is a trowel?", has="Hand trowel: €9.50", cta=SALES),
           m("and secateurs?", has="Secateurs: €18", cta=SALES),
           m("perfect", cta=NONE),
           m("are you open this sunday at riverside?", has="Open on Sunday 11:00-17:00",
             cta={"visit", None}, offers={"hot-drink"})]),
    # --- buying ---------------------------------------------------------------------------
    (MON, [m("I'd like to order two bags of peat free compost", cta=SALES,
             offers={"compost3for2"})]),
    (MON, [m("can I buy a christmas tree online and collect it saturday?", cta=SALES)]),
    (MON, [m("I want to get a monstera for my mum", cta=SALES, offers={"houseplants20"})]),
    (MON, [m("I'd like to order 3 terracotta pots please", cta=SALES,
             not_="Fancy adding Terracotta")]),
    (MON, [m("can I order a glazed pot for pickup tomorrow?", cta=SALES,
             offers=set())]),
    (MON, [m("I'll take a peace lily please", cta=SALES, offers={"houseplants20"}),
           m("also want a glazed pot to go with it", cta=SALES,
             not_=("20% off all houseplants", "GREEN20"))]),
    (MON, [m("I want to buy a holly wreath", cta=SALES),
           m("and a christmas tree too", cta=SALES, not_="Fancy adding Holly wreath")]),
    (MON, [m("can I reserve a nordmann fir for next weekend?", cta=SALES)]),
    (MON, [m("I'd like to buy secateurs and a trowel", cta=SALES,
             not_=("GREEN20", "compost"))]),
    (MON, [m("do you sell gift cards? I want one for my sister", has="gift cards from 10 to 200",
             cta=INFO)]),
    # --- product questions answered from the FAQ -----------------------------------------
    (MON, [m("can I bring my dog to the shop?", has="dogs on a lead are welcome",
             cta=INFO)]),
    (MON, [m("are pets allowed inside?", has="dogs on a lead are welcome", cta=INFO)]),
    (MON, [m("is there somewhere to park?", has="free car parks", cta=INFO)]),
    (MON, [m("where do I park for the kilkenny shop", has="Abbey Lane car park",
             cta={"learn", "visit", None})]),
    (MON, [m("my monstera died after a month, what can I do?",
             has="12-month guarantee", cta={"learn", "contact", None})]),
    (MON, [m("is the harbour shop wheelchair accessible?", has="step-free",
             cta={"learn", "visit", None})]),
    (MON, [m("can your staff help me choose plants for a shady balcony?",
             has="staff are happy to help", cta=INFO)]),
    (MON, [m("do you deliver to Bray?", has="We deliver within 20 km", cta=INFO)]),
    (MON, [m("is the snake plant easy to look after?", cta=INFO, not_="€",
             offers={"houseplants20"})]),
    (MON, [m("do you have the fiddle leaf fig at the moment?", has="sold out", cta=INFO,
             offers={"houseplants20"})]),
    (MON, [m("do you sell bird feeders?", has="check", not_="€", cta=INFO)]),
    (MON, [m("do you stock peat free compost", has="in stock", cta=INFO,
             offers={"compost3for2"})]),
    # --- several questions in one message ------------------------------------------------
    (MON, [m("are you open on sunday at riverside and can I bring my dog?",
             has=("Open on Sunday 11:00-17:00", "dogs on a lead are welcome"),
             cta={"visit", None}, offers={"hot-drink"})]),
    (MON, [m("how much is the monstera and do you deliver?",
             has=("Monstera: €24", "We deliver within 20 km"), cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("is there parking at harbour? also what time do you close today there",
             has=("free car parks", "16:00"), cta={"visit", "learn", None})]),
    (MON, [m("how much is a snake plant and have you got any in stock?",
             has=("Snake plant: €15.50", "only a few left"), cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("do you sell gift cards and can you deliver them?",
             has=("gift cards from 10 to 200", "We deliver within 20 km"), cta=INFO)]),
    (MON, [m("what are the hours at old town on saturday and is it wheelchair accessible?",
             has=("10:00-16:00", "ramp on request"), cta={"visit", "learn", None})]),
    # --- opening hours --------------------------------------------------------------------
    (MON, [m("what time does riverside close today?", has="Open now until 18:00 today",
             cta={"visit", None}, offers={"hot-drink"})]),
    (MON, [m("is old town open today?", has=("Closed today (Monday)", "Harbour"),
             cta={"visit", None})]),
    (MON, [m("are you open on sunday in kilkenny?", has="Closed on Sunday",
             cta={"visit", None})]),
    (MON, [m("harbour hours saturday?", has="Open on Saturday 08:00-18:00",
             cta={"visit", None})]),
    (MON, [m("what time does the howth shop open tomorrow?",
             has="Open tomorrow (Tuesday) 08:00-16:00", cta={"visit", None})]),
    (MON, [m("is riverside open late on thursday?", has="Open on Thursday 09:00-20:00",
             cta={"visit", None}, offers={"hot-drink"})]),
    (MON, [m("where are your shops?", has=("4 Quay Street", "27 Abbey Lane", "Pier Road"),
             cta={"visit", None})]),
    (SUN_LATE, [m("is riverside still open?", has="We're closed now",
                  cta={"visit", None}, offers={"hot-drink"})]),
    (SUN_LATE, [m("open sunday at riverside?", has=("We're closed now", "11:00-17:00"),
                  not_="Open now", cta={"visit", None}, offers={"hot-drink"})]),
    (SUN_LATE, [m("is the riverside shop open right now?",
                  has=("We're closed now", "Harbour"), cta={"visit", None},
                  offers={"hot-drink"})]),
    (THU_EVE, [m("what time do you close tonight at riverside?", has="Open now until 20:00",
                 cta={"visit", None}, offers={"hot-drink"})]),
    (EARLY, [m("is harbour open yet?", has="Opening at 08:00 today", cta={"visit", None})]),
    (EARLY, [m("is the old town shop open today", has="Opening at 10:00 today",
               cta={"visit", None})]),
    # --- the holidays ---------------------------------------------------------------------
    (XMAS_WEEK, [m("are you open on christmas day at riverside?",
                   has="Closed on Friday 25 December (Christmas Day)", cta={"visit", None},
                   offers={"hot-drink"})]),
    (XMAS_WEEK, [m("riverside hours on christmas eve?",
                   has="Open on Thursday 24 December (Christmas Eve) 09:00-13:00",
                   cta={"visit", None}, offers={"hot-drink"})]),
    (XMAS_WEEK, [m("is harbour open on stephen's day?",
                   has="Saturday 26 December (holiday hours) 10:00-14:00",
                   cta={"visit", None})]),
    (XMAS_WEEK, [m("old town open on the 26th?", has="Closed on Saturday 26 December",
                   cta={"visit", None})]),
    (XMAS_WEEK, [m("what are riverside's hours new year's eve", has="09:00-15:00",
                   cta={"visit", None}, offers={"hot-drink"})]),
    (XMAS_WEEK, [m("are you open on new year's day in riverside?",
                   has="Closed on Friday 1 January (New Year's Day)", cta={"visit", None},
                   offers={"hot-drink"})]),
    (XMAS_WEEK, [m("harbour open 27 dec?", has="10:00-14:00", cta={"visit", None})]),
    (XMAS_WEEK, [m("is the kilkenny shop open on xmas eve?",
                   has="Closed on Thursday 24 December (Christmas break)",
                   cta={"visit", None})]),
    (XMAS_WEEK, [m("do you have christmas trees left?", has="only a few left", cta=INFO),
                 m("how much are they", has="Christmas tree (Nordmann fir): €55", cta=SALES),
                 m("is riverside open on christmas eve?", has="09:00-13:00",
                   cta={"visit", None}, offers={"hot-drink"})]),
    # --- visits in a thread ---------------------------------------------------------------
    (MON, [m("hi, is the harbour shop open on saturday?", has="Open on Saturday 08:00-18:00",
             cta={"visit", None}),
           m("and what time does it open on sunday?", has=("Sunday", "08:00-18:00"),
             cta={"visit", None}),
           m("great, is there parking?", has="free car parks", cta=INFO)]),
    (MON, [m("what's the address of the old town shop?", has="27 Abbey Lane",
             cta={"visit", None}),
           m("is it open tomorrow?", has="Open tomorrow (Tuesday) 10:00-17:00",
             cta={"visit", None}),
           m("thanks!", cta=NONE)]),
    # --- complaints and order problems -----------------------------------------------------
    (MON, [m("the compost I bought was full of plastic bits, really not happy", urgent=True,
             cta=SAFE),
           m("and the bag was split when I got home", urgent=True, cta=SAFE)]),
    (MON, [m("my delivery was supposed to come yesterday and nothing arrived", cta=SAFE),
           m("order number 48213", cta=SAFE),
           m("still nothing, this is ridiculous", urgent=True, cta=SAFE)]),
    (MON, [m("the staff at harbour were really rude to me today", urgent=True, cta=SAFE)]),
    (MON, [m("I've been waiting 40 minutes at the till, terrible", urgent=True, cta=SAFE),
           m("nobody is coming", urgent=True, cta=SAFE),
           m("I'm leaving", urgent=True, cta=SAFE)]),
    (MON, [m("where is my order? it said dispatched on friday", cta=SAFE)]),
    (MON, [m("can I return a pot that arrived cracked?", cta={"contact", "learn", None})]),
    (MON, [m("I need to change the delivery address on my order", cta=SAFE)]),
    # --- sensitive --------------------------------------------------------------------------
    (MON, [m("is the fertiliser safe if my toddler touches the soil? she has a skin allergy",
             urgent=True, cta=SAFE, not_="€")]),
    (MON, [m("my dog ate some of the bulbs I bought, is that poisonous??", urgent=True,
             cta=SAFE)]),
    (MON, [m("I slipped on the wet floor at riverside and hurt my wrist", urgent=True,
             cta=SAFE)]),
    (MON, [m("you'll be hearing from my solicitor about the damage your delivery van did",
             urgent=True, cta=SAFE)]),
    (MON, [m("Hi, I'm a reporter with the local paper, could I ask a few questions about "
             "the new shop?", urgent=True, cta=SAFE)]),
    (MON, [m("how much is a peace lily? are they toxic to cats, mine has allergies",
             urgent=True, cta=SAFE)]),
    # --- praise -------------------------------------------------------------------------------
    (MON, [m("the monstera I bought is thriving, thank you so much!",
             cta={"review", "refer", None})]),
    (MON, [m("lovely staff at old town, really helpful", cta={"review", "refer", None}),
           m("will definitely be back", cta={"review", "refer", None})]),
    (MON, [m("love the new harbour shop!", cta={"review", "refer", None}),
           m("do you have a loyalty card?", cta=INFO)]),
    # --- small talk and cadence --------------------------------------------------------------
    (MON, [m("hello!", cta=NONE), m("how's the day going?", cta=NONE),
           m("lol ok", cta=NONE)]),
    (MON, [m("hi there", cta=NONE), m("just browsing really", cta=NONE),
           m("nice weather for gardening", cta={"learn", None}), m("cool", cta=NONE)]),
    (MON, [m("good morning", cta=NONE), m("thanks", cta=NONE), m("ok", cta=NONE)]),
    # --- opting out ---------------------------------------------------------------------------
    (MON, [m("please stop sending me offers", has="offers", cta=NONE)]),
    (MON, [m("how much is a monstera?", has="Monstera: €24", cta=SALES,
             offers={"houseplants20"}),
           m("actually unsubscribe me from your marketing please", has="offers", cta=NONE),
           m("how much is the peace lily though?", has="Peace lily: €12",
             cta={"contact", None})]),
    # --- Spanish, French, German ---------------------------------------------------------------
    (MON, [m("¿Cuánto cuesta la monstera?", has="Monstera: 24 €", lang="es", cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("¿Abren el domingo en Riverside?", has="11:00-17:00", lang="es",
             cta={"visit", None}, offers={"hot-drink"})]),
    (MON, [m("Hola, ¿puedo llevar a mi perro a la tienda?", has="dogs on a lead", lang="es",
             cta=INFO)]),
    (MON, [m("Bonjour, combien coûte le sécateur ?", has="Secateurs : 18 €", lang="fr",
             cta=SALES)]),
    (MON, [m("Est-ce que le magasin de Harbour est ouvert samedi ?", has="08:00-18:00",
             lang="fr", cta={"visit", None})]),
    (MON, [m("Merci beaucoup, les plantes sont magnifiques !", lang="fr",
             cta={"review", "refer", None})]),
    (MON, [m("Was kostet die Monstera?", has="Monstera: 24 €", lang="de", cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("Habt ihr am Sonntag in Riverside geöffnet?", has="11:00-17:00", lang="de",
             cta={"visit", None}, offers={"hot-drink"})]),
    (MON, [m("Hallo, liefert ihr auch nach Howth?", has="20 km", lang="de", cta=INFO)]),
    (MON, [m("Ich möchte zwei Säcke Kompost bestellen", lang="de", cta=SALES,
             offers={"compost3for2"})]),
    (XMAS_WEEK, [m("¿Está abierto Riverside el día de Navidad?", has="25", lang="es",
                   cta={"visit", None}, offers={"hot-drink"})]),
    (MON, [m("La commande n'est jamais arrivée, c'est inadmissible", lang="fr", urgent=True,
             cta=SAFE)]),
    (MON, [m("Quanto costa la monstera?", has="Monstera: €24", lang="en", cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("hola!", lang="es", cta=NONE), m("¿cuánto cuesta el compost?",
                                              has="8,50 €", lang="es", cta=SALES,
                                              offers={"compost3for2"})]),
]


# Written after the engine was tuned on CONVERSATIONS and run once, unchanged, to estimate how
# the rules hold on wording they were not shaped by (`reply_quality.py --fresh`).
FRESH: list[tuple[datetime, list[tuple[str, dict]]]] = [
    (MON, [m("what would a peace lily set me back?", has="Peace lily: €12", cta=SALES,
             offers={"houseplants20"})]),
    (MON, [m("hiya, pruners, how much?", has="Secateurs: €18", cta=SALES)]),
    (MON, [m("r u open sat in howth", has="Open on Saturday 08:00-18:00",
             cta={"visit", None})]),
    (MON, [m("what are the opening times for riverside on thursday", has="09:00-20:00",
             cta={"visit", None}, offers={"hot-drink"})]),
    (SUN_LATE, [m("can I still pop into riverside now?", has="We're closed now",
                  cta={"visit", None}, offers={"hot-drink"})]),
    (MON, [m("do dogs get in?", has="dogs on a lead are welcome", cta=INFO)]),
    (MON, [m("how do i get a refund if my plant dies", has="12-month guarantee",
             cta={"learn", "contact", None})]),
    (MON, [m("is there a car park at the riverside one?", has="free car parks",
             cta={"learn", "visit", None})]),
    (MON, [m("got any snake plants?", has="only a few left", cta=INFO,
             offers={"houseplants20"}),
           m("how much are they", has="Snake plant: €15.50", cta=SALES,
             offers={"houseplants20"}),
           m("grand, I'll order one", cta=SALES)]),
    (MON, [m("I'd like 2 glazed pots for collection friday", cta=SALES, offers=set()),
           m("and 2 bags of compost", cta=SALES, offers={"compost3for2"})]),
    (MON, [m("your delivery driver dumped my compost in the rain, everything soaked",
             urgent=True, cta=SAFE),
           m("really annoyed about this", urgent=True, cta=SAFE)]),
    (MON, [m("my cat chewed the peace lily, should I be worried?", urgent=True, cta=SAFE)]),
    (MON, [m("how much is the monstera and is harbour open on sunday?",
             has=("Monstera: €24", "08:00-18:00"), cta=SALES, offers={"houseplants20"})]),
    (XMAS_WEEK, [m("what are your hours on the 24th at harbour?", has="08:00-16:00",
                   cta={"visit", None})]),
    (XMAS_WEEK, [m("is riverside open stephens day", has="Closed on Saturday 26 December",
                   cta={"visit", None}, offers={"hot-drink"})]),
    (MON, [m("thanks a million for the help yesterday!", cta={"review", "refer", None}),
           m("cheers", cta=NONE)]),
    (MON, [m("take me off your mailing list", has="offers", cta=NONE)]),
    (MON, [m("¿Tenéis maceteros de terracota?", lang="es", cta=INFO)]),
    (MON, [m("Vous livrez à Howth ?", has="20 km", lang="fr", cta=INFO)]),
    (MON, [m("Wie viel kostet der Weihnachtsbaum?", lang="de",
             has="Christmas tree (Nordmann fir): 55 €", cta=SALES)]),
]
