"""`/nudge promo new`: a modal whose submission becomes the `promo add` command."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.platforms.slack import promo
from tests import fake_slack as fake
from tests.slack.conftest import MANAGER, TEAM_MEMBER, said

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _values(text="10% off all loaves!", channel="C0PROMOS", day="2026-11-27", at="09:30",
            repeat="none") -> dict:
    return {
        promo.TEXT: {promo.TEXT: {"type": "plain_text_input", "value": text}},
        promo.CHANNEL: {promo.CHANNEL: {"type": "conversations_select",
                                        "selected_conversation": channel}},
        promo.DAY: {promo.DAY: {"type": "datepicker", "selected_date": day}},
        promo.TIME: {promo.TIME: {"type": "timepicker", "selected_time": at}},
        promo.REPEAT: {promo.REPEAT: {"type": "static_select",
                                      "selected_option": {"value": repeat}}},
    }


@pytest.mark.parametrize("repeat, tail", [
    ("none", ""),
    ("daily", " every day at 09:30"),
    ("weekly", " every fri at 09:30"),  # 2026-11-27 is a Friday
    ("monthly", " on the 27th of every month at 09:30"),
])
def test_the_modal_submission_becomes_the_promo_add_command(repeat, tail):
    command, errors = promo.read_submission(_values(repeat=repeat), "Europe/London", NOW)
    assert errors == {}
    assert command == f'promo add "10% off all loaves!" in #C0PROMOS at 2026-11-27T09:30{tail}'


def test_a_second_wording_in_the_modal_makes_an_a_b_test():
    values = _values()
    values[promo.OTHER_WORDING] = {promo.OTHER_WORDING: {"type": "plain_text_input",
                                                         "value": "Loaves: 10% off today"}}
    command, errors = promo.read_submission(values, "Europe/London", NOW)
    assert errors == {}
    assert command == ('promo add "10% off all loaves!" | "Loaves: 10% off today" in #C0PROMOS '
                       "at 2026-11-27T09:30")


def test_quotes_in_the_text_survive_the_routers_split():
    from handlers.router import split_words

    text = 'Say "cheese" \\o/ and get a free scone'
    command, _ = promo.read_submission(_values(text=text), "Europe/London", NOW)
    assert split_words(command)[2] == text


def test_ordinals_read_as_people_write_them():
    assert [promo.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]


def test_a_moment_in_the_past_or_missing_fields_are_errors_shown_in_the_modal():
    _, errors = promo.read_submission(_values(day="2026-11-23", at="08:00"), "Europe/London",
                                      NOW)
    assert errors == {promo.DAY: "That moment has passed: pick a later day or time."}
    _, errors = promo.read_submission(_values(text=" ", channel=""), "Europe/London", NOW)
    assert set(errors) == {promo.TEXT, promo.CHANNEL}


async def _open_modal(nudge, user: str) -> tuple[dict, str]:
    response_url = nudge.fake.response_url()
    command = fake.slash_command("promo new", user=user, channel="C0REVIEW",
                                 response_url=response_url)
    await nudge.deliver("slash_commands", command)
    view = (await nudge.fake.wait_for("views.open"))[-1].args["view"]
    return view, response_url


async def test_promo_new_opens_the_modal_and_its_submission_schedules_the_promotion(nudge):
    view, response_url = await _open_modal(nudge, MANAGER)
    assert view["callback_id"] == promo.PROMO_VIEW
    assert [b["block_id"] for b in view["blocks"]] == [
        promo.TEXT, promo.OTHER_WORDING, promo.CHANNEL, promo.DAY, promo.TIME, promo.REPEAT,
        promo.IMAGE_FILE, promo.IMAGE_URL]
    image = view["blocks"][6]
    assert image["optional"] is True
    assert image["element"] == {"type": "file_input", "filetypes": ["png", "jpg", "jpeg", "gif"],
                                "max_files": 1, "action_id": promo.IMAGE_FILE}
    assert view["blocks"][1]["optional"] is True
    assert view["blocks"][4]["element"]["timezone"] == "Europe/London"

    ack = await nudge.submit(view, _values(repeat="weekly"), user=MANAGER)
    # The modal turns into the confirmation (with any warnings) before it is closed.
    assert ack["response_action"] == "update"
    assert ack["view"]["callback_id"] == promo.DONE_VIEW
    assert "Promotion #1 scheduled" in json.dumps(ack["view"])
    answer = (await nudge.fake.wait_for_response())[-1]
    assert answer["_key"] == response_url.rsplit("/", 1)[1]  # answered where it was asked
    assert answer["response_type"] == "ephemeral"
    assert "Promotion #1 scheduled: first post Fri 27 Nov 09:30" in said(answer)
    row = nudge.db["promotions"].get(1)
    assert row["text"] == "10% off all loaves!"
    assert json.loads(row["targets"]) == [{"platform": "slack", "channel": "C0PROMOS"}]
    assert row["created_by"] == f"slack:{MANAGER}"


async def test_a_scheduled_promotion_is_posted_in_its_slack_channel_when_due(nudge_http, clock):
    view, _ = await _open_modal(nudge_http, MANAGER)
    await nudge_http.submit(view, _values(text="Fresh bread & 10% off"), user=MANAGER)
    await nudge_http.fake.wait_for_response()
    clock.moment = datetime(2026, 11, 27, 9, 31, tzinfo=UTC)  # 09:30 London is 09:30 UTC
    await nudge_http.app.scheduler.run_due()
    posted = (await nudge_http.fake.wait_for("chat.postMessage"))[-1].args
    assert posted["channel"] == "C0PROMOS"
    assert "Fresh bread &amp; 10% off" in posted["text"]  # escaped, so nothing pings


async def test_a_team_member_who_is_not_a_manager_is_told_so(nudge_http):
    view, _ = await _open_modal(nudge_http, TEAM_MEMBER)
    await nudge_http.submit(view, _values(), user=TEAM_MEMBER)
    answer = (await nudge_http.fake.wait_for_response())[-1]
    assert answer["response_type"] == "ephemeral"
    assert nudge_http.db["promotions"].count == 0


async def test_a_past_date_in_the_modal_is_refused_before_it_closes(nudge_http):
    view = promo.modal("Europe/London", NOW.date(), {"channel": "C0REVIEW"})
    ack = await nudge_http.submit(view, _values(day="2020-01-01"))
    assert ack["response_action"] == "errors"
    assert promo.DAY in ack["errors"]


async def test_a_customer_cannot_open_the_promotion_modal(nudge_http):
    answer = await nudge_http.command("promo new", user="U0CUSTOMER", channel="C0CUSTOMERS")
    assert "Only the team" in answer["text"]
    assert not nudge_http.fake.calls_to("views.open")


async def test_curly_quotes_typed_in_the_modal_are_kept_exactly(nudge_http):
    text = "“Mince pies” are back, ‘warm’ from the oven"
    view, _ = await _open_modal(nudge_http, MANAGER)
    await nudge_http.submit(view, _values(text=text), user=MANAGER)
    await nudge_http.fake.wait_for_response()
    assert nudge_http.db["promotions"].get(1)["text"] == text


def _with_image(values: dict, *, file: dict | None = None, url: str = "") -> dict:
    if file is not None:
        values[promo.IMAGE_FILE] = {promo.IMAGE_FILE: {"type": "file_input", "files": [file]}}
    if url:
        values[promo.IMAGE_URL] = {promo.IMAGE_URL: {"type": "url_text_input", "value": url}}
    return values


def test_an_uploaded_image_becomes_a_slack_file_image():
    file = {"id": "F0PIES1234", "name": "pies.jpg", "filetype": "jpg", "mimetype": "image/jpeg"}
    command, errors = promo.read_submission(_with_image(_values(), file=file), "Europe/London",
                                            NOW)
    assert errors == {}
    assert command.endswith("at 2026-11-27T09:30 image slack-file:F0PIES1234")


def test_an_image_link_is_checked_in_the_modal():
    command, errors = promo.read_submission(
        _with_image(_values(), url="https://bakery.example/pies.jpg"), "Europe/London", NOW)
    assert errors == {} and command.endswith(' image "https://bakery.example/pies.jpg"')
    _, errors = promo.read_submission(_with_image(_values(), url="ftp://x/pies.jpg"),
                                      "Europe/London", NOW)
    assert "is not an image address" in errors[promo.IMAGE_URL]
    file = {"id": "F0DOC12345", "name": "menu.pdf", "filetype": "pdf"}
    _, errors = promo.read_submission(_with_image(_values(), file=file), "Europe/London", NOW)
    assert errors == {promo.IMAGE_FILE: "Upload a PNG, JPG or GIF image."}


async def test_the_modal_shows_the_warnings_and_the_upload_is_posted_as_an_image(nudge_http,
                                                                                 clock):
    view, _ = await _open_modal(nudge_http, MANAGER)
    file = {"id": "F0PIES1234", "name": "pies.jpg", "filetype": "jpg"}
    await nudge_http.submit(view, _with_image(_values(text="Pies!"), file=file), user=MANAGER)
    await nudge_http.fake.wait_for_response()
    view, _ = await _open_modal(nudge_http, MANAGER)
    ack = await nudge_http.submit(view, _values(text="Pies!", at="15:00"), user=MANAGER)
    shown = json.dumps(ack["view"])
    assert "Check" in shown and "The same text is already scheduled" in shown
    await nudge_http.fake.wait_for_response(2)
    clock.moment = datetime(2026, 11, 27, 9, 31, tzinfo=UTC)
    await nudge_http.app.scheduler.run_due()
    posted = (await nudge_http.fake.wait_for("chat.postMessage"))[-1].args
    assert posted["blocks"][-1] == {"type": "image", "slack_file": {"id": "F0PIES1234"},
                                    "alt_text": "Pies!"}
