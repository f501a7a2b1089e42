"""The team's corrections teach this install's model: refit in a child process, off the event
loop, and swapped in only when it keeps every guard line (opt-outs and complaints) and scores no
worse on dev.jsonl; held-back corrections are measured but never decide alone.

Real engine, real SQLite, real child processes (each refit trains a model: a few seconds).
The corrections come from bench/data/neighbourhood_slang.jsonl, customer messages in one local
register written for the feedback-learning benchmark.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from pathlib import Path

import pytest

from bot import corrections as stored_corrections
from bot.app import Application
from bot.config import Secrets
from bot.core.types import Request
from bot.engine import Engine
from bot.engine.corpus import Example, dev_examples
from bot.engine.refit import (
    DEV_TOLERANCE,
    Outcome,
    is_held_back,
    latest_per_text,
    split,
)
from handlers import conversation, corrections
from tests.conftest import ROOT, example_config
from tests.fakes import CountingAdapter
from tests.test_engine_cli import nudge

SLANG = ROOT / "bench" / "data" / "neighbourhood_slang.jsonl"
GUARD_S = 300  # only reached when a refit hangs
_ids = itertools.count(1)


def slang() -> list[tuple[str, str]]:
    return [(row["text"], row["intent"]) for row in map(json.loads, SLANG.open())]


def misread(engine: Engine, count: int) -> list[tuple[str, str]]:
    """The first `count` slang messages the shipped model gets wrong."""
    lines = slang()
    guesses = engine.classify_many([text for text, _ in lines])
    wrong = [(text, intent) for (text, intent), guess in zip(lines, guesses, strict=True)
             if guess.intent != intent]
    assert len(wrong) >= count
    return wrong[:count]


def make_app(tmp_path, db, clock, **engine) -> Application:
    config = example_config(tmp_path, engine=engine)
    return Application(config, Secrets.from_env({}), db=db, clock=clock)


def say(app: Application, text: str):
    request = Request(platform="slack", text=text, user=f"U{next(_ids)}", channel="C1",
                      message_id=f"m{next(_ids)}")
    return conversation.on_message(request, app.ctx)


def test_the_held_back_share_is_a_fifth_chosen_by_the_words_and_never_a_dev_line():
    lines = [text for text, _ in slang()]
    assert [is_held_back(t) for t in lines] == [is_held_back(t) for t in lines]
    assert 0.1 < sum(map(is_held_back, lines)) / len(lines) < 0.3
    dev = dev_examples()
    examples = latest_per_text([(dev[0].text, "praise"), ("Some NEW words!", "pricing"),
                                ("some new words", "complaint")])
    to_train, held = split(examples, dev)
    assert [e.text for e in to_train + held] == ["some new words"]  # the latest word wins
    assert (to_train + held)[0].intent == "complaint"


@pytest.mark.parametrize(("dev", "held", "lost", "accepted"), [
    ((0.980, 0.973), (0.0, 1.0), (), False),  # the poisoned share vouches for itself: no
    ((0.980, 0.990), (0.5, 0.9), (Example("opt me out", "unsubscribe"),), False),  # guard lost
    ((0.980, 0.978), (0.0, 0.7), (), True),  # a borderline dev line for what the team taught
    ((0.980, 0.978), (0.5, 0.3), (), False),  # worse on dev and on the held-back share
    ((0.980, 0.980), (0.0, 0.0), (), True),
])
def test_the_held_back_share_never_accepts_a_refit_alone(dev, held, lost, accepted):
    outcome = Outcome(old_score=dev[0], new_score=dev[1], trained_on=80, held_back=20,
                      model=None, old_held_score=held[0], new_held_score=held[1],
                      guard_lost=lost, guard_size=220, dev_size=452)
    assert outcome.accepted is accepted
    assert ("loses 1 of 220 guard lines: 'opt me out'" in outcome.verdict()) == bool(lost)


async def test_twenty_corrections_refit_in_a_child_process_while_chat_goes_on(tmp_path, db,
                                                                             clock):
    app = make_app(tmp_path, db, clock, refit_after=20)
    app.ctx.engine.warm()
    before = app.ctx.engine.classifier.model
    lesson = misread(app.ctx.engine, 20)
    for number, (text, intent) in enumerate(lesson, start=1):
        review = say(app, text)
        corrections.on_correct(app.ctx, review.meta["suggestion_id"], intent, "slack",
                               "U0MANAGER")  # some are complaints: a manager's to make
        assert app.refitter.running == (number == 20)  # 19 corrections are not enough

    # The refit trains in a child process: customers are still answered meanwhile.
    assert say(app, "are you open on sunday?").meta["suggestion_id"]
    assert app.refitter.running
    await asyncio.wait_for(app.refitter.wait(), GUARD_S)

    row = db["model_refits"].get(1)
    assert row["status"] == "accepted", row["detail"]
    assert row["last_correction_id"] == 20
    assert row["new_score"] >= row["old_score"] - DEV_TOLERANCE  # scores are dev.jsonl's
    assert "keeps every guard line" in row["detail"]
    assert row["trained_on"] + row["held_back"] == 20 and row["held_back"] > 0
    assert app.refitter.last_answer["pid"] != os.getpid()
    now = app.ctx.engine.classifier.model
    assert now is not before and now.key == row["model_key"] and Path(row["model_path"]).exists()
    trained = [(t, i) for t, i in lesson if not is_held_back(t)]
    learnt = app.ctx.engine.classify_many([text for text, _ in trained])
    assert sum(c.intent == i for c, (_, i) in zip(learnt, trained, strict=True)) > \
        len(trained) // 2  # the shipped model had every one of them wrong

    # The next start loads the refit model in its warm-up and has nothing left to refit.
    again = make_app(tmp_path, db, clock, refit_after=20)
    adapter = CountingAdapter("console")
    again.add_adapter(adapter)
    running = asyncio.create_task(again.run())
    await adapter.ready.wait()
    await again.engine_ready()
    assert again.ctx.engine.classifier.model.key == row["model_key"]
    assert not again.refitter.running and db["model_refits"].count == 1
    await adapter.stop()
    await asyncio.wait_for(running, GUARD_S)


async def test_a_refit_that_scores_worse_is_refused_and_the_model_in_use_stays(tmp_path, db,
                                                                             clock):
    app = make_app(tmp_path, db, clock, refit_after=0)
    app.ctx.engine.warm()
    in_use = app.ctx.engine.classifier.model
    # Careless corrections: dev lines with a word added, each labelled as another intent.
    dev = dev_examples()
    intents = sorted({e.intent for e in dev})
    for number, example in enumerate(dev[:120]):
        wrong = intents[(intents.index(example.intent) + 1) % len(intents)]
        stored_corrections.record(db, stored_corrections.Correction(
            text=f"{example.text} then", to_intent=wrong, from_intent=example.intent,
            user_id="UCARELESS", created_at=f"2026-11-23T10:{number // 60:02d}:{number % 60:02d}"
                                            "+00:00"))

    answer = await asyncio.wait_for(app.refitter.refit(), GUARD_S)

    row = db["model_refits"].get(1)
    assert row["status"] == "refused" and row["new_score"] < row["old_score"]
    assert answer["path"] is None and row["model_path"] is None
    assert app.ctx.engine.classifier.model is in_use
    assert app.refitter.pending() == 0  # refused corrections are not tried again at start


async def test_corrections_not_yet_in_the_model_are_learnt_at_start(tmp_path, db, clock):
    for number, (text, intent) in enumerate(slang()[:12]):
        stored_corrections.record(db, stored_corrections.Correction(
            text=text, to_intent=intent, user_id="UTEAM",
            created_at=f"2026-11-22T09:00:{number:02d}+00:00"))
    app = make_app(tmp_path, db, clock, refit_after=0)  # 0: at start only
    adapter = CountingAdapter("console")
    app.add_adapter(adapter)
    running = asyncio.create_task(app.run())
    await adapter.ready.wait()
    await app.engine_ready()
    await asyncio.sleep(0)  # the catch-up starts as soon as the warm-up is done
    assert app.refitter.running
    await asyncio.wait_for(app.refitter.wait(), GUARD_S)
    assert db["model_refits"].get(1)["last_correction_id"] == 12
    await adapter.stop()
    await asyncio.wait_for(running, GUARD_S)


def opt_outs_as_small_talk() -> list[str]:
    """Hundreds of opt-out wordings, each a JSON line relabelling it as chit_chat: the poisoned
    import an outside audit used (built from parts here, so no line is a guard line)."""
    asks = ["please", "just", "kindly", "seriously", "for the last time", "honestly", "ok so",
            "right,"]
    wants = ["stop messaging me", "remove me from your list", "stop texting me",
             "take me off your mailing list", "unsubscribe me", "stop sending me promos",
             "don't message me anymore", "stop contacting me", "delete my number",
             "no more offers for me", "opt me out", "stop the newsletter emails"]
    ends = ["", " thanks", " now", " asap", " for good"]
    lines = []
    for number, (ask, want, end) in enumerate(itertools.product(asks, wants, ends)):
        lines.append(json.dumps({
            "text": f"{ask} {want}{end}", "from_intent": "unsubscribe", "to_intent": "chit_chat",
            "platform": "slack", "user_id": "UINTRUDER",
            "created_at": f"2026-11-23T1{number // 3600}:{number // 60 % 60:02d}:"
                          f"{number % 60:02d}+00:00"}))
    return lines


async def test_importing_opt_outs_relabelled_as_small_talk_cannot_teach_nudge_to_ignore_them(
        tmp_path, db, clock):
    app = make_app(tmp_path, db, clock, refit_after=0)
    app.ctx.engine.warm()
    in_use = app.ctx.engine.classifier.model
    added, _ = stored_corrections.import_lines(db, opt_outs_as_small_talk())
    assert added == 480

    answer = await asyncio.wait_for(app.refitter.refit(), GUARD_S)  # the child, as the bot runs

    row = db["model_refits"].get(1)
    assert row["status"] == "refused" and answer["path"] is None
    assert answer["guard_lost"]  # the candidate reads guarded opt-outs as small talk
    assert "guard lines" in row["detail"]
    assert app.ctx.engine.classifier.model is in_use
    for text in ("please stop messaging me", "remove me from your list", "leave me alone"):
        assert app.ctx.engine.classify_many([text])[0].intent == "unsubscribe", text


async def test_nudge_classify_uses_the_refit_model_the_bot_uses_and_says_so(
        tmp_path, db, clock, config_file):
    app = make_app(tmp_path, db, clock, refit_after=0)
    app.ctx.engine.warm()
    lesson = misread(app.ctx.engine, 20)
    for number, (text, intent) in enumerate(lesson):
        stored_corrections.record(db, stored_corrections.Correction(
            text=text, to_intent=intent, user_id="U0MANAGER",
            created_at=f"2026-11-23T09:00:{number:02d}+00:00"))
    await asyncio.wait_for(app.refitter.refit(), GUARD_S)
    row = db["model_refits"].get(1)
    assert row["status"] == "accepted", row["detail"]
    trained = [(t, i) for t, i in lesson if not is_held_back(t)]
    bot_reads = [c.intent for c in app.ctx.engine.classify_many([t for t, _ in trained])]

    result = nudge(config_file, "classify",
                   stdin="".join(json.dumps({"text": t}) + "\n" for t, _ in trained))

    assert result.returncode == 0, result.stderr.decode()
    assert [json.loads(line)["intent"] for line in result.stdout.splitlines()] == bot_reads
    assert sum(got == i for got, (_, i) in zip(bot_reads, trained, strict=True)) > 0
    assert f"classify: using the model refit on the team's corrections (refit #1 of " \
           f"{row['finished_at'][:16]}, corrections up to #20" in result.stderr.decode()


@pytest.mark.parametrize("value", [-1, 10_001, "often"])
def test_refit_after_is_validated(tmp_path, value):
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="engine.refit_after"):
        example_config(tmp_path, engine={"refit_after": value})


async def test_refit_models_load_in_one_thread_and_the_freed_memory_is_given_back(
        tmp_path, db, clock, monkeypatch):
    """A model loaded in a new thread each time left memory behind at every refit (glibc
    keeps an arena per thread): they load in one thread, and freed memory is returned."""
    import threading

    from bot.engine import refitter as refitter_module

    app = make_app(tmp_path, db, clock, refit_after=20)
    app.ctx.engine.warm()
    model = app.ctx.engine.classifier.model
    loaded_in, given_back = [], []

    def load(path, key, embedding_dir):
        loaded_in.append((threading.get_ident(), threading.current_thread().name))
        return model

    monkeypatch.setattr(refitter_module, "load_model", load)
    monkeypatch.setattr(refitter_module, "give_back_freed_memory",
                        lambda: given_back.append(True))
    for number in range(3):
        await app.refitter._swap_in({"path": str(tmp_path / f"model-{number}.npz"),
                                     "key": model.key}, previous=None)
    assert len(loaded_in) == 3 and len(set(loaded_in)) == 1
    # Its own thread: not the loop's, nor the shared pool's, where other work allocates too.
    assert loaded_in[0][1].startswith("nudge-model-load")
    assert given_back == [True] * 3
    await app.refitter.stop()
    refitter_module.give_back_freed_memory()  # the real one: harmless to call at any time
