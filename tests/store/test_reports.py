"""What the results are counted from, the same on SQLite and on a real PostgreSQL server:
bot/store/reports.py (stats, digest, Home, the chart), redemptions.py, experiments.py,
daily.py (the digest's schedule, the waiting-customer pings) and reading.py (reading apart).

Each test writes the few rows it needs with the table calls both backends answer, then
reads them back through the store's named functions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.store import backend, daily, experiments, iso, reading, redemptions, reports

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def at(**delta) -> str:
    return iso(T0 + timedelta(**delta))


def conversation(db, *, platform="slack", channel="C1", thread="1.1", customer="slack:U1",
                 name="Ann", waited_since=None, status="waiting", urgent=0, since_cta=0,
                 pinged=None) -> int:
    db["customers"].insert({"id": customer, "platform": platform, "user_id": customer[-2:],
                            "name": name}, ignore=True)
    return db["conversations"].insert({
        "platform": platform, "workspace": "T1", "channel": channel, "thread": thread,
        "customer_id": customer, "status": status, "urgent": urgent,
        "last_customer_message_at": waited_since, "customer_messages_since_cta": since_cta,
        "waiting_pinged_at": pinged}).last_pk


def message(db, conversation_id: int, text: str, when: str, *, role="customer",
            intent=None, platform="slack") -> int:
    return db["messages"].insert({"conversation_id": conversation_id, "platform": platform,
                                  "author_role": role, "text": text, "created_at": when,
                                  "intent": intent}).last_pk


def suggestion(db, message_id: int, conversation_id: int, when: str, *, rank=0,
               intent="pricing", stage="promotion", cta=None, status="pending",
               variant=None, text="Our box is £12.") -> int:
    return db["suggestions"].insert({
        "message_id": message_id, "conversation_id": conversation_id, "rank": rank,
        "intent": intent, "stage": stage, "cta_id": cta, "status": status, "text": text,
        "variant": variant, "created_at": when}).last_pk


def press(db, suggestion_id: int, action: str, when: str, text: str | None = None) -> None:
    db["feedback"].insert({"suggestion_id": suggestion_id, "action": action, "text": text,
                           "platform": "slack", "user_id": "U_TEAM", "created_at": when})


def link(db, token: str, kind: str, ref_id: str, *, variant="", clicks: list[str] = ()) -> None:
    db["links"].insert({"token": token, "kind": kind, "ref_id": ref_id, "variant": variant,
                        "url": "https://x.example", "created_at": at()})
    for when in clicks:
        db["clicks"].insert({"token": token, "at": when})


def delivery(db, kind: str, ref_id: str, status: str, when: str, *, variant=None, test=0,
             platform="slack", target="C9", error=None) -> None:
    db["deliveries"].insert({"kind": kind, "ref_id": ref_id, "scheduled_for": when,
                             "platform": platform, "target": target, "status": status,
                             "finished_at": when, "variant": variant, "test": test,
                             "error": error})


# --- the events a span counts --------------------------------------------------------------------

def test_a_span_is_start_inclusive_end_exclusive_and_counts_customers_only(any_db):
    cid = conversation(any_db)
    message(any_db, cid, "before", at(seconds=-1))
    message(any_db, cid, "first", at())
    message(any_db, cid, "team", at(minutes=1), role="team")
    message(any_db, cid, "last", at(hours=1, seconds=-1))
    message(any_db, cid, "after", at(hours=1))
    found = reports.customer_messages(any_db, T0, T0 + timedelta(hours=1))
    assert [(m.at, m.platform, m.conversation_id) for m in found] == [
        (T0, "slack", cid), (T0 + timedelta(hours=1, seconds=-1), "slack", cid)]


def test_a_message_given_three_suggestions_counts_once_with_its_first(any_db):
    cid = conversation(any_db)
    mid = message(any_db, cid, "how much?", at())
    for rank in range(3):
        suggestion(any_db, mid, cid, at(seconds=rank), rank=rank)
    [made] = reports.suggestions_made(any_db, T0, T0 + timedelta(days=1))
    assert (made.at, made.platform, made.intent) == (T0, "slack", "pricing")


def test_replies_sent_are_sends_and_edits_with_their_stage_and_cta(any_db):
    cid = conversation(any_db)
    mid = message(any_db, cid, "how much?", at())
    first = suggestion(any_db, mid, cid, at(), cta="autumn-offer")
    second = suggestion(any_db, mid, cid, at(), rank=1, intent="chit_chat",
                        stage="conversation")
    press(any_db, first, "send", at(minutes=1))
    press(any_db, second, "edit", at(minutes=2), "Hello!")
    press(any_db, second, "dismiss", at(minutes=3))
    sent = reports.replies_sent(any_db, T0, T0 + timedelta(days=1))
    assert sorted((r.intent, r.stage, r.cta_id) for r in sent) == [
        ("chit_chat", "conversation", None), ("pricing", "promotion", "autumn-offer")]


def test_a_test_post_to_the_team_is_not_a_promotion_sent(any_db):
    delivery(any_db, "promotion", "1", "sent", at())
    delivery(any_db, "promotion", "1", "sent", at(minutes=1), test=1)
    delivery(any_db, "promotion", "2", "failed", at(minutes=2))
    delivery(any_db, "reminder", "3", "sent", at(minutes=3))
    assert reports.promotions_sent(any_db, T0, T0 + timedelta(days=1)) == [
        reports.PromotionSent(T0, "slack", "1")]


# --- what became of each suggestion --------------------------------------------------------------

def test_suggestions_and_the_buttons_pressed_on_them_come_in_order(any_db):
    cid = conversation(any_db)
    mid = message(any_db, cid, "how much?", at())
    first = suggestion(any_db, mid, cid, at(), status="sent")
    second = suggestion(any_db, mid, cid, at(), rank=1)
    press(any_db, first, "edit", at(minutes=1), "Boxes are £12!")
    press(any_db, second, "dismiss", at(minutes=2))
    any_db["suggestions"].update(first, {"facts": '["Mill Road is at 12 Mill Road"]'})
    end = T0 + timedelta(days=1)
    assert [(s.id, s.rank, s.status, s.facts) for s in reports.suggestions_between(
        any_db, T0, end)] == [(first, 0, "sent", '["Mill Road is at 12 Mill Road"]'),
                              (second, 1, "pending", None)]
    assert reports.actions_on_suggestions_between(any_db, T0, end) == [
        reports.Action(first, "edit", "Boxes are £12!"), reports.Action(second, "dismiss", None)]
    assert reports.suggestions_between(any_db, end, end + timedelta(days=1)) == []


def test_clicks_are_credited_to_the_reply_whose_link_earned_them(any_db):
    link(any_db, "reply-a", "reply", "7", clicks=[at(), at(minutes=1)])
    link(any_db, "reply-b", "reply", "8")  # never clicked: left out
    link(any_db, "promo-a", "promotion", "7", clicks=[at()])  # not a reply
    assert reports.clicks_per_reply(any_db) == {7: 2}


# --- the chart -----------------------------------------------------------------------------------

def test_the_chart_counts_per_utc_quarter_hour_on_both_backends(any_db):
    cid = conversation(any_db)
    for minutes in (0, 14, 15, 59, 60):
        message(any_db, cid, "hi", at(minutes=minutes, seconds=30))
    found = sorted(reports.customer_messages_per_quarter(any_db, T0, T0 + timedelta(hours=2)))
    assert found == [(T0, 2), (T0 + timedelta(minutes=15), 1),
                     (T0 + timedelta(minutes=45), 1), (T0 + timedelta(minutes=60), 1)]


def test_ctas_asked_and_clicks_per_quarter(any_db):
    cid = conversation(any_db)
    mid = message(any_db, cid, "how much?", at())
    with_cta = suggestion(any_db, mid, cid, at(), cta="autumn-offer")
    without = suggestion(any_db, mid, cid, at(), rank=1, cta="")
    press(any_db, with_cta, "send", at(minutes=20))
    press(any_db, without, "send", at(minutes=21))
    link(any_db, "tok", "reply", str(with_cta), clicks=[at(minutes=31), at(minutes=44)])
    end = T0 + timedelta(hours=1)
    assert reports.ctas_asked_per_quarter(any_db, T0, end) == [(T0 + timedelta(minutes=15), 1)]
    assert reports.clicks_per_quarter(any_db, T0, end) == [(T0 + timedelta(minutes=30), 2)]


# --- the digest and the Home tab -----------------------------------------------------------------

def test_waiting_conversations_longest_wait_first_or_urgent_first(any_db):
    calm = conversation(any_db, thread="1", waited_since=at())
    message(any_db, calm, "first question", at())
    message(any_db, calm, "any news?", at(minutes=5))
    loud = conversation(any_db, thread="2", customer="discord:U2", name="", platform="discord",
                        waited_since=at(minutes=1), urgent=1)
    message(any_db, loud, "it broke!", at(minutes=1), platform="discord")
    conversation(any_db, thread="3", status="answered", waited_since=at())
    waiting = reports.waiting_conversations(any_db)
    assert [(w.thread, w.customer, w.last_text, w.urgent) for w in waiting] == [
        ("1", "Ann", "any news?", False), ("2", "U2", "it broke!", True)]
    assert waiting[0].since == T0
    urgent_first = reports.waiting_conversations(any_db, urgent_first=True, limit=1)
    assert [w.thread for w in urgent_first] == ["2"]
    assert [w.thread for w in reports.waiting_conversations(any_db, platform="slack")] == ["1"]


def test_a_thread_is_ready_for_the_sale_on_a_buying_signal_or_the_cadence(any_db):
    buying = conversation(any_db, thread="buy", since_cta=1, waited_since=at())
    message(any_db, buying, "can I order?", at(), intent="purchase_intent")
    chatty = conversation(any_db, thread="chat", customer="slack:U2", since_cta=4,
                          waited_since=at(minutes=1))
    message(any_db, chatty, "nice weather", at(minutes=1), intent="chit_chat")
    quiet = conversation(any_db, thread="quiet", customer="slack:U3", since_cta=1,
                         waited_since=at(minutes=2))
    message(any_db, quiet, "hello", at(minutes=2), intent="chit_chat")
    opted = conversation(any_db, thread="stop", customer="slack:U4", since_cta=9,
                         waited_since=at(minutes=3))
    message(any_db, opted, "how much?", at(minutes=3), intent="pricing")
    any_db["opt_outs"].insert({"customer_id": "slack:U4", "platform": "slack",
                               "user_id": "U4", "created_at": at(), "message": "stop"})
    ready = reports.threads_ready_for_sale(any_db, ("purchase_intent", "pricing"), 4)
    assert [(t.thread, t.last_intent, t.messages_since_cta) for t in ready] == [
        ("buy", "purchase_intent", 1), ("chat", "chit_chat", 4)]


def test_active_promotions_between_soonest_first(any_db):
    for text, when, status in [("later", at(days=2), "active"), ("soon", at(hours=1), "active"),
                               ("past", at(hours=-1), "active"),
                               ("paused", at(hours=2), "paused")]:
        any_db["promotions"].insert({"text": text, "next_run_at": when, "status": status,
                                     "schedule": "tomorrow 11:00", "targets": "[]"})
    assert [p.text for p in reports.active_promotions_between(any_db, T0)] == ["soon", "later"]
    [today] = reports.active_promotions_between(any_db, T0, T0 + timedelta(days=1))
    assert (today.text, today.next_run_at, today.schedule) == (
        "soon", T0 + timedelta(hours=1), "tomorrow 11:00")
    assert len(reports.active_promotions_between(any_db, T0, limit=1)) == 1


def test_delivery_problems_since_a_moment(any_db):
    delivery(any_db, "promotion", "4", "failed", at(), error="channel_not_found")
    delivery(any_db, "digest", "2026-11-23", "missed", at(minutes=1))
    delivery(any_db, "promotion", "5", "sent", at(minutes=2))
    delivery(any_db, "promotion", "6", "failed", at(days=-2))
    problems = reports.delivery_problems(any_db, T0 - timedelta(days=1))
    assert [(p.kind, p.ref_id, p.status, p.error) for p in problems] == [
        ("promotion", "4", "failed", "channel_not_found"),
        ("digest", "2026-11-23", "missed", None)]
    assert problems[0].scheduled_for == T0


def test_export_gives_every_column_and_row_in_the_order_added(any_db):
    conversation(any_db, thread="1")
    conversation(any_db, thread="2")
    columns = reports.export_columns(any_db, "conversations")
    assert columns[:3] == ["id", "platform", "workspace"]
    assert [row["thread"] for row in reports.export_rows(any_db, "conversations")] == ["1", "2"]
    with pytest.raises(ValueError):
        reports.export_columns(any_db, "inbox")


# --- redemptions ---------------------------------------------------------------------------------

def test_redemptions_add_up_per_offer_with_the_promotions_that_carried_it(any_db):
    any_db["promotions"].insert({"id": 2, "text": "x", "offer_id": "autumn10", "runs": 1})
    any_db["promotions"].insert({"id": 3, "text": "y", "offer_id": "autumn10", "runs": 0})
    redemptions.record(any_db, [
        redemptions.Redemption(date(2026, 11, 20), "AUTUMN10", "autumn10", 3, 12.5),
        redemptions.Redemption(date(2026, 11, 21), "AUTUMN10", "autumn10", 1, None),
        redemptions.Redemption(date(2026, 11, 21), "WINTER", "winter", 1, 4.0),
        redemptions.Redemption(date(2026, 11, 25), "WINTER", "winter", 9, None),
    ], source="chat", by="slack:U1", now=T0)
    assert redemptions.by_offer(any_db, date(2026, 11, 20), date(2026, 11, 23)) == [
        redemptions.OfferRedemptions("autumn10", "AUTUMN10", 4, 12.5, (2,)),
        redemptions.OfferRedemptions("winter", "WINTER", 1, 4.0, ())]
    assert redemptions.per_day(any_db, date(2026, 11, 20), date(2026, 11, 23)) == {
        date(2026, 11, 20): 3, date(2026, 11, 21): 2}


def test_an_imported_file_is_remembered_by_its_fingerprint(any_db):
    item = redemptions.Redemption(date(2026, 11, 20), "AUTUMN10", "autumn10")
    assert redemptions.imported_before(any_db, "abc") is None
    redemptions.record(any_db, [item], source="till.csv", by="cli:ann", now=T0,
                       fingerprint="abc")
    assert redemptions.imported_before(any_db, "abc") == ("till.csv", T0)


def test_a_failed_import_records_nothing(any_db):
    good = redemptions.Redemption(date(2026, 11, 20), "AUTUMN10", "autumn10")
    bad = redemptions.Redemption("2026-11-20", "AUTUMN10", "autumn10")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):  # found after the first row was written
        redemptions.record(any_db, [good, bad], source="till.csv", by="cli:ann", now=T0,
                           fingerprint="abc")
    assert redemptions.by_offer(any_db, date(2026, 11, 1), date(2026, 11, 30)) == []
    assert redemptions.imported_before(any_db, "abc") is None


# --- A/B tests -----------------------------------------------------------------------------------

def test_a_promotion_test_counts_sends_and_clicks_per_wording(any_db):
    any_db["promotions"].insert({"id": 4, "text": "x", "status": "active",
                                 "variants": '["Wording A", "Wording B"]'})
    any_db["promotions"].insert({"id": 5, "text": "y", "status": "active"})  # not a test
    for n, variant in enumerate("aab"):
        delivery(any_db, "promotion", "4", "sent", at(minutes=n), variant=variant)
    delivery(any_db, "promotion", "4", "sent", at(minutes=9), variant="b", test=1)
    link(any_db, "a1", "promotion", "4", variant="a", clicks=[at(), at(minutes=1)])
    link(any_db, "a2", "promotion", "4", variant="a", clicks=[at()])
    assert experiments.tested_promotions(any_db) == [
        experiments.PromotionUnderTest(4, "active", 2, ("Wording A", "Wording B"))]
    assert experiments.promotion_sends(any_db, 4) == {"a": 2, "b": 1}
    assert experiments.promotion_clicks(any_db, 4) == {"a": experiments.Clicks(2, 3)}


def test_a_reply_test_counts_per_intent_and_template_wording(any_db):
    cid = conversation(any_db)
    mid = message(any_db, cid, "how much?", at())
    a = suggestion(any_db, mid, cid, at(days=-10), status="sent", variant="a")
    suggestion(any_db, mid, cid, at(), status="sent", variant="a", text="A, later")
    suggestion(any_db, mid, cid, at(), status="sent", variant="b")
    suggestion(any_db, mid, cid, at(), status="pending", variant="b")  # not sent
    suggestion(any_db, mid, cid, at(), intent="hours", status="sent")  # one template
    link(any_db, "r1", "reply", str(a), variant="a", clicks=[at(), at()])
    assert experiments.reply_sends(any_db) == {"pricing": {"a": 2, "b": 1}}
    # What each wording says: the latest reply sent in it.
    assert experiments.reply_examples(any_db) == {
        "pricing": {"a": "A, later", "b": "Our box is £12."}}
    assert experiments.reply_clicks(any_db) == {"pricing": {"a": experiments.Clicks(1, 2)}}
    assert experiments.intents_tested_since(any_db, T0 - timedelta(days=1)) == {"pricing"}
    assert experiments.intents_tested_since(any_db, T0 + timedelta(days=1)) == set()


# --- the daily routines --------------------------------------------------------------------------

def test_the_digest_routine_is_created_moved_and_advanced(any_db):
    assert daily.routine(any_db, "digest") is None
    first = daily.schedule_routine(any_db, "digest", '{"type": "cron"}', "Europe/London",
                                   T0, T0 - timedelta(hours=1))
    assert (first.trigger, first.timezone, first.next_run_at) == (
        '{"type": "cron"}', "Europe/London", T0)
    moved = daily.schedule_routine(any_db, "digest", '{"type": "cron", "x": 1}', "UTC",
                                   T0 + timedelta(hours=1), T0)
    assert (moved.timezone, moved.next_run_at) == ("UTC", T0 + timedelta(hours=1))
    daily.advance_routine(any_db, "digest", T0 + timedelta(days=1), T0, T0)
    assert daily.routine(any_db, "digest").last_run_at == T0
    daily.advance_routine(any_db, "digest", None, None, T0)  # missed, and no more runs
    done = daily.routine(any_db, "digest")
    assert (done.next_run_at, done.last_run_at) == (None, T0)


def test_a_place_has_a_delivery_once_claimed_whatever_its_time(any_db):
    assert not daily.has_delivery(any_db, "digest", "2026-11-23", "slack", "C9")
    delivery(any_db, "digest", "2026-11-23", "missed", at())
    assert daily.has_delivery(any_db, "digest", "2026-11-23", "slack", "C9")
    assert not daily.has_delivery(any_db, "digest", "2026-11-23", "discord", "C9")


def test_a_waiting_customer_is_found_for_a_ping_once(any_db):
    cid = conversation(any_db, waited_since=at())
    message(any_db, cid, "first", at(minutes=-5))
    latest = message(any_db, cid, "hello?", at())
    other = conversation(any_db, thread="2", customer="discord:U2", platform="discord",
                         waited_since=at())
    message(any_db, other, "hi", at(), platform="discord")
    assert daily.unpinged_waiting(any_db, T0 - timedelta(minutes=1), ["slack"]) == []
    [due] = daily.unpinged_waiting(any_db, T0, ["slack"])
    assert (due.conversation_id, due.message_id, due.text, due.name) == (
        cid, latest, "hello?", "Ann")
    assert daily.unpinged_waiting(any_db, T0, []) == []
    daily.mark_pinged(any_db, cid, T0)
    assert daily.unpinged_waiting(any_db, T0, ["slack"]) == []
    assert daily.still_waiting(any_db, latest).text == "hello?"
    any_db["conversations"].update(cid, {"status": "answered"})
    assert daily.still_waiting(any_db, latest) is None


# --- reading apart -------------------------------------------------------------------------------

def test_a_reader_sees_the_same_data_and_refuses_to_write(any_db):
    conversation(any_db, thread="1")
    target = reading.target_of(any_db)
    assert target is not None
    reader = reading.open_reader(target)
    try:
        with reading.read_only(reader):
            assert [r["thread"] for r in reports.export_rows(reader, "conversations")] == ["1"]
            with pytest.raises(Exception, match="(?i)read.only|readonly|query.only"):
                reader.execute("delete from conversations")
    finally:
        reader.conn.close()
    assert any_db["conversations"].count == 1


def test_reading_apart_gives_a_read_only_view_and_leaves_the_database_writable(any_db):
    with reading.apart(any_db) as reader, pytest.raises(Exception,
                                                         match="(?i)read.only|readonly"):
        reader.execute("delete from conversations")
    conversation(any_db)  # the loop's database still writes
    assert any_db["conversations"].count == 1
    if backend(any_db) == "sqlite":
        assert reading.target_of(any_db).endswith("nudge.db")

