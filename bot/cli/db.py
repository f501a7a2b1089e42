"""`nudge db status`, `nudge db upgrade` and `nudge db copy`: the database from the command line.

The database is the config's SQLite file, or the PostgreSQL database NUDGE_DATABASE_URL names.
A URL's password is never printed. A problem (a URL that is not PostgreSQL's, a server that
cannot be reached, a target that already has rows) ends the command with one line, exit code 2.
"""

from __future__ import annotations

import os

import click

from bot.cli.common import ConfigProblem, get_config
from bot.config import database_target
from bot.store import MEMORY, is_postgres
from bot.store.maintenance import Status


@click.group("db")
def db_group() -> None:
    """See where Nudge keeps its data, upgrade its schema, or move it to PostgreSQL.

    \b
    To move an install from its SQLite file to PostgreSQL:
      nudge db copy --to postgresql://user:password@host/database
      then set NUDGE_DATABASE_URL to that URL and start Nudge again.
    """


@db_group.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Which database, its schema version, migrations pending, rows per table."""
    from bot.store.maintenance import status as read_status

    found = read_status(database_target(get_config(ctx)))
    for line in describe(found):
        click.echo(line)
    if found.exists and found.counts:
        width = max(len(table) for table in found.counts)
        click.echo("rows:")
        for table, count in found.counts.items():
            click.echo(f"  {table:<{width}}  {count:>9,}")


@db_group.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Apply the schema migrations this database does not have yet (safe to run again)."""
    from bot.store.maintenance import upgrade as apply

    before, after = apply(database_target(get_config(ctx)))
    click.echo(f"database: {where(after)}")
    done = before.pending[:after.version - before.version]
    if not done:
        click.echo(f"schema: version {after.version}, up to date; nothing to do.")
        return
    for name in done:
        click.echo(f"applied: {name}")
    click.echo(f"schema: version {before.version} -> {after.version} (up to date)")


@db_group.command()
@click.option("--to", "to", metavar="URL",
              help="The empty PostgreSQL database to copy into (default: $NUDGE_DATABASE_URL).")
@click.pass_context
def copy(ctx: click.Context, to: str | None) -> None:
    """Copy the config's SQLite file into an EMPTY PostgreSQL database, all or nothing.

    \b
    Every row is copied with its id, in one transaction: if anything fails, the target is
    left as it was. Row counts per table are checked and printed. The SQLite file is not
    changed (beyond its schema upgrade); stop Nudge first.
    """
    from bot.store.copy import copy_to_postgres
    from bot.store.postgres import mask

    config = get_config(ctx)
    url = (to or os.environ.get("NUDGE_DATABASE_URL", "")).strip()
    if not url:
        raise ConfigProblem("Error: say where to copy to: --to postgresql://user:password@host/"
                            "database (or set NUDGE_DATABASE_URL).")
    if not is_postgres(url):
        raise ConfigProblem(f"Error: --to: {mask(url)[:80]!r} is not a PostgreSQL URL; it starts"
                            " with postgresql:// (postgresql://user:password@host/database).")
    source = config.storage.path
    if str(source) == MEMORY:
        raise ConfigProblem("Error: storage.path is :memory:, which keeps nothing to copy.")
    click.echo(f"copying {source} into {mask(url)} ...", err=True)
    copied = copy_to_postgres(source, url)
    width = max(len(table) for table in copied.counts)
    click.echo(f"copied {copied.source} into {copied.target}, in one transaction:")
    for table, count in sorted(copied.counts.items()):
        click.echo(f"  {table:<{width}}  {count:>9,}  (same in both)")
    click.echo(f"total: {sum(copied.counts.values()):,} rows. Set NUDGE_DATABASE_URL to this "
               "URL to run Nudge on PostgreSQL.")


def where(found: Status) -> str:
    if found.backend == "postgresql":
        return f"PostgreSQL {found.where}"
    return f"SQLite file {found.where}" + ("" if found.exists or found.where == MEMORY
                                            else " (not created yet)")


def describe(found: Status) -> list[str]:
    """The status's lines: where, and how far its schema is."""
    lines = [f"database: {where(found)}"]
    if found.where == MEMORY:
        return [*lines, "schema: in memory, created afresh at each start"]
    if found.version > found.newest:
        return [*lines, f"schema: version {found.version}, newer than this Nudge knows "
                        f"({found.newest}); upgrade Nudge"]
    if not found.pending:
        return [*lines, f"schema: version {found.version} of {found.newest}, up to date"]
    names = ", ".join(found.pending)
    return [*lines, f"schema: version {found.version} of {found.newest}; "
                    f"{len(found.pending)} migration(s) pending ({names}); the next start "
                    "applies them, or run `nudge db upgrade`"]
