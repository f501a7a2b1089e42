"""UTM tagging for catalog links, so the team can see in analytics what each chat post earned."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")


def tag_url(url: str, source: str, medium: str, campaign: str) -> str:
    """`url` with utm_source, utm_medium and utm_campaign set; other query parameters are kept.

    UTM values already in the catalog URL are replaced rather than repeated: analytics tools
    read only one of each, and which one would be unpredictable.
    """
    parts = urlsplit(url)
    kept = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key not in UTM_KEYS]
    tags = [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)]
    return urlunsplit(parts._replace(query=urlencode(kept + tags)))
