"""`nudge stats` and `nudge export`: the results and the raw tables, from the command line."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime

import click

from bot.cli import get_config
from bot.results import report, span_ending
from bot.storage import open_db
from handlers.stats import PERIODS, render_report

EXPORTABLE = (
    "customers", "conversations", "messages", "suggestions", "feedback", "promotions",
    "deliveries", "reminders", "opt_outs", "audit_log",
)


@click.command()
@click.argument("period", default="7d", type=click.Choice(list(PERIODS), case_sensitive=False))
@click.pass_context
def stats(ctx: click.Context, period: str) -> None:
    """Results for today, the last 7 days or the last 30 days."""
    config = get_config(ctx)
    db = open_db(config.storage.path)
    today = datetime.now(config.zone).date()
    click.echo(render_report(report(db, span_ending(today, PERIODS[period.lower()], config.zone))))


@click.command()
@click.argument("table", type=click.Choice(EXPORTABLE))
@click.option("--csv", "as_csv", is_flag=True, default=True, help="CSV with a header (default).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of CSV.")
@click.pass_context
def export(ctx: click.Context, table: str, as_csv: bool, as_json: bool) -> None:
    """Write a table to standard output, for a spreadsheet."""
    config = get_config(ctx)
    db = open_db(config.storage.path)
    columns = list(db[table].columns_dict)
    if as_json:
        for row in db[table].rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(db[table].rows)
