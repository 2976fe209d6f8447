"""The lesson page's response cache: the whole page, rendered once per lesson, audience and language, served to
every reader of that audience without Wagtail routing it again; what belongs to the reader is rendered apart
for each request and spliced in.

- Filling: a request the cache cannot answer goes to Wagtail's own `serve` view (routing, `before_serve_page`
  hooks such as view restrictions, `Page.serve`). Only its plain answer is kept: a 200 page response for a
  GET without a query string, from a live lesson with no view restriction on it or above it (a password or a
  group admits some readers and not others, so such a page is always left to Wagtail). The page is rendered
  with reader slots (`ReaderSlots`): base.html puts a marker where the reader's header (name, navigation,
  sign-out form), messages and the language form's CSRF token go, and the text between the markers is stored.
- Serving: the entry is found by host, path, language and audience (`audience_for`, which the reader's roles
  decide), before any routing. `reader_slots.html` is rendered for this request (its context processors: the
  reader's name and navigation, messages, a CSRF token of this reader's own) and put between the stored parts.
  A page that is not public is served only to a reader who may read the curriculum, as `BasePage.serve` decides.
- Invalidation: every entry records the generation of lessons/render_cache.py it was filled under, and is
  never served under another. The generation moves when a page is published, unpublished, moved, saved or
  deleted, when a view restriction or its groups change, when a site or locale changes, and when something a
  body points at changes (render_cache.connect_signals). The generation is read before Wagtail routes, so a
  change committed while a page was being filled leaves that entry stale. Entries expire after
  render_cache.TIMEOUT in any case.

Nothing of a reader is stored: the markers stand where base.html would show the reader, and the stored text
is the same whoever filled it (tests/test_page_cache.py compares both paths).
"""

import hashlib
import secrets

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from wagtail import views as wagtail_views

from . import render_cache
from .models import LessonPage
from .permissions import can_read_curriculum
from .rendering import audience_of

KEY_PREFIX = "lessons:page:v1"
SLOTS = ("header", "messages", "csrf")
SLOTS_TEMPLATE = "includes/reader_slots.html"
SERVED_PAGE_ATTR = "qingdun_served_page"


class ReaderSlots:
    """Markers base.html renders in place of the reader's parts. Their nonce is drawn for each rendering, so no
    text of the page (a lesson's body) can hold one and be taken for a slot."""

    def __init__(self):
        self.nonce = secrets.token_hex(16)

    def marker(self, name: str) -> str:
        return f"<!--qingdun-reader-slot:{name}:{self.nonce}-->"

    def __getattr__(self, name):
        if name in SLOTS:
            return format_html("<!--qingdun-reader-slot:{}:{}-->", name, self.nonce)
        raise AttributeError(name)

    def split(self, html: str) -> list[str] | None:
        """The text around the markers, or None unless each slot is there exactly once and in base.html's order."""
        parts, rest = [], html
        for name in SLOTS:
            marker = self.marker(name)
            if rest.count(marker) != 1:
                return None
            before, rest = rest.split(marker)
            parts.append(before)
        if self.nonce in rest:
            return None
        return [*parts, rest]


def note_served_page(page, request, *args, **kwargs) -> None:
    """`before_serve_page` hook: the page Wagtail routed this request to, for the fill to judge."""
    setattr(request, SERVED_PAGE_ATTR, page)


def _key(request, audience: str) -> str:
    material = [request.get_host(), request.path, translation.get_language(), audience]
    digest = hashlib.sha256("\x1f".join(material).encode()).hexdigest()
    return f"{KEY_PREFIX}:{audience}:{digest}"


def _cacheable_request(request) -> bool:
    return request.method in ("GET", "HEAD") and not request.GET and not getattr(request, "is_preview", False)


def _reader_parts(request) -> list[SafeString]:
    """The reader's header, messages and CSRF token for this request, in SLOTS order."""
    slot_break = format_html("<!--qingdun-slot-break:{}-->", secrets.token_hex(16))
    html = render_to_string(SLOTS_TEMPLATE, {"slot_break": slot_break}, request)
    parts = html.rstrip("\n").split(slot_break)
    if len(parts) != len(SLOTS):
        raise ValueError("reader_slots.html must render one part per slot")
    return parts


def _splice(parts: list[str], request) -> str:
    pieces = [parts[0]]
    for reader_part, stored in zip(_reader_parts(request), parts[1:], strict=True):
        pieces += [reader_part, stored]
    return "".join(pieces)


def _response(html: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-cache"  # as BasePage.serve: the page differs by reader
    return response


def _cached_response(request, audience: str, generation: str):
    entry = cache.get(_key(request, audience))
    if not entry or entry.get("generation") != generation or entry.get("audience") != audience:
        return None
    if not entry.get("public") and not can_read_curriculum(request.user):
        return None  # Wagtail's route answers: BasePage.serve sends them to sign in
    return _response(_splice(entry["parts"], request))


def _fill(request, response, audience: str, generation: str) -> HttpResponse:
    page = getattr(request, SERVED_PAGE_ATTR, None)
    if (
        not isinstance(response, TemplateResponse)
        or response.is_rendered
        or response.status_code != 200
        or not isinstance(page, LessonPage)
        or not page.live
        or page.get_view_restrictions().exists()
    ):
        return response
    slots = ReaderSlots()
    response.context_data = {**(response.context_data or {}), "reader_slots": slots}
    response.render()
    parts = slots.split(response.content.decode(response.charset))
    if parts is None:
        # The page's own template left a slot out (or repeated it): it is not cached, and renders as usual.
        del response.context_data["reader_slots"]
        response.content = response.rendered_content
        return response
    entry = {
        "generation": generation,
        "audience": audience,
        "public": page.is_open_to_public(),
        "parts": parts,
    }
    cache.set(_key(request, audience), entry, render_cache.TIMEOUT)
    response.content = _splice(parts, request)  # Wagtail's response, its headers kept, with this reader's parts
    return response


def serve(request, path: str):
    """Wagtail's `serve` view with the lesson page's response cache in front of it (see the module doc)."""
    if not _cacheable_request(request):
        return wagtail_views.serve(request, path)
    audience = audience_of(request.user)
    # Read before Wagtail routes: a change committed while this request fills its entry leaves the entry stale.
    generation = render_cache.current_generation()
    cached = _cached_response(request, audience, generation)
    if cached is not None:
        return cached
    response = wagtail_views.serve(request, path)
    return _fill(request, response, audience, generation)
