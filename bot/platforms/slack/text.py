"""Slack's message markup in and out: `<@U1>`, `<#C1|name>`, `<url|label>` and &amp; escapes."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"<([^<>]*)>")
# Characters that change how a line reads without being seen: NUL and the other C0 controls
# (not tab or line break), and the bidirectional embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069), with which "txt.exe" can be shown as "exe.txt".
_UNSEEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def escape(text: str) -> str:
    """Text as Slack wants it: &, < and > escaped, so nothing becomes a mention or a link, and
    the invisible characters that change how a line reads removed."""
    text = _UNSEEN.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(escaped: str) -> str:
    """Escaped text as a block quote, every line of it: a line of someone else's words can
    then never start a line of Nudge's own (such as "*Intent:* ...")."""
    return "\n".join(f"&gt; {line}" if line else "&gt;" for line in escaped.split("\n"))


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _plain_control(match: re.Match) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0])
    target = target.removeprefix("mailto:")
    return f"{label} ({target})" if label and label != target else target


def plain(text: str) -> str:
    """A customer's message as the words a person reads, for storage and the engine."""
    return unescape(_CONTROL.sub(_plain_control, text or ""))


def _command_control(match: re.Match) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith("#"):
        return target  # "#C0123": channels travel by id
    if target.startswith("@"):
        return f"<{target}>"
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0])
    return target


def command_text(text: str) -> str:
    """A slash command's text (escaped by Slack) as the router reads it: channels as #C0123."""
    return unescape(_CONTROL.sub(_command_control, text or "")).strip()


def mention_users(text: str) -> str:
    """Turn a trailing "by U0123" into a mention, so the team sees who handled a review."""
    return re.sub(r"\bby ([UW][A-Z0-9]{2,})\b", r"by <@\1>", text)
