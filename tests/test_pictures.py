"""The README's pictures are made from what Nudge really sends (docs/pictures.py): Nudge runs
against the fake Slack and fake Discord, the payloads are drawn and photographed in headless
Chromium. A block, element or component type the drawing does not know fails here, so a new
one Nudge starts sending cannot leave a stale or incomplete picture behind.
"""

from __future__ import annotations

import asyncio
import html
import re

import pytest
from PIL import Image

from docs import pictures
from docs.pictures import UnknownElement, capture, discord, slack
from tests.chart_helpers import png_size
from tests.conftest import BACKEND, ROOT

MAX_BYTES = 320 * 1024  # the report is a tall page: about 300 KB at 2x


def plain_texts(node) -> list[str]:
    """Every plain_text a Slack payload shows closed (a select's options show only when
    opened), however deep."""
    if isinstance(node, list):
        return [text for item in node for text in plain_texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node["text"]] if node.get("type") == "plain_text" else []
    return own + [text for key, value in node.items() if key != "options"
                  for text in plain_texts(value)]


def test_the_pictures_are_drawn_from_nudges_real_payloads_and_nothing_is_left_out(tmp_path,
                                                                                  request):
    new_database = request.getfixturevalue("postgres_server").new_database \
        if BACKEND == "postgresql" else None  # each Nudge its own, as with SQLite files
    payloads = asyncio.run(capture.collect(tmp_path / "work", new_database))
    surfaces = [payloads.slack_review, payloads.slack_edit, payloads.slack_home]
    assert slack.types_in(surfaces) <= slack.known_types(), \
        slack.types_in(surfaces) - slack.known_types()
    assert discord.types_in(payloads.discord_review) <= discord.known_types()

    pages = pictures.shots(payloads)
    drawn = {name: html.unescape(shot.html) for name, shot in pages.items()}
    review = drawn["slack-review.png"]
    assert capture.CUSTOMER_SAYS in review
    for text in plain_texts(payloads.slack_review):  # the buttons and the menu
        assert text in review
    for name, view in (("slack-edit.png", payloads.slack_edit),
                       ("slack-home.png", payloads.slack_home)):
        assert all(text in drawn[name] for text in plain_texts(view))
    assert payloads.slack_edit["blocks"][0]["element"]["initial_value"] in drawn["slack-edit.png"]
    discord_review = drawn["discord-review.png"]
    for item in payloads.discord_review["embeds"][0]["fields"]:
        assert item["name"] in discord_review
    for row in payloads.discord_review["components"]:
        for component in row["components"]:
            assert (component.get("label") or component.get("placeholder")) in discord_review
    assert "<h1>" in payloads.report_html  # the page `nudge report --html` wrote

    written = pictures.shoot({tmp_path / name: pages[name] for name in pictures.NAMES})
    assert [path.name for path in written] == list(pictures.NAMES)
    for path in written:
        width, height = png_size(path.read_bytes())
        assert 800 <= width <= 2100 and 400 <= height <= 8000, (path.name, width, height)
        assert path.stat().st_size < 1.5 * MAX_BYTES, path.name
        with Image.open(path) as image:  # a real picture, not a blank page
            assert len(image.convert("RGB").getcolors(1 << 16)) > 16, path.name


def test_the_committed_pictures_are_all_there_and_small():
    for name in pictures.NAMES:
        path = ROOT / "docs" / name
        assert path.exists(), f"run .venv/bin/python docs/pictures.py ({name} is missing)"
        assert path.stat().st_size < MAX_BYTES and png_size(path.read_bytes())


SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}


@pytest.mark.parametrize("node", [
    {"type": "rich_text", "elements": []},  # a block type not drawn
    {**SECTION, "expand": True, "accessory": {"type": "datepicker"}},  # an element not drawn
    {**SECTION, "new_key": 1},  # a key not drawn
    {"type": "actions", "elements": [{"type": "button", "style": "warning",
                                      "text": {"type": "plain_text", "text": "Go"}}]},
    {"type": "section", "text": {"type": "markdown", "text": "hi"}},  # a text type not drawn
])
def test_slack_drawing_refuses_what_it_cannot_draw(node):
    with pytest.raises(UnknownElement):
        slack.message({"text": "hi", "blocks": [SECTION, node]}, {}, channel="team")


BUTTON = {"type": 2, "style": 1, "label": "Send", "custom_id": "nudge:send:1"}


@pytest.mark.parametrize("body", [
    {"components": [{"type": 1, "components": [{**BUTTON, "type": 4}]}]},  # a text input
    {"components": [{"type": 1, "components": [{**BUTTON, "style": 6}]}]},  # premium button
    {"components": [{"type": 1, "components": [{**BUTTON, "emoji": {"name": "✅"}}]}]},
    {"embeds": [{"description": "hi", "image": {"url": "https://x.example/a.png"}}]},
    {"embeds": [{"type": "video", "description": "hi"}]},
    {"content": "hi", "attachments": [{"id": 0}]},
])
def test_discord_drawing_refuses_what_it_cannot_draw(body):
    with pytest.raises(UnknownElement):
        discord.message(body, {}, channel="team")


def test_mrkdwn_is_drawn_as_slack_shows_it():
    drawn = slack.message({"text": "x", "blocks": [{"type": "section", "text": {
        "type": "mrkdwn", "text": "*Why* _now_ `AUTUMN10` <https://x.example/a?b=1&amp;c=2|the"
                                  " offer> in <#C1> by <@U1> :tada:\n&gt; a quote &lt;3"}}]},
        {"C1": "customers", "U1": "Sam"}, channel="team")
    assert "<b>Why</b> <i>now</i> <code>AUTUMN10</code> <a>the offer</a>" in drawn
    assert '<span class="mention">#customers</span>' in drawn
    assert '<span class="mention">@Sam</span> 🎉' in drawn
    assert "<blockquote>a quote &lt;3</blockquote>" in drawn
    assert not re.search(r"&amp;lt;|&amp;amp;", drawn)  # Slack's escapes are undone once
