"""Knowledge gaps: the questions nothing in the config answered are kept with the message's
suggestions, grouped by meaning across languages, listed by `/nudge gaps`, `nudge gaps`, the
digest and the report, and closed once an FAQ entry answers them."""

from __future__ import annotations

import itertools
import json
import re
import shlex
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import load_config
from bot.core.types import Request
from bot.engine import Engine
from bot.engine import gaps as grouping
from bot.results.gaps import gaps_section_html
from bot.store import gaps as store
from bot.store import iso
from handlers import conversation
from handlers.digest import build_digest
from handlers.gaps import gap_report, report_for
from tests.cli_helpers import nudge
from tests.conftest import EXAMPLE
from tests.gaps_questions import QUESTIONS, all_questions

_ids = itertools.count(1)


@pytest.fixture
def chat(ctx, engine):
    ctx.engine = engine
    return ctx


def ask(chat, text: str, *, thread: str | None = None, platform: str = "slack"):
    number = next(_ids)
    request = Request(platform=platform, text=text, user=f"U{number}", channel="C1",
                      thread=thread or f"T{number}", message_id=f"m{number}")
    return conversation.on_message(request, chat)


def kept(chat) -> list[store.GapRow]:
    return store.asked_between(chat.db, chat.now() - timedelta(days=365),
                               chat.now() + timedelta(days=1))


def test_fifty_six_questions_in_four_languages_fall_into_one_group_per_topic(chat):
    for _, _, text in all_questions():
        ask(chat, text)
    rows = kept(chat)
    assert len(rows) >= 50
    assert {row.lang for row in rows} == {"en", "de", "es", "fr"}
    report = report_for(chat, 7)
    assert report.method.startswith("grouped by meaning")
    topic_of = {text: topic for topic, _, text in all_questions()}
    topics_per_group = [{topic_of[q] for q in group.questions} for group in report.groups]
    assert all(len(topics) == 1 for topics in topics_per_group), topics_per_group  # pure
    assert len(report.groups) <= 10
    assert sum(group.count for group in report.groups) == len(rows)
    # Every topic has its own group, with the most typical question as its example.
    biggest = {}
    for group, (topic,) in zip(report.groups, topics_per_group, strict=True):
        biggest.setdefault(topic, group)
    assert set(biggest) == set(QUESTIONS)
    for topic, group in biggest.items():
        assert topic_of[group.example] == topic
    # The FAQ draft is worded in the brand's language (English) when the group has such a
    # question, whatever the language of its most typical one.
    english = {text for _, lang, text in all_questions() if lang == "en"}
    for group in report.groups:
        if english & set(group.questions):
            assert group.draft in english
            assert shlex.split(group.faq_command)[3:6] == ["--question", group.draft, "--answer"]
    # The groups are kept: listing again gives the same groups, and a new question on a
    # topic joins that topic's group.
    again = report_for(chat, 7)
    assert [(g.id, g.count) for g in again.groups] == [(g.id, g.count) for g in report.groups]
    ask(chat, "Puis-je garer mon vélo devant la boutique ?")
    ask(chat, "Can I park right outside the shop?")
    parking = max((g for g in report_for(chat, 7).groups
                   if any(topic_of.get(q) == "parking" for q in g.questions)),
                  key=lambda g: g.count)
    assert "Can I park right outside the shop?" in parking.questions


def test_a_question_the_faq_answers_is_not_a_gap_and_one_it_does_not_is_kept_once(chat):
    ask(chat, "Do you deliver to my area?")
    ask(chat, "how much is a sourdough loaf?")
    assert kept(chat) == []
    review = ask(chat, "Hi! How much is a sourdough loaf, and can I bring my dog?", thread="T9")
    rows = kept(chat)
    assert len(rows) == 1
    row = rows[0]
    assert (row.platform, row.lang, row.shop) == ("slack", "en", "")
    assert row.text == "Hi! How much is a sourdough loaf, and can I bring my dog?"
    assert "dog" in row.question and "sourdough" not in row.question
    assert row.conversation_id == review.meta["conversation_id"]
    # Grouped and shown by its unanswered part, not the whole message.
    assert report_for(chat, 7).groups[0].example == "Can I bring my dog?"
    ask(chat, "Hola, ¿cuánto cuesta la baguette? ¿Y puedo ir con mi perro?")
    examples = sorted(g.questions[-1] for g in report_for(chat, 7).groups)
    assert len(examples) == 1 and "perro" in examples[0]


def test_the_shop_is_kept_when_the_question_names_one(chat):
    ask(chat, "Is there parking near the Mill Road shop?")
    assert [row.shop for row in kept(chat)] == ["Mill Road"]


def test_the_chat_command_lists_the_groups_with_an_faq_draft(chat):
    for text in ("Can I bring my dog inside?", "¿Puedo entrar con mi perro?",
                 "Is there wifi in the shop?"):
        ask(chat, text)
    reply = chat.router.dispatch(Request(platform="slack", text="/nudge gaps", user="UT",
                                         channel="CREVIEW", role="team"), chat)
    assert "2 questions you could not answer in the last 7 days, asked 3 times" in reply.text
    assert "twice: " in reply.text and "once: \"Is there wifi in the shop?\"" in reply.text
    assert "nudge faq add --question" in reply.text
    bad = chat.router.dispatch(Request(platform="slack", text="/nudge gaps yesterday",
                                       user="UT", channel="CREVIEW", role="team"), chat)
    assert "is not a period" in bad.text and "Usage" in bad.text


def test_the_command_and_the_digest_only_read_and_need_no_engine(chat, config, db, clock):
    """As in the reader process: a read-only database, no engine (the FAQ still closes)."""
    from bot.core.context import Context
    from bot.store import reading
    from handlers.registry import build_router

    for text in ("Can I bring my dog inside?", "Est-ce que je peux venir avec mon chien ?",
                 "Is there wifi in the shop?", "Do you deliver to Cambridge?"):
        ask(chat, text)
    reader = Context(config=config, db=db, router=build_router(), clock=clock)
    request = Request(platform="slack", text="/nudge gaps", user="UT", channel="CREVIEW",
                      role="team")
    with reading.read_only(db):
        reply = reader.router.dispatch(request, reader)
        digest = build_digest(reader).text
    assert "2 questions you could not answer in the last 7 days, asked 3 times" in reply.text
    assert "2 questions you could not answer this week, asked 3 times" in digest
    assert {row.group_id for row in kept(chat)} == {None}  # nothing written
    config.faq.append(type(config.faq[0])(question="Is there wifi?",
                                          answer="Yes, ask at the counter."))
    with reading.read_only(db):
        after = reader.router.dispatch(request, Context(
            config=config.model_copy(), db=db, router=build_router(), clock=clock))
    assert "1 question you could not answer in the last 7 days, asked twice" in after.text
    assert "1 group(s) answered since by the FAQ" in after.text


def test_the_digest_says_how_many_questions_could_not_be_answered_this_week(chat, clock):
    for text in ("Can I bring my dog inside?", "Sind Hunde bei euch erlaubt?",
                 "Is there wifi in the shop?"):
        ask(chat, text)
    clock.advance(days=8)
    ask(chat, "Do you have a loyalty card?")  # the week before those three is over
    text = build_digest(chat).text
    assert "*Could not answer*: 1 question you could not answer this week, asked once." \
        in text
    clock.advance(days=-8)
    text = build_digest(chat, clock.moment + timedelta(hours=1)).text
    assert "2 questions you could not answer this week, asked 3 times" in text


def test_the_report_section_escapes_customers_words(chat):
    ask(chat, "Can I bring my <b>dog</b> & cat inside?")
    html = gaps_section_html(report_for(chat, 7), period="this week")
    assert "1 question you could not answer this week, asked once" in html
    assert "&lt;b&gt;dog&lt;/b&gt; &amp; cat" in html and "<b>dog" not in html
    assert "nudge faq add --question" in html and html.startswith('<section class="gaps">')
    empty = gaps_section_html(report_for(chat, 7, now=chat.now() + timedelta(days=30)))
    assert "Every question in this period had an answer" in empty and "<table>" not in empty


def test_unanswered_leaves_out_questions_the_team_answered_afterwards(chat):
    answered = ask(chat, "Is there wifi in the shop?")
    ask(chat, "Can I bring my dog inside?")
    conversation.on_choice(chat, "send", answered.meta["suggestion_id"], "slack", "UT")
    assert len(report_for(chat, 7).groups) == 2
    left = report_for(chat, 7, unanswered=True)
    assert [g.example for g in left.groups] == ["Can I bring my dog inside?"]


def test_without_the_embedding_model_questions_are_grouped_by_words_and_it_says_so(tmp_path):
    result = grouping.vectors(["can I bring my dog?", "are dogs allowed?"],
                              str(tmp_path / "no-model"))
    assert result.method == "words" and "not meaning" in result.note
    assert "no embedding model" in result.note
    labels = grouping.cluster(result.rows, result.threshold)
    assert labels == [0, 0]  # "dog" and "dogs" are one word to the engine


def test_a_group_is_named_by_its_oldest_question_and_new_ones_do_not_rename_it(chat, clock):
    first = ask(chat, "Can I bring my dog inside?")
    ask(chat, "Is there wifi in the shop?")
    dogs = report_for(chat, 7).groups[0]
    assert dogs.example == "Can I bring my dog inside?"
    clock.advance(hours=1)
    ask(chat, "¿Se admiten perros en la tienda?")
    ask(chat, "Sind Hunde bei euch erlaubt?")
    kept_now = gap_report(chat.db, chat.now() - timedelta(days=7),
                          chat.now() + timedelta(seconds=1), keep_groups=True)
    again = next(g for g in kept_now.groups if g.count == 3)
    assert again.id == dogs.id == kept(chat)[0].id
    assert {row.group_id for row in kept(chat) if row.text != "Is there wifi in the shop?"} \
        == {dogs.id}
    assert first.meta["conversation_id"] == kept(chat)[0].conversation_id


# ---- the command line ------------------------------------------------------------------


@pytest.fixture
def commented_config(tmp_path, config):
    """The example config file as shipped (comments and all), on the test's database."""
    path = tmp_path / "config.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('path: "./data/nudge.db"', f'path: "{config.storage.path}"')
    assert config.storage.path in text
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def recent(chat, clock):
    """Questions asked an hour ago (the command line reads the real clock) and ten days ago."""
    now = datetime.now(UTC).replace(microsecond=0)
    clock.moment = now - timedelta(days=10)
    ask(chat, "Do you have a loyalty card?")
    clock.moment = now - timedelta(hours=1)
    for text in ("Can I bring my dog inside?", "Darf ich meinen Hund mitbringen?",
                 "Est-ce que je peux venir avec mon chien ?", "Is there wifi in the shop?"):
        ask(chat, text)
    return chat


def test_nudge_gaps_prints_the_groups_and_their_faq_command(recent, commented_config):
    done = nudge(commented_config, "gaps")
    assert done.returncode == 0, done.stderr
    assert "2 questions you could not answer in the last 7d, asked 4 times" in done.stdout
    assert "- 3 times: " in done.stdout and "loyalty" not in done.stdout
    assert "add an answer: nudge faq add --question" in done.stdout
    assert "(grouped by meaning" in done.stdout
    groups = Counter(row.group_id for row in kept(recent) if row.asked_at > recent.now()
                     - timedelta(days=2))  # the command line keeps each question's group
    assert sorted(groups.values()) == [1, 3] and None not in groups


def test_the_html_report_lists_the_questions_nobody_could_answer(recent, commented_config,
                                                                  tmp_path):
    page = tmp_path / "report.html"
    done = nudge(commented_config, "report", "--html", str(page), "--days", "7")
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert "<h2>Questions you could not answer</h2>" in html
    assert "2 questions you could not answer in this period, asked 4 times" in html
    assert "nudge faq add --question" in html and "loyalty" not in html  # ten days ago


def test_nudge_gaps_json_and_since(recent, commented_config):
    done = nudge(commented_config, "gaps", "--json", "--since", "30d")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sorted(g["count"] for g in report["groups"]) == [1, 1, 3]
    dogs = max(report["groups"], key=lambda g: g["count"])
    assert dogs["languages"] == {"en": 1, "de": 1, "fr": 1} and not dogs["closed"]
    assert dogs["faq_command"].startswith("nudge faq add --question ")
    assert report["questions"] == 5
    shorter = json.loads(nudge(commented_config, "gaps", "--json", "--since", "2h").stdout)
    assert report["questions"] == 5 and shorter["questions"] == 4


@pytest.mark.parametrize("since", ["abc", "7", "0d", "-3d", "7 days"])
def test_nudge_gaps_refuses_a_period_it_cannot_read(commented_config, since):
    done = nudge(commented_config, "gaps", "--since", since)
    assert done.returncode == 2
    assert "--since" in done.stderr and "7d, 24h or 2w" in done.stderr
    assert "Traceback" not in done.stderr


def test_faq_add_closes_the_group_and_keeps_the_config_comments(recent, commented_config):
    before = commented_config.read_text(encoding="utf-8")
    done = nudge(commented_config, "faq", "add", "--question", "Can I bring my dog?",
                 "--answer", "Dogs on a lead are welcome in both shops.",
                 "--config", str(commented_config))
    assert done.returncode == 0, done.stderr
    after = commented_config.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    config = load_config(commented_config)
    assert config.faq[-1].question == "Can I bring my dog?" and len(config.faq) == 5
    report = report_for(recent, 7)  # with the engine of the old config: still open
    assert any(g.count == 3 for g in report.groups)
    recent.engine = Engine(config)
    recent.config = config
    report = report_for(recent, 7)
    assert [g.example for g in report.groups] == ["Is there wifi in the shop?"]
    assert report.closed_hidden == 1
    closed = report_for(recent, 7, include_closed=True).groups
    assert [g.answered_by for g in closed if g.closed] == ["Can I bring my dog?"]
    listed = nudge(commented_config, "gaps")
    assert "1 question you could not answer" in listed.stdout
    assert "1 group(s) the FAQ answers now" in listed.stdout


def test_faq_add_refuses_an_entry_that_would_break_the_config(commented_config):
    before = commented_config.read_text(encoding="utf-8")
    done = nudge(commented_config, "faq", "add", "--question", "Parking?", "--answer",
                 "Behind the shop.", "--cta", "no-such-cta")
    assert done.returncode == 2 and "Not added" in done.stderr
    assert commented_config.read_text(encoding="utf-8") == before


def test_kept_questions_read_back_the_same_on_both_backends(any_db):
    from bot.store import conversations

    at = datetime(2026, 11, 23, 10, tzinfo=UTC)
    recorded = conversations.record_message(any_db, conversations.Incoming(
        platform="slack", workspace="", channel="C1", thread="T1", user="U1",
        user_name="ana", role="customer", text="wifi?", event_key="m1"), iso(at))
    gap = store.NewGap(recorded.message_id, recorded.conversation_id, "slack",
                       "Is there wifi?", "is there wifi", "en", "Mill Road", iso(at))
    store.record(any_db, gap)
    store.record(any_db, gap)  # a redelivered message keeps its first row
    rows = store.asked_between(any_db, at, at + timedelta(seconds=1))
    assert len(rows) == 1 and rows[0].asked_at == at and rows[0].shop == "Mill Road"
    assert store.asked_between(any_db, at + timedelta(seconds=1), at + timedelta(days=1)) == []
    assert rows[0].group_id is None
    store.set_group(any_db, 99, [rows[0].id])
    store.set_group(any_db, 7, [])  # nothing to move: nothing changes
    assert Counter(r.group_id for r in store.asked_between(
        any_db, at, at + timedelta(seconds=1))) == {99: 1}


def test_since_reads_hours_days_and_weeks():
    from bot.cli.common import ConfigProblem
    from bot.cli.gaps import parse_since

    assert parse_since("24h") == timedelta(hours=24)
    assert parse_since("7d") == timedelta(days=7) and parse_since("2W") == timedelta(weeks=2)
    with pytest.raises(ConfigProblem) as refused:
        parse_since("x")
    assert re.search("not a period", refused.value.message) and refused.value.exit_code == 2


def test_an_faq_entry_lands_at_the_end_of_the_list_whatever_its_indent():
    from bot.faq_file import NotWritten, with_entry

    text = "brand:\n  name: X\nfaq:\n- question: A?\n  answer: a\n\n# products next\nproducts: []\n"
    added = with_entry(text, 'Dogs "allowed"?', "Yes.")
    assert added == ("brand:\n  name: X\nfaq:\n- question: A?\n  answer: a\n"
                     '- question: "Dogs \\"allowed\\"?"\n  answer: "Yes."\n'
                     "\n# products next\nproducts: []\n")
    assert with_entry("brand:\n  name: X", "Q?", "A.") == \
        'brand:\n  name: X\n\nfaq:\n  - question: "Q?"\n    answer: "A."\n'
    with pytest.raises(NotWritten) as flow:
        with_entry("faq: []\n", "Q?", "A.")
    assert flow.value.snippet == 'faq:\n  - question: "Q?"\n    answer: "A."\n'


def test_past_the_limit_only_the_newest_questions_are_grouped_and_it_says_so(chat, clock,
                                                                            monkeypatch):
    import handlers.gaps

    monkeypatch.setattr(handlers.gaps, "MAX_GROUPED", 3)
    for text in ("Is there wifi in the shop?", "Can I bring my dog inside?",
                 "Sind Hunde bei euch erlaubt?", "¿Se admiten perros en la tienda?"):
        clock.advance(minutes=1)
        ask(chat, text)
    report = report_for(chat, 7)
    assert [g.count for g in report.groups] == [3]
    assert "wifi" not in " ".join(report.groups[0].questions)
    assert report.method.endswith("only the newest 3 questions, 1 older ones left out")


def test_the_quick_grouping_merges_as_plain_average_linkage_does():
    import numpy as np

    def plain(rows, threshold):  # every pair of clusters compared again after each merge
        clusters = [[i] for i in range(len(rows))]
        cosines = rows @ rows.T
        while len(clusters) > 1:
            score, a, b = max((cosines[np.ix_(one, two)].mean(), i, j)
                              for i, one in enumerate(clusters)
                              for j, two in enumerate(clusters) if i < j)
            if score < threshold:
                break
            clusters[a] += clusters.pop(b)
        return sorted(sorted(c) for c in clusters)

    generator = np.random.default_rng(7)
    centres = generator.normal(size=(6, 32))
    rows = centres[generator.integers(0, 6, 45)] + generator.normal(size=(45, 32)) * 0.9
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    for threshold in (0.2, 0.45, 0.7):
        labels = grouping.cluster(rows, threshold)
        found = {}
        for index, label in enumerate(labels):
            found.setdefault(label, []).append(index)
        assert sorted(found.values()) == plain(rows, threshold)
        assert all(label == min(group) for label, group in found.items())
