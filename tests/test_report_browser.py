"""The report as a browser shows it: rendered to PNG in headless Chromium at a desktop's
1280 px and a phone's 390 px, nothing runs off the right of the page and no table is wider
than the column holding it (on a phone the tables stack into cards, the chart swaps for its
narrow drawing). Needs Chromium (tests/browser.py): without it this fails, saying how to get it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.types import Request
from bot.results.gaps import gaps_section_html
from bot.results.html import build_report
from handlers import conversation
from handlers.gaps import gap_report
from tests.browser import chromium, opened
from tests.chart_helpers import png_size
from tests.report_helpers import WORDING_A, seed_marketing_fortnight

# A wording as promotions are written: with a long link that has nowhere to break.
LONG_WORDING = ("Our Christmas boxes are ready to order — pick yours up in the shop: "
                "https://crumbandco.example/christmas/boxes/order-online?utm_source=slack"
                "&utm_medium=chat&utm_campaign=christmas-2026-boxes-and-hampers")
MEASURE = """() => ({
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    tables: [...document.querySelectorAll("table")].map(t => [t.scrollWidth,
                                                              t.parentElement.clientWidth]),
    charts: [...document.querySelectorAll("svg")].filter(s => s.getBoundingClientRect().width)
            .map(s => s.getAttribute("class")),
})"""


# Questions the FAQ does not answer: their section has the longest cells (the FAQ command).
UNANSWERED = ("Can I park my car somewhere near the bakery on a Saturday morning?",
              "Kann ich in der Nähe der Bäckerei parken?", "Is there parking nearby?")


@pytest.fixture
def page_html(ctx, clock, engine) -> str:
    seed_marketing_fortnight(ctx, clock, wordings=(WORDING_A, LONG_WORDING))
    ctx.engine = engine
    for number, text in enumerate(UNANSWERED):
        conversation.on_message(Request(platform="slack", text=text, user=f"U{number}",
                                        channel="C1", thread=f"gap.{number}",
                                        message_id=f"gap.{number}"), ctx)

    def gaps(start, end) -> str:
        return gaps_section_html(gap_report(ctx.db, start, end,
                                            answers=engine.faq_answers))

    page = build_report(ctx.db, ctx.config, datetime(2026, 12, 1, 9, 14, tzinfo=UTC), 14,
                        date(2026, 11, 22), gaps=gaps)
    assert "nudge faq add --question" in page  # the widest cells are on the page
    return page


@pytest.mark.parametrize(("width", "chart"), [(1280, "chart-wide"), (390, "chart-narrow")])
def test_nothing_overflows_at_desktop_and_phone_width(page_html, tmp_path, width, chart):
    with chromium() as browser, opened(browser, page_html, width=width) as page:
        measured = page.evaluate(MEASURE)
        png = page.screenshot(full_page=True, type="png")
    (tmp_path / f"report-{width}.png").write_bytes(png)
    assert png_size(png)[0] == width  # the whole page, no wider than the screen
    assert measured["page"] <= measured["viewport"] == width, measured
    assert len(measured["tables"]) >= 4
    for table_width, container_width in measured["tables"]:
        assert table_width <= container_width, measured["tables"]
    assert measured["charts"] == [chart]  # one chart shown, drawn for this width
