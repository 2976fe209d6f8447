"""The one HTML sanitiser for text that does not come from CMS editors (teacher notes, student text).

nh3 (Rust's ammonia) replaces bleach, which its maintainers declared unmaintained in June 2026, security fixes
included. Everything not on the allow-list goes: scripts, event handlers, style attributes, and any URL scheme
other than http, https and mailto (so `javascript:` links are dropped).
"""

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(value: str | None) -> str:
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def clean_text(value: str | None) -> str:
    """Plain text: every tag removed, for names and one-line fields."""
    if not value:
        return ""
    return nh3.clean(value, tags=set(), attributes={}, strip_comments=True).strip()
