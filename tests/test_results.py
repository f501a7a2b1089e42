"""Results and the daily digest, checked against a seeded database.

The seed goes through the real conversation handlers (messages, button presses); only the
suggestion rows are written directly, as the engine would store them.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from bot.core.types import Request
from bot.results.report import report, span_ending
from bot.store import iso
from handlers import conversation
from handlers.digest import CLOSING_QUESTION, build_digest
from tests.conftest import ROOT

STAGE = {"pricing": "promotion", "store_visit": "information", "chit_chat": "conversation",
         "complaint": "conversation", "purchase_intent": "promotion"}


def customer_says(ctx, text, *, intent, platform="slack", channel="C1", thread="", msg="",
                  user="U1", cta=None):
    """A customer message as an adapter delivers it, plus the suggestion the engine stored."""
    request = Request(platform=platform, text=text, user=user, channel=channel,
                      thread=thread, message_id=msg or f"{thread}-{text[:8]}", workspace="T1")
    recorded = conversation.record_message(request, ctx)
    ctx.db.execute("update messages set intent = ?, stage = ? where id = ?",
                   [intent, STAGE[intent], recorded.message_id])
    return ctx.db["suggestions"].insert({
        "message_id": recorded.message_id, "conversation_id": recorded.conversation_id,
        "rank": 0, "intent": intent, "stage": STAGE[intent], "confidence": 0.9,
        # A suggestion with a CTA carries its link, as the engine's always do.
        "text": "reply https://x.example" if cta else "reply", "cta_id": cta,
        "cta_url": "https://x.example" if cta else None,
        "rationale": "test", "status": "pending", "created_at": iso(ctx.now()),
    }).last_pk


def seed_yesterday(ctx, clock):
    """Sunday 22 Nov 2026 (London): three threads, two replies sent, one with a CTA."""
    clock.moment = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    price = customer_says(ctx, "how much is the box", intent="pricing", thread="1.1",
                          cta="order-online")
    sent = conversation.on_choice(ctx, "send", price, "slack", "U_TEAM")
    conversation.confirm_send(ctx, sent)  # the platform confirmed the post
    clock.advance(minutes=5)
    hours = customer_says(ctx, "open sunday?", intent="store_visit", thread="2.2",
                          platform="discord", channel="555", user="D1")
    sent = conversation.on_choice(ctx, "edit", hours, "discord", "D_TEAM",
                                  edited_text="Yes, 10-14!")
    conversation.confirm_send(ctx, sent)  # the platform confirmed the post
    clock.advance(minutes=5)
    customer_says(ctx, "hello :)", intent="chit_chat", thread="3.3", user="U3")
    ctx.db["deliveries"].insert({
        "kind": "promotion", "ref_id": "7", "scheduled_for": iso(clock()), "platform": "slack",
        "target": "C9", "status": "sent", "attempts": 1, "finished_at": iso(clock()),
    })


def test_the_report_counts_each_figure_per_day_platform_and_intent(ctx, clock):
    seed_yesterday(ctx, clock)
    clock.moment = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    result = report(ctx.db, span_ending(clock().date(), 7, ctx.config.zone))
    total = result.total
    assert (total.customer_messages, total.suggestions_made, total.suggestions_sent,
            total.ctas_asked, total.promotions_sent, total.conversations) == (3, 3, 2, 1, 1, 3)
    assert dict(total.mix) == {"promotion": 1, "information": 1}
    assert total.ctas_per_conversation == 1 / 3
    assert result.by_platform["discord"].suggestions_sent == 1
    assert result.by_platform["slack"].customer_messages == 2
    assert result.acceptance == {"chit_chat": (0, 1), "pricing": (1, 1), "store_visit": (1, 1)}
    sunday = result.by_day[datetime(2026, 11, 22).date()]
    assert sunday.customer_messages == 3


def test_days_are_counted_in_the_team_time_zone(ctx, clock):
    # 23:30 UTC on 22 Nov is already the 23rd in Tokyo.
    ctx.config.timezone = "Asia/Tokyo"
    clock.moment = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    customer_says(ctx, "hi", intent="chit_chat", thread="9.9")
    today = clock().astimezone(ctx.config.zone).date()
    assert today.day == 23
    assert report(ctx.db, span_ending(today, 1, ctx.config.zone)).total.customer_messages == 1


def test_the_stats_command_shows_the_figures(ctx, clock):
    seed_yesterday(ctx, clock)
    clock.moment = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    request = Request(platform="slack", text="/nudge stats 7d", user="U_TEAM", channel="C0",
                      role="team")
    text = ctx.router.dispatch(request, ctx).text
    assert "3 customer messages, 3 suggestions, 2 sent, 1 CTA asked, 1 promotion sent" in text
    assert "• pricing: 1 suggested: 1 sent as suggested, 0 sent after an edit" in text
    assert "• store_visit: 1 suggested: 0 sent as suggested, 1 sent after an edit (" in text
    assert "• chit_chat: 1 suggested: 0 sent as suggested" in text and "1 never handled" in text
    assert "CTAs per conversation: 0.33" in text
    bad = ctx.router.dispatch(Request(platform="slack", text="/nudge stats forever",
                                      user="U_TEAM", channel="C0", role="team"), ctx)
    assert not bad.ok and "use today, 7d or 30d" in bad.text


def test_the_digest_lists_each_section_and_ends_with_a_question(ctx, clock):
    seed_yesterday(ctx, clock)
    clock.moment = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    customer_says(ctx, "can I order 2 cakes for friday", intent="purchase_intent",
                  thread="4.4", user="U4")
    clock.advance(minutes=20)
    ctx.db["promotions"].insert({
        "text": "Friday loaves: 2 for 1", "status": "active", "targets": "[]",
        "next_run_at": iso(datetime(2026, 11, 23, 16, 0, tzinfo=UTC)),
    })
    ctx.db["deliveries"].insert({
        "kind": "promotion", "ref_id": "3", "scheduled_for": iso(clock() - timedelta(hours=2)),
        "platform": "discord", "target": "555", "status": "failed", "error": "Missing Access",
    })
    text = build_digest(ctx).text
    waiting = text.split("*Customers waiting for a reply (2)*")[1].split("*Ready")[0]
    # Oldest first: yesterday's "hello" before this morning's order.
    assert waiting.index("hello :)") < waiting.index("can I order 2 cakes")
    assert "20 min waiting" in waiting
    assert "https://slack.com/archives/C1/p44" in waiting
    ready = text.split("*Ready for the sale (1)*")[1].split("*Promotions")[0]
    assert "asked about buying" in ready and "#C1" in ready
    assert "*Promotions going out today (1)*\n• 16:00 #1: Friday loaves: 2 for 1" in text
    assert "failed: promotion #3 to discord 555" in text and "Missing Access" in text
    assert ("*Yesterday*: 3 customer messages, 3 suggestions, 2 sent, 1 CTA asked, "
            "1 promotion sent; mix information 50%, conversation 0%, promotion 50%.") in text
    assert text.endswith(CLOSING_QUESTION)


def test_an_empty_day_says_so_in_one_line(ctx, clock):
    digest = build_digest(ctx)
    assert "\n" not in digest.text
    assert "a quiet day" in digest.text and digest.meta["empty"]


def test_an_answered_thread_leaves_the_waiting_list(ctx, clock):
    customer_says(ctx, "is the shop open", intent="store_visit", thread="5.5")
    assert "is the shop open" in build_digest(ctx).text
    conversation.record_message(Request(platform="slack", text="Yes until 6!", user="U_TEAM",
                                        channel="C1", thread="5.5", message_id="5.6",
                                        workspace="T1", role="team"), ctx)
    assert "is the shop open" not in build_digest(ctx).text


def test_export_writes_a_table_as_csv(config_file, config, ctx, clock):
    seed_yesterday(ctx, clock)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_file), "export", "feedback",
         "--csv"], capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["action"], r["user_id"], r["text"]) for r in rows] == [
        ("send", "U_TEAM", ""), ("edit", "D_TEAM", "Yes, 10-14!")
    ]
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_file), "export", "sqlite_master"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert refused.returncode == 2 and "Traceback" not in refused.stderr


async def test_stats_run_in_the_reader_process_on_the_database_the_loop_writes(app, clock):
    """`/nudge stats` only reads, so it runs in the reader process (bot/readers.py), which
    opens the same database as the application: figures written a moment ago are there."""
    seed_yesterday(app.ctx, clock)
    clock.moment = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert app.readers.usable
    try:
        reply = await app.readers.dispatch(Request(platform="slack", text="/nudge stats 7d",
                                                   user="U_TEAM", channel="C0", role="team"))
    finally:
        app.readers.close()
    assert "3 customer messages, 3 suggestions, 2 sent, 1 CTA asked, 1 promotion sent" in (
        reply.text)
