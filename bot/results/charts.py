"""Pictures of the results: the last 14 days of customer messages, CTAs asked, clicks and
redemptions, drawn as one small PNG (for the digest) or embedded in the HTML report.

Drawn with matplotlib's Agg backend (no display, no GUI toolkit), imported only when a chart is
drawn, so `nudge run` neither starts slower nor holds matplotlib in memory until the first
digest. A Figure is made per chart (not pyplot's global state), so drawing is thread-safe.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.results.report import Span
from bot.store import Database, redemptions, reports

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


def _per_day(quarters: list[tuple[datetime, int]], span: Span) -> tuple[int, ...]:
    """Counts per local day of the span, from counts per UTC quarter hour (every time zone's
    offset is a whole number of quarter hours, so each quarter lies within one local day)."""
    counts = dict.fromkeys(span.days(), 0)
    for quarter, count in quarters:
        day = quarter.astimezone(span.zone).date()
        if day in counts:
            counts[day] += count
    return tuple(counts.values())


def daily_series(db: Database, last: date, zone: ZoneInfo, days: int = DAYS) -> DailySeries:
    """The chart's figures for the `days` local days ending on `last` (counted as
    `/nudge stats` counts them: customer messages, replies sent with a CTA, counted clicks,
    redemptions)."""
    span = Span(last - timedelta(days=days - 1), last, zone)
    start, end = span.start, span.end
    redeemed = redemptions.per_day(db, span.first, span.last)
    return DailySeries(
        days=tuple(span.days()),
        customer_messages=_per_day(reports.customer_messages_per_quarter(db, start, end), span),
        ctas_asked=_per_day(reports.ctas_asked_per_quarter(db, start, end), span),
        clicks=_per_day(reports.clicks_per_quarter(db, start, end), span),
        redemptions=tuple(redeemed.get(day, 0) for day in span.days()),
    )


def _figure(series: DailySeries, title: str):
    from matplotlib.figure import Figure  # lazy: only a drawn chart pays for matplotlib
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(7.0, 3.0), dpi=100)
    # Fixed margins rather than a layout engine: the same picture, drawn in half the time.
    figure.subplots_adjust(left=0.08, right=0.985, top=0.88, bottom=0.3)
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
                bbox_to_anchor=(0, -0.2))
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
