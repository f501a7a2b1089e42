"""Links: only the catalog's own URLs, tagged with UTM parameters so the team sees what worked.

utm_source is the platform the customer wrote on, utm_medium is "chat" and utm_campaign is the
CTA's campaign. Any query the catalog URL already has is kept exactly as written; only earlier
utm_source/utm_medium/utm_campaign values are replaced, so a link never carries two.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from bot.config import Config

UTM_MEDIUM = "chat"
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")
DEFAULT_CAMPAIGN = "chat"


def source_name(platform: str) -> str:
    """A platform name safe to put in a URL: "Slack" and "slack " both become "slack"."""
    return re.sub(r"[^a-z0-9_-]+", "-", platform.strip().lower()).strip("-") or "chat"


def tag_url(url: str, *, platform: str, campaign: str) -> str:
    """The URL with utm_source, utm_medium and utm_campaign added (existing query kept)."""
    parts = urlsplit(url)
    kept = [
        pair for pair in parts.query.split("&")
        if pair and pair.split("=", 1)[0].lower() not in UTM_KEYS
    ]
    utm = [
        ("utm_source", source_name(platform)),
        ("utm_medium", UTM_MEDIUM),
        ("utm_campaign", campaign.strip() or DEFAULT_CAMPAIGN),
    ]
    kept += [f"{key}={quote(value, safe='')}" for key, value in utm]
    return urlunsplit(parts._replace(query="&".join(kept)))


def untagged(url: str) -> str:
    """The URL with its UTM parameters removed: how to find which catalog entry it came from."""
    parts = urlsplit(url)
    kept = [
        pair for pair in parts.query.split("&")
        if pair and pair.split("=", 1)[0].lower() not in UTM_KEYS
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


def catalog_urls(config: Config) -> set[str]:
    """Every URL the team put in its config: the CTAs and the stores' map links."""
    urls = {cta.url for cta in config.ctas}
    urls |= {store.map_url for store in config.stores if store.map_url}
    return urls
