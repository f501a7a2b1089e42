"""UTM tagging for catalog links, so the team can see in analytics what each chat post earned."""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")


def _without_utm(query: str) -> list[str]:
    # The query is kept exactly as the catalog wrote it (encoding, order, "?flag" without a
    # value): re-encoding it could break a signed or unusual URL.
    return [pair for pair in query.split("&")
            if pair and pair.split("=", 1)[0].lower() not in UTM_KEYS]


def tag_url(url: str, source: str, medium: str, campaign: str) -> str:
    """`url` with utm_source, utm_medium and utm_campaign set; other query parameters are kept.

    UTM values already in the catalog URL are replaced rather than repeated: analytics tools
    read only one of each, and which one would be unpredictable.
    """
    parts = urlsplit(url)
    tags = [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)]
    pairs = _without_utm(parts.query) + [f"{key}={quote(value, safe='')}" for key, value in tags]
    return urlunsplit(parts._replace(query="&".join(pairs)))


def untagged(url: str) -> str:
    """`url` without its UTM parameters: the catalog entry a tagged link came from."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="&".join(_without_utm(parts.query))))
