"""`nudge classify` and `nudge suggest`: the suggestion engine from the command line.

classify reads JSON Lines on standard input, one object with a "text" key per line, and writes
each object back with "intent", "confidence" and "stage" added. A line that cannot be read gets
an "error" key instead; the run goes on and the exit code is 1 at the end.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from itertools import islice

import click

from bot.engine.corpus import CorpusError
from bot.engine.embedding import EmbeddingModelError
from bot.engine.types import Classification, SuggestionSet, ThreadState, weighed

BATCH = 256


def _engine(ctx: click.Context):
    from bot.cli import get_config  # here, not at the top: bot.cli imports this module
    from bot.engine import Engine

    return Engine(get_config(ctx))


def _model_problem(error: EmbeddingModelError) -> click.ClickException:
    """The embedding model's one line, exit code 2 (like a config problem: the fix is there)."""
    from bot.cli import ConfigProblem

    return ConfigProblem(f"Error: {error}")


def _stdin_lines() -> Iterator[str]:
    # Undecodable bytes become U+FFFD rather than stopping the run half-way.
    stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace") \
        if hasattr(sys.stdin, "buffer") else sys.stdin
    yield from stream


def parse_line(line: str, number: int) -> tuple[dict, str | None]:
    """The line's object and its text, or an object with an "error" key and None."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        return {"line": number, "error": f"not valid JSON ({error.msg})"}, None
    if not isinstance(row, dict):
        return {"line": number, "error": 'expected a JSON object with a "text" key'}, None
    if not isinstance(row.get("text"), str):
        return {**row, "line": number, "error": 'expected a "text" key holding a string'}, None
    return row, row["text"]


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
            results = iter(engine.classify_many(texts))
            for row, text in parsed:
                total += 1
                if text is None:
                    errors += 1
                    out = row
                else:
                    out = classified(row, next(results))
                click.echo(json.dumps(out, ensure_ascii=False))
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
    return json.dumps(
        {
            **asdict(result.classification),
            "suggestions": [asdict(s) for s in result.suggestions],
        },
        ensure_ascii=False,
        indent=2,
    )


def _as_text(result: SuggestionSet) -> str:
    c = result.classification
    unsure = ", unsure" if c.low_confidence else ""
    lines = [f"intent: {c.intent} (stage {c.stage}, confidence {c.confidence:.0%}{unsure})"]
    if c.not_sure:
        lines.append(f"{c.not_sure} ({weighed(c.alternatives)})")
    if c.urgent:
        lines.append("strongly negative: urgent")
    for rank, s in enumerate(result.suggestions, start=1):
        lines.append("")
        lines.append(f"{rank}. " + s.text.replace("\n", "\n   "))
        link = f"{s.cta_kind} {s.cta_id}" if s.cta_id else "none"
        lines.append(f"   CTA: {link}" + ("   URGENT" if s.urgent else ""))
        lines.append(f"   why: {s.rationale}")
    return "\n".join(lines)


@click.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--platform", default="console", show_default=True,
              help="Where the message came from (sets utm_source).")
@click.option("--since-cta", type=click.IntRange(min=1), default=1, show_default=True,
              help="Customer messages in the thread since the last CTA, this one included.")
@click.option("--opted-out", is_flag=True, help="Answer as if the customer had opted out.")
@click.option("--at", "at", type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
              help="Pretend it is this time in the team's time zone (offers, opening hours).")
@click.pass_context
def suggest(ctx: click.Context, text: str, as_json: bool, platform: str, since_cta: int,
            opted_out: bool, at: datetime | None) -> None:
    """Show the intent, stage and suggested replies for one customer message."""
    engine = _engine(ctx)
    now = at.replace(tzinfo=engine.config.zone) if at else datetime.now(UTC)
    state = ThreadState(customer_messages_since_cta=since_cta, opted_out=opted_out)
    try:
        result = engine.suggest(text, platform=platform, state=state, now=now)
    except CorpusError as error:
        raise click.ClickException(f"the intent corpus cannot be used: {error}") from None
    except EmbeddingModelError as error:
        raise _model_problem(error) from None
    click.echo(_as_json(result) if as_json else _as_text(result))
