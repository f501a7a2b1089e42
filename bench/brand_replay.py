"""Replay brand conversation sets (a folder of `<brand>.yaml` configs and one
`conversations.jsonl`, the format of ../shared/eval/brands/README.md) through the real
conversation handler, and judge each first suggestion by its checks (bench/brand_checks.py).

Each brand gets its own SQLite file and engine; each conversation is its own customer and
thread on a clock fixed at its `at` (the brand's time zone); the team sends the first
suggestion of every message, so it is in the thread's memory for the next one. Used by
`bench/reply_quality.py --brands`.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

from bench.brand_checks import KEYS, check
from bot.config import ConfigError, parse_config
from bot.core.context import Context
from bot.core.types import Request
from bot.engine import Engine
from bot.store import open_db
from handlers import conversation

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@dataclass
class BrandResult:
    """One brand's figures; `error` says why it was not run (a config the loader refuses)."""

    brand: str
    conversations: int = 0
    messages: int = 0
    passed: int = 0
    keys: dict[str, list[int]] = field(default_factory=dict)  # key: [passed, checked]
    failures: list[dict] = field(default_factory=list)
    error: str = ""

    def tallies(self) -> list[tuple[str, list[int]]]:
        """(key, [passed, checked]) in the order of KEYS."""
        return [(key, self.keys[key]) for key in KEYS if key in self.keys]

    def figures(self) -> dict:
        share = self.passed / self.messages if self.messages else 0.0
        return {"conversations": self.conversations, "messages": self.messages,
                "passed": self.passed, "pass_share": round(share, 4),
                "keys": {key: {"passed": p, "checked": n, "share": round(p / n, 4)}
                         for key, (p, n) in self.tallies()},
                **({"error": self.error} if self.error else {})}


def _main_checkout(root: Path) -> Path:
    """The main checkout when `root` is a git worktree (its .git is a file naming
    <main>/.git/worktrees/<name>), else `root`."""
    dot_git = root / ".git"
    if dot_git.is_file():
        line = dot_git.read_text().strip()
        if line.startswith("gitdir:"):
            return Path(line.split(":", 1)[1].strip()).parents[2]
    return root


def default_dirs() -> list[Path]:
    """bench/brands, and the outside set ../shared/eval/brands when it is there."""
    dirs = [ROOT / "bench" / "brands"]
    for base in (ROOT, _main_checkout(ROOT)):
        shared = base.parent / "shared" / "eval" / "brands"
        if shared.is_dir():
            dirs.append(shared)
            break
    return dirs


def load_conversations(folder: Path) -> dict[str, list[dict]]:
    """The conversations of a folder's conversations.jsonl, by brand."""
    by_brand: dict[str, list[dict]] = {}
    for line in (folder / "conversations.jsonl").read_text().splitlines():
        if line.strip():
            conv = json.loads(line)
            by_brand.setdefault(conv["brand"], []).append(conv)
    return by_brand


def answer_and_send(ctx: Context, request: Request) -> dict | None:
    """The first suggestion for a customer message, then sent by the team as it stands (so it
    counts as said in the thread); None when Nudge suggests nothing."""
    review = conversation.on_message(request, ctx)
    if review is None:
        return None
    suggestion = ctx.db["suggestions"].get(review.meta["suggestion_id"])
    sent = conversation.on_choice(ctx, "send", suggestion["id"], request.platform, "UTEAM")
    conversation.confirm_send(ctx, sent)
    return suggestion


def replay_brand(path: Path, conversations: list[dict]) -> BrandResult:
    """Play a brand's conversations against its config and judge every message."""
    result = BrandResult(brand=path.stem)
    raw = yaml.safe_load(path.read_text())
    with tempfile.TemporaryDirectory() as folder:
        raw["storage"] = {"path": str(Path(folder) / "brand.db")}
        try:
            config = parse_config(yaml.safe_dump(raw, allow_unicode=True), path.name,
                                  base_dir=path.parent)
        except ConfigError as error:
            result.error = "config refused: " + " | ".join(error.problems[:3])
            return result
        codes = {offer.id: offer.code for offer in config.offers}
        names = [config.brand.name] + [s.name for s in config.stores] + [
            s.address for s in config.stores]
        db = open_db(config.storage.path)
        clock = Clock(None)
        ctx = Context(config=config, db=db, clock=clock, engine=Engine(config))
        ids = itertools.count(1)
        try:
            for number, conv in enumerate(conversations, start=1):
                clock.moment = datetime.fromisoformat(conv["at"]).replace(tzinfo=config.zone)
                result.conversations += 1
                for message in conv["messages"]:
                    request = Request(platform="slack", text=message["text"], user=f"U{number}",
                                      channel="C1", thread=f"{number}.0",
                                      message_id=f"{next(ids)}.1")
                    suggestion = answer_and_send(ctx, request)
                    _judge(result, conv["id"], message, suggestion, codes, names)
        finally:
            db.conn.close()
    return result


def _judge(result: BrandResult, conv_id: str, message: dict, suggestion: dict | None,
           codes: dict[str, str], names: list[str]) -> None:
    checks = message.get("checks", {})
    if suggestion is None:
        broken = {key: "no suggestion" for key in checks} or {"suggestion": "none"}
    else:
        broken = check(suggestion, checks, codes, names)
    result.messages += 1
    result.passed += not broken
    for key in KEYS:
        if key in checks:
            tally = result.keys.setdefault(key, [0, 0])
            tally[0] += key not in broken
            tally[1] += 1
    if broken:
        result.failures.append({
            "brand": result.brand, "id": conv_id, "text": message["text"],
            "intent": suggestion["intent"] if suggestion else None, "broken": broken,
            "reply": suggestion["text"] if suggestion else ""})


def run_brands(dirs: list[Path], verbose: bool = False, json_path: str | None = None) -> dict:
    """Replay every brand of every folder, print the figures, and return them by brand."""
    figures: dict[str, dict] = {}
    for folder in dirs:
        by_brand = load_conversations(folder)
        for path in sorted(folder.glob("*.yaml")):
            result = replay_brand(path, by_brand.get(path.stem, []))
            figures[f"{folder.name}/{path.stem}"] = result.figures()
            _print(folder, result, verbose)
    run = [f for f in figures.values() if "error" not in f]
    messages, passed = sum(f["messages"] for f in run), sum(f["passed"] for f in run)
    if len(run) > 1 and messages:
        print(f"all {len(run)} brands run: {passed}/{messages} messages passing every check "
              f"({passed / messages:.1%})")
    if json_path:
        Path(json_path).write_text(json.dumps(figures, indent=2) + "\n")
    return figures


def _print(folder: Path, result: BrandResult, verbose: bool) -> None:
    print(f"{folder.name}/{result.brand}:")
    if result.error:
        print(f"  not run, {result.error}")
        return
    share = result.passed / result.messages if result.messages else 0.0
    print(f"  {result.conversations} conversations, {result.messages} messages; passing every "
          f"check: {result.passed}/{result.messages} ({share:.1%})")
    print("  " + "  ".join(f"{key} {p}/{n} ({p / n:.0%})"
                           for key, (p, n) in result.tallies()))
    if verbose:
        for failure in result.failures:
            print(f"\n  {failure['brand']}/{failure['id']} {failure['text']!r} "
                  f"[{failure['intent']}]: {failure['broken']}\n      "
                  + failure["reply"].replace("\n", "\n      "))
        print()
