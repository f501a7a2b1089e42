"""No hot query reads a whole table that grows with every message (issue 26).

Each path that runs for every customer message, review, Send or delivery claim runs here, for
real, on a database that already holds rows, with SQLite's trace on: every statement it ran is
then put through EXPLAIN QUERY PLAN, and a `SCAN` of any table but the few that stay small
(what the team configures) fails the test. A new hot path goes in HOT_PATHS; a new query on an
existing path is checked without anything to add.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Awaitable, Callable

import pytest
import sqlite_utils

from bot.core.types import Request
from bot.platforms.inbox import Inbox
from bot.store import MIGRATIONS, links, migrate, open_db, schema_version
from bot.store import deliveries as ledger
from bot.store import inbox as inbox_store
from bot.tracking import link_for_delivery
from handlers import conversation, review
from handlers.digest import knowledge_gaps, waiting_customers
from tests.conftest import BACKEND

# SQLite's query plans, read through its statement trace; PostgreSQL has the same indexes
# (tests/store/test_backends.py compares them), and its planner is not SQLite's.
pytestmark = pytest.mark.skipif(BACKEND == "postgresql",
                                reason="SQLite's EXPLAIN QUERY PLAN and statement trace")

# Tables sized by what the team set up, not by traffic: a scan of them stays cheap.
# (sqlite_master is the schema: sqlite-utils reads the table names on many calls.)
SMALL_TABLES = {"promotions", "reminders", "routines", "model_refits", "uploads", "sqlite_master"}
SEEDED_ROUNDS = 30
NOT_A_QUERY = re.compile(r"^\s*(pragma|begin|commit|rollback|savepoint|release|--)", re.I)
SCAN = re.compile(r"\bSCAN (\w+)")


class Trace:
    """Every statement run on the traced connections, with its values written in."""

    def __init__(self):
        self.statements: list[str] = []

    def on(self, conn: sqlite3.Connection) -> None:
        conn.set_trace_callback(self.statements.append)

    def queries(self) -> list[str]:
        return list(dict.fromkeys(s for s in self.statements if not NOT_A_QUERY.match(s)))


def scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The full scans in the statement's plan: table names, or aliases, which count too."""
    plan = conn.execute(f"explain query plan {sql}").fetchall()
    found = [m.group(1) for *_, detail in plan for m in [SCAN.search(detail)] if m]
    return [name for name in found if name not in SMALL_TABLES and name != "CONSTANT"]


_ids = iter(range(1, 10**6))


def customer_request(app, text: str, thread: str) -> Request:
    return Request(platform="console", text=text, user=f"c{thread}",
                   channel=app.config.platforms.console.channel, thread=thread,
                   message_id=f"m{next(_ids)}", user_name="ana")


async def message_reviewed_and_sent(app, thread: str, *, send: bool = True):
    """The per-message path: store, thread state, suggest, review shown (outbox claim),
    where it lives remembered; then Send, posted through the reply outbox and confirmed."""
    shown = conversation.on_message(customer_request(app, "how much is a sourdough loaf?",
                                                     thread), app.ctx)
    console = app.adapters["console"]
    await app.show_review(shown, "console", lambda: console.notify_team(shown))
    suggestion_id = shown.meta["suggestion_id"]
    review.remember_review_message(app.ctx, suggestion_id, f"ref-{suggestion_id}")
    review.is_pending(app.ctx, suggestion_id)
    if send:
        result = conversation.on_choice(app.ctx, "send", suggestion_id, "console", "team")
        await app.deliver_choice(result)
    return shown


async def another_and_dismiss(app, thread: str) -> None:
    shown = await message_reviewed_and_sent(app, thread, send=False)
    conversation.on_choice(app.ctx, "another", shown.meta["suggestion_id"], "console", "team")
    conversation.on_choice(app.ctx, "dismiss", shown.meta["suggestion_id"], "console", "team")


async def digest_waiting_list(app, thread: str) -> None:
    waiting_customers(app.ctx, app.ctx.now())


async def unanswered_question_kept(app, thread: str) -> None:
    """A question nothing in the config answers: kept as a knowledge gap with its
    suggestions (one more insert in their transaction)."""
    conversation.on_message(customer_request(app, "can I bring my dog inside?", thread),
                            app.ctx)


async def digest_knowledge_gaps(app, thread: str) -> None:
    """The digest's "could not answer" line: the week's kept questions, grouped."""
    knowledge_gaps(app.ctx, app.ctx.now())


async def delivery_claims(app, thread: str) -> None:
    key = ledger.DeliveryKey("promotion", f"{thread}-{next(_ids)}", app.ctx.now(), "console",
                             "promos")
    delivery_id = ledger.claim(app.db, key, app.ctx.now())
    ledger.start_attempt(app.db, delivery_id)
    ledger.finish(app.db, delivery_id, "sent", app.ctx.now())
    ledger.any_queued(app.db)
    ledger.take_queued(app.db)
    info = links.LinkInfo("promotion", thread, "order", "", "console", "promos", delivery_id)
    url = link_for_delivery(app.config, app.db, delivery_id, "https://shop.test/", info,
                            app.ctx.now())
    token = url.rsplit("/", 1)[-1]
    links.destination(app.db, token)
    links.record_click(app.db, token, app.ctx.now())


async def inbox_keep_and_done(app, thread: str) -> None:
    """The Slack and Discord inbox: kept before the ack, marked done once handled."""
    inbox = app.test_inbox
    key = f"ev-{next(_ids)}"
    await inbox.keep(key, {"text": "hi"})
    await inbox.handle(key, {"text": "hi"})
    await inbox._run(inbox_store.count_attempt, key)
    await inbox._run(inbox_store.waiting, app.ctx.now())
    await inbox.prune()


# Everything that runs per customer message, per press or per delivery. Add new ones here.
HOT_PATHS: list[Callable[..., Awaitable[object]]] = [
    message_reviewed_and_sent,
    another_and_dismiss,
    digest_waiting_list,
    unanswered_question_kept,
    digest_knowledge_gaps,
    delivery_claims,
    inbox_keep_and_done,
]


@pytest.fixture
async def busy_app(app):
    """The application after some traffic: threads with sent replies, dismissed ones,
    deliveries, inbox rows; every table the hot paths read holds rows."""
    app.test_inbox = Inbox(app.config.storage.path, "console", handler=_ignore, notify=_ignore)
    for n in range(SEEDED_ROUNDS):
        for path in HOT_PATHS:
            await path(app, f"t{n % 20}")
    app.db.execute("analyze")  # the planner's statistics, as a long-lived database has them
    yield app
    app.test_inbox._close()


async def _ignore(*args) -> None:
    return None


async def test_no_hot_query_scans_a_growing_table(busy_app):
    inbox_conn = busy_app.test_inbox._db().conn
    scanning = {}
    for path in HOT_PATHS:
        trace = Trace()
        trace.on(busy_app.db.conn)
        trace.on(inbox_conn)
        await path(busy_app, "t3")
        busy_app.db.conn.set_trace_callback(None)
        inbox_conn.set_trace_callback(None)
        assert trace.queries(), f"{path.__name__} ran no query: is the trace on its connection?"
        scanning.update({f"{path.__name__}: {sql[:160]}": found for sql in trace.queries()
                         if (found := scans(busy_app.db.conn, sql))})
    assert scanning == {}


def test_the_check_fails_on_a_scan_of_a_growing_table(db):
    # What the per-message path did before issue 26: the plan must name the scan.
    db.execute("drop index if exists idx_suggestions_message_id_rank")
    assert scans(db.conn, "select count(*) from suggestions where message_id = 1 "
                          "and status != 'replaced'") == ["suggestions"]


def test_a_database_from_before_the_indexes_gets_them_when_opened(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    before = sqlite_utils.Database(conn)  # built by the previous version's migrations
    indexes = next(number for number, migration in enumerate(MIGRATIONS)
                   if migration.__name__ == "_hot_query_indexes")
    previous = MIGRATIONS[:indexes]
    for number, migration in enumerate(previous, start=1):
        migration(before)
        before.execute(f"PRAGMA user_version = {number}")
    before["suggestions"].insert({"message_id": 1, "conversation_id": 1, "rank": 0})
    assert scans(conn, "select id from suggestions where message_id = 1") == ["suggestions"]
    conn.close()
    db = open_db(path)
    assert schema_version(db) == len(MIGRATIONS)
    assert scans(db.conn, "select id from suggestions where message_id = 1") == []
    assert scans(db.conn, "select id from feedback where suggestion_id = 1") == []
    assert migrate(db) == len(MIGRATIONS)  # opening it again changes nothing
    assert db["suggestions"].count == 1
    db.conn.close()
