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

import sqlite_utils

from bot.results import Span

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


# Events are counted per quarter hour in SQL (UTC), then each quarter is put on its local
# day in Python: every time zone's offset is a whole number of quarter hours, so this is exact
# and reads at most 96 rows a day, however busy the days were.
_QUARTER = "substr({column}, 1, 14) || printf('%02d', cast(substr({column}, 15, 2) as integer) " \
           "/ 15 * 15)"


def _per_day(db: sqlite_utils.Database, sql: str, column: str, span: Span) -> tuple[int, ...]:
    """Counts per local day of the span, from `sql` selecting (time, count) rows."""
    counts = dict.fromkeys(span.days(), 0)
    bucket = _QUARTER.format(column=column)
    for quarter, count in db.execute(sql.format(bucket=bucket), [span.start, span.end]):
        day = datetime.fromisoformat(quarter + ":00+00:00").astimezone(span.zone).date()
        if day in counts:
            counts[day] += count
    return tuple(counts.values())


def daily_series(db: sqlite_utils.Database, last: date, zone: ZoneInfo,
                 days: int = DAYS) -> DailySeries:
    """The chart's figures for the `days` local days ending on `last` (counted as
    `/nudge stats` counts them: customer messages, replies sent with a CTA, counted clicks,
    redemptions)."""
    span = Span(last - timedelta(days=days - 1), last, zone)
    messages = _per_day(db, "select {bucket}, count(*) from messages where author_role = "
                            "'customer' and created_at >= ? and created_at < ? group by 1",
                        "created_at", span)
    ctas = _per_day(db, "select {bucket}, count(*) from feedback f join suggestions s on "
                        "s.id = f.suggestion_id where f.action in ('send', 'edit') and "
                        "s.cta_id is not null and s.cta_id != '' and f.created_at >= ? and "
                        "f.created_at < ? group by 1", "f.created_at", span)
    clicks = _per_day(db, "select {bucket}, count(*) from clicks where at >= ? and at < ? "
                          "group by 1", "at", span)
    redeemed = dict(db.execute(
        "select day, sum(count) from redemptions where day >= ? and day <= ? group by day",
        [span.first.isoformat(), span.last.isoformat()]).fetchall())
    return DailySeries(
        days=tuple(span.days()),
        customer_messages=messages,
        ctas_asked=ctas,
        clicks=clicks,
        redemptions=tuple(redeemed.get(day.isoformat(), 0) for day in span.days()),
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
