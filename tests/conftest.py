"""Shared fixtures: a real config (the shipped example), a real SQLite file, a real Context."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.config import Config, database_target, parse_config
from bot.core.context import Context
from bot.store import open_db
from handlers.registry import build_router
from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.yaml"


def example_config(tmp_path: Path, **overrides) -> Config:
    """The example config with its database moved into tmp_path and any top-level overrides."""
    raw = yaml.safe_load(EXAMPLE.read_text())
    raw["storage"] = {"path": str(tmp_path / "nudge.db")}
    raw.update(overrides)
    return parse_config(yaml.safe_dump(raw), "config.yaml")


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory) -> Path:
    """One intent-model cache for the whole run, in a temporary folder; subprocesses started
    by tests (the CLI, the console) inherit it through $NUDGE_CACHE_DIR, so the model is
    trained once per run and the user's own cache is never touched."""
    path = tmp_path_factory.mktemp("model-cache")
    previous = os.environ.get("NUDGE_CACHE_DIR")
    os.environ["NUDGE_CACHE_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("NUDGE_CACHE_DIR", None)
    else:
        os.environ["NUDGE_CACHE_DIR"] = previous


# `NUDGE_TEST_BACKEND=postgresql pytest` runs every test on PostgreSQL: each test's Nudge
# (and any process it starts) finds a fresh database of its own in NUDGE_DATABASE_URL.
BACKEND = os.environ.get("NUDGE_TEST_BACKEND", "sqlite")


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """One real PostgreSQL server for the run, started here; a failure to start fails tests.

    Its folder is not under pytest's tmp_path: pytest deletes older runs' folders when another
    run starts, which would pull the data out from under a server still in use."""
    folder = Path(tempfile.mkdtemp(prefix="nudge-postgres-"))
    server = PostgresServer(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh PostgreSQL database with Nudge's schema, for this test alone."""
    return postgres_server.new_database()


@pytest.fixture(autouse=BACKEND == "postgresql")
def on_postgres(request, monkeypatch) -> None:
    if BACKEND == "postgresql":
        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("NUDGE_DATABASE_URL", url)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request, tmp_path):
    """The same test on both backends: a SQLite file, then a PostgreSQL database."""
    target = str(tmp_path / "nudge.db") if request.param == "sqlite" else (
        request.getfixturevalue("postgres_url"))
    database = open_db(target)
    yield database
    database.conn.close()


@pytest.fixture
def config(tmp_path) -> Config:
    return example_config(tmp_path)


@pytest.fixture
def config_file(tmp_path, config) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    return path


@pytest.fixture
def db(config):
    database = open_db(database_target(config))
    yield database
    database.conn.close()


class FixedClock:
    """A clock tests can set and move; Nudge never reads the wall clock directly."""

    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.moment += timedelta(**delta)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


@pytest.fixture
def promo_cli(config_file, monkeypatch):
    """`nudge promo ...` on the command line, on the test config, with no platform tokens."""
    from click.testing import CliRunner

    from bot.cli import cli

    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DISCORD_TOKEN", "NUDGE_CONFIG"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str):
        return CliRunner().invoke(cli, ["--config", str(config_file), "promo", *args])

    return run


@pytest.fixture
def ctx(config, db, clock) -> Context:
    return Context(config=config, db=db, router=build_router(), clock=clock)


@pytest.fixture
def engine(config):
    """The real suggestion engine on the example config (the model is shared per process)."""
    from bot.engine import Engine

    return Engine(config)


async def started_app(config, db, clock):
    """The real Application on `db` with its real scheduler started paused (tests move `clock`
    and call `app.scheduler.run_due()`); posts go to a CountingAdapter standing in for the
    console, and retry backoff is recorded instead of slept."""
    from bot.app import Application
    from bot.config import Secrets
    from tests.fakes import CountingAdapter, SleepRecorder

    application = Application(config, Secrets.from_env({}), db=db, clock=clock)
    application.add_adapter(CountingAdapter("console"))
    application.scheduler.sender.sleep = SleepRecorder()
    await application.scheduler.start(paused=True)
    return application


@pytest.fixture
async def app(config, db, clock):
    """The real Application with its real scheduler, jobs in place but not firing by the wall
    clock: tests move `clock` and call `app.scheduler.run_due()`. Posts go to a CountingAdapter
    standing in for the console; retry backoff is recorded instead of slept."""
    # The digest and the waiting-customer pings post on their own schedule; tests of other
    # features keep them quiet, tests of them start an application with them on
    # (tests/daily_helpers.py).
    config.digest.enabled = False
    config.waiting.enabled = False
    application = await started_app(config, db, clock)
    yield application
    await application.scheduler.stop()


@pytest.fixture
async def restart(clock):
    """Stop an application and start a new one on the same database file, as a new process
    would: new connection, new scheduler whose jobs are rebuilt from the table."""
    started = []

    async def again(app):
        await app.scheduler.stop()
        new = await started_app(app.config, open_db(database_target(app.config)), clock)
        started.append(new)
        return new

    yield again
    for app in started:
        await app.scheduler.stop()
        app.db.conn.close()
