"""The layers import one way: platforms → handlers → engine, scheduling → store → core. These
tests read every module's imports (without running it) and fail when a lower layer reaches up.

More rules join as the layout moves into place (see ../shared/design/)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "discord", "aiohttp")


def imports(path: Path, *, typing_only: bool = True) -> list[str]:
    """Every module `path` imports; with typing_only=False, those under `if TYPE_CHECKING:`
    are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped: set[int] = set()
    if not typing_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", modules("bot/core"), ids=lambda p: p.name)
def test_core_depends_on_nothing_else_in_nudge(path):
    # The config's model is named for type checkers only: it is data every layer reads,
    # loaded by the runtime, and core never imports it when running.
    typing = {name for name in imports(path)} - set(imports(path, typing_only=False))
    reached = [name for name in imports(path) if name.split(".")[0] in ("bot", "handlers",
                                                                       "prompts")
               and not name.startswith("bot.core")
               and not (name == "bot.config" and name in typing)]
    assert not reached, f"{path.relative_to(ROOT)} imports {reached}"


@pytest.mark.parametrize("path", modules("handlers"), ids=lambda p: p.name)
def test_handlers_never_import_a_platform_sdk(path):
    reached = [name for name in imports(path) if name.split(".")[0] in PLATFORM_SDKS]
    assert not reached, f"{path.relative_to(ROOT)} imports {reached}: an adapter translates"


def test_the_shared_types_live_in_core_only():
    assert not (ROOT / "handlers" / "types.py").exists()
    assert not (ROOT / "handlers" / "context.py").exists()
    assert (ROOT / "bot" / "core" / "types.py").exists()


@pytest.mark.parametrize("path", [p for p in modules("bot/cli") if p.name != "__init__.py"],
                         ids=lambda p: p.name)
def test_a_command_never_imports_the_group_that_imports_it(path):
    assert "bot.cli" not in imports(path), \
        f"{path.relative_to(ROOT)}: take shared helpers from bot.cli.common"


def test_every_command_lives_in_the_cli_package():
    stray = [p.relative_to(ROOT) for p in (ROOT / "bot").rglob("*.py")
             if (p.name == "cli.py" or p.name.endswith("_cli.py"))
             and "bot/cli/" not in p.as_posix()]
    assert not stray, f"command modules outside bot/cli/: {stray}"


DATABASE_MODULES = ("sqlite3", "sqlite_utils", "psycopg", "psycopg_pool")
SQL = re.compile(r"^\s*(select\s.*\bfrom\s|insert\s+(or\s+\w+\s+)?into\s|update\s+\w+\s+set\s"
                 r"|delete\s+from\s|create\s+(unique\s+)?(table|index)\s|alter\s+table\s"
                 r"|drop\s+(table|index)\s|pragma\s|begin\b|with\s+\w+\s+as\s*\()",
                 re.IGNORECASE | re.DOTALL)
# Calls only a database answers, whatever holds it; and calls that are a database's when made
# on something that holds one (`db.execute`, `self.conn.execute`, `ctx.db.query`).
TABLE_CALLS = ("rows_where", "count_where", "lastrowid", "last_pk", "insert_all")
HANDLE_CALLS = ("execute", "executemany", "query", "upsert", "table_names", "insert", "get")
HANDLE = re.compile(r"(^|\.)(db|conn|connection|database|cursor)$|^db\[")


def database_uses(path: Path) -> list[str]:
    """What in `path` speaks to a database: an SQL string, a driver, a table or cursor call."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = [f"imports {name}" for name in imports(path)
             if name.split(".")[0] in DATABASE_MODULES]
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(
                node.value) and len(node.value.split()) > 2:
            found.append(f"line {node.lineno}: SQL {node.value.strip()[:40]!r}")
        elif isinstance(node, ast.Attribute) and (node.attr in TABLE_CALLS or (
                node.attr in HANDLE_CALLS and HANDLE.search(ast.unparse(node.value)))):
            found.append(f"line {node.lineno}: {ast.unparse(node)[:40]}")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and (
                isinstance(node.value, ast.Attribute) and node.value.attr == "db"
                or isinstance(node.value, ast.Name) and node.value.id == "db"):
            found.append(f"line {node.lineno}: db[{node.slice.value!r}]")
    return found


OUTSIDE_THE_STORE = [path for folder in ("bot", "handlers", "prompts")
                     for path in modules(folder)
                     if not path.is_relative_to(ROOT / "bot" / "store")]


@pytest.mark.parametrize("path", OUTSIDE_THE_STORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_store_talks_to_a_database(path):
    found = database_uses(path)
    assert not found, (f"{path.relative_to(ROOT)} talks to the database ({'; '.join(found[:3])})"
                       ": call a function of bot/store/ instead")


# The application and the CLI wire every layer together (the outbox and the readers are the
# application's own parts: they run handlers for it, one redelivering reviews and replies, the
# other answering commands in a reader process); the adapters (bot/platforms/) sit above the
# handlers. Everything else in bot/ is below them and gets what it needs passed in.
WIRING = ("bot/app.py", "bot/outbox.py", "bot/readers.py", "bot/cli/", "bot/platforms/",
          "bot/replay.py", "bot/__main__.py")


@pytest.mark.parametrize("path", [p for p in modules("bot")
                                  if not str(p.relative_to(ROOT)).startswith(WIRING)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_runtime_below_the_handlers_never_imports_them(path):
    reached = [name for name in imports(path, typing_only=False)
               if name.split(".")[0] == "handlers"]
    assert not reached, f"{path.relative_to(ROOT)} imports {reached} from a layer above it"
