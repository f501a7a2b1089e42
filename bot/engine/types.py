"""What the suggestion engine takes and gives; the rest of Nudge depends only on these shapes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

INTENTS = (
    "purchase_intent",
    "pricing",
    "product_question",
    "store_visit",
    "order_support",
    "complaint",
    "praise",
    "chit_chat",
    "unsubscribe",
)

# An opt-out honoured, a complaint seen by a person: what the team's corrections must not undo.
# Corrections into or out of these need a manager, and no refit may lose a line of them.
GUARDED = ("unsubscribe", "complaint")

# The integrated strategy: inform, converse, promote. Unsubscribe is its own case.
STAGES = {
    "product_question": "information",
    "store_visit": "information",
    "order_support": "information",
    "chit_chat": "conversation",
    "praise": "conversation",
    "complaint": "conversation",
    "purchase_intent": "promotion",
    "pricing": "promotion",
    "unsubscribe": "unsubscribe",
}


@dataclass(frozen=True)
class Classification:
    intent: str
    confidence: float  # the model's probability for `intent`
    stage: str
    low_confidence: bool = False
    # When unsure: the two likeliest intents with their probabilities, likeliest first, so
    # the team can pick one ("Not sure: complaint or order_support?"). Empty when sure.
    alternatives: tuple[tuple[str, float], ...] = ()
    # Strongly negative wording, whatever the intent: a person should look now.
    urgent: bool = False
    # Unsubscribe was likely, but the customer may be asking to be contacted instead: no
    # opt-out is recorded and nothing is sold until the team says (bot.engine.optout).
    unsure_opt_out: bool = False

    @property
    def not_sure(self) -> str:
        """"Not sure: complaint or order_support?" when unsure between two intents, else ""."""
        line = not_sure(self.alternatives)
        return f"{line} {OPT_OUT_QUESTION}" if self.unsure_opt_out and line else line


# What the team is asked when an opt-out is not clear (with "Not sure: unsubscribe or ...?").
OPT_OUT_QUESTION = ("Record an opt-out only if they asked to stop (Wrong intent? → "
                    "unsubscribe); no opt-out recorded, no offer suggested meanwhile.")


def not_sure(alternatives) -> str:
    """The team's question for an unsure guess, from (intent, probability) pairs."""
    names = [intent for intent, _ in alternatives][:2]
    if len(names) < 2:
        return ""
    return f"Not sure: {names[0]} or {names[1]}?"


def handled_note(intent: str, handled_as: str) -> str:
    """The start of a reply's "why" when the reply was made for something other than the
    intent ("replied to as sensitive, not order_support"), so the review's Intent and Why lines
    tell the same story."""
    return f"replied to as {handled_as}, not {intent}"


def handled_as_in(rationale: str) -> str:
    """What handled_note put at the start of a rationale ("sensitive"), else ""."""
    found = _HANDLED.search(rationale or "")
    return found.group(1) if found else ""


_HANDLED = re.compile(r"replied to as (\w+), not \w+")


def weighed(alternatives) -> str:
    """"complaint 31%, order_support 28%": each alternative with its probability."""
    return ", ".join(f"{intent} {probability:.0%}" for intent, probability in alternatives)


@dataclass(frozen=True)
class ThreadState:
    """What the engine needs to know about the conversation so far."""

    customer_messages_since_cta: int = 0  # including the message being answered
    opted_out: bool = False
    # The customer's earlier messages in this thread, oldest first: "the Mill Road one" said
    # two messages ago still tells which shop "what time do you close?" is about.
    earlier_texts: tuple[str, ...] = ()
    # What the team already said in this thread (replies sent through Nudge, edited or typed
    # by hand), oldest first: no sentence is said twice, no offer or add-on pitched twice.
    said: tuple[str, ...] = ()
    # The offers that replies sent in this thread carried.
    offers_sent: tuple[str, ...] = ()
    # The intent of the customer's previous message ("" when none): "and a wreath too" after
    # an order is more of the same order.
    previous_intent: str = ""
    # The thread is flagged urgent (a complaint or a sensitive question nobody closed yet).
    urgent: bool = False
    # Which conversation this is ("slack:C1:1700.1"): a reply template under A/B test gives
    # every thread one wording, always the same.
    thread_key: str = ""


@dataclass(frozen=True)
class Suggestion:
    """One reply the team may send. `text` is complete: it already carries the CTA link."""

    text: str
    rationale: str
    cta_id: str | None = None
    cta_kind: str | None = None
    cta_label: str | None = None
    cta_url: str | None = None  # the catalog URL with UTM parameters added
    offer_id: str | None = None
    urgent: bool = False
    source: str = "template"  # template or llm
    # The facts the reply states (offer text and code, hours, address, FAQ answer): the only
    # facts an LLM may reword, and what its draft is checked against.
    facts: tuple[str, ...] = ()
    variant: str | None = None  # the template wording under A/B test ("a", "b"), else None


@dataclass(frozen=True)
class Gap:
    """A question nothing in the config answers (no FAQ entry, product or shop fact): kept so
    the team sees, grouped, what customers ask that the brand has no answer for."""

    question: str  # the unanswered part of the message ("can I bring my dog?")
    shop: str = ""  # the shop it is about, when the engine knows one


@dataclass(frozen=True)
class SuggestionSet:
    classification: Classification
    suggestions: list[Suggestion] = field(default_factory=list)
    # The language the replies are written in, and the one the customer wrote in (they differ
    # when the customer's is not among `brand.languages`; "" when it could not be told).
    lang: str = "en"
    wrote_in: str = ""

    # The reply the suggestions were made for, when it is not the intent ("sensitive" for an
    # allergy or an injury, "product_question" for a visit question the FAQ answers).
    handled_as: str = ""
    # Set when the replies promise the team will check: nothing in the config answers it.
    gap: Gap | None = None

    @property
    def intent(self) -> str:
        return self.classification.intent

    @property
    def urgent(self) -> bool:
        """Whether a person should answer now: strongly negative wording, or any suggestion
        flagged urgent (a complaint, a sensitive question, a thread still urgent)."""
        return self.classification.urgent or any(s.urgent for s in self.suggestions)
