"""`nudge report --html` read as a marketer reads it: intents and links by name, each A/B
test's wordings side by side with their click rates, amounts in the brand's currency written
its language's way, when the report was made, a section per shop, and a chart that marks the
promotions and keeps equal lines apart. (tests/test_report_browser.py looks at it in
Chromium; tests/test_charts.py checks it needs nothing from the network.)"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.results import formats
from bot.results.charts import SERIES, _figure, chart_svg, daily_series, promotion_days
from bot.results.html import build_report
from handlers import conversation
from tests.report_helpers import WORDING_A, WORDING_B, seed_marketing_fortnight
from tests.tracking_helpers import pricing_thread

MADE = datetime(2026, 12, 1, 9, 14, tzinfo=UTC)
LAST = date(2026, 11, 22)
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def page(ctx, clock) -> str:
    seed_marketing_fortnight(ctx, clock)
    return build_report(ctx.db, ctx.config, MADE, 14, LAST)


def cells(page: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", page)  # the text of every cell


def test_intents_and_links_are_named_in_words_not_ids(page):
    texts = cells(page)
    assert "Asks about price" in texts and "Visiting a shop (hours, address)" in texts
    assert "Get 10% off your first box" in texts and "See today&#x27;s menu" in texts
    assert "Autumn box" in texts  # the offer's title beside its code
    ids = {"pricing", "store_visit", "autumn-offer", "menu", "autumn10"}
    assert not ids & set(texts)
    assert not re.search(r">(pricing|store_visit|autumn-offer)<", page)


def test_every_table_header_says_what_its_column_holds(page):
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page)
    assert headers and all(header.strip() for header in headers)
    # On a phone each cell carries its header, shown before the value.
    assert not re.search(r'<td data-label="">', page)


def test_each_a_b_test_shows_both_wordings_with_their_click_rates(page):
    test = page.split("<h3>Promotion #3</h3>")[1].split("<h2>")[0]
    a, b = test.split('<div class="arm">')[1:3]
    assert WORDING_A in a and "Click rate <strong>20%</strong> (95% interval 8–42%)" in a
    assert "20 sent · 4 clicked" in a and "winner" not in a
    assert WORDING_B in b and "Click rate <strong>100%</strong> (95% interval 84–100%)" in b
    assert '<span class="winner">winner</span>' in b
    assert "running: wording B wins" in test


def test_a_reply_test_shows_the_latest_reply_sent_in_each_template(ctx, clock):
    for n, variant in enumerate("abab"):
        suggestion = pricing_thread(ctx, thread=f"r.{n}", variant=variant,
                                    text=f"Wording {variant} reply number {n}")
        conversation.confirm_send(ctx, conversation.on_choice(ctx, "send", suggestion, "slack",
                                                              "U_TEAM"))
    page = build_report(ctx.db, ctx.config, MADE, 14, LAST)
    test = page.split("<h3>Replies to “Asks about price”</h3>")[1].split("<h2>")[0]
    a, b = test.split('<div class="arm">')[1:3]
    assert "<blockquote>Wording a reply number 2</blockquote>" in a and "2 sent" in a
    assert "<blockquote>Wording b reply number 3</blockquote>" in b and "2 sent" in b


def test_the_subtitle_gives_the_period_and_when_the_report_was_made(page):
    meta = re.search(r'<p class="meta">(.*?)</p>', page).group(1)
    assert meta == ("9 to 22 Nov 2026 (14 days, Europe/London time) · made 1 Dec 2026 at "
                    "09:14")


def test_amounts_are_in_the_brand_currency_with_thousands_separators(page):
    assert "£1,234.50" in page  # taken with AUTUMN10, in the summary and the table
    assert '<td data-label="Taken">£1,234.50</td>' in page


@pytest.mark.parametrize(("language", "currency", "written"), [
    ("de", "EUR", f"1.234,50{NBSP}€"),
    ("fr", "EUR", f"1{NNBSP}234,50{NBSP}€"),
    ("es", "EUR", f"1234,50{NBSP}€"),
    ("en", "USD", "$1,234.50"),
])
def test_a_brand_elsewhere_sees_its_own_currency_and_separators(ctx, clock, language,
                                                                 currency, written):
    seed_marketing_fortnight(ctx, clock)
    ctx.config.brand.language, ctx.config.brand.currency = language, currency
    page = build_report(ctx.db, ctx.config, MADE, 14, LAST)
    assert f'<td data-label="Taken">{written}</td>' in page
    assert f'<html lang="{language}">' in page


@pytest.mark.parametrize(("language", "written"), [
    ("en", "38,947"), ("de", "38.947"), ("es", "38.947"), ("fr", f"38{NNBSP}947"),
])
def test_large_numbers_are_grouped_the_language_s_way(language, written):
    assert formats.number(38947, language) == written
    assert formats.number(1234567, "en") == "1,234,567" and formats.number(999, "de") == "999"


def test_amounts_rates_and_currencies_without_a_symbol():
    assert formats.number(1234, "es") == "1234"  # Spanish groups from five digits
    assert formats.money(37.5, "GBP") == "£37.50"
    assert formats.money(1200, "JPY") == "¥1,200"  # no minor unit
    assert formats.money(37.5, "CHF", "en") == f"CHF{NBSP}37.50"
    assert formats.money(37.5, "CHF", "de") == f"37,50{NBSP}CHF"
    assert formats.money(-4.2, "EUR", "fr") == f"-4,20{NBSP}€"
    assert formats.percent(0.224) == "22%" and formats.percent(0.224, "fr") == f"22{NBSP}%"
    assert formats.interval(0.081, 0.416, "en") == "8–42%"


def test_each_shop_gets_its_section_with_the_replies_about_it(page):
    shops = page.split("<h2>By shop</h2>")[1].split("<h2>")[0]
    mill, market = shops.split("<h3>Mill Road</h3>")[1].split("<h3>Market Square</h3>")
    assert "Visiting a shop (hours, address)" in mill
    assert '<td data-label="Sent as suggested">1</td>' in mill
    assert "Nothing yet." in market  # the question was about Mill Road only


def test_a_brand_with_one_shop_has_no_shop_sections(ctx, clock):
    seed_marketing_fortnight(ctx, clock)
    ctx.config.stores = ctx.config.stores[:1]
    assert "By shop" not in build_report(ctx.db, ctx.config, MADE, 14, LAST)


def test_the_chart_marks_the_days_promotions_went_out(ctx, clock, page):
    posted = promotion_days(ctx.db, LAST, ctx.config.zone)
    assert posted == {date(2026, 11, 20): ["3"], date(2026, 11, 21): ["3"]}
    for layout in ("wide", "narrow"):
        svg = page.split(f'class="chart-{layout}"')[1].split("</svg>")[0]
        assert svg.count("#3") == 2 and "Promotion posted" in svg


def test_lines_with_the_same_values_stay_apart(ctx, clock):
    seed_marketing_fortnight(ctx, clock)
    series = daily_series(ctx.db, LAST, ctx.config.zone)
    assert series.customer_messages == series.ctas_asked  # every reply asked: one line on another
    lines = _figure(series, "t").axes[0].get_lines()
    assert len({line.get_marker() for line in lines}) == len(SERIES)  # circle, square, ...
    svg = chart_svg(series)
    dashes = set()
    for _, _, colour, _, _ in SERIES:  # each line's path, as drawn: its own dash pattern
        style = re.search(rf'<path d="M[^"]*" clip-path="[^"]*" style="([^"]*stroke: '
                          rf'{colour.lower()}[^"]*)"', svg).group(1)
        found = re.search(r"stroke-dasharray: ([\d.,]+)", style)
        dashes.add(found.group(1) if found else "solid")
    assert len(dashes) == len(SERIES), dashes
