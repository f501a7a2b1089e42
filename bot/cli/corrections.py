"""`nudge corrections list|export|import`: the team's intent corrections from a terminal.

They move between installs as JSON Lines, one correction per line:
{"text", "from_intent", "to_intent", "platform", "user_id", "created_at"}. A bad file or line is
one clear message on stderr and exit code 2, and nothing is imported; a correction that is
already there is skipped. `import` first shows what it would add (counts by from → to, the
ones into or out of unsubscribe and complaint marked) and stores nothing until confirmed.
"""

from __future__ import annotations

import sys

import click

from bot import corrections
from bot.cli.common import ConfigProblem, get_config
from bot.config import database_target
from bot.store import corrections as stored_corrections
from bot.store import open_db


def _db(ctx: click.Context):
    return open_db(database_target(get_config(ctx)))


@click.group("corrections")
def corrections_group() -> None:
    """The team's "wrong intent?" corrections: list, export, import."""


@corrections_group.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many of the newest to show.")
@click.pass_context
def list_corrections(ctx: click.Context, limit: int) -> None:
    """The newest corrections: when, who, from which intent to which, and the words."""
    db = _db(ctx)
    rows = stored_corrections.newest(db, limit)
    if not rows:
        click.echo("No corrections yet. Use \"Wrong intent?\" on a review to make one.")
        return
    total = stored_corrections.count(db)
    click.echo(f"{total} correction{'s' if total != 1 else ''}; the newest {len(rows)}:")
    for row in rows:
        text = row["text"].replace("\n", " ")
        text = text if len(text) <= 60 else text[:59] + "…"
        who = f"{row['platform']}:{row['user_id']}" if row["platform"] else row["user_id"]
        click.echo(f"{row['id']:>5}  {row['created_at'][:16]}  {who or '-'}  "
                   f"{row['from_intent'] or '?'} → {row['to_intent']}  {text}")


@corrections_group.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_context
def export_corrections(ctx: click.Context, file) -> None:
    """Write every correction as JSON Lines to FILE (default: standard output)."""
    count = 0
    for line in corrections.export_lines(_db(ctx)):
        file.write(line + "\n")
        count += 1
    if file is not sys.stdout:
        click.echo(f"Exported {count} correction{'s' if count != 1 else ''} to {file.name}.",
                   err=True)


@corrections_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--yes", "-y", is_flag=True,
              help="Import without asking (needed when not at a terminal, or reading '-').")
@click.pass_context
def import_corrections(ctx: click.Context, file: str, yes: bool) -> None:
    """Show what the corrections in FILE (JSON Lines, as `export` writes them) would change,
    then add them if you confirm (or with --yes); duplicates are skipped. The running bot
    learns them at its next start."""
    name = "standard input" if file == "-" else file
    db = _db(ctx)
    try:
        with click.open_file(file, encoding="utf-8") as lines:
            wanted = corrections.read_lines(lines)
    except corrections.CorrectionError as error:
        raise ConfigProblem(f"{name}: {error}; nothing was imported") from None
    except UnicodeDecodeError:
        raise ConfigProblem(f"{name}: not UTF-8 text; nothing was imported") from None
    fresh = corrections.not_stored(db, wanted)
    for line in preview(name, len(wanted), fresh):
        click.echo(line)
    if not fresh:
        return
    if not yes:
        at_a_terminal = file != "-" and sys.stdin.isatty()
        if not at_a_terminal or not click.confirm("Import them?", default=False):
            click.echo("Nothing was imported" + ("." if at_a_terminal else
                       ": run it again with --yes to import them."))
            return
    added = corrections.store(db, fresh)
    click.echo(f"Imported {added} correction{'s' if added != 1 else ''}.")


def preview(name: str, total: int, fresh: list[corrections.Correction]) -> list[str]:
    """What an import would change: counts by from → to, the guarded ones marked."""
    there = total - len(fresh)
    lines = [f"{name}: {total} correction{'s' if total != 1 else ''}, {len(fresh)} new"
             + (f" ({there} already there)" if there else "") + (":" if fresh else ".")]
    changes = corrections.changes(fresh)
    for (was, now_is), count in sorted(changes.items(), key=lambda item: -item[1]):
        mark = "  (guarded)" if corrections.guarded(was, now_is) else ""
        lines.append(f"{count:>7}  {was or '?'} → {now_is}{mark}")
    risky = sum(n for (was, now_is), n in changes.items() if corrections.guarded(was, now_is))
    if risky:
        lines.append(f"{risky} of them move messages into or out of unsubscribe or complaint: "
                     "they teach Nudge which messages are opt-outs and complaints (in chat only "
                     "a manager may make them). A refit that would lose an opt-out or complaint "
                     "it reads today is refused.")
    return lines
