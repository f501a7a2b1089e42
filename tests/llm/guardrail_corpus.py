"""The guardrail corpus: engine-shaped suggestions, and drafts a model might return for them.

drafts_adversarial.jsonl holds drafts that each state one thing the facts do not (a price in
words, a disguised link, a made-up code, a promise, a holiday...), and drafts_faithful.jsonl
rewordings that keep to the facts, in English, Spanish, French and German. Each line names the
suggestion it answers ("for"), its language and, for adversarial drafts, what kind of invention
it carries. "{url}" and "{map}" stand for the suggestion's own links. Written for Nudge's tests
and bench/input_fuzz.py; none of it comes from real customer messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.engine.types import Suggestion

HERE = Path(__file__).parent
CONTEXT = ("Crumb & Co.", "See you soon! The Crumb & Co. team")

OFFER_URL = ("https://crumbandco.example/offers/autumn?ref=chat&utm_source=slack"
             "&utm_medium=chat&utm_campaign=autumn-box")
MENU_URL = "https://crumbandco.example/menu?utm_source=slack&utm_medium=chat&utm_campaign=info"
HELP_URL = "https://crumbandco.example/help?utm_source=slack&utm_medium=chat&utm_campaign=help"
REVIEW_URL = "https://reviews.example/crumbandco?utm_source=slack&utm_medium=chat"
MAP_URL = "https://maps.example/crumb-market?utm_source=slack&utm_medium=chat&utm_campaign=chat"


def _suggestion(text: str, *, cta_url: str | None = None, label: str | None = None,
                facts: tuple[str, ...] = ()) -> Suggestion:
    return Suggestion(text=text, rationale="corpus", cta_id="cta" if cta_url else None,
                      cta_kind="offer" if cta_url else None, cta_label=label, cta_url=cta_url,
                      offer_id=None, facts=facts)


SUGGESTIONS: dict[str, Suggestion] = {
    "offer": _suggestion(
        "Good news 🎉 Right now there's 10% off your first pastry box with code AUTUMN10 (until "
        f"31 December 2026). Here's where to grab it:\n\nGet 10% off your first box: {OFFER_URL}",
        cta_url=OFFER_URL, label="Get 10% off your first box",
        facts=("10% off your first pastry box with code AUTUMN10 (until 31 December 2026)",)),
    "hours": _suggestion(
        "Here's where to find us on Sunday:\n\n*Market Square*, 3 Market Hill, Cambridge "
        "CB2 3NJ. Open on Sunday 10:00-14:00. Phone +44 1223 000001. Map: " + MAP_URL,
        facts=("Market Square is at 3 Market Hill, Cambridge CB2 3NJ",
               "Market Square is open on Sunday 10:00-14:00",
               "Market Square's phone number is +44 1223 000001")),
    "product": _suggestion(
        "Great question! Yes: a gluten-free seeded loaf every day and vegan cinnamon buns on "
        f"weekends.\n\nSee today's menu: {MENU_URL}",
        cta_url=MENU_URL, label="See today's menu",
        facts=("Yes: a gluten-free seeded loaf every day and vegan cinnamon buns on weekends.",)),
    "order": _suggestion(
        "Thanks for letting us know. Could you send us your order number (and the email you "
        "used)? We'll check and get back to you. You can also reach the team here:\n\n"
        f"Contact our order desk: {HELP_URL}",
        cta_url=HELP_URL, label="Contact our order desk"),
    "complaint": _suggestion(
        "I'm really sorry about this; that's not the experience we want for you. I'm passing it "
        "to a member of the team right now, and they'll get back to you personally."),
    "praise": _suggestion(
        "Thank you so much, that made our day 💛 If you have a minute, a quick review helps "
        f"other people find us:\n\nLeave us a review: {REVIEW_URL}",
        cta_url=REVIEW_URL, label="Leave us a review"),
    "chat": _suggestion("Hello from all of us at Crumb & Co. 👋 What can we do for you today?"),
}


@dataclass(frozen=True)
class Draft:
    suggestion: str  # a key of SUGGESTIONS
    lang: str
    kind: str  # what the draft invents ("" for a faithful one)
    text: str

    def filled(self) -> str:
        """The draft with {url} and {map} replaced by the suggestion's own links."""
        url = SUGGESTIONS[self.suggestion].cta_url or ""
        return self.text.replace("{url}", url).replace("{map}", MAP_URL)

    @property
    def target(self) -> Suggestion:
        return SUGGESTIONS[self.suggestion]


def load(name: str) -> list[Draft]:
    """The drafts in tests/llm/drafts_<name>.jsonl ("adversarial" or "faithful")."""
    lines = (HERE / f"drafts_{name}.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [Draft(row["for"], row["lang"], row.get("kind", ""), row["draft"]) for row in rows]
