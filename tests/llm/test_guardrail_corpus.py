"""The guardrails against a written corpus: 200+ drafts that invent, 60+ that keep to the facts.

Adversarial drafts each state one thing the facts do not (an amount in words, a disguised link,
a made-up code, a promise, a holiday...); faithful drafts reword the engine's reply in English,
Spanish, French or German. Goal: at least 98% of the first dropped, none of the second. The same
drafts are also served by the fake OpenAI-compatible server to the real LLMDrafter, on the wire.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.config import Brand
from bot.llm import ChatClient, LLMDrafter
from bot.llm.guardrails import check_draft
from tests.llm.guardrail_corpus import CONTEXT, SUGGESTIONS, load

ADVERSARIAL = load("adversarial")
FAITHFUL = load("faithful")
BRAND = Brand(name=CONTEXT[0], sign_off=CONTEXT[1])


def test_the_corpus_is_large_varied_and_multilingual():
    assert len(ADVERSARIAL) >= 200 and len(FAITHFUL) >= 60
    assert len({d.text for d in ADVERSARIAL}) == len(ADVERSARIAL)
    kinds = Counter(d.kind for d in ADVERSARIAL)
    assert set(kinds) >= {"amount-in-words", "link", "code", "promise", "date", "number",
                          "hidden"}
    for drafts in (ADVERSARIAL, FAITHFUL):
        assert {d.lang for d in drafts} == {"en", "es", "fr", "de"}
        assert {d.suggestion for d in drafts} <= set(SUGGESTIONS)
    assert {d.suggestion for d in FAITHFUL} == set(SUGGESTIONS)


def test_at_least_98_percent_of_adversarial_drafts_fall_back_to_the_template():
    passed = [d.text for d in ADVERSARIAL
              if check_draft(d.filled(), d.target, context=CONTEXT).accepted]
    assert len(passed) <= len(ADVERSARIAL) * 0.02, passed


@pytest.mark.parametrize("draft", FAITHFUL, ids=lambda d: f"{d.suggestion}-{d.lang}")
def test_no_faithful_draft_is_rejected(draft):
    verdict = check_draft(draft.filled(), draft.target, context=CONTEXT)
    assert verdict.accepted, verdict.reason


@pytest.mark.parametrize("kind", ["amount-in-words", "link", "code", "promise", "date"])
def test_every_kind_of_invention_is_caught_for_its_own_reason(kind):
    words = {"amount-in-words": ("number", "promise", "percentage", "amount"),
             "link": ("link", "email", "handle"), "code": ("code", "hashtag"),
             "promise": ("promise", "amount"),
             "date": ("day", "date", "time", "promise", "number")}[kind]
    for draft in (d for d in ADVERSARIAL if d.kind == kind):
        reason = check_draft(draft.filled(), draft.target, context=CONTEXT).reason
        assert any(word in reason for word in words), (draft.text, reason)


async def test_on_the_wire_the_drafter_keeps_the_template_for_every_adversarial_draft(fake_llm):
    drafter = LLMDrafter(ChatClient(fake_llm.base_url, "tiny-test"))
    try:
        kept = used = 0
        for draft in ADVERSARIAL:
            fake_llm.reply = draft.filled()
            result = await drafter.improve(draft.target, "how much is a box?", BRAND)
            kept += result == draft.target
            used += result.source == "llm"
        faithful_used = 0
        for draft in FAITHFUL:
            fake_llm.reply = draft.filled()
            result = await drafter.improve(draft.target, "how much is a box?", BRAND)
            faithful_used += result.source == "llm"
    finally:
        await drafter.close()
    assert len(fake_llm.requests) == len(ADVERSARIAL) + len(FAITHFUL)
    assert used <= len(ADVERSARIAL) * 0.02 and kept == len(ADVERSARIAL) - used
    assert faithful_used == len(FAITHFUL)
