"""The 14-day chart and the HTML report, drawn from a test database: the figures are right,
the PNG decodes, the page needs nothing from the network, and matplotlib loads only when a
chart is drawn."""

from __future__ import annotations

import base64
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
    ctx.db["promotions"].insert({"id": 3, "text": "x", "targets": "[]", "trigger": "{}",
                                 "timezone": "UTC", "status": "active", "runs": 1,
                                 "variants": '["x", "y"]', "offer_id": "autumn10"})
    page_file = tmp_path / "report.html"
    result = nudge(config_file, "report", "--html", str(page_file), "--days", "30",
                   "--until", "2026-11-23")
    assert result.returncode == 0, result.stderr
    page = page_file.read_text()
    assert page.startswith("<!DOCTYPE html>")
    [image] = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert png_size(base64.b64decode(image)) == (700, 300)
    outside_image = page.replace(image, "")
    assert not re.search(r"https?:|//|<script|<link|<iframe|@import|url\(", outside_image,
                         re.IGNORECASE)
    assert re.findall(r'(?:src|href)="([^"]*)"', outside_image) == ["data:image/png;base64,"]
    assert "<h2>A/B tests</h2>" in page and "promotion #3" in page
    assert "<td>pricing</td><td>33</td><td>33</td>" in page  # suggested, sent as suggested
    assert "<td>AUTUMN10</td><td>autumn10</td><td>7</td>" in page
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
