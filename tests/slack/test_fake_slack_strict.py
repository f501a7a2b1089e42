"""The fake Slack refuses what Slack refuses, with Slack's answers, so a test that passes
against it cannot hide a message Slack would have turned down.

Every refusal is reached here through the real slack_sdk clients (AsyncWebClient for the Web
API, AsyncWebhookClient for response URLs), as Nudge reaches it.
"""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests import fake_slack as fake
from tests.slack.conftest import CUSTOMERS, REVIEW


@pytest.fixture
async def client(fake_slack):
    web = AsyncWebClient(token=fake.BOT_TOKEN, base_url=fake_slack.api_url)
    yield web
    if web.session is not None:
        await web.session.close()


async def refusal(call) -> dict:
    """Slack's answer to a call it refuses: HTTP 200, {"ok": false, "error": ...}."""
    with pytest.raises(SlackApiError) as refused:
        await call
    assert refused.value.response.status_code == 200
    return refused.value.response.data


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str = "Send", **extra) -> dict:
    return {"type": "button", "action_id": "send", "text": {"type": "plain_text", "text": text},
            **extra}


# ---- message text ----------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["chat_postMessage", "chat_update", "chat_postEphemeral"])
async def test_a_text_over_40000_characters_is_msg_too_long(client, method):
    args = {"channel": CUSTOMERS, "text": "x" * 40_001}
    if method == "chat_update":
        args["ts"] = (await client.chat_postMessage(channel=CUSTOMERS, text="hi"))["ts"]
    if method == "chat_postEphemeral":
        args["user"] = "U0TEAM"
    answer = await refusal(getattr(client, method)(**args))
    assert answer == {"ok": False, "error": "msg_too_long"}
    args["text"] = "x" * 40_000
    assert (await getattr(client, method)(**args))["ok"]


@pytest.mark.parametrize("method", ["chat_postMessage", "chat_update", "chat_postEphemeral"])
async def test_blocks_carrying_over_12000_characters_are_msg_blocks_too_long(client, method):
    """Each section is within its 3,000 characters and there are far fewer than 50 blocks, but
    together they carry more text than Slack takes in one message."""
    args = {"channel": CUSTOMERS, "text": "fallback", "blocks": [section("x" * 2500)] * 5}
    if method == "chat_update":
        args["ts"] = (await client.chat_postMessage(channel=CUSTOMERS, text="hi"))["ts"]
    if method == "chat_postEphemeral":
        args["user"] = "U0TEAM"
    answer = await refusal(getattr(client, method)(**args))
    assert answer == {"ok": False, "error": "msg_blocks_too_long"}
    args["blocks"] = [section("x" * 2400)] * 5
    assert (await getattr(client, method)(**args))["ok"]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_a_message_with_neither_text_nor_blocks_is_no_text(client):
    assert (await refusal(client.chat_postMessage(channel=CUSTOMERS, text="")))["error"] == \
        "no_text"


async def test_only_a_message_the_app_posted_can_be_updated(client):
    answer = await refusal(client.chat_update(channel=CUSTOMERS, ts="1790000000.000001",
                                              text="x"))
    assert answer == {"ok": False, "error": "message_not_found"}
    posted = await client.chat_postMessage(channel=CUSTOMERS, text="hi")
    assert (await client.chat_update(channel=CUSTOMERS, ts=posted["ts"], text="x"))["ok"]


# ---- blocks ----------------------------------------------------------------------------------

TOO_MUCH = [
    ([section("x")] * 51, "must contain at most 50 items [json-pointer:/blocks]"),
    ([section("x" * 3001)],
     "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"),
    ([section("")], "must be more than 0 characters [json-pointer:/blocks/0/text/text]"),
    ([{"type": "section"}], "must provide either text or fields [json-pointer:/blocks/0]"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "x"}] * 11}],
     "must contain at most 10 items [json-pointer:/blocks/0/fields]"),
    ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
     "must be less than 151 characters [json-pointer:/blocks/0/text/text]"),
    ([{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}],
     "must be a plain_text object [json-pointer:/blocks/0/text]"),
    ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}],
     "must contain at most 10 items [json-pointer:/blocks/0/elements]"),
    ([{"type": "context"}], "missing required field: elements [json-pointer:/blocks/0]"),
    ([{"type": "actions", "elements": [button()] * 26}],
     "must contain at most 25 items [json-pointer:/blocks/0/elements]"),
    ([{"type": "actions", "elements": [button("x" * 76)]}],
     "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"),
    ([{"type": "actions", "elements": [button(action_id="a" * 256)]}],
     "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]"),
    ([{**section("x"), "block_id": "b" * 256}],
     "must be less than 256 characters [json-pointer:/blocks/0/block_id]"),
    ([{"type": "actions", "elements": [button(value="v" * 2001)]}],
     "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"),
    ([{"type": "actions", "elements": [{
        "type": "static_select", "action_id": "pick",
        "options": [{"text": {"type": "plain_text", "text": "o" * 76}, "value": "1"}]}]}],
     "must be less than 76 characters "
     "[json-pointer:/blocks/0/elements/0/options/0/text/text]"),
    ([{"type": "actions", "elements": [{
        "type": "static_select", "action_id": "pick",
        "options": [{"text": {"type": "plain_text", "text": "o"}, "value": str(n)}
                    for n in range(101)]}]}],
     "must contain at most 100 items [json-pointer:/blocks/0/elements/0/options]"),
    ([{"type": "carousel", "text": "x"}],
     "unsupported type: carousel [json-pointer:/blocks/0/type]"),
    ([{"type": "actions", "elements": [{"type": "slider"}]}],
     "unsupported type: slider [json-pointer:/blocks/0/elements/0/type]"),
    ([{"text": "no type"}], "missing required field: type [json-pointer:/blocks/0]"),
]


@pytest.mark.parametrize(("blocks", "message"), TOO_MUCH)
async def test_blocks_slack_would_not_draw_are_invalid_blocks(client, blocks, message):
    answer = await refusal(client.chat_postMessage(channel=CUSTOMERS, text="t", blocks=blocks))
    assert answer["error"] == "invalid_blocks"
    assert f"[ERROR] {message}" in answer["response_metadata"]["messages"]
    update = await refusal(client.chat_update(channel=CUSTOMERS, ts="1.2", text="t",
                                              blocks=blocks))
    assert update["error"] == "invalid_blocks"


async def test_blocks_within_every_limit_are_taken(client):
    blocks = [section("x" * 3000)] * 3 + [section("x")] * 45 + [  # 11,070 characters in all
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}},
        {"type": "actions", "block_id": "b" * 255,
         "elements": [button("l" * 75, value="v" * 2000, action_id=f"a{n}") for n in range(25)]},
    ]
    assert (await client.chat_postMessage(channel=CUSTOMERS, text="t", blocks=blocks))["ok"]


# ---- channels --------------------------------------------------------------------------------

async def test_a_channel_slack_does_not_know_is_channel_not_found(client, fake_slack):
    answer = await refusal(client.chat_postMessage(channel="C0NOWHERE", text="hi"))
    assert answer == {"ok": False, "error": "channel_not_found"}
    assert (await refusal(client.conversations_info(channel="C0NOWHERE")))["error"] == \
        "channel_not_found"
    fake_slack.add_channel("C0NOWHERE")
    assert (await client.chat_postMessage(channel="C0NOWHERE", text="hi"))["ok"]


async def test_an_archived_channel_is_archived_and_says_so_in_conversations_info(client,
                                                                                fake_slack):
    fake_slack.archive(CUSTOMERS)
    for call in (client.chat_postMessage(channel=CUSTOMERS, text="hi"),
                 client.chat_postEphemeral(channel=CUSTOMERS, user="U0TEAM", text="hi")):
        assert (await refusal(call)) == {"ok": False, "error": "is_archived"}
    info = await client.conversations_info(channel=CUSTOMERS)
    assert info["channel"]["is_archived"] is True


async def test_a_channel_the_app_left_is_not_in_channel(client, fake_slack):
    fake_slack.leave(REVIEW)
    answer = await refusal(client.chat_postMessage(channel=REVIEW, text="hi"))
    assert answer == {"ok": False, "error": "not_in_channel"}
    assert (await client.conversations_info(channel=REVIEW))["channel"]["is_member"] is False
    assert (await client.chat_postMessage(channel="U0TEAM", text="a direct message"))["ok"]


async def test_a_json_body_is_read_only_by_the_write_methods_that_document_it(client):
    args = {"channel": CUSTOMERS, "message_ts": "1790000000.000001"}
    as_json = await refusal(client.api_call("chat.getPermalink", json=args))
    assert as_json == {"ok": False, "error": "channel_not_found"}  # its arguments were not read
    as_documented = await client.api_call("chat.getPermalink", http_verb="GET", params=args)
    assert as_documented["permalink"].endswith("/p1790000000000001")


# ---- views and trigger ids -------------------------------------------------------------------

def modal(blocks: list | None = None, **extra) -> dict:
    return {"type": "modal", "title": {"type": "plain_text", "text": "Edit"},
            "blocks": blocks if blocks is not None else [section("x")], **extra}


async def test_a_trigger_id_opens_one_view_within_three_seconds(client):
    fresh = fake.trigger_id()
    assert (await client.views_open(trigger_id=fresh, view=modal()))["ok"]
    again = await refusal(client.views_open(trigger_id=fresh, view=modal()))
    assert again["error"] == "exchanged_trigger_id"
    stale = await refusal(client.views_open(trigger_id=fake.trigger_id(age=3.5), view=modal()))
    assert stale["error"] == "expired_trigger_id"
    made_up = await refusal(client.views_open(trigger_id="whatever", view=modal()))
    assert made_up["error"] == "invalid_trigger_id"


@pytest.mark.parametrize(("view", "message"), [
    (modal([section("x")] * 101), "must contain at most 100 items [json-pointer:/view/blocks]"),
    (modal(title={"type": "plain_text", "text": "t" * 25}),
     "must be less than 25 characters [json-pointer:/view/title/text]"),
    (modal(private_metadata="m" * 3001),
     "must be less than 3001 characters [json-pointer:/view/private_metadata]"),
    (modal([{"type": "input", "label": {"type": "plain_text", "text": "Reply"},
             "element": {"type": "plain_text_input", "action_id": "t"}}]),
     "must provide submit when the view has input blocks [json-pointer:/view/submit]"),
    (modal([{"type": "input", "label": {"type": "plain_text", "text": "Reply"},
             "element": {"type": "plain_text_input", "action_id": "t", "max_length": 3001}}],
           submit={"type": "plain_text", "text": "Send"}),
     "must be at most 3000 [json-pointer:/view/blocks/0/element/max_length]"),
])
async def test_views_slack_would_not_draw_are_invalid_arguments(client, view, message):
    answer = await refusal(client.views_open(trigger_id=fake.trigger_id(), view=view))
    assert answer["error"] == "invalid_arguments"
    assert f"[ERROR] {message}" in answer["response_metadata"]["messages"]


async def test_a_home_tab_is_published_for_someone(client):
    answer = await refusal(client.api_call("views.publish",
                                           json={"view": {"type": "home", "blocks": []}}))
    assert answer["error"] == "invalid_arguments"


async def test_the_home_tab_holds_100_blocks_and_no_more(client):
    home = {"type": "home", "blocks": [section("x")] * 100}
    assert (await client.views_publish(user_id="U0TEAM", view=home))["ok"]
    home["blocks"].append(section("x"))
    answer = await refusal(client.views_publish(user_id="U0TEAM", view=home))
    assert answer["error"] == "invalid_arguments"
    assert answer["response_metadata"]["messages"] == [
        "[ERROR] must contain at most 100 items [json-pointer:/view/blocks]"]


# ---- response URLs ---------------------------------------------------------------------------

async def test_a_response_url_takes_five_answers_then_says_used_url(fake_slack):
    webhook = AsyncWebhookClient(fake_slack.response_url())
    for n in range(5):
        answer = await webhook.send(text=f"answer {n}")
        assert (answer.status_code, answer.body) == (200, "ok")
    sixth = await webhook.send(text="one too many")
    assert (sixth.status_code, sixth.body) == (404, "used_url")
    assert [r["text"] for r in fake_slack.responses] == [f"answer {n}" for n in range(5)]


async def test_a_response_url_older_than_30_minutes_has_expired(fake_slack):
    webhook = AsyncWebhookClient(fake_slack.response_url(age=30 * 60 + 1))
    answer = await webhook.send(text="too late")
    assert (answer.status_code, answer.body) == (404, "Expired url")
    assert fake_slack.responses == []


async def test_a_response_url_refuses_blocks_slack_would_not_draw(fake_slack):
    webhook = AsyncWebhookClient(fake_slack.response_url())
    answer = await webhook.send(text="t", blocks=[section("x" * 3001)])
    assert (answer.status_code, answer.body) == (400, "invalid_blocks")


# ---- channel history -------------------------------------------------------------------------

async def test_history_is_newest_first_in_pages_and_replies_come_with_their_parent(
        client, fake_slack):
    for n in range(5):
        fake_slack.written(CUSTOMERS, f"message {n}", user="U1", ts=f"17900000{n}0.000100")
    fake_slack.written(CUSTOMERS, "a reply", user="U2", ts="1790000025.000100",
                       thread_ts="1790000020.000100")
    first = await client.conversations_history(channel=CUSTOMERS, limit=2,
                                               oldest="1790000000.000100")
    assert [m["text"] for m in first["messages"]] == ["message 4", "message 3"]
    assert first["has_more"]
    rest = await client.conversations_history(
        channel=CUSTOMERS, limit=2, oldest="1790000000.000100",
        cursor=first["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["message 2", "message 1"]
    parent = next(m for m in rest["messages"] if m["text"] == "message 2")
    assert (parent["reply_count"], parent["latest_reply"]) == (1, "1790000025.000100")
    thread = await client.conversations_replies(channel=CUSTOMERS, ts="1790000020.000100")
    assert [m["text"] for m in thread["messages"]] == ["message 2", "a reply"]


@pytest.mark.parametrize(("args", "error"), [
    ({"channel": "C0NOWHERE"}, "channel_not_found"),
    ({"channel": CUSTOMERS, "limit": 1000}, "invalid_limit"),
    ({"channel": CUSTOMERS, "cursor": "not-a-cursor"}, "invalid_cursor"),
    ({"channel": CUSTOMERS, "oldest": "yesterday"}, "invalid_ts_oldest"),
])
async def test_history_reads_slack_refuses(client, args, error):
    assert (await refusal(client.conversations_history(**args)))["error"] == error


async def test_history_of_a_channel_the_app_left_is_not_in_channel(client, fake_slack):
    fake_slack.leave(CUSTOMERS)
    answer = await refusal(client.conversations_history(channel=CUSTOMERS))
    assert answer["error"] == "not_in_channel"


async def test_replies_of_an_unknown_thread_are_thread_not_found(client):
    answer = await refusal(client.conversations_replies(channel=CUSTOMERS, ts="1.000001"))
    assert answer["error"] == "thread_not_found"
