"""The 14-day chart and the HTML report, drawn from a test database: the figures are right,
the PNG decodes, the page needs nothing from the network, and matplotlib loads only when a
chart is drawn."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date

from bot.core.types import Image, Post
from bot.daily.digest_job import digest_chart
from bot.platforms.console import ConsoleAdapter
from bot.results.charts import chart_png, daily_series
from tests.chart_helpers import png_size, seed_two_weeks
from tests.cli_helpers import nudge
from tests.conftest import ROOT
from tests.report_helpers import seed_promotion_test


def test_the_series_counts_each_day_of_the_last_two_weeks(ctx, clock):
    seed_two_weeks(ctx, clock)
    series = daily_series(ctx.db, date(2026, 11, 22), ctx.config.zone)
    assert series.days[0] == date(2026, 11, 9) and len(series.days) == 14
    assert series.customer_messages == tuple(d % 4 + 1 for d in range(14))
    assert series.ctas_asked == series.customer_messages  # every reply carried a CTA
    assert series.clicks == tuple(int(d % 2 == 0) for d in range(14))
    assert series.redemptions == series.clicks


def test_the_chart_is_a_png_that_decodes_at_700_by_300(ctx, clock):
    seed_two_weeks(ctx, clock)
    data = chart_png(daily_series(ctx.db, date(2026, 11, 22), ctx.config.zone))
    assert png_size(data) == (700, 300)
    assert b"matplotlib" not in data  # no metadata naming its maker (or its web site)


def test_the_digest_carries_the_chart_only_when_there_is_something_to_show(ctx, clock):
    assert digest_chart(ctx.db, ctx.config, date(2026, 11, 23)) is None
    seed_two_weeks(ctx, clock)
    image = digest_chart(ctx.db, ctx.config, date(2026, 11, 23))
    assert image.filename == "nudge-2026-11-22.png" and png_size(image.data) == (700, 300)


async def test_the_console_saves_the_chart_and_prints_its_path(config, tmp_path):
    out = io.StringIO()
    console = ConsoleAdapter(config, stdin=io.StringIO(""), stdout=out)
    await console.post(Post("console", "team", "Good morning!",
                             image=Image("nudge-2026-11-22.png", b"\x89PNG fake bytes")))
    saved = tmp_path / "charts" / "nudge-2026-11-22.png"
    assert saved.read_bytes() == b"\x89PNG fake bytes"
    assert f"[chart saved: {saved}]" in out.getvalue()


def test_the_html_report_is_one_self_contained_page(ctx, clock, config_file, tmp_path):
    seed_two_weeks(ctx, clock)
    seed_promotion_test(ctx, clock)
    page_file = tmp_path / "report.html"
    result = nudge(config_file, "report", "--html", str(page_file), "--days", "30",
                   "--until", "2026-11-23")
    assert result.returncode == 0, result.stderr
    page = page_file.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    # The chart is drawn inline, twice (the wide one for a desktop, the narrow one for a phone).
    assert [m.group(1) for m in re.finditer(r'<svg role="img" class="chart-(\w+)"', page)] == [
        "wide", "narrow"]
    assert not re.search(r"https?:|//|<script|<link|<iframe|<img|@import", page, re.IGNORECASE)
    # The only references are the drawing's own: its markers and clip paths, by #id.
    references = [a or b for a, b in re.findall(r'(?:src|href)="([^"]*)"|url\(([^)]*)\)', page)]
    assert references and all(ref.startswith("#") for ref in references)
    assert "<h2>A/B tests: which wording worked</h2>" in page and "Promotion #3" in page
    assert ('<td data-label="Customer asked" class="words">Asks about price</td>'
            '<td data-label="Suggested">33</td><td data-label="Sent as suggested">33</td>'
            ) in page
    assert ('<td data-label="Code" class="words">AUTUMN10</td>'
            '<td data-label="Offer" class="words">Autumn box</td>'
            '<td data-label="Redeemed">7</td>') in page
    assert "carried it" in page and "#3" in page


def test_a_report_that_cannot_be_written_exits_2_with_a_plain_reason(config_file, tmp_path):
    result = nudge(config_file, "report", "--html", str(tmp_path / "missing" / "r.html"))
    assert result.returncode == 2 and "Cannot write" in result.stderr
    assert "Traceback" not in result.stderr


def test_starting_nudge_does_not_import_matplotlib():
    code = ("import sys, bot.app, bot.cli, bot.daily.digest_job, handlers.registry, "
            "bot.cli.results, bot.results.html; print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


async def test_the_scheduled_digest_post_carries_the_chart(config, db, clock):
    from bot.core.context import Context
    from handlers.registry import build_router
    from tests.daily_helpers import posts, start_app, utc

    seed_two_weeks(Context(config=config, db=db, router=build_router(), clock=clock), clock)
    clock.moment = utc(2026, 11, 23, 8, 0)
    app = await start_app(config, db, clock, digest=True)
    clock.moment = utc(2026, 11, 23, 8, 30)  # 08:30 in London
    assert await app.scheduler.run_due() == 1
    [post] = posts(app)
    assert "Good morning!" in post.text
    assert post.image.filename == "nudge-2026-11-22.png" and png_size(post.image.data)
    await app.scheduler.stop()
