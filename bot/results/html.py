"""`nudge report --html FILE`: one self-contained HTML page of the results, in a marketer's
words: intents in plain words, CTAs by their label, each A/B test's wordings side by side with
their click rates, amounts in the brand's currency and numbers in its language's style.

Everything is inside the file: the chart as inline SVG, the styles inline, no script and no
external URL, so it opens from a laptop, an email attachment or a shared drive, offline. It
fits a phone: a viewport tag, and on a narrow screen each table row becomes a small card of
"label: value" lines instead of columns cut off at the right.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from html import escape

from bot.config import Config
from bot.results import formats
from bot.results.charts import chart_svg, daily_series, promotion_days
from bot.results.experiments import ABTest, all_tests
from bot.results.labels import cta_label, intent_label, offer_title
from bot.results.outcomes import LABELS, OUTCOMES, Tally, outcomes_by_shop
from bot.results.report import Report, report, span_ending
from bot.store import Database
from bot.store.reports import Suggestion

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d1d1f; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; }
p.meta, p.note { color: #555; margin-top: 0; } p.note { font-size: 0.9rem; }
ul.figures { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
ul.figures li { background: #f5f5f7; border-radius: 6px; padding: 0.4rem 0.7rem; }
ul.figures strong { display: block; font-size: 1.2rem; }
figure { margin: 1rem 0; } figure svg { width: 100%; height: auto; display: block; }
figure svg.chart-narrow { display: none; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
th, td { text-align: right; padding: 0.3rem 0.5rem; border-bottom: 1px solid #e3e3e3; }
td { overflow-wrap: anywhere; }
th.words, td.words { text-align: left; }
th { background: #f5f5f7; font-weight: 600; }
.arms { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
        gap: 0.75rem; }
.arm { border: 1px solid #d8d8dc; border-radius: 6px; padding: 0.6rem 0.8rem; }
.arm h4 { margin: 0 0 0.3rem; font-size: 0.95rem; }
.arm blockquote { margin: 0 0 0.5rem; padding-left: 0.6rem; border-left: 3px solid #d8d8dc;
                  white-space: pre-line; overflow-wrap: anywhere; }
.arm p { margin: 0.2rem 0; } .rate strong { font-size: 1.15rem; }
.winner { font-weight: 600; color: #00704a; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; }
  figure svg.chart-wide { display: none; } figure svg.chart-narrow { display: block; }
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
                      clip: rect(0 0 0 0); }
  table.stack tr { display: block; border-bottom: 1px solid #c8c8cc; padding: 0.3rem 0; }
  table.stack td { display: flex; justify-content: space-between; gap: 1rem;
                   border: 0; padding: 0.1rem 0.2rem; }
  table.stack td::before { content: attr(data-label); color: #555; text-align: left; }
  table.stack td:first-child { font-weight: 600; }
  table.stack td:first-child::before { content: none; }
}
"""


def _when(moment: datetime) -> str:
    """"23 Nov 2026 at 09:14"."""
    return f"{moment.day} {moment:%b %Y} at {moment:%H:%M}"


def _days(first: date, last: date) -> str:
    """"9 to 22 Nov 2026", "28 Oct to 3 Nov 2026", "22 Nov 2026"."""
    if first == last:
        return f"{last.day} {last:%b %Y}"
    start = f"{first.day}" if (first.year, first.month) == (last.year, last.month) else (
        f"{first.day} {first:%b}" if first.year == last.year else f"{first.day} {first:%b %Y}")
    return f"{start} to {last.day} {last:%b %Y}"


def _table(headers: list[str], rows: list[list[str]], words: int = 1) -> str:
    """A table whose rows stack into "header: value" lines on a phone; cells are HTML. The
    first `words` columns hold words (left-aligned), the others figures (right-aligned)."""
    if not rows:
        return "<p>Nothing yet.</p>"
    align = [' class="words"' if n < words else "" for n in range(len(headers))]
    head = "".join(f'<th scope="col"{a}>{escape(h)}</th>' for h, a in zip(headers, align,
                                                                          strict=True))
    body = "".join("<tr>" + "".join(f'<td data-label="{escape(h)}"{a}>{cell}</td>'
                                    for h, a, cell in zip(headers, align, row, strict=True))
                   + "</tr>" for row in rows)
    return f'<table class="stack"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class _Page:
    """The brand's conventions for every figure on the page."""

    def __init__(self, config: Config):
        self.config = config
        self.lang = config.brand.language

    def n(self, value: int) -> str:
        return formats.number(value, self.lang)

    def pct(self, rate: float) -> str:
        return formats.percent(rate, self.lang)

    def money(self, amount: float) -> str:
        return formats.money(amount, self.config.brand.currency, self.lang)

    def outcome_rows(self, tallies: dict[str, Tally], name) -> list[list[str]]:
        rows = []
        for key, tally in tallies.items():
            cells = [escape(name(key)), self.n(tally.suggested)]
            for outcome in OUTCOMES:
                cell = self.n(tally.counts[outcome])
                if outcome == "edited" and tally.kept is not None:
                    cell += f" ({self.pct(tally.kept)} kept)"
                cells.append(cell)
            rows.append([*cells, self.n(tally.clicks)])
        return rows

    def outcome_table(self, first: str, tallies: dict[str, Tally], name) -> str:
        headers = [first, "Suggested", *(LABELS[o].capitalize() for o in OUTCOMES), "Clicks"]
        return _table(headers, self.outcome_rows(tallies, name))

    def test_section(self, test: ABTest) -> str:
        title = (f"Promotion #{test.subject}" if test.kind == "promotion"
                 else f"Replies to “{intent_label(test.subject)}”")
        status = "running" if test.running else "finished"
        verdict = _verdict(test)
        winner = test.winner
        arms = []
        for arm in test.arms:
            low, high = arm.interval
            mark = ' <span class="winner">winner</span>' if arm is winner else ""
            wording = test.wordings.get(arm.variant, "")
            example = ('<p class="note">The latest reply sent in it:</p>'
                       if test.kind == "reply" and wording else "")
            quote = (f"{example}<blockquote>{escape(_shortened(wording))}</blockquote>"
                     if wording else '<p class="note">(nothing sent in this wording yet)</p>')
            arms.append(
                f'<div class="arm"><h4>Wording {escape(arm.variant.upper())}{mark}</h4>{quote}'
                f'<p class="rate">Click rate <strong>{self.pct(arm.rate)}</strong> '
                f"(95% interval {formats.interval(low, high, self.lang)})</p>"
                f"<p>{self.n(arm.sends)} sent · {self.n(arm.clicked)} clicked · "
                f"{self.n(arm.clicks)} click{'s' if arm.clicks != 1 else ''} in all</p></div>")
        return (f"<h3>{escape(title)}</h3><p class=\"note\">{status}: {escape(verdict)}</p>"
                f'<div class="arms">{"".join(arms)}</div>')

    def figures(self, result: Report, clicks: int) -> str:
        total = result.total
        taken = sum(r.amount or 0 for r in result.redemptions)
        items = [(total.customer_messages, "customer messages"),
                 (total.conversations, "conversations"),
                 (total.suggestions_made, "suggested replies"),
                 (total.suggestions_sent, "replies sent"),
                 (total.ctas_asked, "links asked for"), (clicks, "clicks"),
                 (total.promotions_sent, "promotion posts"),
                 (sum(r.count for r in result.redemptions), "offer codes redeemed")]
        cards = [f"<li><strong>{self.n(value)}</strong>{label}</li>" for value, label in items]
        if taken:
            cards.append(f"<li><strong>{self.money(taken)}</strong>taken with offer codes</li>")
        return f'<ul class="figures">{"".join(cards)}</ul>'

    def redemption_rows(self, result: Report) -> list[list[str]]:
        return [[escape(r.code), escape(offer_title(self.config, r.offer_id)), self.n(r.count),
                 self.money(r.amount) if r.amount else "none recorded",
                 ", ".join(f"#{pid}" for pid in r.promotions) or "none"]
                for r in result.redemptions]


def _verdict(test: ABTest) -> str:
    winner = test.winner
    if winner is not None:
        return f"wording {winner.variant.upper()} wins"
    if sum(arm.sends for arm in test.arms) == 0:
        return "nothing sent yet"
    return "no winner yet: the difference may still be chance (the intervals overlap)"


def _shortened(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def shops_of(config: Config):
    """A function giving the shops a suggestion was about: the shop its CTA belongs to, and
    any shop whose facts it stated ("Mill Road is at ...", "Mill Road is open ...")."""
    from bot.engine.shops import ShopDirectory  # only the report needs the engine's rules

    directory = ShopDirectory(config.stores)
    names = [str(store.name) for store in config.stores]

    def about(suggestion: Suggestion) -> list[str]:
        found = set()
        cta = config.cta(suggestion.cta_id) if suggestion.cta_id else None
        if cta is not None:
            found |= directory.owners(cta)
        try:
            facts = [str(f) for f in json.loads(suggestion.facts or "[]")]
        except ValueError:
            facts = []
        found |= {name for name in names for fact in facts
                  if fact.startswith((f"{name} ", f"{name}'s "))}
        return [name for name in names if name in found]

    return about


def _shop_sections(db: Database, config: Config, result: Report, page: _Page) -> list[str]:
    if len(config.stores) < 2:
        return []
    span = result.span
    by_shop = outcomes_by_shop(db, span.start, span.end, shops_of(config))
    parts = ["<h2>By shop</h2>",
             '<p class="note">Replies about one shop: its opening hours or address, or a link '
             "of its own. A reply about every shop counts for each.</p>"]
    for store in config.stores:
        parts.append(f"<h3>{escape(str(store.name))}</h3>")
        parts.append(page.outcome_table("Customer asked", by_shop.get(str(store.name), {}),
                                        intent_label))
    return parts


def build_report(db: Database, config: Config, now: datetime, days: int = 14,
                 last: date | None = None,
                 gaps: Callable[[datetime, datetime], str] | None = None) -> str:
    """The whole page for the `days` local days ending on `last` (default: today), made at
    `now`. `gaps(start, end)`: the section of questions nobody could answer in that span
    (bot/results/gaps.py draws it; the caller groups them, which needs the engine)."""
    zone = config.zone
    made = now.astimezone(zone)
    last = last or made.date()
    result = report(db, span_ending(last, days, zone))
    series = daily_series(db, last, zone, days)
    title = f"Per day, {_days(last - timedelta(days=days - 1), last)}"
    posted = promotion_days(db, last, zone, days)
    svg = "".join(chart_svg(series, title, posted, layout) for layout in ("wide", "narrow"))
    page = _Page(config)
    outcomes = result.outcomes
    brand = escape(config.brand.name)
    tests = all_tests(db, now)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(page.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{brand}: what Nudge did</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{brand}: what Nudge did</h1>",
        f'<p class="meta">{_days(result.span.first, last)} ({days} day'
        f'{"s" if days != 1 else ""}, {escape(config.timezone)} time) · made {_when(made)}</p>',
        page.figures(result, sum(series.clicks)),
        f"<p>Replies sent, by stage: {escape(result.total.mix_text())}.</p>",
        f"<figure>{svg}<figcaption class=\"note\">Customer messages, links asked for, clicks "
        "and offer codes redeemed per day; a dotted upright line marks a day a promotion was "
        "posted.</figcaption></figure>",
        "<h2>A/B tests: which wording worked</h2>",
        '<p class="note">Click rate: the share of posts or replies that earned at least one '
        "click. A wording wins only when its 95% interval lies wholly above the others'; "
        "until then the difference may be chance.</p>",
        "".join(page.test_section(test) for test in tests) or "<p>Nothing yet.</p>",
        "<h2>What happened to the suggested replies, by what the customer asked</h2>",
        page.outcome_table("Customer asked", outcomes.by_intent if outcomes else {},
                           intent_label),
        "<h2>By link asked for</h2>",
        page.outcome_table("Link", outcomes.by_cta if outcomes else {},
                           lambda cta: cta_label(config, cta)),
        *_shop_sections(db, config, result, page),
        gaps(result.span.start, result.span.end) if gaps is not None else "",
        "<h2>Offer codes redeemed</h2>",
        _table(["Code", "Offer", "Redeemed", "Taken", "Promotions that carried it"],
               page.redemption_rows(result), words=2),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
