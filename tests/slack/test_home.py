"""The App Home tab: upcoming promotions, threads waiting for a reply, the week's figures."""

from __future__ import annotations

import json

from tests import fake_slack as fake


def _add_promotion(db, text: str, next_run_at: str, status: str = "active") -> None:
    db["promotions"].insert({
        "text": text, "targets": json.dumps([{"platform": "slack", "channel": "C0PROMOS"}]),
        "schedule": "every fri at 09:00", "status": status, "next_run_at": next_run_at,
        "trigger": json.dumps({"type": "cron", "fields": {"day_of_week": "fri", "hour": "9",
                                                          "minute": "0", "second": "0"}}),
        "timezone": "Europe/London",
        "created_at": "2026-11-20T09:00:00+00:00",
    })


async def _open_home(nudge, user: str) -> dict:
    published = len(nudge.fake.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
             "event_ts": "1790000000.000100"}
    await nudge.deliver("events_api", fake.event_callback(event))
    return (await nudge.fake.wait_for("views.publish", published + 1))[published].args


async def test_the_app_home_shows_promotions_waiting_threads_and_figures(nudge):
    _add_promotion(nudge.db, "Friday loaves: 2 for £5", "2026-11-27T09:00:00+00:00")
    _add_promotion(nudge.db, "Cancelled one", "2026-11-28T09:00:00+00:00", status="cancelled")
    await nudge.review_of("is the shop open on sunday?")
    published = await _open_home(nudge, "U0TEAM")
    assert published["user_id"] == "U0TEAM"
    view = published["view"]
    assert view["type"] == "home"
    shown = json.dumps(view, ensure_ascii=False)
    assert "Friday loaves: 2 for £5" in shown and "Cancelled one" not in shown
    assert "<#C0PROMOS>" in shown
    assert "is the shop open on sunday?" in shown and "Alex" in shown
    assert "https://slack.com/archives/C0CUSTOMERS/p1790000000000001" in shown
    figures = next(b for b in view["blocks"] if "fields" in b)["fields"]
    assert figures[0]["text"] == "*Customer messages*\n1"
    assert figures[1]["text"] == "*Suggestions*\n1"


async def test_an_empty_home_says_so_kindly(nudge_http):
    view = (await _open_home(nudge_http, "U0TEAM"))["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert "Nothing scheduled" in shown and "Nobody is waiting" in shown


async def test_a_customer_opening_the_home_tab_sees_no_customer_data(nudge_http):
    await nudge_http.review_of("my private question")
    view = (await _open_home(nudge_http, "U0CUSTOMER"))["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert "my private question" not in shown
    assert "Crumb" in shown
