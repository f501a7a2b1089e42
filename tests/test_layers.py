"""The layers import one way: platforms → handlers → engine, scheduling → store → core. These
tests read every module's imports (without running it) and fail when a lower layer reaches up.

More rules join as the layout moves into place (see ../shared/design/)."""

from __future__ import annotations

import ast
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
