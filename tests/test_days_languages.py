"""The days customers name, in English, German, Spanish and French: one table per language.

Each row is a message as customers write it (lower case, no accents, typos allowed) and the
days it asks about. Unless a test says otherwise, today is Monday 7 December 2026: Saturday is
the 12th, next Monday the 14th, the day after tomorrow Wednesday the 9th.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.engine.days import days_asked

TODAY = date(2026, 12, 7)  # a Monday
SAT, SUN, NEXT_MON, AFTER_TOMORROW = (date(2026, 12, 12), date(2026, 12, 13),
                                      date(2026, 12, 14), date(2026, 12, 9))
EVE, XMAS, BOXING, NYE = (date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26),
                          date(2026, 12, 31))
NEW_YEAR, SECOND_JAN, EPIPHANY = date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 6)


def read(text: str, today: date = TODAY) -> list[date]:
    asked = days_asked(text, today)
    assert asked.named, text
    return [item.day for item in asked.days]


ENGLISH = [
    ("are you open on christmas eve?", [EVE]),
    ("open xmas day?", [XMAS]),
    ("hours on boxing day pls", [BOXING]),
    ("open on st. stephen's day?", [BOXING]),
    ("what time do you close on new years eve", [NYE]),
    ("open on new year's day?", [NEW_YEAR]),
    ("are you open for epiphany", [EPIPHANY]),
    ("r u open 24th dec", [EVE]),
    ("is the shop open 24 Dec", [EVE]),
    ("dec 24th?", [EVE]),
    ("open dec 31st?", [NYE]),
    ("open the 1st?", [NEW_YEAR]),  # the next 1st to come
    ("and on the 2nd?", [SECOND_JAN]),
    ("the 24th or 26th of december", [EVE, BOXING]),
    ("are you open 24/12?", [EVE]),  # day first, as in the UK
    ("opening hours 31/12/2026", [NYE]),
    ("open 2/1?", [SECOND_JAN]),
    ("open 12/24?", [EVE]),  # month first only because day first is impossible
    ("thursday 24 december, open?", [EVE]),  # one day, not also this Thursday
    ("next saturday", [SAT]),
    ("the day after tomorrow", [AFTER_TOMORROW]),
    ("this weekend?", [SAT, SUN]),
    ("merry christmas! open tomorrow?", [date(2026, 12, 8)]),  # a wish names no day
]

GERMAN = [
    ("habt ihr an heiligabend offen?", [EVE]),
    ("Silvester geöffnet?", [NYE]),
    ("wie sind die öffnungszeiten an neujahr", [NEW_YEAR]),
    ("am zweiten weihnachtstag offen?", [BOXING]),
    ("habt ihr am dreikönigstag auf", [EPIPHANY]),
    ("und an heilige drei könige?", [EPIPHANY]),
    ("habt ihr am 2.1. offen", [SECOND_JAN]),
    ("seid ihr am 24.12. da?", [EVE]),
    ("öffnungszeiten 24.12. und 31.12.?", [EVE, NYE]),
    ("öffnet ihr am 6. januar?", [EPIPHANY]),
    ("24. Dezember offen?", [EVE]),
    ("sind sie am 24. und 31. dezember offen?", [EVE, NYE]),
    ("am 24. offen?", [EVE]),
    ("habt ihr am 1.1.2027 offen", [NEW_YEAR]),
    ("habt ihr am 31 dezmber offen", [NYE]),  # typo in the month
    ("habt ihr am samstag offen?", [SAT]),
    ("nächsten montag", [NEXT_MON]),
    ("übermorgen geöffnet?", [AFTER_TOMORROW]),
    ("seid ihr dieses wochenende da", [SAT, SUN]),
    ("frohe weihnachten! habt ihr morgen offen?", [date(2026, 12, 8)]),
    ("heute morgen schon offen?", [TODAY]),  # this morning: today, not tomorrow
]

SPANISH = [
    ("abris en nochebuena?", [EVE]),
    ("y en nochevieja?", [NYE]),
    ("abren el día de año nuevo?", [NEW_YEAR]),
    ("estais abiertos el dia de reyes?", [EPIPHANY]),
    ("abrís en reyes?", [EPIPHANY]),
    ("abris el 31 de diciembre?", [NYE]),
    ("31 de dicembre", [NYE]),  # typo in the month
    ("abren el 24?", [EVE]),
    ("el día 2 de enero abris?", [SECOND_JAN]),
    ("abren el 24 y el 31?", [EVE, NYE]),
    ("qué horario tenéis el 24/12?", [EVE]),
    ("abris el sabado?", [SAT]),
    ("el próximo lunes", [NEXT_MON]),
    ("el lunes que viene", [NEXT_MON]),
    ("abrís pasado mañana?", [AFTER_TOMORROW]),
    ("este finde abris?", [SAT, SUN]),
    ("este fin de semana", [SAT, SUN]),
    ("feliz navidad! abris el 26?", [BOXING]),
]

FRENCH = [
    ("vous êtes ouverts le 25 décembre ?", [XMAS]),
    ("ouvert le 25 decmbre ?", [XMAS]),  # no accent and a typo
    ("le 31 dec vous fermez a quelle heure", [NYE]),
    ("ouvert le 1er janvier ?", [NEW_YEAR]),
    ("ouvert le jour de l'an ?", [NEW_YEAR]),
    ("vous etes ouverts la saint-sylvestre ?", [NYE]),
    ("ouvert pour le réveillon de noël ?", [EVE]),
    ("et le reveillon du nouvel an ?", [NYE]),
    ("le réveillon de la Saint-Sylvestre, vous fermez tôt ?", [NYE]),
    ("ouvert pour l'épiphanie ?", [EPIPHANY]),
    ("le lendemain de noël vous êtes ouverts ?", [BOXING]),
    ("vous êtes ouverts le 24 et le 31 ?", [EVE, NYE]),
    ("horaires du 24/12 svp", [EVE]),
    ("ouvert ce samedi ?", [SAT]),
    ("vous ouvrez samedi prochain ?", [SAT]),
    ("ouvert après-demain ?", [AFTER_TOMORROW]),
    ("ouvert ce week-end ?", [SAT, SUN]),
    ("joyeux noël ! ouvert demain ?", [date(2026, 12, 8)]),
]


@pytest.mark.parametrize(("text", "expected"), ENGLISH)
def test_english(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(("text", "expected"), GERMAN)
def test_german(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(("text", "expected"), SPANISH)
def test_spanish(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(("text", "expected"), FRENCH)
def test_french(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "guten Morgen, habt ihr Hundefutter?",
        "buenos días, por la mañana abrís?",
        "I sat outside for ages",
        "the 2.5 kg bag of dry food please",
        "10/10 would recommend",
        "I'd rate it 9/10",
        "it costs 24.90",
        "is that 24.90 €?",
        "3/4 cup of kibble twice a day",
        "3/4 de taza",
        "order 24/12 hasn't arrived",
        "pedido 1.12. no ha llegado",
        "we close at 17.30",
        "bis 17.30 Uhr?",
        "ab 9.30 geöffnet?",
        "open 24/7?",
        "le sac de 12 kg",
        "el 50% de descuento",
        "der 2. Sack ist gratis",
        "my 1st order with you",
        "mon chien adore vos croquettes",  # French "mon" is "my", not Monday
        "tu tienda me encanta",
        "ich finde euren Laden super",  # "finde" is "I find", not "el finde"
        "Frohes neues Jahr!",
        "Feliz año nuevo a todo el equipo",
        "happy new year to all the team",
        "l'offre le 3 pour 2 marche encore ?",
        "vous êtes bien au 12 rue de la Paix ?",
        "appelez-moi au 06 12 34 56 78",
        "do you still have christmas trees?",  # named after the day, not the day
        "vous avez des sapins de noël ?",
        "¿tenéis cestas de navidad?",
    ],
)
def test_numbers_and_words_that_are_not_days(text):
    asked = days_asked(text, TODAY)
    assert not asked.named and [item.day for item in asked.days] == [TODAY]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("habt ihr am 2.1. offen", SECOND_JAN),
        ("ouvert le 1er janvier ?", NEW_YEAR),
        ("abris el 2 de enero?", SECOND_JAN),
        ("open on the 1st?", NEW_YEAR),
        ("open on 24/12?", date(2027, 12, 24)),  # this year's is past
    ],
)
def test_a_date_already_past_this_year_is_next_years(text, expected):
    assert read(text, date(2026, 12, 28)) == [expected]


def test_last_years_number_written_in_january_means_this_year():
    assert read("open on 6/1/2026?", date(2027, 1, 2)) == [EPIPHANY]


def test_the_reveillon_alone_is_christmas_eve_until_it_is_past_then_new_years_eve():
    assert read("ouvert pour le réveillon ?", date(2026, 12, 20)) == [EVE]
    assert read("ouvert pour le réveillon ?", date(2026, 12, 27)) == [NYE]


def test_a_date_weeks_or_months_ahead_is_read_as_written():
    assert read("le 31 décembre vous êtes ouverts ?", date(2026, 11, 20)) == [NYE]
    assert read("abris el 15 de marzo?") == [date(2027, 3, 15)]
    assert read("habt ihr am 30.4. offen") == [date(2027, 4, 30)]


def test_now_is_today_only_when_no_other_day_is_named():
    assert read("and now?") == [TODAY]  # not the day asked about earlier in the thread
    assert read("y ahora?") == read("und jetzt?") == read("et maintenant ?") == [TODAY]
    assert read("are you open on the 24th now that it's december?") == [EVE]


def test_a_date_is_stated_in_the_reply_and_a_weekday_is_not():
    asked = days_asked("open on saturday or on the 24th?", TODAY)
    assert [(item.day, item.dated) for item in asked.days] == [(SAT, False), (EVE, True)]
