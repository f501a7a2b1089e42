"""Slack's mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes,
<url|label> links, <#channel> and <@user> mentions, <!date^…|fallback>, :emoji: and bare URLs.

Slack's text arrives escaped (&amp; &lt; &gt;); everything shown is escaped again for HTML.
"""

from __future__ import annotations

import re
from html import escape

# The emoji Nudge's own words use, as Slack draws them; unknown names stay as written, as
# Slack shows a name it does not know.
EMOJI = {"warning": "⚠️", "rotating_light": "🚨", "tada": "🎉", "white_check_mark": "✅",
         "x": "❌", "wave": "👋", "bell": "🔔", "calendar": "📅", "memo": "📝",
         "chart_with_upwards_trend": "📈", "hourglass_flowing_sand": "⏳"}

_SPECIAL = re.compile(r"<([^<>\n]+)>")
_URL = re.compile(r"https?://[^\s<>]+[^\s<>.,;:!?)\]'\"]")
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_HOLD = "\x00{}\x00"
_HELD = re.compile("\x00(\\d+)\x00")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def emoji(text: str) -> str:
    """:name: as the emoji, for the names Slack would draw."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def plain(text: str) -> str:
    """A plain_text object's text (emoji: true) as HTML."""
    return escape(emoji(text)).replace("\n", "<br>")


def _special(inside: str, names: dict[str, str]) -> str:
    """One <…> sequence: a link, a mention or a date, as HTML."""
    target, _, label = inside.partition("|")
    if target.startswith("#"):
        name = label or names.get(target[1:], target[1:])
        return f'<span class="mention">#{escape(unescape(name))}</span>'
    if target.startswith("@"):
        name = label or names.get(target[1:], target[1:])
        return f'<span class="mention">@{escape(unescape(name))}</span>'
    if target.startswith("!"):
        if target.startswith("!date^"):
            return escape(unescape(label))
        return f'<span class="mention">@{escape(target[1:].split("^")[0])}</span>'
    return f'<a>{escape(unescape(label or target))}</a>'


def _inline(text: str, names: dict[str, str]) -> str:
    held: list[str] = []

    def hold(html: str) -> str:
        held.append(html)
        return _HOLD.format(len(held) - 1)

    text = _SPECIAL.sub(lambda m: hold(_special(m.group(1), names)), text)
    text = _CODE.sub(lambda m: hold(f"<code>{escape(unescape(m.group(1)))}</code>"), text)
    text = _URL.sub(lambda m: hold(f"<a>{escape(unescape(m.group(0)))}</a>"), text)
    html = escape(emoji(unescape(text)), quote=False)
    html = _BOLD.sub(r"<b>\1</b>", html)
    html = _ITALIC.sub(r"<i>\1</i>", html)
    html = _STRIKE.sub(r"<s>\1</s>", html)
    while _HELD.search(html):  # a held piece may hold another (a link inside code is not)
        html = _HELD.sub(lambda m: held[int(m.group(1))], html)
    return html


def to_html(text: str, names: dict[str, str] | None = None) -> str:
    """One mrkdwn text object as HTML: quotes as blocks, ``` as preformatted, lines kept."""
    names = names or {}
    blocks: list[tuple[str, list[str]]] = []  # ("line" | "quote" | "pre", HTML lines)

    def add(kind: str, html: str) -> None:
        if blocks and blocks[-1][0] == kind and kind != "pre":
            blocks[-1][1].append(html)
        else:
            blocks.append((kind, [html]))

    for part in re.split(r"(```.*?```)", text, flags=re.DOTALL):
        if part.startswith("```") and part.endswith("```") and len(part) >= 6:
            add("pre", escape(unescape(part[3:-3].strip("\n"))))
            continue
        for line in part.split("\n") if part else []:
            quoted = re.match(r"^(?:&gt;|>) ?(.*)$", line)
            if quoted:
                add("quote", _inline(quoted.group(1), names))
            else:
                add("line", _inline(line, names))
    tags = {"line": "<div>{}</div>", "quote": "<blockquote>{}</blockquote>",
            "pre": "<pre>{}</pre>"}
    return "".join(tags[kind].format("<br>".join(lines)) for kind, lines in blocks)
