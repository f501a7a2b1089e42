"""Links: only the catalog's own URLs, tagged with UTM parameters so the team sees what worked.

utm_source is the platform the customer wrote on, utm_medium is "chat" and utm_campaign is the
CTA's campaign. Any query the catalog URL already has is kept exactly as written; only earlier
utm_source/utm_medium/utm_campaign values are replaced, so a link never carries two.
"""

from __future__ import annotations

import re

from bot.config import Config
from bot.utm import tag_url as _tag
from bot.utm import untagged

__all__ = ["catalog_urls", "source_name", "tag_url", "untagged"]

UTM_MEDIUM = "chat"
DEFAULT_CAMPAIGN = "chat"


def source_name(platform: str) -> str:
    """A platform name safe to put in a URL: "Slack" and "slack " both become "slack"."""
    return re.sub(r"[^a-z0-9_-]+", "-", platform.strip().lower()).strip("-") or "chat"


def tag_url(url: str, *, platform: str, campaign: str) -> str:
    """The catalog URL tagged for a reply on `platform` (one implementation: bot.utm)."""
    return _tag(url, source_name(platform), UTM_MEDIUM, campaign.strip() or DEFAULT_CAMPAIGN)


def catalog_urls(config: Config) -> set[str]:
    """Every URL the team put in its config: the CTAs and the stores' map links."""
    urls = {cta.url for cta in config.ctas}
    urls |= {store.map_url for store in config.stores if store.map_url}
    return urls
