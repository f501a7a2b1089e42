"""Tracked links in the database: one row per CTA link sent, one row per counted click.

A link row says what the link was sent with (the suggestion or promotion, the CTA, the wording
variant, the platform and channel) so a click can be credited to all of them. A click row holds
only the token and the time: no IP address, no user agent.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from bot.config import Config
from bot.store import iso, transaction

TOKEN_BYTES = 12  # 96 random bits, 16 URL-safe characters: not guessable, short in a chat


@dataclass(frozen=True)
class LinkInfo:
    """What a tracked link was sent with."""

    kind: str  # reply or promotion
    ref_id: str  # suggestion id or promotion id
    cta_id: str | None
    variant: str
    platform: str
    channel: str
    delivery_id: int | None = None


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def tracked_url(config: Config, token: str) -> str:
    return f"{config.links.tracking.base()}/r/{token}"


def create_link(db: sqlite_utils.Database, info: LinkInfo, url: str, now: datetime) -> str:
    """Store a new link leading to `url` (the UTM-tagged URL); return its token."""
    token = new_token()
    db.execute(
        "insert into links (token, kind, ref_id, delivery_id, cta_id, variant, platform, "
        "channel, url, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [token, info.kind, info.ref_id, info.delivery_id, info.cta_id, info.variant,
         info.platform, info.channel, url, iso(now)],
    )
    return token


def track_text(config: Config, db: sqlite_utils.Database, text: str, url: str | None,
               info: LinkInfo, now: datetime) -> str:
    """`text` with every copy of the tagged CTA `url` replaced by one tracked link.

    Unchanged when tracking is off, when there is no CTA link, or when an edit removed it.
    """
    if not config.links.tracking.enabled or not url or url not in text:
        return text
    token = create_link(db, info, url, now)
    return text.replace(url, tracked_url(config, token))


def link_for_delivery(config: Config, db: sqlite_utils.Database, delivery_id: int, url: str,
                      info: LinkInfo, now: datetime) -> str:
    """The tracked URL of one promotion post: the same token when the post is retried."""
    row = db.execute("select token from links where kind = 'promotion' and delivery_id = ?",
                     [delivery_id]).fetchone()
    token = row[0] if row else create_link(db, info, url, now)
    return tracked_url(config, token)


def destination(db: sqlite_utils.Database, token: str) -> str | None:
    """Where a token leads, or None for a token Nudge never made."""
    row = db.execute("select url from links where token = ?", [token]).fetchone()
    return row[0] if row else None


def record_click(db: sqlite_utils.Database, token: str, now: datetime) -> None:
    db.execute("insert into clicks (token, at) values (?, ?)", [token, iso(now)])


def record_clicks(db: sqlite_utils.Database, clicks: list[tuple[str, str]]) -> None:
    """Write a batch of (token, ISO time) clicks in one transaction: one disk sync for all."""
    with transaction(db):
        db.conn.executemany("insert into clicks (token, at) values (?, ?)", clicks)
