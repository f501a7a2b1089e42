"""`nudge stats`, `nudge export` and `nudge redemptions import`: results from the command line."""

from __future__ import annotations

import csv
import getpass
import io
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from bot.cli.common import get_config
from bot.config import database_target
from bot.results.redemptions import fingerprint, parse_csv
from bot.results.report import report, span_ending
from bot.results.spreadsheet import excel_cell, excel_header, spreadsheet_cell
from bot.store import Database, open_db
from bot.store.redemptions import imported_before, record
from bot.store.reports import EXPORTABLE, export_columns, export_rows
from handlers.stats import PERIODS, render_report


@click.command()
@click.argument("period", default="7d", type=click.Choice(list(PERIODS), case_sensitive=False))
@click.pass_context
def stats(ctx: click.Context, period: str) -> None:
    """Results for today, the last 7 days or the last 30 days."""
    config = get_config(ctx)
    db = open_db(database_target(config))
    try:
        today = datetime.now(config.zone).date()
        click.echo(render_report(report(db, span_ending(today, PERIODS[period.lower()],
                                                        config.zone))))
    finally:
        db.conn.close()


@click.command()
@click.argument("table", type=click.Choice(EXPORTABLE))
@click.option("--csv", "as_csv", is_flag=True, default=True, help="CSV with a header (default).")
@click.option("--excel", "as_excel", is_flag=True,
              help="CSV for Excel: a UTF-8 byte order mark, headers in words, times in the "
                   "team's time zone, no JSON in cells.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of CSV.")
@click.pass_context
def export(ctx: click.Context, table: str, as_csv: bool, as_excel: bool, as_json: bool) -> None:
    """Write one of these tables to standard output, for a spreadsheet: customers,
    conversations, messages, suggestions, feedback, promotions, deliveries, reminders,
    opt_outs, audit_log, links, clicks, redemptions.

    In CSV, a cell a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
    carriage return) starts with an apostrophe, so it shows as the text it is. --csv and
    --json give the rows as stored (UTC times, column names); --excel gives them for people.
    """
    config = get_config(ctx)
    db = open_db(database_target(config))
    try:
        _write_table(db, table, as_excel, as_json, config.zone)
    finally:
        db.conn.close()


def _write_table(db: Database, table: str, as_excel: bool, as_json: bool,
                 zone: ZoneInfo) -> None:
    if as_json:
        for row in export_rows(db, table):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    columns = export_columns(db, table)
    sys.stdout.flush()
    out = sys.stdout.buffer
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if as_excel else "utf-8", newline="")
    writer = csv.writer(text, lineterminator="\r\n")  # RFC 4180; a CR in a cell is quoted
    if as_excel:
        writer.writerow([excel_header(column, zone) for column in columns])
        for row in export_rows(db, table):
            writer.writerow([excel_cell(column, row[column], zone) for column in columns])
    else:
        writer.writerow(columns)
        for row in export_rows(db, table):
            writer.writerow([spreadsheet_cell(row[column]) for column in columns])
    text.flush()
    text.detach()


@click.group()
def redemptions() -> None:
    """Offer codes redeemed at the till or in the web shop."""


@redemptions.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, file: Path) -> None:
    """Import FILE.csv: one redemption per row of date (YYYY-MM-DD), code, optional amount.

    Nothing is imported when a row is wrong: each bad row is listed (exit code 2), so the file
    can be fixed and imported again without counting anything twice. A file with the same
    rows as one imported before (the same export, downloaded again) is refused (exit code 2).
    """
    config = get_config(ctx)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        click.echo(f"{file.name} is not a UTF-8 text file: export it as CSV.", err=True)
        ctx.exit(2)
    items, errors = parse_csv(config, text, datetime.now(config.zone).date())
    if errors:
        for error in errors:
            click.echo(f"{file.name}, {error}", err=True)
        click.echo(f"Nothing imported: fix the {len(errors)} row(s) above and import again.",
                   err=True)
        ctx.exit(2)
    if not items:
        click.echo(f"{file.name} has no redemptions in it.", err=True)
        ctx.exit(2)
    db = open_db(database_target(config))
    try:
        print_ = fingerprint(items)
        earlier = imported_before(db, print_)
        if earlier is not None:
            click.echo(f"{file.name} has the same redemptions as {earlier[0]}, already imported "
                       f"on {earlier[1]:%Y-%m-%d}. Nothing imported: each sale counts once.",
                       err=True)
            ctx.exit(2)
        record(db, items, source=file.name, by=f"cli:{_login()}", now=datetime.now(UTC),
               fingerprint=print_)
    finally:
        db.conn.close()
    codes = Counter(item.code for item in items)
    click.echo(f"Imported {len(items)} redemption(s): "
               + ", ".join(f"{code} {count}" for code, count in codes.most_common()) + ".")


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "local"


@click.command(name="tests")
@click.pass_context
def tests_(ctx: click.Context) -> None:
    """A/B tests of promotion and reply wordings: sends, clicks, CTR per variant, the winner."""
    from bot.core.context import Context
    from handlers.experiments import render_tests

    config = get_config(ctx)
    db = open_db(database_target(config))
    try:
        click.echo(render_tests(Context(config=config, db=db)))
    finally:
        db.conn.close()


@click.command(name="report")
@click.option("--html", "html_file", required=True, type=click.Path(dir_okay=False,
              path_type=Path), help="Write one self-contained HTML page here.")
@click.option("--days", default=14, type=click.IntRange(1, 90), show_default=True,
              help="How many days, ending with --until.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The last day, YYYY-MM-DD (default: today).")
@click.pass_context
def report_(ctx: click.Context, html_file: Path, days: int, until: datetime | None) -> None:
    """The results as one HTML page: chart, A/B tests, per-intent, per-CTA and per-shop tables.

    Nothing in it is fetched from elsewhere (no script, no external URL): open it offline,
    attach it to an email.
    """
    from bot.cli.gaps import engine_for
    from bot.results.gaps import gaps_section_html
    from bot.results.html import build_report
    from handlers.gaps import gap_report

    config = get_config(ctx)
    db = open_db(database_target(config))

    def gaps(start: datetime, end: datetime) -> str:
        found = gap_report(db, start, end, answers=engine_for(config).faq_answers,
                           model_dir=config.engine.embedding_model,
                           language=config.brand.language)
        return gaps_section_html(found)

    try:
        page = build_report(db, config, datetime.now(UTC), days,
                            until.date() if until is not None else None, gaps=gaps)
    finally:
        db.conn.close()
    try:
        html_file.write_text(page, encoding="utf-8")
    except OSError as error:
        click.echo(f"Cannot write {html_file}: {error.strerror}.", err=True)
        ctx.exit(2)
    click.echo(f"Wrote {html_file} ({len(page.encode()) // 1024} KB).")
