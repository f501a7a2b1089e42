"""Tracked CTA links: a short unguessable token per link sent, a redirect that counts clicks.

The links and clicks are kept by bot/store/links.py; this says what a tracked URL looks like
and when a post gets one.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import Config
from bot.store.connection import Database
from bot.store.links import LinkInfo, create_link, promotion_token


def describe(config: Config, slack_http: bool) -> str:
    """What `nudge check` says about links: tracked (and where the redirect listens) or not."""
    tracking = config.links.tracking
    if not tracking.enabled:
        return "plain UTM links (links.tracking.enabled is off)"
    where = ("on the Slack HTTP server" if slack_http
             else f"on http://{tracking.host}:{tracking.port}")
    return (f"tracked as {tracking.base()}/r/<token>, redirect served {where}; send "
            f"{tracking.base()}/r/ there")


def tracked_url(config: Config, token: str) -> str:
    return f"{config.links.tracking.base()}/r/{token}"


def track_text(config: Config, db: Database, text: str, url: str | None, info: LinkInfo,
               now: datetime) -> str:
    """`text` with every copy of the tagged CTA `url` replaced by one tracked link.

    Unchanged when tracking is off, when there is no CTA link, or when an edit removed it.
    """
    if not config.links.tracking.enabled or not url or url not in text:
        return text
    token = create_link(db, info, url, now)
    return text.replace(url, tracked_url(config, token))


def link_for_delivery(config: Config, db: Database, delivery_id: int, url: str,
                      info: LinkInfo, now: datetime) -> str:
    """The tracked URL of one promotion post: the same token when the post is retried."""
    token = promotion_token(db, delivery_id) or create_link(db, info, url, now)
    return tracked_url(config, token)
