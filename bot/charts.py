"""Pictures of the results: the last 14 days of customer messages, CTAs asked, clicks and
redemptions, drawn as one small PNG (for the digest) or embedded in the HTML report.

Drawn with matplotlib's Agg backend (no display, no GUI toolkit), imported only when a chart is
drawn, so `nudge run` neither starts slower nor holds matplotlib in memory until the first
digest. A Figure is made per chart (not pyplot's global state), so drawing is thread-safe.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.results import Span, report

DAYS = 14
SERIES = (  # (field, label, colour): colours that stay apart for colour-blind readers
    ("customer_messages", "Customer messages", "#0072B2"),
    ("ctas_asked", "CTAs asked", "#E69F00"),
    ("clicks", "Clicks", "#009E73"),
    ("redemptions", "Redemptions", "#CC79A7"),
)


@dataclass(frozen=True)
class DailySeries:
    """One value per local day for each series, oldest day first."""

    days: tuple[date, ...]
    customer_messages: tuple[int, ...]
    ctas_asked: tuple[int, ...]
    clicks: tuple[int, ...]
    redemptions: tuple[int, ...]

    @property
    def is_empty(self) -> bool:
        return not any(sum(getattr(self, name)) for name, _, _ in SERIES)


def _per_day(rows: list[tuple[str, int]], days: list[date]) -> tuple[int, ...]:
    counts = dict.fromkeys(days, 0)
    for day, count in rows:
        parsed = date.fromisoformat(day)
        if parsed in counts:
            counts[parsed] += count
    return tuple(counts[day] for day in days)


def daily_series(db: sqlite_utils.Database, last: date, zone: ZoneInfo,
                 days: int = DAYS) -> DailySeries:
    """The chart's figures for the `days` local days ending on `last`."""
    span = Span(last - timedelta(days=days - 1), last, zone)
    result = report(db, span)
    dates = span.days()
    clicks = [(_local(at, zone), 1) for (at,) in db.execute(
        "select at from clicks where at >= ? and at < ?", [span.start, span.end])]
    redeemed = db.execute("select day, sum(count) from redemptions where day >= ? and day <= ? "
                          "group by day", [span.first.isoformat(), span.last.isoformat()]
                          ).fetchall()
    return DailySeries(
        days=tuple(dates),
        customer_messages=tuple(result.by_day[d].customer_messages for d in dates),
        ctas_asked=tuple(result.by_day[d].ctas_asked for d in dates),
        clicks=_per_day(clicks, dates),
        redemptions=_per_day(redeemed, dates),
    )


def _local(moment: str, zone: ZoneInfo) -> str:
    from datetime import datetime

    return datetime.fromisoformat(moment).astimezone(zone).date().isoformat()


def _figure(series: DailySeries, title: str):
    from matplotlib.figure import Figure  # lazy: only a drawn chart pays for matplotlib
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(7.0, 3.0), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = range(len(series.days))
    for name, label, colour in SERIES:
        axes.plot(positions, getattr(series, name), marker="o", markersize=3, linewidth=1.8,
                  label=label, color=colour)
    axes.set_xticks(list(positions),
                    [f"{day:%a}\n{day.day}" if n % 2 == 0 else "" for n, day in
                     enumerate(series.days)], fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.tick_params(axis="y", labelsize=8)
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, fontsize=10, loc="left")
    axes.legend(fontsize=8, frameon=False, ncols=4, loc="upper left",
                bbox_to_anchor=(0, -0.18))
    return figure


def chart_png(series: DailySeries, title: str = "Last 14 days") -> bytes:
    """The chart as PNG bytes (700 x 300 pixels), without any metadata naming its maker."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _figure(series, title)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def chart_filename(last: date) -> str:
    return f"nudge-{last.isoformat()}.png"
