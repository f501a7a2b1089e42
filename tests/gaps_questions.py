"""Customer questions the example brand's FAQ, products and shops do not answer, written for
the knowledge-gap tests: seven topics, each asked in English, German, Spanish and French.

Written for these tests (not taken from any evaluation set). Each topic must end up in a
group of its own; no group may mix two topics."""

from __future__ import annotations

QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "parking": [
        ("en", "Is there parking near the shop?"),
        ("en", "Is it easy to park a car nearby?"),
        ("de", "Gibt es Parkplätze in der Nähe?"),
        ("de", "Wo kann ich mein Auto parken?"),
        ("es", "¿Hay aparcamiento cerca de la tienda?"),
        ("es", "¿Se puede aparcar fácilmente por allí?"),
        ("fr", "Y a-t-il un parking près de la boutique ?"),
        ("fr", "Où est-ce que je peux garer ma voiture ?"),
    ],
    "dogs": [
        ("en", "Can I bring my dog inside?"),
        ("en", "Are dogs allowed in the bakery?"),
        ("de", "Darf ich meinen Hund mitbringen?"),
        ("de", "Sind Hunde bei euch erlaubt?"),
        ("es", "¿Puedo entrar con mi perro?"),
        ("es", "¿Se admiten perros en la tienda?"),
        ("fr", "Est-ce que je peux venir avec mon chien ?"),
        ("fr", "Les chiens sont-ils acceptés dans la boulangerie ?"),
    ],
    "wheelchair": [
        ("en", "Is the shop wheelchair accessible?"),
        ("en", "Can I get in with a wheelchair, are there steps at the door?"),
        ("de", "Ist der Laden rollstuhlgerecht?"),
        ("de", "Komme ich mit dem Rollstuhl hinein?"),
        ("es", "¿La tienda es accesible en silla de ruedas?"),
        ("es", "¿Se puede entrar con silla de ruedas?"),
        ("fr", "La boutique est-elle accessible en fauteuil roulant ?"),
        ("fr", "Peut-on entrer avec un fauteuil roulant ?"),
    ],
    "jobs": [
        ("en", "Are there any jobs going at the bakery?"),
        ("en", "I'd like to apply for a job, who do I send my CV to?"),
        ("de", "Sucht ihr gerade Mitarbeiter?"),
        ("de", "Wo kann ich mich für eine Stelle bewerben?"),
        ("es", "¿Estáis contratando panaderos?"),
        ("es", "¿Hay ofertas de empleo en la panadería?"),
        ("fr", "Est-ce que vous recrutez en ce moment ?"),
        ("fr", "À qui envoyer mon CV pour un emploi ?"),
    ],
    "wifi": [
        ("en", "Is there wifi in the shop?"),
        ("en", "Is the wifi free?"),
        ("de", "Habt ihr WLAN für Kunden?"),
        ("de", "Gibt es bei euch kostenloses WLAN?"),
        ("es", "¿Tenéis wifi gratis?"),
        ("es", "¿Hay wifi en la tienda?"),
        ("fr", "Avez-vous le wifi gratuit ?"),
        ("fr", "Est-ce qu'il y a du wifi dans la boutique ?"),
    ],
    "loyalty": [
        ("en", "Do you have a loyalty card?"),
        ("en", "Can I collect points with a loyalty card when I buy?"),
        ("de", "Gibt es eine Treuekarte?"),
        ("de", "Kann ich bei euch Treuepunkte sammeln?"),
        ("es", "¿Tenéis tarjeta de fidelidad?"),
        ("es", "¿Puedo acumular puntos con una tarjeta de cliente?"),
        ("fr", "Avez-vous une carte de fidélité ?"),
        ("fr", "Est-ce qu'on peut cumuler des points de fidélité ?"),
    ],
    "gift_wrap": [
        ("en", "Do you wrap presents?"),
        ("en", "Could you wrap it in nice paper as a present?"),
        ("de", "Könnt ihr das als Geschenk einpacken?"),
        ("de", "Bietet ihr Geschenkverpackung an?"),
        ("es", "¿Podéis envolverlo para regalo?"),
        ("es", "¿Hacéis envoltorio de regalo?"),
        ("fr", "Pouvez-vous faire un paquet cadeau ?"),
        ("fr", "Est-ce que vous proposez l'emballage cadeau ?"),
    ],
}


def all_questions() -> list[tuple[str, str, str]]:
    """(topic, language, question) for every question, topic by topic."""
    return [(topic, lang, text) for topic, asked in QUESTIONS.items() for lang, text in asked]
