"""The digest's chart on Slack: files_upload_v2's three steps against the fake, which checks
them as Slack does; a refused upload never takes the digest's text down with it. Tracked links
are served by the same HTTP server in HTTP mode."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp

from bot.core.types import Image, Post
from bot.store.links import LinkInfo, create_link
from bot.store.problems import platform_errors_since
from tests import fake_slack as fake
from tests.chart_helpers import png_size
from tests.slack.conftest import REVIEW, slack_config, start_nudge, stop_nudge
from tests.tracking_helpers import PUBLIC_URL


def chart() -> Image:
    from bot.results.charts import DailySeries, chart_png

    series = DailySeries(tuple(datetime(2026, 11, d, tzinfo=UTC).date() for d in range(9, 23)),
                         *(tuple(range(14)),) * 4)
    return Image("nudge-2026-11-22.png", chart_png(series), "Nudge: the 14 days to Sun 22 Nov")


async def test_the_chart_is_uploaded_in_three_steps_and_shared_in_the_channel(nudge):
    image = chart()
    ts = await nudge.app.publish(Post("slack", REVIEW, "Good morning!", image=image))
    assert ts
    [shared] = nudge.fake.shared_files(REVIEW)
    assert shared.data == image.data and png_size(shared.data) == (700, 300)
    assert (shared.filename, shared.title) == ("nudge-2026-11-22.png",
                                               "Nudge: the 14 days to Sun 22 Nov")
    methods = [call.method for call in nudge.fake.calls]
    asked = methods.index("files.getUploadURLExternal")
    assert methods.index("chat.postMessage") < asked < methods.index(
        "files.completeUploadExternal")
    assert nudge.fake.calls_to("files.getUploadURLExternal")[0].args["length"] == \
        str(len(image.data))


async def test_a_missing_files_write_scope_keeps_the_text_and_is_reported(nudge):
    nudge.fake.fail_next("files.getUploadURLExternal", "missing_scope", needed="files:write")
    ts = await nudge.app.publish(Post("slack", REVIEW, "Good morning!", image=chart()))
    assert ts and nudge.fake.calls_to("chat.postMessage")
    assert not nudge.fake.shared_files()
    problems = platform_errors_since(nudge.db, datetime(2000, 1, 1, tzinfo=UTC))
    assert any("files:write" in problem.detail for problem in problems)


async def test_the_fake_checks_each_upload_step_as_slack_does(fake_slack):
    api = fake_slack.api_url
    headers = {"Authorization": f"Bearer {fake.BOT_TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async def call(method: str, **args) -> dict:
            async with http.post(api + method, data=args) as response:
                return await response.json()

        assert (await call("files.getUploadURLExternal", filename="a.png"))["error"] == \
            "invalid_arguments"
        started = await call("files.getUploadURLExternal", filename="a.png", length="4")
        files = f'[{{"id": "{started["file_id"]}"}}]'
        assert (await call("files.completeUploadExternal", files=files,
                           channel_id=REVIEW))["error"] == "file_not_found"  # no bytes yet
        async with http.post(started["upload_url"], data=b"12345") as response:
            assert response.status == 400  # not the length announced
        async with http.post(started["upload_url"], data=b"1234") as response:
            assert response.status == 200
        fake_slack.not_member.add("C0ELSEWHERE")
        assert (await call("files.completeUploadExternal", files=files,
                           channel_id="C0ELSEWHERE"))["error"] == "not_in_channel"
        assert (await call("files.completeUploadExternal", files="not json"))["error"] == \
            "invalid_arguments"
        done = await call("files.completeUploadExternal", files=files, channel_id=REVIEW)
        assert done["ok"] and done["files"][0]["id"] == started["file_id"]
        assert (await call("files.completeUploadExternal", files=files,
                           channel_id=REVIEW))["error"] == "file_not_found"  # only once


async def test_in_http_mode_tracked_links_are_served_by_the_slack_server(tmp_path, fake_slack,
                                                                         clock):
    config = slack_config(tmp_path, fake_slack)
    config.links.tracking.enabled = True
    config.links.tracking.public_url = PUBLIC_URL
    running = await start_nudge("http", config, fake_slack, clock)
    try:
        await running.app.serve_links()
        assert running.app.links_runner is None  # the Slack server carries them: no listener
        token = create_link(running.db, LinkInfo("reply", "1", "menu", "", "slack", "C1"),
                            "https://crumbandco.example/menu?utm_source=slack", clock())
        url = f"http://127.0.0.1:{running.adapter.http_port}/r/{token}"
        async with running.http.get(url, allow_redirects=False) as response:
            assert response.status == 302
            assert response.headers["Location"] == \
                "https://crumbandco.example/menu?utm_source=slack"
        assert running.app.tracker.flush() == 1 and running.db["clicks"].count == 1
    finally:
        await stop_nudge(running)
