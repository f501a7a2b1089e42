"""Links back to a customer's message on its platform, for digests and pings."""

from __future__ import annotations


def message_link(platform: str, workspace: str, channel: str, message: str) -> str:
    """A URL that opens the message for a team member, or "" where the platform has none."""
    if not message:
        return ""
    if platform == "slack":
        # slack.com/archives resolves to the right workspace for anyone signed in to it.
        return f"https://slack.com/archives/{channel}/p{message.replace('.', '')}"
    if platform == "discord" and workspace:
        return f"https://discord.com/channels/{workspace}/{channel}/{message}"
    return ""


def describe_wait(minutes: float) -> str:
    """"5 min", "3 h 10 min", "2 days": how long someone has waited, as people say it."""
    minutes = int(minutes)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{minutes // (24 * 60)} days"
