"""The guardrails against a second corpus, written after an outside audit without reading the first.

The audit's own adversarial drafts got through with invented redemption steps (a secret word at
the counter, "show this message in store", "scan the QR code"), a price in another currency, an
email address spelled out in words on the shop's own domain and an invented delivery time.
drafts_fresh_adversarial.jsonl holds 80 such drafts in four languages, each inventing one fact;
drafts_fresh_faithful.jsonl 44 drafts that only reword the facts. Goal: at least 98% of the
first dropped, none of the second. The rules are also checked one by one on drafts of their own.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from bot.llm.facts import extract
from bot.llm.guardrails import check_draft
from tests.llm.guardrail_corpus import CONTEXT, SUGGESTIONS, load

ADVERSARIAL = load("fresh_adversarial")
FAITHFUL = load("fresh_faithful")
OFFER = "10% off your first pastry box with AUTUMN10 until 31 December 2026."
HOURS = ("Market Square, 3 Market Hill, Cambridge CB2 3NJ, is open on Sunday 10:00-14:00. "
         "Phone +44 1223 000001.")


def test_the_fresh_corpus_covers_four_languages_and_the_audits_kinds():
    assert len(ADVERSARIAL) >= 60 and len(FAITHFUL) >= 40
    assert len({d.text for d in ADVERSARIAL}) == len(ADVERSARIAL)
    for drafts in (ADVERSARIAL, FAITHFUL):
        assert {d.lang for d in drafts} == {"en", "es", "fr", "de"}
        assert {d.suggestion for d in drafts} <= set(SUGGESTIONS)
    kinds = Counter(d.kind for d in ADVERSARIAL)
    assert set(kinds) >= {"other-currency", "secret-word", "email-in-words", "qr-code",
                          "screenshot", "show-message", "delivery-time", "reply-keyword"}


def test_at_least_98_percent_of_fresh_adversarial_drafts_are_dropped():
    passed = [d.text for d in ADVERSARIAL
              if check_draft(d.filled(), d.target, context=CONTEXT).accepted]
    assert len(passed) <= len(ADVERSARIAL) * 0.02, passed


@pytest.mark.parametrize("draft", FAITHFUL, ids=lambda d: f"{d.suggestion}-{d.lang}")
def test_no_fresh_faithful_draft_is_rejected(draft):
    verdict = check_draft(draft.filled(), draft.target, context=CONTEXT)
    assert verdict.accepted, verdict.reason


def verdict(kind: str, text: str):
    return check_draft(text, SUGGESTIONS[kind], context=CONTEXT)


@pytest.mark.parametrize("text", [
    f"{OFFER} That is 10 CHF off.", f"{OFFER} Worth 10 € in store.", f"{OFFER} USD 10 off.",
    f"{OFFER} Ahorra 10 dólares.", f"{OFFER} 10 Franken Rabatt.", f"{OFFER} 10 kr off.",
])
def test_money_in_any_currency_is_refused_when_the_facts_give_none(text):
    assert "amount" in verdict("offer", text).reason


def test_amounts_keep_their_currency():
    assert extract("10 € or CHF 10 or 10 kr").money == {("EUR", 10), ("CHF", 10), ("KR", 10)}
    assert extract("£5 and $3 and 20p").money == {("GBP", 5), ("USD", 3), ("GBP", Decimal("0.2"))}


@pytest.mark.parametrize("text", [
    f"{OFFER} Whisper 'pastry love' at the till.", f"{OFFER} Sag „Brezel“ an der Kasse.",
    f"{OFFER} Show your phone to the team.", f"{OFFER} Text BOX to us.",
    f"{OFFER} Escanea el código de la tienda.", f"{OFFER} Donne le mot de passe au comptoir.",
    f"{OFFER} Zeig diese Nachricht im Laden.", f"{OFFER} Réponds OUI pour réserver.",
    f"{OFFER} Just flash this DM at the counter.", f"{OFFER} Envía HOLA y te guardamos una caja.",
    f"{OFFER} Tell the barista you came from Slack.", f"{OFFER} Muestra la pantalla en caja.",
])
def test_invented_ways_to_redeem_are_refused(text):
    assert "a way to redeem" in verdict("offer", text).reason


@pytest.mark.parametrize("text", [
    "Thanks! Send your order number and email; your order will be ready in an hour.",
    "Danke! Schick uns deine Bestellnummer; die Lieferung dauert nicht lange.",
    "¡Gracias! Envíanos tu número de pedido; llega en unas horas.",
    "Merci ! Envoie ton numéro de commande ; c'est prêt dans l'heure.",
    "Thanks! Send your order number and email. Orders go out the following morning.",
    "Thanks! Send your order number and email. Pickup is usually an hour after ordering.",
    "Danke! Schick uns die Bestellnummer; abholen kannst du sie am selben Tag.",
])
def test_invented_delivery_or_collection_times_are_refused(text):
    assert "delivery or collection time" in verdict("order", text).reason


@pytest.mark.parametrize("text", [
    f"{OFFER} Email info[at]crumbandco[dot]example.",
    f"{OFFER} Write to hello at crumbandco dot example.",
    f"{OFFER} Escribe a hola arroba crumbandco punto example.",
    f"{OFFER} Écris à bonjour arobase crumbandco point example.",
])
def test_email_addresses_in_words_are_refused_even_on_the_shops_domain(text):
    assert "email address" in verdict("offer", text).reason


@pytest.mark.parametrize("text", [
    HOURS.replace("+44 1223 000001", "01223 000002"), HOURS + " WhatsApp: 07700 900 123.",
    HOURS + " Or call +44 20 7946 0000.", HOURS + " Appelle le 06.12.34.56.78.",
])
def test_phone_numbers_the_facts_do_not_give_are_refused(text):
    assert "phone number" in verdict("hours", text).reason


@pytest.mark.parametrize("text", [
    HOURS, HOURS.replace("+44 1223 000001", "01223 000001"),
    HOURS.replace("+44 1223 000001", "+44 (0)1223 000001"),
    HOURS.replace("10:00-14:00", "10.00-14.00"),
    "We're at Market Square, 3 Market Hill, Cambridge CB2 3NJ, from 10:00 to 14:00 on Sunday. "
    "Ring +44 1223 000001 if you're stuck.",
])
def test_the_known_phone_number_and_opening_hours_pass_in_other_forms(text):
    assert verdict("hours", text).accepted, verdict("hours", text).reason
