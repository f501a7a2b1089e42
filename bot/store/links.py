"""Tracked links: one row per CTA link sent, one row per counted click.

A link row says what the link was sent with (the suggestion or promotion, the CTA, the wording
variant, the platform and channel) so a click can be credited to all of them. A click row holds
only the token and the time: no IP address, no user agent.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.store.connection import Database, transaction
from bot.store.times import iso

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


def create_link(db: Database, info: LinkInfo, url: str, now: datetime) -> str:
    """Store a new link leading to `url` (the UTM-tagged URL); return its token."""
    token = new_token()
    db.execute(
        "insert into links (token, kind, ref_id, delivery_id, cta_id, variant, platform, "
        "channel, url, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [token, info.kind, info.ref_id, info.delivery_id, info.cta_id, info.variant,
         info.platform, info.channel, url, iso(now)],
    )
    return token


def promotion_token(db: Database, delivery_id: int) -> str | None:
    """The token already made for one promotion post (a retried post keeps its link)."""
    row = db.execute("select token from links where kind = 'promotion' and delivery_id = ?",
                     [delivery_id]).fetchone()
    return row[0] if row else None


def link_info(db: Database, token: str) -> LinkInfo | None:
    """What the link `token` was sent with, or None for a token Nudge never made."""
    row = db.execute("select kind, ref_id, cta_id, variant, platform, channel, delivery_id "
                     "from links where token = ?", [token]).fetchone()
    return LinkInfo(*row) if row else None


def destination(db: Database, token: str) -> str | None:
    """Where a token leads, or None for a token Nudge never made."""
    row = db.execute("select url from links where token = ?", [token]).fetchone()
    return row[0] if row else None


def record_click(db: Database, token: str, now: datetime) -> None:
    """Count one click on `token` at `now`."""
    db.execute("insert into clicks (token, at) values (?, ?)", [token, iso(now)])


def record_clicks(db: Database, clicks: list[tuple[str, datetime]]) -> None:
    """Write a batch of (token, time) clicks in one transaction: one disk sync for all."""
    with transaction(db):
        db.conn.executemany("insert into clicks (token, at) values (?, ?)",
                            [(token, iso(at)) for token, at in clicks])


def click_count(db: Database, token: str | None = None) -> int:
    """How many clicks were counted on `token`, or on every link."""
    if token is None:
        return db.execute("select count(*) from clicks").fetchone()[0]
    return db.execute("select count(*) from clicks where token = ?", [token]).fetchone()[0]
