"""A Discord message drawn as HTML in Discord's dark theme: content, embeds (colour bar, title,
description, fields, footer) and components (buttons in their styles, string selects).

Only what Nudge sends is drawn, and drawn whole: a component type, button style or embed key
this module does not know raises UnknownElement instead of being left out of the picture.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from . import UnknownElement

# Message body keys: what is drawn, and what changes nothing on screen (delivery details).
MESSAGE_KEYS = {"content", "embeds", "components", "nonce", "enforce_nonce", "tts",
                "allowed_mentions", "message_reference", "flags"}
EMBED_KEYS = {"type", "title", "url", "description", "color", "fields", "footer", "flags"}
FIELD_KEYS = {"name", "value", "inline"}
FOOTER_KEYS = {"text"}
ACTION_ROW, BUTTON, STRING_SELECT = 1, 2, 3
COMPONENT_KEYS = {
    ACTION_ROW: {"type", "components", "id"},
    BUTTON: {"type", "style", "label", "custom_id", "url", "disabled", "id"},
    STRING_SELECT: {"type", "custom_id", "placeholder", "options", "min_values", "max_values",
                    "disabled", "required", "id"},
}
OPTION_KEYS = {"label", "value", "description", "default"}
BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link"}

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; background: #313338; }
#picture { font: 16px/1.375 "gg sans", "Noto Sans", "DejaVu Sans", "Liberation Sans",
  sans-serif; color: #dbdee1; background: #313338; width: 640px; padding: 12px 0 16px; }
a { color: #00a8fc; text-decoration: none; }
b { color: #f2f3f5; font-weight: 700; }
code { font: 13px/1.4 "Liberation Mono", Consolas, monospace; background: #2b2d31;
  border-radius: 4px; padding: 2px 4px; }
blockquote { margin: 0; padding-left: 12px; border-left: 4px solid #4e5058; }
.mention { color: #c9cdfb; background: rgba(88,101,242,.3); border-radius: 3px;
  padding: 0 2px; font-weight: 500; }
.channel { display: flex; align-items: center; gap: 8px; height: 48px; padding: 0 16px;
  margin: -12px 0 12px; border-bottom: 1px solid #1f2023; color: #f2f3f5; font-weight: 600; }
.channel .hash { color: #80848e; font-size: 22px; font-weight: 400; }
.message { display: flex; gap: 16px; padding: 2px 16px; }
.avatar { flex: none; width: 40px; height: 40px; border-radius: 50%; color: #fff;
  background: linear-gradient(135deg, #e8912d, #c0392b); font-weight: 700; font-size: 20px;
  display: flex; align-items: center; justify-content: center; }
.body { flex: 1; min-width: 0; }
.who { display: flex; align-items: center; gap: 6px; }
.who .name { color: #f2f3f5; font-weight: 500; }
.tag { font-size: 10px; font-weight: 600; color: #fff; background: #5865f2;
  border-radius: 3px; padding: 1px 4px; line-height: 15px; }
.time { font-size: 12px; color: #949ba4; margin-left: 2px; }
.content { white-space: pre-wrap; overflow-wrap: anywhere; }
.embed { display: flex; max-width: 520px; margin-top: 4px; background: #2b2d31;
  border-radius: 4px; overflow: hidden; }
.bar { flex: none; width: 4px; }
.embed .inner { padding: 8px 16px 16px 12px; font-size: 14px; min-width: 0; }
.embed .title { color: #f2f3f5; font-weight: 600; font-size: 16px; margin-top: 8px; }
.embed .description { margin-top: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
.fields { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin-top: 8px; }
.field { grid-column: 1 / -1; min-width: 0; }
.field.inline { grid-column: auto; }
.field .name { color: #f2f3f5; font-weight: 600; margin-bottom: 2px; }
.field .value { white-space: pre-wrap; overflow-wrap: anywhere; }
.footer { font-size: 12px; color: #949ba4; margin-top: 8px; }
.row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.button { height: 32px; padding: 2px 16px; border-radius: 8px; font-size: 14px;
  font-weight: 500; color: #fff; display: inline-flex; align-items: center; }
.button.primary { background: #5865f2; } .button.secondary { background: #4e5058; }
.button.success { background: #248046; } .button.danger { background: #da373c; }
.button.link { background: #4e5058; } .button.disabled { opacity: .5; }
.select { width: 400px; height: 40px; display: flex; align-items: center;
  justify-content: space-between; padding: 0 12px; background: #1e1f22;
  border: 1px solid #1e1f22; border-radius: 4px; font-size: 15px; color: #949ba4; }
.chevron { width: 9px; height: 9px; border-right: 2px solid #b5bac1;
  border-bottom: 2px solid #b5bac1; transform: rotate(45deg) translate(-2px, -2px); }
"""

_MASKED = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_MENTION = re.compile(r"<(#|@!?|@&)(\d+)>")
_URL = re.compile(r"https?://[^\s<>]+[^\s<>.,;:!?)\]'\"]")
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_UNDERLINE = re.compile(r"__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])[*_](?!\s)([^*_\n]+?)(?<!\s)[*_](?![\w*])")
_STRIKE = re.compile(r"~~(.+?)~~")
_HELD = re.compile("\x00(\\d+)\x00")


def markdown(text: str, names: dict[str, str]) -> str:
    """Discord's markdown as HTML: **bold**, *italic*, __underline__, ~~strike~~, `code`,
    [label](url), bare URLs, <#channel> and <@user> mentions, > quotes."""
    held: list[str] = []

    def hold(html: str) -> str:
        held.append(html)
        return f"\x00{len(held) - 1}\x00"

    def mention(match: re.Match) -> str:
        sign = "#" if match.group(1) == "#" else "@"
        return hold(f'<span class="mention">{sign}'
                    f'{escape(names.get(match.group(2), match.group(2)))}</span>')

    text = _CODE.sub(lambda m: hold(f"<code>{escape(m.group(1))}</code>"), text)
    text = _MASKED.sub(lambda m: hold(f"<a>{escape(m.group(1))}</a>"), text)
    text = _MENTION.sub(mention, text)
    text = _URL.sub(lambda m: hold(f"<a>{escape(m.group(0))}</a>"), text)
    html = escape(text, quote=False)
    for pattern, tag in ((_BOLD, "b"), (_UNDERLINE, "u"), (_STRIKE, "s"), (_ITALIC, "i")):
        html = pattern.sub(rf"<{tag}>\1</{tag}>", html)
    html = re.sub(r"(?m)^&gt; (.*)$", r"<blockquote>\1</blockquote>", html)
    while _HELD.search(html):
        html = _HELD.sub(lambda m: held[int(m.group(1))], html)
    return html


def _check(node: dict[str, Any], known: set[str], what: str) -> None:
    extra = set(node) - known
    if extra:
        raise UnknownElement(f"Discord {what} has keys not drawn: {sorted(extra)}")


def embed(node: dict[str, Any], names: dict[str, str]) -> str:
    _check(node, EMBED_KEYS, "embed")
    if node.get("type", "rich") != "rich":
        raise UnknownElement(f"Discord embed type {node['type']!r} is not drawn")
    parts = []
    if node.get("title"):
        parts.append(f'<div class="title">{markdown(node["title"], names)}</div>')
    if node.get("description"):
        parts.append(f'<div class="description">{markdown(node["description"], names)}</div>')
    fields = []
    for item in node.get("fields") or []:
        _check(item, FIELD_KEYS, "embed field")
        inline = " inline" if item.get("inline") else ""
        fields.append(f'<div class="field{inline}"><div class="name">'
                      f'{markdown(item["name"], names)}</div><div class="value">'
                      f'{markdown(item["value"], names)}</div></div>')
    if fields:
        parts.append(f'<div class="fields">{"".join(fields)}</div>')
    if node.get("footer"):
        _check(node["footer"], FOOTER_KEYS, "embed footer")
        parts.append(f'<div class="footer">{escape(node["footer"]["text"])}</div>')
    colour = f"#{node.get('color', 0x1e1f22):06x}"
    return (f'<div class="embed"><div class="bar" style="background:{colour}"></div>'
            f'<div class="inner">{"".join(parts)}</div></div>')


def component(node: dict[str, Any]) -> str:
    kind = node.get("type")
    if kind not in COMPONENT_KEYS:
        raise UnknownElement(f"Discord component type {kind!r} is not drawn by docs/drawing")
    _check(node, COMPONENT_KEYS[kind], f"component {kind}")
    if kind == ACTION_ROW:
        return f'<div class="row">{"".join(component(c) for c in node["components"])}</div>'
    if kind == BUTTON:
        style = BUTTON_STYLES.get(node.get("style"))
        if style is None:
            raise UnknownElement(f"Discord button style {node.get('style')!r} is not drawn")
        disabled = " disabled" if node.get("disabled") else ""
        return f'<span class="button {style}{disabled}">{escape(node.get("label") or "")}</span>'
    for option in node.get("options") or []:
        _check(option, OPTION_KEYS, "select option")
    chosen = [o["label"] for o in node.get("options") or [] if o.get("default")]
    label = ", ".join(chosen) or node.get("placeholder") or "Make a selection"
    return f'<div class="select"><span>{escape(label)}</span><span class="chevron"></span></div>'


def message(body: dict[str, Any], names: dict[str, str], *, channel: str,
            bot: str = "Nudge", time: str = "Today at 10:02") -> str:
    """The message as it stands in a channel: the channel's name, the bot's name and tag,
    then the content, the embeds and the components."""
    _check(body, MESSAGE_KEYS, "message")
    parts = []
    if body.get("content"):
        parts.append(f'<div class="content">{markdown(body["content"], names)}</div>')
    parts += [embed(item, names) for item in body.get("embeds") or []]
    parts += [component(row) for row in body.get("components") or []]
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{STYLE}</style></head>'
            f'<body><div id="picture"><div class="channel"><span class="hash">#</span>'
            f'{escape(channel)}</div><div class="message"><div class="avatar">'
            f'{escape(bot[:1])}</div><div class="body"><div class="who"><span class="name">'
            f'{escape(bot)}</span><span class="tag">APP</span><span class="time">'
            f'{escape(time)}</span></div>{"".join(parts)}</div></div></div></body></html>')


def types_in(body: dict[str, Any]) -> set[int]:
    """Every component type a message holds, however deep."""
    found: set[int] = set()

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            found.add(item.get("type"))
            walk(item.get("components") or [])

    walk(body.get("components") or [])
    return found


def known_types() -> set[int]:
    return set(COMPONENT_KEYS)
