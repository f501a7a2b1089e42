"""`nudge report --html FILE`: one self-contained HTML page of the results.

Everything is inside the file: the chart as a data: PNG, the styles inline, no script and no
external URL, so it opens from a laptop, an email attachment or a shared drive, offline.
"""

from __future__ import annotations

import base64
from datetime import datetime
from html import escape

from bot.config import Config
from bot.results.charts import chart_png, daily_series
from bot.results.experiments import all_tests
from bot.results.outcomes import LABELS, OUTCOMES, Tally
from bot.results.report import report, span_ending
from bot.store import Database

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1d1d1f; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
p.meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
th, td { text-align: right; padding: 0.3rem 0.5rem; border-bottom: 1px solid #e3e3e3; }
th:first-child, td:first-child { text-align: left; }
th { background: #f5f5f7; font-weight: 600; }
img { max-width: 100%; height: auto; }
.winner { font-weight: 600; color: #007a4d; }
"""


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "<p>Nothing yet.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _outcome_rows(tallies: dict[str, Tally]) -> list[list[str]]:
    rows = []
    for name, tally in tallies.items():
        cells = [escape(name), str(tally.suggested)]
        for outcome in OUTCOMES:
            cell = str(tally.counts[outcome])
            if outcome == "edited" and tally.kept is not None:
                cell += f" ({tally.kept:.0%} kept)"
            cells.append(cell)
        rows.append([*cells, str(tally.clicks)])
    return rows


def _test_rows(db: Database, now: datetime) -> list[list[str]]:
    rows = []
    for test in all_tests(db, now):
        winner = test.winner
        for arm in test.arms:
            low, high = arm.interval
            mark = '<span class="winner">winner</span>' if arm is winner else ""
            rows.append([escape(test.title), "running" if test.running else "finished",
                         arm.variant.upper(), str(arm.sends), str(arm.clicked), str(arm.clicks),
                         f"{arm.rate:.0%}", f"{low:.0%}–{high:.0%}", mark])
    return rows


def build_report(db: Database, config: Config, now: datetime,
                 days: int = 14) -> str:
    """The whole page for the `days` local days ending today."""
    today = now.astimezone(config.zone).date()
    result = report(db, span_ending(today, days, config.zone))
    png = chart_png(daily_series(db, today, config.zone, days), f"Last {days} days")
    image = base64.b64encode(png).decode("ascii")
    outcome_headers = ["", "Suggested", *(LABELS[o].capitalize() for o in OUTCOMES), "Clicks"]
    outcomes = result.outcomes
    total = result.total
    redemptions = [[escape(r.code), escape(r.offer_id), str(r.count),
                    f"{r.amount:.2f}" if r.amount else "",
                    ", ".join(f"#{pid}" for pid in r.promotions)] for r in result.redemptions]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(config.brand.name)}: Nudge results</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(config.brand.name)}: Nudge results</h1>",
        f'<p class="meta">{escape(result.span.label())} ({escape(config.timezone)}), made '
        f"{now.astimezone(config.zone):%Y-%m-%d %H:%M}</p>",
        f'<img src="data:image/png;base64,{image}" width="700" height="300" '
        f'alt="Customer messages, CTAs asked, clicks and redemptions per day, last {days} '
        'days">',
        f"<p>{total.customer_messages} customer messages, {total.suggestions_made} suggestions,"
        f" {total.suggestions_sent} sent, {total.ctas_asked} CTAs asked, "
        f"{total.promotions_sent} promotions sent. Mix of replies sent: "
        f"{escape(total.mix_text())}.</p>",
        "<h2>A/B tests</h2>",
        "<p>CTR is the share of sends that earned at least one click; a winner is named only "
        "when its 95% interval lies above every other variant's.</p>",
        _table(["Test", "Status", "Variant", "Sent", "Clicked", "Clicks", "CTR", "95% interval",
                ""], _test_rows(db, now)),
        "<h2>What happened to the suggestions, by intent</h2>",
        _table(outcome_headers, _outcome_rows(outcomes.by_intent if outcomes else {})),
        "<h2>By CTA</h2>",
        _table(outcome_headers, _outcome_rows(outcomes.by_cta if outcomes else {})),
        "<h2>Offer codes redeemed</h2>",
        _table(["Code", "Offer", "Redeemed", "Amount", "Promotions that carried it"],
               redemptions),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
