"""Neutral replies rendered as Block Kit: messages with fields and buttons, the Edit modal and
the App Home. Every piece of text is escaped and cut to Slack's limits here, in one place.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.types import Choice, Menu, Reply
from bot.daily.wording import message_link
from bot.platforms.slack.text import escape, mention_users, quote
from bot.promotions import images
from handlers.home import HomeSummary

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_BUTTON_LABEL = 75
MAX_FALLBACK = 3000
MAX_ALT_TEXT = 2000  # an image block's alt_text
MAX_TEXT = 40_000  # a message's `text`; Slack answers msg_too_long beyond
# All the text of one message's blocks: beyond, Slack answers msg_blocks_too_long (a limit it
# documents without a figure; see tests/fake_slack_blocks.py for where 12,000 comes from).
MAX_BLOCKS_TEXT = 12_000
CUT_NOTE_ROOM = 100  # the note saying a one-message answer was cut
EDIT_VIEW = "nudge_edit"
EDIT_BLOCK, EDIT_INPUT = "reply", "text"
MAX_INPUT = 3000  # a plain_text_input's max_length
MAX_INPUTS = 20  # boxes in the Edit modal: 60,000 characters, more than any stored reply
CHOICES_BLOCK = "nudge_choices"
# Block Kit's limits for an actions block and a static_select.
MAX_ACTION_ELEMENTS = 25
MAX_ACTION_ID = 255
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": _cut(text, MAX_SECTION)}


def plain_text(text: str, limit: int = MAX_BUTTON_LABEL) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def action_id(action: str) -> str:
    return f"nudge_{action}"


def text_length(node: Any) -> int:
    """The characters of text blocks carry: every text object's `text`, however deep."""
    if isinstance(node, list):
        return sum(text_length(item) for item in node)
    if not isinstance(node, dict):
        return 0
    own = len(node["text"]) if isinstance(node.get("text"), str) else 0
    return own + sum(text_length(value) for value in node.values()
                     if isinstance(value, dict | list))


def message(reply: Reply) -> dict[str, Any]:
    """`text` (the notification fallback) and `blocks` for one message (respond, an ephemeral
    answer): past Slack's 50 blocks, or the text Slack takes in one message, the rest is cut,
    with a note saying so."""
    body, actions, text = _rendered(reply)
    room_blocks = MAX_BLOCKS - len(actions)
    room_text = MAX_BLOCKS_TEXT - text_length(actions)
    if len(body) <= room_blocks and text_length(body) <= room_text:
        return {"text": text, "blocks": body + actions}
    keep: list[dict[str, Any]] = []
    used = 0
    for block in body:
        size = text_length(block)
        if len(keep) + 1 >= room_blocks or used + size > room_text - CUT_NOTE_ROOM:
            break
        keep.append(block)
        used += size
    note = section(f"_… {len(body) - len(keep)} more part(s) not shown: too long for one "
                   "Slack message._")
    return {"text": text, "blocks": keep + [note] + actions}


def message_parts(reply: Reply) -> list[dict[str, Any]]:
    """The reply as consecutive messages, each within Slack's 50 blocks and the text it takes
    in one message (MAX_BLOCKS_TEXT), so a review shows all of it however long: the buttons
    come with the last part, the message a redraw replaces."""
    body, actions, text = _rendered(reply)
    chunks: list[list[dict[str, Any]]] = [[]]
    used = 0
    for block in body:
        size = text_length(block)
        if chunks[-1] and (len(chunks[-1]) >= MAX_BLOCKS or used + size > MAX_BLOCKS_TEXT):
            chunks.append([])
            used = 0
        chunks[-1].append(block)
        used += size
    if actions and (len(chunks[-1]) + len(actions) > MAX_BLOCKS
                    or used + text_length(actions) > MAX_BLOCKS_TEXT):
        moved = chunks[-1].pop()  # the buttons come with the end of the reply, never alone
        chunks.append([moved])
        if not chunks[-2]:
            chunks.pop(-2)
    chunks[-1] += actions
    more = _cut(text, MAX_FALLBACK - 12) + " (continued)"
    return [{"text": text if n == 0 else more, "blocks": chunk}
            for n, chunk in enumerate(chunks)]


def _rendered(reply: Reply) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """(the blocks that say the reply, its actions block if any, the fallback text)."""
    icon = "" if reply.ok else ":warning: "
    text = escape(reply.text)
    channel = (reply.meta or {}).get("channel") or ""
    if (reply.meta or {}).get("platform") == "slack" and channel:
        text = text.replace(channel, f"<#{channel}>")  # the channel's name, as a link
    blocks: list[dict[str, Any]] = [section(piece) for piece in escaped_pieces(icon + text,
                                                                                  escaped=True)
                                    if piece]
    for item in reply.fields:
        label = f"*{escape(item.label)}*\n"
        value = quote(escape(item.value)) if item.quoted else item.value
        pieces = escaped_pieces(value, first_room=MAX_SECTION - len(label) - 40,
                                escaped=item.quoted)
        if item.quoted:  # a piece that starts mid-line carries on the quote
            pieces = [p if n == 0 or p.startswith("&gt;") else "&gt; " + p
                      for n, p in enumerate(pieces)]
        if item.label in ("Handled", "Corrected"):
            pieces = [mention_users(piece) for piece in pieces]
        # A long value (a whole reply) goes on over several sections: the team sees it all.
        blocks.append(section(label + pieces[0]))
        blocks.extend(section(piece) for piece in pieces[1:])
    permalink = reply.meta.get("permalink") if reply.meta else ""
    if permalink:
        blocks.append({"type": "context", "elements": [
            mrkdwn(f"<{permalink}|View the customer's message>")
        ]})
    elements: list[dict[str, Any]] = [_button(choice) for choice in reply.choices]
    if reply.menu is not None and reply.menu.options:
        elements.append(select_menu(reply.menu))
    actions = [{"type": "actions", "block_id": CHOICES_BLOCK,
                "elements": elements[:MAX_ACTION_ELEMENTS]}] if elements else []
    return blocks, actions, _cut(icon + escape(reply.text), MAX_FALLBACK)


def _button(choice: Choice) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id(choice.action),
        "text": plain_text(choice.label),
        "value": choice.value[:2000],
    }
    if choice.style != "default":
        button["style"] = choice.style
    return button


def select_menu(menu: Menu) -> dict[str, Any]:
    """A static_select within Slack's limits: at most 100 options, option text ≤ 75 and value
    ≤ 150 characters. Each option's value carries the menu's value too ("42:pricing"), since a
    select's payload has no value of its own."""
    return {
        "type": "static_select",
        "action_id": action_id(menu.action)[:MAX_ACTION_ID],
        "placeholder": plain_text(menu.placeholder, MAX_PLACEHOLDER),
        "options": [
            {"text": plain_text(option.label, MAX_OPTION_TEXT),
             "value": f"{menu.value}:{option.value}"[:MAX_OPTION_VALUE]}
            for option in menu.options[:MAX_OPTIONS]
        ],
    }


def chosen_option(action: dict[str, Any]) -> tuple[str, str]:
    """(menu value, option value) from a static_select's block_actions payload."""
    value = str(((action.get("selected_option") or {}).get("value")) or "")
    menu_value, _, option = value.partition(":")
    return menu_value, option


def split_exact(text: str, limit: int, first: int | None = None,
                escaped: bool = False) -> list[str]:
    """Pieces of at most `limit` characters (the first at most `first`) whose concatenation is
    exactly `text`; cut after a line break or a space where one is near. In `escaped` text a
    cut never falls inside an entity (&amp; &lt; &gt;)."""
    pieces: list[str] = []
    rest = text
    room = first if first is not None else limit
    while len(rest) > room:
        cut = max(rest.rfind("\n", 0, room), rest.rfind(" ", 0, room)) + 1
        if cut < room // 2:
            cut = room
            entity = rest.rfind("&", max(0, cut - 4), cut) if escaped else -1
            if entity > 0 and ";" not in rest[entity:cut]:
                cut = entity
        pieces.append(rest[:cut])
        rest = rest[cut:]
        room = limit
    pieces.append(rest)
    return pieces


def escaped_pieces(text: str, first_room: int = MAX_SECTION, escaped: bool = False,
                   limit: int = MAX_SECTION - 40) -> list[str]:
    """`text` escaped for mrkdwn (unless already `escaped`), in pieces that each fit one
    section: the first at most `first_room` characters, the others at most `limit`."""
    return split_exact(text if escaped else escape(text), limit, first=first_room,
                       escaped=True)


def edit_modal(suggestion_id: int | str, text: str, channel: str, ts: str) -> dict[str, Any]:
    """The Edit modal: the suggested reply in a text box; submitting sends the edited text."""
    return {
        "type": "modal",
        "callback_id": EDIT_VIEW,
        "title": plain_text("Edit the reply", 24),
        "submit": plain_text("Send", 24),
        "close": plain_text("Cancel", 24),
        "private_metadata": json.dumps(
            {"suggestion_id": str(suggestion_id), "channel": channel, "ts": ts}
        ),
        "blocks": [
            {
                "type": "input",
                "block_id": edit_block(n),
                "label": plain_text("Reply to the customer" if n == 0 else
                                    f"Reply, continued ({n + 1})", 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": EDIT_INPUT,
                    "multiline": True,
                    "max_length": MAX_INPUT,
                    "initial_value": piece,
                },
                "optional": n > 0,
            }
            for n, piece in enumerate(_boxes(text))
        ],
    }


def _boxes(text: str) -> list[str]:
    """The reply over the Edit modal's boxes: cut at spaces where that fits in 20 boxes,
    else at exactly 3,000 characters each, so no stored reply loses its end."""
    pieces = split_exact(text, MAX_INPUT)
    if len(pieces) > MAX_INPUTS:
        pieces = [text[i:i + MAX_INPUT] for i in range(0, len(text), MAX_INPUT)]
    return pieces[:MAX_INPUTS]


def edit_block(n: int) -> str:
    return EDIT_BLOCK if n == 0 else f"{EDIT_BLOCK}_{n + 1}"


def edited_text(values: dict) -> str:
    """The whole reply from the Edit modal's boxes, in order (a long reply spans several)."""
    parts = []
    for n in range(MAX_INPUTS):
        box = (values.get(edit_block(n)) or {}).get(EDIT_INPUT) or {}
        parts.append(box.get("value") or "")
    return "".join(parts)


def slack_date(moment: datetime, fallback_format: str = "%a %d %b %H:%M") -> str:
    """A time every viewer sees in their own time zone, with a plain fallback."""
    stamp = int(moment.timestamp())
    return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|{moment.strftime(fallback_format)}>"


def text_and_image(text: str, image: str, alt: str) -> list[dict[str, Any]]:
    """A post with an image: its text in sections (3,000 characters each), then the image
    block. `text` is already escaped; the message's `text` stays the notification fallback."""
    sections = [{"type": "section", "text": {"type": "mrkdwn", "text": text[i:i + MAX_SECTION]}}
                for i in range(0, len(text), MAX_SECTION)]
    return [*sections[:49], images.slack_block(image, alt)]  # a message holds 50 blocks


def calendar_blocks(days: list[tuple[str, list]], zone: ZoneInfo) -> list[dict[str, Any]]:
    """One section per day with posts: its title, then one line per post, channels linked."""
    if not days:
        return [section("Nothing scheduled in the next 14 days. Plan one with "
                        "`/nudge promo new`.")]
    blocks = []
    for title, posts in days:
        lines = [f"*{escape(title)}*"]
        for post in posts:
            promotion = post.promotion
            where = ", ".join(f"<#{t.channel}>" if t.platform == "slack"
                              else f"{t.platform}:{escape(t.channel)}"
                              for t in promotion.targets)
            lines.append(f"• {post.at.astimezone(zone):%H:%M} #{promotion.id} "
                         f"{escape(_cut(' '.join(promotion.text.split()), 120))} → {where}")
        blocks.append(section(_cut("\n".join(lines), 2900)))
    return blocks


def home_view(home: HomeSummary) -> dict[str, Any]:
    """The App Home tab: upcoming promotions, threads waiting for a reply, last days' figures."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain_text("Nudge at a glance", 150)},
        {"type": "context", "elements": [mrkdwn(f"Updated {slack_date(home.now)}")]},
        {"type": "header", "text": plain_text("Promotions, next 14 days", 150)},
    ]
    blocks += calendar_blocks(home.calendar_posts, home.zone)
    blocks.append({"type": "header", "text": plain_text("Waiting for a reply", 150)})
    if home.waiting:
        for thread in home.waiting:
            where = f"<#{thread.channel}>" if thread.platform == "slack" \
                else f"{thread.platform}:{escape(thread.channel)}"
            url = message_link(thread.platform, thread.workspace, thread.channel, thread.thread)
            link = f"<{url}|open>" if url else ""
            flag = ":rotating_light: " if thread.urgent else ""
            blocks.append(section(
                f"{flag}*{escape(thread.customer or 'A customer')}* in {where} since "
                f"{slack_date(thread.since)} {link}\n> {escape(_cut(thread.last_text, 200))}"
            ))
    else:
        blocks.append(section("Nobody is waiting. :tada:"))
    f = home.figures
    blocks.append({"type": "header", "text": plain_text(f"Last {home.days} days", 150)})
    blocks.append({
        "type": "section",
        "fields": [
            mrkdwn(f"*Customer messages*\n{f.customer_messages}"),
            mrkdwn(f"*Suggestions*\n{f.suggestions_made}"),
            mrkdwn(f"*Replies sent*\n{f.suggestions_sent}"),
            mrkdwn(f"*CTAs asked*\n{f.ctas_asked}"),
            mrkdwn(f"*Promotions sent*\n{f.promotions_sent}"),
            mrkdwn(f"*Mix*\n{f.mix_text()}"),
        ],
    })
    if len(blocks) > 100:  # a Home tab holds at most 100 blocks
        blocks = blocks[:100]
    return {"type": "home", "blocks": blocks}
