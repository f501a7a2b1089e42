"""`nudge gaps`: what customers asked that nothing in the config answers, grouped by meaning;
`nudge faq add`: write an FAQ entry for one into the config (validated first)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import click

from bot.cli.common import ConfigProblem, get_config
from bot.config import ConfigError, database_target, find_config_path

_SINCE = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$", re.I)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> timedelta:
    """"7d", "24h", "2w": how far back to look; ConfigProblem (exit 2) for anything else."""
    found = _SINCE.match(text or "")
    if not found or int(found.group(1)) == 0:
        raise ConfigProblem(f"Error: --since: {text[:20]!r} is not a period; write it like "
                            "7d, 24h or 2w.")
    return timedelta(**{_UNITS[found.group(2).lower()]: int(found.group(1))})


def engine_for(config):
    """The engine that checks which groups an FAQ entry answers now (the report uses it too)."""
    from bot.engine import Engine

    return Engine(config)


@click.command("gaps")
@click.option("--since", "since", default="7d", show_default=True, metavar="PERIOD",
              help="How far back: 7d, 24h, 2w.")
@click.option("--json", "as_json", is_flag=True, help="Print the groups as JSON.")
@click.option("--unanswered", is_flag=True,
              help="Only questions the team did not answer by hand afterwards either.")
@click.option("--closed", "include_closed", is_flag=True,
              help="Also list the groups an FAQ entry answers now.")
@click.pass_context
def gaps(ctx: click.Context, since: str, as_json: bool, unanswered: bool,
         include_closed: bool) -> None:
    """Questions customers asked that the FAQ, products and shops could not answer, grouped
    by meaning, with the command that adds an FAQ entry for each."""
    from bot.store import open_db
    from handlers.gaps import gap_report, group_lines, summary_line

    period = parse_since(since)
    config = get_config(ctx)
    end = datetime.now(UTC) + timedelta(seconds=1)
    db = open_db(database_target(config))
    try:
        engine = engine_for(config)
        report = gap_report(db, end - period, end, answers=engine.faq_answers,
                            model_dir=config.engine.embedding_model, unanswered=unanswered,
                            include_closed=include_closed, keep_groups=True,
                            language=config.brand.language)
    finally:
        db.conn.close()
    if as_json:
        click.echo(json.dumps(report_dict(report), ensure_ascii=False, indent=2))
        return
    label = f"in the last {since.strip()}"
    if not report.groups:
        click.echo(f"No unanswered questions {label}.")
    else:
        click.echo(summary_line(report, label) or "Groups the FAQ answers now:")
        for group, line in zip(report.groups, group_lines(report, len(report.groups)),
                               strict=True):
            click.echo(f"- {line}")
            if not group.closed:
                click.echo(f"    add an answer: {group.faq_command}")
    if report.closed_hidden:
        click.echo(f"{report.closed_hidden} group(s) the FAQ answers now (--closed lists them).")
    click.echo(f"({report.method})")


def report_dict(report) -> dict:
    """The report as JSON-ready values."""
    return {
        "since": report.start.isoformat(), "until": report.end.isoformat(),
        "grouping": report.method, "questions": report.questions,
        "closed_hidden": report.closed_hidden,
        "groups": [{
            "id": g.id, "count": g.count, "example": g.example, "faq_draft": g.draft,
            "languages": dict(g.languages), "shops": list(g.shops),
            "first_asked": g.first_asked.isoformat(), "last_asked": g.last_asked.isoformat(),
            "questions": list(g.questions), "closed": g.closed, "answered_by": g.answered_by,
            "faq_command": g.faq_command,
        } for g in report.groups],
    }


@click.group("faq")
def faq_group() -> None:
    """The config's FAQ."""


@faq_group.command("add")
@click.option("--question", required=True, help="The question, as customers ask it.")
@click.option("--answer", required=True, help="The team's answer.")
@click.option("--cta", default=None, help="A CTA id to send with the answer.")
@click.pass_context
def faq_add(ctx: click.Context, question: str, answer: str, cta: str | None) -> None:
    """Add an FAQ entry to the config file (checked first; the file's comments are kept)."""
    from bot.faq_file import NotWritten, add_entry

    get_config(ctx)  # the config as it is must be valid before it is changed
    path = find_config_path(ctx.find_root().obj.get("config_path"))
    if not question.strip() or not answer.strip():
        raise ConfigProblem("Error: --question and --answer must not be empty.")
    try:
        config = add_entry(path, question.strip(), answer.strip(), cta)
    except ConfigError as error:
        raise ConfigProblem(f"Not added, the config would not be valid:\n{error}") from None
    except NotWritten as problem:
        click.echo(f"Not written: {problem}. Paste this into {path}:\n\n{problem.snippet}")
        raise SystemExit(1) from None
    click.echo(f"Added to {path} (now {len(config.faq)} FAQ entries). Restart Nudge to use it; "
               "`nudge gaps` no longer lists the questions it answers.")
