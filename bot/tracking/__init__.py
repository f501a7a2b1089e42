"""Tracked CTA links: a short unguessable token per link sent, a redirect that counts clicks."""

from __future__ import annotations

from bot.config import Config


def describe(config: Config, slack_http: bool) -> str:
    """What `nudge check` says about links: tracked (and where the redirect listens) or not."""
    tracking = config.links.tracking
    if not tracking.enabled:
        return "plain UTM links (links.tracking.enabled is off)"
    where = ("on the Slack HTTP server" if slack_http
             else f"on http://{tracking.host}:{tracking.port}")
    return (f"tracked as {tracking.base()}/r/<token>, redirect served {where}; send "
            f"{tracking.base()}/r/ there")
