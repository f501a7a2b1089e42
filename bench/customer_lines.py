"""Customer messages for load benches: every one different, so nothing Nudge remembers by text
(embeddings, parsed dates) can make a long run look cheaper than real traffic.

`line(n)` is deterministic: the n-th message of a run is the same in every run. The wordings
were written for the benches (the bakery of config.example.yaml, in English, German, Spanish
and French); none comes from an evaluation file.
"""

from __future__ import annotations

PRODUCTS = ("sourdough loaf", "seeded rye", "baguette", "pastry box", "cinnamon bun",
            "box of mince pies", "birthday cake", "croissant", "rye loaf", "fruit tart")
DAYS = ("today", "tomorrow", "saturday", "sunday", "friday morning", "monday", "the 23rd",
        "christmas eve", "next wednesday", "this weekend")
DAYS_ON = ("today", "tomorrow", "on saturday", "on sunday", "on friday", "on monday",
           "on the 23rd", "on christmas eve", "next wednesday", "on boxing day")
SHOPS = ("Mill Road", "Market Square", "the market shop", "your Mill Road bakery")
NAMES = ("Anna", "Tom", "Priya", "Jonas", "Lucía", "Chloé", "Sam", "Mehmet", "Ines", "Kofi")
TAGS = ("lunch", "the office", "my mum", "a picnic", "the kids", "a party", "my neighbour",
        "the weekend", "a birthday", "my book club")

TEMPLATES = (
    "hi, how much is a {product}?",
    "are you open {day_on}?",
    "can I order a {product} for {day}? it's for {tag}",
    "do you have anything gluten-free for {tag}?",
    "my order #{order} hasn't arrived yet",
    "thanks, the {product} was amazing! {name}",
    "is the {product} still available at {shop} {day}?",
    "what time do you close {day_on}? I want to grab a {product}",
    "could you keep {qty} x {product} for me until {hour}? - {name}",
    "do you deliver to {area}? I'd need {qty} x {product}",
    "where exactly is {shop}? coming by {day}",
    "hallo, habt ihr {day_de} geöffnet? ich bräuchte {qty} Brötchen",
    "¿cuánto cuesta el {product}? quiero {qty} para {day_es}",
    "bonjour, vous avez encore le {product} pour {day_fr} ? {name}",
    "I ordered {qty} x {product} last week (order #{order}), can I change the date?",
    "do you do vegan options? asking for {tag}",
)
AREAS = ("Chesterton", "the city centre", "Histon", "Trumpington", "Cherry Hinton")
DAYS_DE = ("morgen", "am Samstag", "am Sonntag", "heute Abend", "Heiligabend")
DAYS_ES = ("mañana", "el sábado", "el domingo", "el viernes", "Nochebuena")
DAYS_FR = ("demain", "samedi", "dimanche", "vendredi matin", "le réveillon")


GREETINGS = ("", "hi! ", "hello, ", "hey there, ", "good morning, ", "quick question: ",
             "sorry to bother you, ", "hiya, ")
SIGN_OFFS = ("", " thanks", " cheers", " thank you!", " x", " many thanks", " ta", " :)",
             " thanks a lot", " please let me know")


def line(n: int) -> str:
    """The n-th customer message: a template, a greeting and a sign-off chosen from n, then
    the template's fillers, so that a wording comes back only thousands of messages later."""
    template = TEMPLATES[n % len(TEMPLATES)]
    k = n // len(TEMPLATES)
    greeting, sign_off = GREETINGS[k % len(GREETINGS)], SIGN_OFFS[(k // 8) % len(SIGN_OFFS)]
    k //= len(GREETINGS) * len(SIGN_OFFS)
    text = template.format(
        product=PRODUCTS[k % len(PRODUCTS)], day=DAYS[(k // 3) % len(DAYS)],
        day_on=DAYS_ON[(k // 3) % len(DAYS_ON)],
        shop=SHOPS[k % len(SHOPS)], name=NAMES[(k // 7) % len(NAMES)],
        tag=TAGS[(k // 2) % len(TAGS)], area=AREAS[k % len(AREAS)],
        day_de=DAYS_DE[k % len(DAYS_DE)], day_es=DAYS_ES[k % len(DAYS_ES)],
        day_fr=DAYS_FR[k % len(DAYS_FR)], order=10_000 + n, qty=2 + k % 40,
        hour=f"{9 + k % 9}:{(k * 5) % 60:02d}")
    return greeting + text + sign_off
