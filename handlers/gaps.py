"""Knowledge gaps: what customers asked that nothing in the config answers, grouped.

`gap_report` reads the questions kept by the customer-message path (bot/store/gaps.py),
groups the new ones with the ones before (bot/engine/gaps.py, by meaning), counts each group,
picks its most typical question as the example, and closes a group once an FAQ entry answers
most of its questions. `/nudge gaps [7d|30d|all]`, `nudge gaps`, the digest and the report
all read it.
"""

from __future__ import annotations

import shlex
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.context import Context
from bot.core.types import Reply, Request
from bot.engine import Engine
from bot.engine import gaps as grouping
from bot.store import gaps as store
from bot.store import transaction
from handlers.router import Command, UsageError

# Questions grouped before this long before the window still pull new ones into their group.
LOOKBACK = timedelta(days=30)
CHECKED_PER_GROUP = 10  # questions of a group re-checked against the FAQ
# Grouping compares every two questions (n² memory: 2,000 take 32 MB and about half a second):
# past this many, only the newest are grouped and counted, and the report says so. A small
# shop asks far fewer in a month.
MAX_GROUPED = 2000


@dataclass(frozen=True)
class GapGroup:
    """Similar questions nothing answered: how often, in which languages, one example."""

    id: int
    count: int
    example: str  # the most typical question, in the customer's words
    draft: str  # the question for an FAQ entry: the most typical in the brand's language
    languages: tuple[tuple[str, int], ...]  # ("en", 5), most asked first
    shops: tuple[str, ...]
    first_asked: datetime
    last_asked: datetime
    questions: tuple[str, ...]  # every question of the group in the window, oldest first
    answered_by: str = ""  # the FAQ question that now answers it ("": still open)

    @property
    def closed(self) -> bool:
        return bool(self.answered_by)

    @property
    def faq_command(self) -> str:
        """The command that drafts an FAQ entry for this group."""
        return (f"nudge faq add --question {shlex.quote(self.draft)} "
                f"--answer \"...\"")


@dataclass(frozen=True)
class GapReport:
    start: datetime
    end: datetime
    groups: tuple[GapGroup, ...]  # open ones first, biggest first
    method: str  # how the questions were grouped (meaning, or words and why)
    closed_hidden: int = 0  # closed groups left out

    @property
    def open_groups(self) -> tuple[GapGroup, ...]:
        return tuple(g for g in self.groups if not g.closed)

    @property
    def questions(self) -> int:
        return sum(g.count for g in self.open_groups)


def _asked(row: store.GapRow) -> str:
    """What is grouped: the whole message when the unanswered part is most of it (its own
    words, punctuation and all, embed best), else the part nothing answered."""
    return row.text if len(row.question) >= 0.6 * len(row.text.strip()) else row.question


def _example(row: store.GapRow) -> str:
    """The question as the customer wrote it: the whole message, or the unanswered part
    found in it again (the engine keeps that part lowercased, accents folded)."""
    text = row.text.strip()
    if len(row.question) >= 0.6 * len(text):
        return text
    found = _in_original(text, row.question.strip())
    question = found or row.question.strip()
    return question[:1].upper() + question[1:] + ("" if question.endswith("?") else "?")


def _folded(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", char)
                   if not unicodedata.combining(c)).lower()


def _in_original(text: str, part: str) -> str:
    """`part` (lowercased, accents folded) where it stands in `text`, in `text`'s own
    letters; "" when it is not there as such."""
    folded, where = "", []
    for index, char in enumerate(text):
        for piece in _folded(char):
            folded += piece
            where.append(index)
    at = folded.find(part)
    if at < 0 or not part:
        return ""
    return text[where[at]:where[at + len(part) - 1] + 1]


def gap_report(db, start: datetime, end: datetime, *,
               answers: Callable[[str], str | None] | None = None, model_dir: str | None = None,
               unanswered: bool = False, include_closed: bool = False,
               keep_groups: bool = False, language: str = "en") -> GapReport:
    """The groups of questions asked in [start, end) that nothing in the config answered.

    The questions of the window and of the `LOOKBACK` before it are grouped afresh (the same
    questions always give the same groups); `keep_groups` writes each question's group into
    the store (`nudge gaps` does; `/nudge gaps` and the digest read through a read-only
    database, and only read). `answers(text)`: the FAQ question that answers `text` now, else
    None (the engine's `faq_answers`); a group most of whose questions it answers is closed,
    and left out unless `include_closed`. `language`: the brand's, in which each group's FAQ
    draft is worded when one of its questions is."""
    window = store.asked_between(db, start, end, unanswered=unanswered)
    if not window:
        return GapReport(start, end, (), "nothing to group")
    left_out = max(0, len(window) - MAX_GROUPED)
    window = window[left_out:]
    in_window = {row.id for row in window}
    before = store.asked_between(db, start - LOOKBACK, start)
    rows = before[max(0, len(before) - (MAX_GROUPED - len(window))):] + window
    vectors = grouping.vectors([_asked(row) for row in rows], model_dir)
    labels = _grouped(db, rows, vectors, keep_groups)
    by_group: dict[int, list[int]] = {}
    for index, row in enumerate(rows):
        if row.id in in_window:
            by_group.setdefault(labels[index], []).append(index)
    groups = [_group(group_id, [rows[i] for i in members], vectors.rows[members], answers,
                     language) for group_id, members in by_group.items()]
    groups.sort(key=lambda g: (g.closed, -g.count, -g.last_asked.timestamp()))
    shown = [g for g in groups if include_closed or not g.closed]
    method = vectors.note + (f"; only the newest {MAX_GROUPED:,} questions, {left_out:,} "
                             "older ones left out" if left_out else "")
    return GapReport(start, end, tuple(shown), method, len(groups) - len(shown))


def _grouped(db, rows: list[store.GapRow], vectors: grouping.Vectors, keep: bool) -> list[int]:
    """Each row's group id (the id of its group's oldest question); with `keep`, written into
    the store where it changed."""
    labels = grouping.cluster(vectors.rows, vectors.threshold)
    group_ids = [rows[label].id for label in labels]  # rows are oldest first
    if not keep:
        return group_ids
    moved: dict[int, list[int]] = {}
    for row, group_id in zip(rows, group_ids, strict=True):
        if row.group_id != group_id:
            moved.setdefault(group_id, []).append(row.id)
    if moved:
        with transaction(db):
            for group_id, ids in moved.items():
                store.set_group(db, group_id, ids)
    return group_ids


def _group(group_id: int, rows: list[store.GapRow], vectors,
           answers: Callable[[str], str | None] | None, language: str) -> GapGroup:
    typical = rows[grouping.most_typical(vectors)]
    draft = rows[grouping.most_typical(vectors, [row.lang == language for row in rows])]
    answered_by = ""
    if answers is not None:
        checked = [typical, *[r for r in rows if r is not typical]][:CHECKED_PER_GROUP]
        found = [answers(_asked(row)) for row in checked]
        hits = [faq for faq in found if faq]
        if len(hits) * 2 >= len(checked) and hits:
            answered_by = Counter(hits).most_common(1)[0][0]
    return GapGroup(
        id=group_id, count=len(rows), example=_example(typical), draft=_example(draft),
        languages=tuple(Counter(r.lang or "?" for r in rows).most_common()),
        shops=tuple(sorted({r.shop for r in rows if r.shop})),
        first_asked=rows[0].asked_at, last_asked=rows[-1].asked_at,
        questions=tuple(r.text for r in rows), answered_by=answered_by)


_engines: dict[int, Engine] = {}


def faq_answers(ctx: Context) -> Callable[[str], str | None]:
    """How the FAQ answers a question now: the context's engine's, or (in the reader process,
    which has none) an engine on the context's config, built once per config. Building one
    loads no intent model: only the FAQ's index."""
    found = getattr(ctx.engine, "faq_answers", None)
    if found is not None:
        return found
    engine = _engines.get(id(ctx.config))
    if engine is None or engine.config is not ctx.config:
        _engines.clear()  # one config at a time: a reloaded one replaces the old
        engine = _engines[id(ctx.config)] = Engine(ctx.config)
    return engine.faq_answers


def report_for(ctx: Context, days: int | None, *, now: datetime | None = None,
               unanswered: bool = False, include_closed: bool = False) -> GapReport:
    """gap_report for the last `days` days up to `now` (default: the context's clock; None
    days: everything kept), with the context's engine re-checking each group against the
    FAQ."""
    end = (now or ctx.now()) + timedelta(seconds=1)
    start = end - timedelta(days=days) if days else datetime(2000, 1, 1, tzinfo=end.tzinfo)
    return gap_report(ctx.db, start, end, answers=faq_answers(ctx),
                      model_dir=ctx.config.engine.embedding_model, unanswered=unanswered,
                      language=ctx.config.brand.language,
                      include_closed=include_closed)


def times(number: int) -> str:
    return "once" if number == 1 else "twice" if number == 2 else f"{number} times"


def summary_line(report: GapReport, period: str = "this week") -> str:
    """"3 questions you could not answer this week, asked 11 times" ("" when none)."""
    groups = report.open_groups
    if not groups:
        return ""
    noun = "question" if len(groups) == 1 else "questions"
    return f"{len(groups)} {noun} you could not answer {period}, asked {times(report.questions)}"


def group_lines(report: GapReport, limit: int = 10) -> list[str]:
    """One line per group: how often, the example, its languages and shops."""
    lines = []
    for group in report.groups[:limit]:
        languages = ", ".join(f"{lang} {n}" for lang, n in group.languages)
        shops = f"; {', '.join(group.shops)}" if group.shops else ""
        state = f" (answered now by FAQ \"{group.answered_by}\")" if group.closed else ""
        lines.append(f"{times(group.count)}: \"{group.example}\" ({languages}{shops}){state}")
    return lines


PERIODS = {"7d": 7, "30d": 30, "all": None}


def run(request: Request, args: str, ctx: Context) -> Reply:
    words = args.split()
    include_closed = "closed" in words
    words = [w for w in words if w != "closed"]
    period = (words[0] if words else "7d").lower()
    if period not in PERIODS or len(words) > 1:
        raise UsageError(f'"{" ".join(words)[:20]}" is not a period: use 7d, 30d or all.')
    report = report_for(ctx, PERIODS[period], include_closed=include_closed)
    label = {"7d": "in the last 7 days", "30d": "in the last 30 days", "all": "so far"}[period]
    if not report.groups:
        return Reply(f"No unanswered questions {label}: the FAQ covered everything asked."
                     + (f" ({report.closed_hidden} answered since.)" if report.closed_hidden
                        else ""))
    lines = [f"*{summary_line(report, label) or 'Questions the FAQ now answers'}*"]
    lines += [f"• {line}" for line in group_lines(report)]
    lines.append("Add an answer: `" + report.groups[0].faq_command + "` (or edit `faq:` in "
                 "the config); a group closes once the FAQ answers it.")
    if report.closed_hidden:
        lines.append(f"{report.closed_hidden} group(s) answered since by the FAQ: "
                     "`/nudge gaps " + period + " closed` shows them.")
    lines.append(f"_{report.method}_")
    return Reply("\n".join(lines))


COMMAND = Command(
    name="gaps",
    summary="What customers asked that the FAQ and products could not answer, grouped.",
    usage="/nudge gaps [7d|30d|all] [closed]",
    run=run,
)
