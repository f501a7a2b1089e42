"""`nudge classify` and `nudge suggest`: the suggestion engine from the command line.

classify reads JSON Lines on standard input, one object with a "text" key per line, and writes
each object back with "intent", "confidence" and "stage" added. A line that cannot be read (not
UTF-8, not JSON, nested too deeply, a lone surrogate, a number too large, NaN or Infinity) gets
an "error" key instead; the run goes on and the exit code is 1 at the end. Every output line is
strict JSON, which any parser reads.

Both use the intent model the bot uses: the newest one refit on the team's corrections when
there is one (stderr says so), else the shipped one.

suggest answers one message, or plays a whole conversation with --thread (bot/replay.py).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice

import click

from bot.cli.common import ConfigProblem, get_config, read_at
from bot.engine.corpus import CorpusError
from bot.engine.embedding import EmbeddingModelError
from bot.engine.types import Classification, SuggestionSet, ThreadState, weighed

BATCH = 256
MAX_LINE_BYTES = 1_000_000  # a chat message is far shorter; a bigger line is a mistake
MAX_DEPTH = 32  # a message record is a flat object; deeper nesting is never meant

log = logging.getLogger(__name__)


def _engine(ctx: click.Context):
    """The engine as `nudge run` has it: with the newest model refit on the team's corrections
    (as the bot loads it at warm-up), so a before/after check sees what the bot sees. Which
    model it is goes to stderr (the shipped one only with --verbose)."""
    from bot.engine import Engine

    config = get_config(ctx)
    engine = Engine(config)
    refit = _use_refit_model(config, engine)
    if refit is not None:
        click.echo(f"{ctx.command.name}: using the model refit on the team's corrections "
                   f"(refit #{refit.id} of {refit.finished_at[:16]}, corrections up to "
                   f"#{refit.last_correction_id}; dev {refit.new_score or 0:.3f})", err=True)
    else:
        log.info("%s: using the shipped intent model (no refit on the team's corrections is in "
                 "use)", ctx.command.name)
    return engine


def _use_refit_model(config, engine):
    """Load the newest accepted refit into `engine`, as the bot's warm-up does; that refit
    (bot.store.refits.Refit), or None (no database yet, no refit, or its file is gone)."""
    from pathlib import Path

    from bot.app import load_refitter
    from bot.config import database_target
    from bot.store import MEMORY, is_postgres, open_db, utc_now

    target = database_target(config)
    if not is_postgres(target) and (str(target) == MEMORY or not Path(target).exists()):
        return None  # nothing was ever learnt here; do not create a database to find out
    db = open_db(target)
    try:
        refitter = load_refitter(db, engine, config, utc_now)
        if refitter is None or not refitter.restore():
            return None
        return refitter.active()
    finally:
        db.conn.close()


def _model_problem(error: EmbeddingModelError) -> click.ClickException:
    """The embedding model's one line, exit code 2 (like a config problem: the fix is there)."""

    return ConfigProblem(f"Error: {error}")


def _stdin_lines() -> Iterator[bytes]:
    """Raw lines: each is decoded on its own, so one bad byte spoils one line, not the run."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream (tests that swap sys.stdin)
        yield from (line.encode("utf-8", "surrogatepass") for line in sys.stdin)
        return
    yield from stream


def _not_a_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in strict JSON")


def _problem(line: bytes) -> tuple[object, str | None]:
    """The line's JSON value, or None and why it cannot be read."""
    if len(line) > MAX_LINE_BYTES:
        return None, f"the line is longer than {MAX_LINE_BYTES:,} bytes"
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 text (byte {error.start + 1})"
    try:
        value = json.loads(text, parse_constant=_not_a_constant)
    except json.JSONDecodeError as error:
        return None, f"not valid JSON ({error.msg})"
    except RecursionError:
        return None, "not readable: nested too deeply"
    except ValueError as error:  # NaN, Infinity, or an integer beyond Python's digit limit
        reason = "a number too large" if "digits" in str(error) else str(error)
        return None, f"not strict JSON ({reason[:80]})"
    if _deeper_than(value, MAX_DEPTH):
        return None, f"not readable: nested too deeply (more than {MAX_DEPTH} levels)"
    try:
        # What cannot be written back as strict UTF-8 JSON (a lone surrogate, 1e999 read as
        # infinity, nesting too deep to print) is an error now, not a crash later.
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except RecursionError:
        return None, "not readable: nested too deeply"
    except ValueError as error:
        reason = "a lone surrogate" if isinstance(error, UnicodeError) else "a number too large"
        return None, f"not strict JSON ({reason})"
    return value, None


def _deeper_than(value: object, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(
            node, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def parse_line(line: bytes | str, number: int) -> tuple[dict, str | None]:
    """The line's object and its text, or an object with an "error" key and None."""
    if isinstance(line, str):
        line = line.encode("utf-8", "surrogatepass")
    row, problem = _problem(line)
    if problem:
        return {"line": number, "error": problem}, None
    if not isinstance(row, dict):
        return {"line": number, "error": 'expected a JSON object with a "text" key'}, None
    if not isinstance(row.get("text"), str):
        return {**row, "line": number, "error": 'expected a "text" key holding a string'}, None
    return row, row["text"]


def _classify_all(engine, texts: list[str]) -> list[Classification | None]:
    """Classifications in order; None for a text the engine could not classify."""
    try:
        return list(engine.classify_many(texts))
    except (CorpusError, EmbeddingModelError):
        raise
    except Exception:
        log.exception("classifying a batch failed; trying its lines one by one")
    results: list[Classification | None] = []
    for text in texts:
        try:
            results.append(engine.classify_many([text])[0])
        except (CorpusError, EmbeddingModelError):
            raise
        except Exception:
            log.exception("could not classify one line")
            results.append(None)
    return results


def classified(row: dict, result: Classification) -> dict:
    return {**row, "intent": result.intent, "confidence": result.confidence,
            "stage": result.stage}


@click.command()
@click.pass_context
def classify(ctx: click.Context) -> None:
    """Classify JSON Lines from standard input: {"text": ...} per line, results on stdout."""
    engine = _engine(ctx)
    lines = (line for line in _stdin_lines() if line.strip())
    errors = total = 0
    number = 0
    try:
        while batch := list(islice(lines, BATCH)):
            parsed = []
            for line in batch:
                number += 1
                parsed.append(parse_line(line, number))
            texts = [text for _, text in parsed if text is not None]
            results = iter(_classify_all(engine, texts))
            for index, (row, text) in enumerate(parsed, start=number - len(parsed) + 1):
                total += 1
                result = next(results) if text is not None else None
                if result is None:
                    errors += 1
                    out = row if text is None else {
                        **row, "line": index, "error": "the engine could not classify it"}
                else:
                    out = classified(row, result)
                click.echo(json.dumps(out, ensure_ascii=False, allow_nan=False))
            sys.stdout.flush()
    except CorpusError as error:
        raise click.ClickException(f"the intent corpus cannot be used: {error}") from None
    except EmbeddingModelError as error:
        raise _model_problem(error) from None
    if errors:
        click.echo(f"classify: {errors} of {total} lines had an error (see their \"error\" key)",
                   err=True)
        ctx.exit(1)


def _as_json(result: SuggestionSet) -> str:
    from bot.replay import suggestion_dict

    return json.dumps(suggestion_dict(result), ensure_ascii=False, indent=2)


def _as_text(result: SuggestionSet) -> str:
    c = result.classification
    unsure = ", unsure" if c.low_confidence else ""
    lines = [f"intent: {c.intent} (stage {c.stage}, confidence {c.confidence:.0%}{unsure}), "
             f"reply in {result.lang}"]
    if c.not_sure:
        lines.append(f"{c.not_sure} ({weighed(c.alternatives)})")
    if result.handled_as:
        lines.append(f"replied to as {result.handled_as}")
    if c.urgent:
        lines.append("strongly negative: urgent")
    elif result.urgent:
        lines.append("urgent: a person should answer now")
    for rank, s in enumerate(result.suggestions, start=1):
        lines.append("")
        lines.append(f"{rank}. " + s.text.replace("\n", "\n   "))
        link = f"{s.cta_kind} {s.cta_id}" if s.cta_id else "none"
        lines.append(f"   CTA: {link}" + ("   URGENT" if s.urgent else ""))
        lines.append(f"   why: {s.rationale}")
    return "\n".join(lines)


@click.command()
@click.argument("text", required=False)
@click.option("--thread", "thread", metavar="FILE",
              help="Play a whole conversation from a JSON Lines file ('-': standard input), "
                   "see above.")
@click.option("--use-database", is_flag=True,
              help="With --thread: play it in the configured database (storage.path, or "
                   "NUDGE_DATABASE_URL) instead of a temporary one; its messages and sends stay "
                   "there.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the result as JSON (with --thread: JSON Lines, one per message).")
@click.option("--platform", default="console", show_default=True,
              help="Where the message came from (sets utm_source).")
@click.option("--since-cta", type=click.IntRange(min=1), default=1, show_default=True,
              help="Customer messages in the thread since the last CTA, this one included.")
@click.option("--opted-out", is_flag=True, help="Answer as if the customer had opted out.")
@click.option("--at", "at", metavar="WHEN",
              help="Pretend it is this moment (offers, opening hours, open now): "
                   '"2026-12-24 16:30", "2026-12-24T16:30+01:00" or a date, in the brand\'s '
                   "time zone unless an offset is given.")
@click.pass_context
def suggest(ctx: click.Context, text: str | None, thread: str | None, use_database: bool,
            as_json: bool, platform: str, since_cta: int, opted_out: bool,
            at: str | None) -> None:
    """Show the intent, stage and suggested replies for one customer message, or for each
    message of a conversation (--thread).

    \b
    A thread file has one JSON object a line: {"text": "..."} is a customer message;
    {"text": "/as anna"} and {"text": "/new"} switch customer or start a new thread, as
    in the console; an optional "at" (same formats as --at) stops the clock there.
    Each message is handled as the console handles it, and the first suggestion of each
    is sent (as /send does) before the next one, so later messages are answered with
    the thread's memory. It all happens in a temporary database unless --use-database.
    Every line is checked first: a bad one stops the command (exit code 2) with its
    number and what is wrong, before anything is played.
    """

    config = get_config(ctx)
    moment = read_at(config, at)
    if (text is None) == (thread is None):
        raise ConfigProblem("Error: give one customer message, or --thread FILE (not both).")
    if thread is not None and (since_cta != 1 or opted_out):
        raise ConfigProblem("Error: --since-cta and --opted-out do not apply to --thread: the "
                            "thread keeps its own count and opt-outs.")
    try:
        if thread is not None:
            _suggest_thread(ctx, thread, use_database, as_json, platform, moment)
            return
        if use_database:
            raise ConfigProblem("Error: --use-database goes with --thread.")
        engine = _engine(ctx)
        state = ThreadState(customer_messages_since_cta=since_cta, opted_out=opted_out)
        result = engine.suggest(text, platform=platform, state=state,
                                now=moment or datetime.now(UTC))
    except CorpusError as error:
        raise click.ClickException(f"the intent corpus cannot be used: {error}") from None
    except EmbeddingModelError as error:
        raise _model_problem(error) from None
    click.echo(_as_json(result) if as_json else _as_text(result))


def _thread_lines(source: str) -> list[bytes]:

    if source == "-":
        return list(_stdin_lines())
    try:
        with open(source, "rb") as handle:
            return handle.readlines()
    except OSError as error:
        raise ConfigProblem(f"Error: --thread: cannot read {source}: "
                            f"{error.strerror or error}") from None


def _suggest_thread(ctx: click.Context, source: str, use_database: bool, as_json: bool,
                    platform: str, start: datetime | None) -> None:
    from bot import replay
    from bot.core.context import Context
    from handlers.registry import build_router

    config = get_config(ctx)
    try:
        steps = replay.read_steps(_thread_lines(source), config.zone)
    except replay.ThreadFileError as problem:
        name = "standard input" if source == "-" else source
        raise ConfigProblem(f"Error: {name}: {problem}") from None
    say = (lambda line: None) if as_json else click.echo
    with replay.database(config, use_database) as db:
        context = Context(config=config, db=db, engine=_engine(ctx), router=build_router())
        session = replay.unique_session() if use_database else "replay"
        for played in replay.play(steps, context, start, platform, say, session):
            if as_json:
                click.echo(replay.as_json_line(played, config.zone))
            else:
                click.echo(replay.as_text(played, config.zone, _as_text) + "\n")
            sys.stdout.flush()
