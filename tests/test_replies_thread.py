"""Thread memory, through the real conversation handler and SQLite: nothing said twice in a
thread, the CTA cadence counts only calls-to-action the customer received, "Another" is
genuinely different, and no reply ends on a colon that introduces nothing."""

from __future__ import annotations

import itertools

import pytest

from bot.core.types import Request
from bot.engine import Engine
from bot.engine.memory import key, sentences
from handlers import conversation
from tests.conftest import example_config

_ids = itertools.count(1)


@pytest.fixture
def chat(ctx, engine):
    ctx.engine = engine
    return ctx


def customer(chat, text: str, thread: str = "T1"):
    request = Request(platform="slack", text=text, user="U1", channel="C1", thread=thread,
                      message_id=f"m{next(_ids)}")
    review = conversation.on_message(request, chat)
    return chat.db["suggestions"].get(review.meta["suggestion_id"])


def send(chat, suggestion: dict, edited: str | None = None) -> None:
    action = "edit" if edited is not None else "send"
    result = conversation.on_choice(chat, action, suggestion["id"], "slack", "UTEAM",
                                    edited_text=edited)
    conversation.confirm_send(chat, result)  # the platform confirmed the post


def team_types(chat, text: str, thread: str = "T1") -> None:
    conversation.on_message(Request(platform="slack", text=text, user="UTEAM", channel="C1",
                                    thread=thread, role="team", message_id=f"m{next(_ids)}"),
                            chat)


def since_cta(chat) -> int:
    return chat.db.execute("select customer_messages_since_cta from conversations").fetchone()[0]


def test_a_second_complaint_in_a_thread_gets_a_different_apology(chat):
    first = customer(chat, "the bread I bought this morning was stale, really disappointed")
    send(chat, first)
    second = customer(chat, "and the coffee was cold too, this is really not good enough")
    assert second["intent"] == "complaint" and second["urgent"]
    said = {key(s) for s in sentences(first["text"])}
    assert not said & {key(s) for s in sentences(second["text"])}


def test_no_sentence_sent_in_a_thread_comes_back(chat):
    texts = ["hi there!", "how much is the pastry box?", "hello again", "how much is a baguette?",
             "lovely, thanks", "hi!"]
    seen: set[str] = set()
    for text in texts:
        suggestion = customer(chat, text)
        new = [key(s) for s in sentences(suggestion["text"])
               if "http" not in s and not any(c.isdigit() for c in s)]
        assert not seen & set(new), (text, suggestion["text"])
        seen |= set(new)
        send(chat, suggestion)


def test_an_offer_sent_once_is_not_pitched_again_in_the_thread(chat):
    first = customer(chat, "how much is the pastry box?")
    assert first["offer_id"] == "autumn10"
    send(chat, first)
    again = customer(chat, "ok and what does a box of pastries cost for saturday?")
    assert again["offer_id"] is None and "AUTUMN10" not in again["text"]


def test_an_edit_that_drops_the_link_does_not_count_as_a_cta(chat):
    for text in ("lovely weather", "how are you?"):
        customer(chat, text)
    third = customer(chat, "lovely weather again")
    assert third["cta_kind"] == "learn"
    send(chat, third, edited="Thanks! Have a lovely day.")
    assert since_cta(chat) == 3  # the customer never received a link
    send_with_link = customer(chat, "what's new?")
    send(chat, send_with_link)
    assert since_cta(chat) == (0 if send_with_link["cta_id"] else 4)


def test_a_catalog_link_typed_by_the_team_counts_as_a_cta(chat):
    customer(chat, "lovely weather")
    customer(chat, "how are you?")
    team_types(chat, "Here's our menu: https://crumbandco.example/menu")
    assert since_cta(chat) == 0


def test_another_gives_genuinely_different_replies(chat):
    for text in ("how much is the pastry box?", "where are your shops?", "do you deliver?",
                 "my order never arrived", "your croissants are amazing"):
        first = customer(chat, text, thread=text)
        rows = list(chat.db["suggestions"].rows_where("message_id = ?", [first["message_id"]]))
        talks = [frozenset(key(s) for s in sentences(r["text"]) if "http" not in s)
                 for r in rows]
        pairs = [(a, b) for a, b in itertools.combinations(zip(talks, rows, strict=True), 2)]
        for (talk_a, a), (talk_b, b) in pairs:
            assert talk_a != talk_b or a["cta_id"] != b["cta_id"], text


def test_no_reply_ends_on_a_colon_when_the_catalog_lacks_the_link(tmp_path):
    config = example_config(tmp_path)
    config.ctas = [cta for cta in config.ctas if cta.kind not in ("contact", "review", "refer")]
    engine = Engine(config)
    from datetime import UTC, datetime

    from bot.engine.types import ThreadState
    for text in ("this is the worst service ever, my cake was squashed", "my order is late",
                 "you are brilliant", "how much is the pastry box?", "lovely weather"):
        for s in engine.suggest(text, platform="slack", now=datetime(2026, 11, 23, tzinfo=UTC),
                                state=ThreadState(customer_messages_since_cta=5)).suggestions:
            assert not s.text.rstrip().endswith(":"), (text, s.text)


def test_a_follow_up_to_a_complaint_stays_urgent(chat):
    first = customer(chat, "the compost bag I bought was split and soaking, really not happy")
    assert first["intent"] == "complaint" and first["urgent"]
    send(chat, first)
    follow_up = customer(chat, "and nobody answered the phone either")
    assert follow_up["urgent"]
    thanks = customer(chat, "ok thanks")
    assert not thanks["urgent"]
