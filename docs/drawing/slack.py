"""Block Kit drawn as HTML in Slack's light theme: a message in a channel, a modal, the App Home.

Only what Nudge sends is drawn, and drawn whole: a block, element or text object type this
module does not know, or a key it would not draw (an accessory where none is expected, a new
option), raises UnknownElement instead of being left out of the picture.
"""

from __future__ import annotations

from html import escape
from typing import Any

from . import UnknownElement
from .mrkdwn import plain, to_html

# Keys each type may carry. Keys that change nothing on screen (ids, values, limits) are
# listed too; anything else is a sign Nudge sends something new the picture would miss.
BLOCKS: dict[str, set[str]] = {
    "section": {"type", "block_id", "text", "fields", "accessory", "expand"},
    "header": {"type", "block_id", "text"},
    "context": {"type", "block_id", "elements"},
    "divider": {"type", "block_id"},
    "actions": {"type", "block_id", "elements"},
    "input": {"type", "block_id", "label", "element", "hint", "optional", "dispatch_action"},
    "image": {"type", "block_id", "image_url", "slack_file", "alt_text", "title"},
}
ELEMENTS: dict[str, set[str]] = {
    "button": {"type", "action_id", "text", "value", "style", "url", "confirm",
               "accessibility_label"},
    "static_select": {"type", "action_id", "placeholder", "options", "initial_option",
                      "confirm", "focus_on_load"},
    "plain_text_input": {"type", "action_id", "multiline", "max_length", "min_length",
                         "initial_value", "placeholder", "focus_on_load",
                         "dispatch_action_config"},
    "image": {"type", "image_url", "slack_file", "alt_text"},
}
TEXTS: dict[str, set[str]] = {
    "plain_text": {"type", "text", "emoji"},
    "mrkdwn": {"type", "text", "verbatim"},
}
SURFACES: dict[str, set[str]] = {
    "modal": {"type", "callback_id", "title", "submit", "close", "private_metadata", "blocks",
              "clear_on_close", "notify_on_close", "external_id", "submit_disabled"},
    "home": {"type", "callback_id", "private_metadata", "blocks", "external_id"},
}
BUTTON_STYLES = {None, "primary", "danger"}

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; background: #fff; }
#picture { font: 15px/1.4667 Lato, "Liberation Sans", "Helvetica Neue", Arial, sans-serif;
  color: #1d1c1d; background: #fff; width: 760px; }
a { color: #1264a3; text-decoration: none; }
b { font-weight: 700; }
code { font: 12px/1.5 "Liberation Mono", Monaco, Menlo, monospace; color: #e01e5a;
  background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 3px;
  padding: 2px 3px 1px; }
pre { font: 12px/1.5 "Liberation Mono", monospace; background: rgba(29,28,29,.04);
  border: 1px solid rgba(29,28,29,.13); border-radius: 4px; padding: 8px; margin: 4px 0;
  white-space: pre-wrap; }
blockquote { margin: 2px 0; padding-left: 12px; border-left: 4px solid #ddd; }
.mention { color: #1264a3; background: rgba(29,155,209,.1); border-radius: 3px;
  padding: 0 2px; font-weight: 400; }
.block { margin: 4px 0; }
.section { display: flex; gap: 12px; align-items: flex-start; }
.section .main { flex: 1; overflow-wrap: anywhere; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 4px; }
.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 12px 0 4px; }
.context { display: flex; align-items: center; gap: 6px; font-size: 12px; color: #616061; }
.context img, .context .img { width: 16px; height: 16px; border-radius: 3px; }
hr { border: 0; border-top: 1px solid rgba(29,28,29,.13); margin: 12px 0; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 4px; }
.button { display: inline-flex; align-items: center; height: 28px; padding: 0 12px;
  font-size: 13px; font-weight: 700; border: 1px solid rgba(29,28,29,.3); border-radius: 4px;
  background: #fff; color: #1d1c1d; white-space: nowrap; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.select { display: inline-flex; align-items: center; justify-content: space-between;
  gap: 12px; height: 28px; min-width: 180px; padding: 0 10px 0 12px; font-size: 13px;
  border: 1px solid rgba(29,28,29,.3); border-radius: 4px; background: #fff; }
.select .placeholder { color: #616061; }
.chevron { width: 10px; height: 10px; border-right: 2px solid #616061;
  border-bottom: 2px solid #616061; transform: rotate(45deg) translate(-2px, -2px); }
.input { margin: 4px 0 16px; }
.input label { display: block; font-weight: 700; margin-bottom: 8px; }
.input label .optional { font-weight: 400; color: #616061; }
.textbox { border: 1px solid rgba(29,28,29,.3); border-radius: 4px; padding: 8px 12px;
  min-height: 40px; white-space: pre-wrap; overflow-wrap: anywhere; }
.textbox.multiline { min-height: 90px; }
.textbox .placeholder { color: #868686; }
.hint { font-size: 13px; color: #616061; margin-top: 4px; }
.image .img, .section .img { background: #f4ede4; border-radius: 8px; color: #616061;
  display: flex; align-items: center; justify-content: center; font-size: 13px; }
.image .img { width: 360px; height: 200px; margin-top: 4px; }
.section .img { width: 88px; height: 88px; }
"""


def check(node: dict[str, Any], known: dict[str, set[str]], what: str) -> str:
    """The node's type, once its type and every key are ones this renderer draws."""
    kind = node.get("type")
    if kind not in known:
        raise UnknownElement(f"Slack {what} type {kind!r} is not drawn by docs/drawing")
    extra = set(node) - known[kind]
    if extra:
        raise UnknownElement(f"Slack {what} {kind!r} has keys not drawn: {sorted(extra)}")
    return kind


def text(node: dict[str, Any], names: dict[str, str]) -> str:
    """A text object as HTML."""
    kind = check(node, TEXTS, "text object")
    return plain(node["text"]) if kind == "plain_text" else to_html(node["text"], names)


def _image(node: dict[str, Any], css: str = "img") -> str:
    # The shop's images live on the web; the picture shows where one stands, offline.
    return f'<div class="{css}">{escape(node.get("alt_text") or "image")}</div>'


def element(node: dict[str, Any], names: dict[str, str]) -> str:
    """An interactive element (or an image) as HTML."""
    kind = check(node, ELEMENTS, "element")
    if kind == "button":
        style = node.get("style")
        if style not in BUTTON_STYLES:
            raise UnknownElement(f"Slack button style {style!r} is not drawn")
        return f'<span class="button {style or ""}">{text(node["text"], names)}</span>'
    if kind == "static_select":
        chosen = node.get("initial_option")
        label = text(chosen["text"], names) if chosen else \
            f'<span class="placeholder">{text(node["placeholder"], names)}</span>'
        for option in node.get("options") or []:
            text(option["text"], names)  # every option must be drawable when opened
        return f'<span class="select">{label}<span class="chevron"></span></span>'
    if kind == "plain_text_input":
        multiline = " multiline" if node.get("multiline") else ""
        value = escape(node.get("initial_value") or "")
        if not value and node.get("placeholder"):
            value = f'<span class="placeholder">{text(node["placeholder"], names)}</span>'
        return f'<div class="textbox{multiline}">{value}</div>'
    return _image(node)


def block(node: dict[str, Any], names: dict[str, str]) -> str:
    """One block as HTML."""
    kind = check(node, BLOCKS, "block")
    if kind == "section":
        main = text(node["text"], names) if node.get("text") else ""
        if node.get("fields"):
            fields = "".join(f"<div>{text(f, names)}</div>" for f in node["fields"])
            main += f'<div class="fields">{fields}</div>'
        side = element(node["accessory"], names) if node.get("accessory") else ""
        return f'<div class="block section"><div class="main">{main}</div>{side}</div>'
    if kind == "header":
        return f'<div class="header">{text(node["text"], names)}</div>'
    if kind == "context":
        parts = [_image(e) if e.get("type") == "image" and check(e, ELEMENTS, "element")
                 else f"<span>{text(e, names)}</span>" for e in node["elements"]]
        return f'<div class="block context">{"".join(parts)}</div>'
    if kind == "divider":
        return "<hr>"
    if kind == "actions":
        items = "".join(element(e, names) for e in node["elements"])
        return f'<div class="actions">{items}</div>'
    if kind == "input":
        optional = ' <span class="optional">(optional)</span>' if node.get("optional") else ""
        hint = f'<div class="hint">{text(node["hint"], names)}</div>' if node.get("hint") else ""
        return (f'<div class="input"><label>{text(node["label"], names)}{optional}</label>'
                f'{element(node["element"], names)}{hint}</div>')
    title = f"<div><b>{text(node['title'], names)}</b></div>" if node.get("title") else ""
    return f'<div class="block image">{title}{_image(node)}</div>'


def blocks(nodes: list[dict[str, Any]], names: dict[str, str]) -> str:
    return "".join(block(node, names) for node in nodes)


def page(body: str, style: str = "") -> str:
    """A whole HTML page whose #picture element is what gets photographed."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{STYLE}{style}'
            f'</style></head><body><div id="picture">{body}</div></body></html>')


def types_in(node: Any) -> set[str]:
    """Every `type` a payload holds, however deep (blocks, elements, text objects, views)."""
    if isinstance(node, list):
        return set().union(*(types_in(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    own = {node["type"]} if isinstance(node.get("type"), str) else set()
    return own.union(*(types_in(value) for value in node.values()))


def known_types() -> set[str]:
    return set(BLOCKS) | set(ELEMENTS) | set(TEXTS) | set(SURFACES)


FRAMES = """
.channel { display: flex; align-items: center; gap: 6px; height: 49px; padding: 0 20px;
  border-bottom: 1px solid rgba(29,28,29,.13); font-size: 18px; font-weight: 900; }
.channel .hash { font-weight: 400; color: #616061; }
.message { display: flex; gap: 8px; padding: 12px 20px 16px; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; color: #fff;
  background: linear-gradient(135deg, #e8912d, #c0392b); font-weight: 900; font-size: 20px;
  display: flex; align-items: center; justify-content: center; }
.message .body { flex: 1; min-width: 0; }
.who { display: flex; align-items: baseline; gap: 6px; }
.who b { font-weight: 900; }
.badge { font-size: 10px; font-weight: 700; color: rgba(29,28,29,.7); padding: 1px 3px;
  background: rgba(29,28,29,.13); border-radius: 2px; }
.time { font-size: 12px; color: #616061; }
.backdrop { background: rgba(0,0,0,.55); padding: 28px; width: 620px; }
.modal { background: #fff; border-radius: 8px; box-shadow: 0 18px 48px rgba(0,0,0,.35); }
.modal .title { display: flex; justify-content: space-between; align-items: center;
  height: 70px; padding: 0 28px; font-size: 22px; font-weight: 900;
  border-bottom: 1px solid rgba(29,28,29,.13); }
.modal .close { font-size: 26px; font-weight: 400; color: #616061; }
.modal .content { padding: 20px 28px 4px; }
.modal .footer { display: flex; justify-content: flex-end; gap: 12px; padding: 20px 28px;
  border-top: 1px solid rgba(29,28,29,.13); }
.modal .footer .button { height: 36px; padding: 0 16px; font-size: 15px; }
.apphome .top { display: flex; align-items: center; gap: 12px; padding: 16px 24px 0; }
.apphome .top b { font-size: 18px; font-weight: 900; }
.tabs { display: flex; gap: 24px; padding: 12px 24px 0; font-size: 14px; color: #616061;
  border-bottom: 1px solid rgba(29,28,29,.13); }
.tabs span { padding-bottom: 10px; }
.tabs .on { color: #1d1c1d; font-weight: 700; border-bottom: 2px solid #1264a3; }
.apphome .content { padding: 8px 24px 20px; }
"""


def _avatar(bot: str) -> str:
    return f'<div class="avatar">{escape(bot[:1])}</div>'


def message(payload: dict[str, Any], names: dict[str, str], *, channel: str,
            bot: str = "Nudge", time: str = "10:02 AM") -> str:
    """A message as it stands in a channel: the channel's name, the app's name, the blocks
    (or the text, for a message without blocks)."""
    extra = set(payload) - {"text", "blocks", "channel", "thread_ts", "unfurl_links",
                            "unfurl_media", "mrkdwn", "metadata"}
    if extra:
        raise UnknownElement(f"Slack message keys not drawn: {sorted(extra)}")
    body = blocks(payload["blocks"], names) if payload.get("blocks") else \
        to_html(payload.get("text") or "", names)
    return page(
        f'<div class="channel"><span class="hash">#</span>{escape(channel)}</div>'
        f'<div class="message">{_avatar(bot)}<div class="body"><div class="who">'
        f'<b>{escape(bot)}</b><span class="badge">APP</span><span class="time">'
        f'{escape(time)}</span></div>{body}</div></div>', FRAMES)


def modal(view: dict[str, Any], names: dict[str, str]) -> str:
    """A modal over a dimmed Slack: its title, blocks, then Cancel and the submit button."""
    if check(view, SURFACES, "view") != "modal":
        raise UnknownElement(f"a {view['type']!r} view is not a modal")
    close = text(view["close"], names) if view.get("close") else "Cancel"
    submit = f'<span class="button primary">{text(view["submit"], names)}</span>' \
        if view.get("submit") else ""
    return page(
        f'<div class="backdrop"><div class="modal"><div class="title">'
        f'<span>{text(view["title"], names)}</span><span class="close">&times;</span></div>'
        f'<div class="content">{blocks(view["blocks"], names)}</div>'
        f'<div class="footer"><span class="button">{close}</span>{submit}</div></div></div>',
        FRAMES + "#picture { width: auto; display: inline-block; }")


def home(view: dict[str, Any], names: dict[str, str], *, bot: str = "Nudge") -> str:
    """The app's Home tab: its name, the Home / Messages / About tabs, the blocks."""
    if check(view, SURFACES, "view") != "home":
        raise UnknownElement(f"a {view['type']!r} view is not a Home tab")
    return page(
        f'<div class="apphome"><div class="top">{_avatar(bot)}<b>{escape(bot)}</b></div>'
        f'<div class="tabs"><span class="on">Home</span><span>Messages</span>'
        f'<span>About</span></div><div class="content">{blocks(view["blocks"], names)}'
        f'</div></div>', FRAMES)
