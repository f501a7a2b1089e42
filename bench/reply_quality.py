"""How often the first suggestion could be sent as it stands: scripted conversations against a
garden-centre brand (bench/reply_brand.yaml), played through the real conversation handler on a
real SQLite file, the team sending each first suggestion.

Each message checks the first suggestion for: the fact that must be there (`fact`), the CTA kinds
allowed (`cta`), offers only where they apply (`offer`), the urgent flag (`urgent`), no sentence
already sent in the thread (`repeat`) and the reply's language (`lang`). A conversation passes a
rule when every message in it does. Prints the share of conversations passing, overall and per
rule, and lists the failures with --verbose.

With --brands it replays brand conversation sets instead (bench/brand_replay.py): each folder
holds `<brand>.yaml` configs and a conversations.jsonl whose checks follow
../shared/eval/brands/README.md. No folder given: bench/brands and, when present,
../shared/eval/brands. Prints per brand the messages passing every check and each check's pass
share; --json FILE writes the same figures.

    .venv/bin/python bench/reply_quality.py [--verbose]
    .venv/bin/python bench/reply_quality.py --brands [DIR ...] [--verbose] [--json FILE]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.brand_replay import Clock, answer_and_send, default_dirs, run_brands  # noqa: E402
from bench.reply_conversations import CONVERSATIONS, FRESH  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.core.context import Context  # noqa: E402
from bot.core.types import Request  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.engine.language import detect_one  # noqa: E402
from bot.engine.memory import is_fact, key, sentences  # noqa: E402
from bot.store import open_db  # noqa: E402

RULES = ("fact", "cta", "offer", "urgent", "repeat", "lang")
BRAND = Path(__file__).with_name("reply_brand.yaml")
QUOTED: tuple[str, ...] = ()  # the brand's own words, left out when telling a reply's language


def _as_tuple(value) -> tuple:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def config_words(config) -> tuple[str, ...]:
    """Everything a reply quotes from the config as written, whatever its language."""
    return tuple(
        [o.text for o in config.offers] + [f.answer for f in config.faq]
        + [p.name for p in config.products] + [c.label for c in config.ctas]
        + [s.address for s in config.stores] + [s.name for s in config.stores]
        + [config.brand.name])


def check(suggestion: dict, checks: dict, said: set[str], facts: tuple[str, ...]) -> dict:
    """Which rules the first suggestion breaks, with why."""
    text = suggestion["text"]
    broken = {}
    missing = [want for want in _as_tuple(checks.get("has")) if want not in text]
    present = [bad for bad in _as_tuple(checks.get("not_")) if bad in text]
    if missing or present:
        broken["fact"] = f"missing {missing}" if missing else f"has {present}"
    allowed = checks.get("cta")
    if allowed is not None and suggestion["cta_kind"] not in allowed:
        broken["cta"] = f"CTA {suggestion['cta_kind']} not in {sorted(map(str, allowed))}"
    offers = set(checks.get("offers", ())) | set(_as_tuple(checks.get("offer")))
    if suggestion["offer_id"] is not None and suggestion["offer_id"] not in offers:
        broken["offer"] = f"offer {suggestion['offer_id']} does not apply"
    elif checks.get("offer") and suggestion["offer_id"] != checks["offer"]:
        broken["offer"] = f"offer {checks['offer']} expected"
    if "urgent" in checks and bool(suggestion["urgent"]) != checks["urgent"]:
        broken["urgent"] = f"urgent should be {checks['urgent']}"
    repeated = [s for s in sentences(text) if key(s) in said and not is_fact(s, facts)]
    if repeated:
        broken["repeat"] = f"said before: {repeated[0]!r}"
    wanted = checks.get("lang", "en")
    wrote = reply_language(text, facts + QUOTED)
    if wrote and wrote != wanted:
        broken["lang"] = f"reply in {wrote}, expected {wanted}"
    return broken


def reply_language(text: str, config_words: tuple[str, ...]) -> str:
    """The language of the reply's own words: links and what comes from the config as written
    (FAQ answers, offer texts, addresses, CTA labels) left out."""
    for words in sorted(config_words, key=len, reverse=True):
        text = text.replace(words, " ") if words else text
    return detect_one(" ".join(s for s in sentences(text) if "http" not in s))


def run(verbose: bool = False, conversations=CONVERSATIONS) -> dict:
    raw = yaml.safe_load(BRAND.read_text())
    with tempfile.TemporaryDirectory() as folder:
        raw["storage"] = {"path": str(Path(folder) / "bench.db")}
        config = parse_config(yaml.safe_dump(raw), BRAND.name)
        global QUOTED
        QUOTED = config_words(config)
        db = open_db(config.storage.path)
        clock = Clock(conversations[0][0])
        ctx = Context(config=config, db=db, clock=clock, engine=Engine(config))
        ids = itertools.count(1)
        passed = {rule: 0 for rule in RULES}
        passed_all = messages = messages_ok = 0
        failures = []
        for number, (start, script) in enumerate(conversations, start=1):
            clock.moment = start
            said: set[str] = set()
            broken_rules: set[str] = set()
            for step, (text, checks) in enumerate(script):
                clock.moment = start + timedelta(minutes=2 * step)
                request = Request(platform="slack", text=text, user=f"U{number}", channel="C1",
                                  thread=f"{number}.0", message_id=f"{next(ids)}.1")
                suggestion = answer_and_send(ctx, request)
                facts = tuple(json.loads(suggestion["facts"] or "[]"))
                broken = check(suggestion, checks, said, facts)
                messages += 1
                messages_ok += not broken
                if broken:
                    broken_rules |= set(broken)
                    failures.append((number, text, suggestion["intent"], broken,
                                     suggestion["text"]))
                said |= {key(s) for s in sentences(suggestion["text"])}
            for rule in RULES:
                passed[rule] += rule not in broken_rules
            passed_all += not broken_rules
        db.conn.close()
    total = len(conversations)
    print(f"reply quality on {BRAND.name}: {total} conversations, {messages} customer messages")
    print(f"  conversations passing every rule: {passed_all}/{total} "
          f"({passed_all / total:.1%})")
    print(f"  messages passing every rule:      {messages_ok}/{messages} "
          f"({messages_ok / messages:.1%})")
    for rule in RULES:
        print(f"  {rule:<7} {passed[rule]}/{total} ({passed[rule] / total:.1%})")
    if verbose:
        for number, text, intent, broken, reply in failures:
            print(f"\n#{number} {text!r} [{intent}]: {broken}\n    " +
                  reply.replace("\n", "\n    "))
    return {"overall": passed_all / total, **{rule: passed[rule] / total for rule in RULES}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every failure")
    parser.add_argument("--fresh", action="store_true",
                        help="the conversations written after tuning (a held-back estimate)")
    parser.add_argument("--brands", nargs="*", metavar="DIR", type=Path,
                        help="replay brand conversation sets (default: bench/brands and "
                             "../shared/eval/brands)")
    parser.add_argument("--json", metavar="FILE", help="with --brands: write the figures here")
    args = parser.parse_args()
    if args.brands is not None:
        run_brands(args.brands or default_dirs(), args.verbose, args.json)
    else:
        run(args.verbose, FRESH if args.fresh else CONVERSATIONS)


if __name__ == "__main__":
    main()
