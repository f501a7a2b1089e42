"""Pictures of the results: the last 14 days of customer messages, CTAs asked, clicks and
redemptions, drawn as one small PNG (for the digest) or as SVG inside the HTML report (sharp
at any size and on any screen), where the days promotions went out are marked too.

Each line has its own colour (Okabe-Ito, apart for colour-blind readers), its own dash and its
own marker shape, so two lines with the same values still show as two.

Drawn with matplotlib's Agg backend (no display, no GUI toolkit), imported only when a chart is
drawn, so `nudge run` neither starts slower nor holds matplotlib in memory until the first
digest. A Figure is made per chart (not pyplot's global state), so drawing is thread-safe.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.results.report import Span
from bot.store import Database, redemptions, reports

DAYS = 14
SERIES = (  # (field, label, colour, dashes, marker)
    ("customer_messages", "Customer messages", "#0072B2", "-", "o"),
    ("ctas_asked", "Links asked for", "#E69F00", (0, (5, 2)), "s"),
    ("clicks", "Clicks", "#009E73", (0, (1, 1.5)), "^"),
    ("redemptions", "Offer codes redeemed", "#CC79A7", (0, (6, 2, 1, 2)), "D"),
)
PROMOTION_COLOUR = "#555555"


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
        return not any(sum(getattr(self, name)) for name, *_ in SERIES)


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


def promotion_days(db: Database, last: date, zone: ZoneInfo, days: int = DAYS
                   ) -> dict[date, list[str]]:
    """local day -> the promotions (ids) posted on it, for the `days` days ending on `last`."""
    span = Span(last - timedelta(days=days - 1), last, zone)
    found: dict[date, list[str]] = {}
    for post in reports.promotions_sent(db, span.start, span.end):
        ids = found.setdefault(post.at.astimezone(zone).date(), [])
        if post.promotion not in ids:
            ids.append(post.promotion)
    return found


# (figure size in inches, margins, font size, legend columns, every how many days a date is
# written): the wide chart for a desktop page and the digest, the narrow one for a phone, where
# the wide one shrunk to fit would have text too small to read.
LAYOUTS = {
    "wide": ((7.0, 3.0), dict(left=0.08, right=0.985, top=0.88, bottom=0.3), 8, 4, 2),
    "narrow": ((4.0, 3.6), dict(left=0.11, right=0.97, top=0.9, bottom=0.36), 9, 2, 3),
}


def _figure(series: DailySeries, title: str, promotions: dict[date, list[str]] | None = None,
            layout: str = "wide"):
    from matplotlib.figure import Figure  # lazy: only a drawn chart pays for matplotlib
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    size, margins, font, columns, every = LAYOUTS[layout]
    figure = Figure(figsize=size, dpi=100)
    # Fixed margins rather than a layout engine: the same picture, drawn in half the time.
    figure.subplots_adjust(**margins)
    axes = figure.add_subplot()
    positions = range(len(series.days))
    handles = []
    for name, label, colour, dashes, marker in SERIES:
        [line] = axes.plot(positions, getattr(series, name), marker=marker, markersize=4,
                           linewidth=1.8, linestyle=dashes, label=label, color=colour)
        handles.append(line)
    marked = [(n, ids) for n, day in enumerate(series.days) for ids in [(promotions or {})
              .get(day)] if ids]
    for n, ids in marked:
        axes.axvline(n, color=PROMOTION_COLOUR, linewidth=1, linestyle=(0, (2, 2)), zorder=0)
        axes.annotate(", ".join(f"#{pid}" for pid in ids), (n, 1), xycoords=("data",
                      "axes fraction"), xytext=(2, -2), textcoords="offset points",
                      fontsize=font - 1, color=PROMOTION_COLOUR, va="top")
    if marked:
        handles.append(Line2D([], [], color=PROMOTION_COLOUR, linewidth=1,
                              linestyle=(0, (2, 2)), label="Promotion posted"))
    axes.set_xticks(list(positions),
                    [f"{day:%a}\n{day.day}" if n % every == 0 else "" for n, day in
                     enumerate(series.days)], fontsize=font)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.tick_params(axis="y", labelsize=font)
    axes.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(title, fontsize=font + 2, loc="left")
    axes.legend(handles=handles, fontsize=font, frameon=False,
                ncols=columns - 1 if marked and columns > 2 else columns, loc="upper left",
                bbox_to_anchor=(0, -0.2) if layout == "wide" else (-0.1, -0.16))
    return figure


def chart_png(series: DailySeries, title: str = "Last 14 days") -> bytes:
    """The chart as PNG bytes (700 x 300 pixels), without any metadata naming its maker."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = _figure(series, title)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


# What matplotlib writes around the drawing that a page holding it inline does not need (the
# XML prologue, the doctype and metadata naming its maker and their web addresses).
_SVG_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SVG_NOISE = re.compile(r"<metadata>.*?</metadata>\s*|\s+xmlns(:xlink)?=\"[^\"]*\"", re.DOTALL)


def chart_svg(series: DailySeries, title: str = "Last 14 days",
              promotions: dict[date, list[str]] | None = None, layout: str = "wide") -> str:
    """The chart as an <svg> element to put inside an HTML page: its text is text (in the
    page's own sans-serif), nothing is fetched from elsewhere, and its viewBox scales it to any
    width. Its ids are its own (salted by `layout`), so both layouts can share one page."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    figure = _figure(series, title, promotions, layout)
    FigureCanvasSVG(figure)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"nudge-{layout}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _SVG_NOISE.sub("", _SVG_PROLOGUE.sub("", buffer.getvalue(), count=1))
    return svg.replace("<svg", f'<svg role="img" class="chart-{layout}"', 1).strip()


def chart_filename(last: date) -> str:
    return f"nudge-{last.isoformat()}.png"
