"""A question about a date is answered for that date, in the customer's language, through the
real engine: never with today's "open now".

The shop in these tests is open 09:00-19:00 on weekdays and 09:00-16:00 on Saturdays, closed on
Christmas Day, and open short hours on Christmas Eve (09:00-13:00) and New Year's Eve
(09:00-14:00). Unless a test says otherwise, it is Wednesday 23 December 2026, 11:00 in Berlin,
and the shop is open right now.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from bot.config import parse_config
from bot.engine import Engine
from bot.engine.types import SuggestionSet, ThreadState
from tests.conftest import EXAMPLE

DEC_23 = datetime(2026, 12, 23, 10, 0, tzinfo=UTC)  # 11:00 in Berlin
# Words that say the shop is open right now, in each language.
NOW_WORDS = {"en": ("now", "today"), "de": ("jetzt", "heute"), "es": ("ahora", "hoy"),
             "fr": ("maintenant", "aujourd'hui")}


@pytest.fixture(scope="module")
def engine() -> Engine:
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["timezone"] = "Europe/Berlin"
    raw["brand"]["languages"] = ["en", "de", "es", "fr"]
    for cta in raw["ctas"]:
        cta.pop("store", None)  # the example's shops are replaced below
    raw["stores"] = [{
        "name": "Pfotenhaus",
        "address": "Lindenstraße 12, 80331 München",
        "hours": {"mon": "09:00-19:00", "tue": "09:00-19:00", "wed": "09:00-19:00",
                  "thu": "09:00-19:00", "fri": "09:00-19:00", "sat": "09:00-16:00",
                  "sun": "closed"},
        "special_hours": [{"date": "2026-12-24", "hours": "09:00-13:00"},
                          {"date": "2026-12-25", "closed": True},
                          {"date": "2026-12-31", "hours": "09:00-14:00"}],
    }]
    return Engine(parse_config(yaml.safe_dump(raw), "config.yaml"))


def ask(engine: Engine, text: str, lang: str, now: datetime = DEC_23,
        earlier: tuple[str, ...] = ()) -> str:
    result: SuggestionSet = engine.suggest(text, platform="console",
                                           state=ThreadState(earlier_texts=earlier), now=now)
    assert result.lang == lang, text
    assert any("Pfotenhaus" in fact for fact in result.suggestions[0].facts), text
    return result.suggestions[0].text


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        ("are you open on the 25th?", "en", "Friday 25 December"),
        ("hi, is the shop open on christmas day?", "en", "Friday 25 December"),
        ("vous êtes ouverts le 25 décembre ?", "fr", "vendredi 25 décembre"),
        ("hola, ¿abrís el día de Navidad?", "es", "viernes 25 de diciembre"),
        ("habt ihr am 25.12. geöffnet?", "de", "Freitag, 25. Dezember"),
    ],
)
def test_a_day_the_shop_is_closed_is_answered_closed_not_open_now(engine, text, lang, said):
    reply = ask(engine, text, lang)
    assert said in reply
    assert "09:00-19:00" not in reply.split(said)[0]  # today's hours do not come first
    for word in NOW_WORDS[lang]:
        assert word not in reply.lower().replace("right now", ""), (word, reply)


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        ("what are your hours on new year's eve?", "en", "Thursday 31 December 09:00-14:00"),
        ("habt ihr an Silvester offen?", "de", "Donnerstag, 31. Dezember 09:00-14:00"),
        ("¿abrís el 31 de diciembre por la tarde?", "es", "jueves 31 de diciembre 09:00-14:00"),
        ("vous êtes ouverts pour la Saint-Sylvestre ?", "fr", "jeudi 31 décembre 09:00-14:00"),
    ],
)
def test_short_hours_on_new_years_eve_are_given_for_that_day(engine, text, lang, said):
    reply = ask(engine, text, lang)
    assert said in reply
    assert "19:00" not in reply


def test_christmas_eve_asked_the_day_before_is_tomorrows_short_hours(engine):
    reply = ask(engine, "seid ihr am 24.12. geöffnet?", "de")
    assert "morgen (Donnerstag) 09:00-13:00" in reply


def test_a_date_in_january_asked_in_late_december_is_next_years(engine):
    monday_28th = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)
    reply = ask(engine, "habt ihr am 2.1. offen?", "de", now=monday_28th)
    assert "Samstag, 2. Januar 09:00-16:00" in reply
    reply = ask(engine, "vous êtes ouverts le 1er janvier ?", "fr", now=monday_28th)
    assert "vendredi 1 janvier 09:00-19:00" in reply


def test_a_date_weeks_ahead_gets_its_special_hours(engine):
    tuesday_1st = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    reply = ask(engine, "¿qué horario tenéis en Nochebuena?", "es", now=tuesday_1st)
    assert "jueves 24 de diciembre 09:00-13:00" in reply


def test_today_asked_about_still_gets_open_now(engine):
    reply = ask(engine, "are you open today?", "en")
    assert "now" in reply and "19:00" in reply


def test_a_date_asked_earlier_in_the_thread_carries_on_until_now_is_asked(engine):
    earlier = ("vous êtes ouverts le 25 décembre ?",)
    reply = ask(engine, "et vous fermez à quelle heure ?", "fr", earlier=earlier)
    assert "vendredi 25 décembre" in reply and "maintenant" not in reply
    reply = ask(engine, "et vous êtes ouverts maintenant ?", "fr", earlier=earlier)
    assert "maintenant" in reply and "25 décembre" not in reply
