"""The render cache of lesson pages: the article (breadcrumb, header, body, quiz link) rendered once per
lesson content, audience and language, and reused for every reader of that audience.

The key is derived from the content itself, so it cannot serve a version other than the one being read:

- the lesson's live fields as loaded for this request (title, summary, facts, quiz, url_path, the live revision,
  `last_published_at` and a digest of the body's JSON), so a newly published revision, a direct save or a move
  gives a new key on the very next request, in every process, whatever the cache backend;
- the audience ("student" or "teacher"): the two versions are different entries, so an entry a teacher's
  request filled can never be read for a student (and the entry records its audience, checked on read);
- the active language (labels, URLs under /en/), the site, and a digest of the templates that render it.

Unpublished pages are never looked up (Wagtail routes live pages only; a draft preview renders without the
cache). What the body *points at* (documents, images, embeds, quizzes chosen in blocks, pages linked from rich
text) is not in the key; a change to those bumps a generation token (signals, `connect_signals`) that every
entry is checked against. The token is kept in the "shared" cache (the database, or Redis), so every process sees
a bump at once even where the entries themselves are per process (locmem without `REDIS_URL`); entries expire
after `TIMEOUT` seconds in any case. The whole-page cache of lessons/page_cache.py is checked against the same
token, which also moves when a page is saved, a view restriction changes, or a site or locale does.
"""

import hashlib
import json
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

TIMEOUT = 10 * 60
GENERATION_KEY = "lessons:render:generation"
GENERATION_CACHE = "shared"
KEY_PREFIX = "lessons:render:v2"  # v2: entries hold the SafeString itself
ARTICLE_TEMPLATE = "lessons/includes/lesson_article.html"
BODY_TEMPLATE = "lessons/includes/lesson_body.html"


@lru_cache(maxsize=1)
def _templates_digest() -> str:
    """The lesson templates' source as deployed: a changed template never reads an entry the old one wrote."""
    hasher = hashlib.md5(usedforsecurity=False)
    for folder in settings.TEMPLATES[0]["DIRS"]:
        root = Path(folder) / "lessons"
        for path in sorted(root.rglob("*.html")) if root.is_dir() else []:
            hasher.update(str(path.relative_to(root)).encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()[:12]


def body_digest(lesson) -> str:
    """A digest of the body's stored JSON (not of its rendering, which is what the cache saves)."""
    raw = list(lesson.body.raw_data) if lesson.body else []
    encoded = json.dumps(raw, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)
    return hashlib.md5(encoded.encode(), usedforsecurity=False).hexdigest()


def _stamp(lesson) -> list:
    """Everything of the lesson row the article shows, plus what identifies its live version."""
    return [
        lesson.pk,
        lesson.locale_id,
        lesson.url_path,
        lesson.title,
        lesson.summary,
        lesson.class_hours,
        lesson.estimated_minutes,
        ",".join(lesson.grade_bands or []),
        ",".join(lesson.goals or []),
        lesson.live_revision_id,
        lesson.last_published_at.isoformat() if lesson.last_published_at else "",
        body_digest(lesson),
    ]


def _key(kind: str, parts: list, audience: str, request) -> str:
    site = getattr(request, "_wagtail_site", None) if request is not None else None
    material = [_templates_digest(), translation.get_language(), getattr(site, "pk", ""), audience, *parts]
    digest = hashlib.sha256("\x1f".join(str(part) for part in material).encode()).hexdigest()
    return f"{KEY_PREFIX}:{kind}:{audience}:{digest}"


def _generations():
    """The generation lives where every process reads it (the "shared" cache: the database, or Redis), so a
    change made in one process ends the entries every other process keeps in its own memory at once."""
    return caches[GENERATION_CACHE]


def current_generation() -> str:
    generation = _generations().get(GENERATION_KEY)
    if generation is None:
        # A lost token (evicted, cleared) must not match any entry written before: start a fresh one.
        _generations().add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = _generations().get(GENERATION_KEY) or ""
    return generation


def _new_generation() -> None:
    _generations().set(GENERATION_KEY, uuid.uuid4().hex, None)


def bump_generation(**kwargs) -> None:
    """Something a rendered page shows or its route depends on changed: entries written before now are not read
    again.

    Once now and once more when the change commits: a request that rendered from the old, still uncommitted
    rows in between wrote its entry under the generation the commit replaces.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _cached(key: str, audience: str, render) -> SafeString:
    generation = current_generation()
    entry = cache.get(key)
    # The entry keeps the SafeString the template rendered (the cache pickles its class), so nothing read back
    # is marked safe here: a plain string under this key is not our rendering and is rendered over.
    if (
        entry
        and entry.get("generation") == generation
        and entry.get("audience") == audience
        and isinstance(entry.get("html"), SafeString)
    ):
        return entry["html"]
    html = render()
    cache.set(key, {"html": html, "audience": audience, "generation": generation}, TIMEOUT)
    return html


def article_key(lesson, audience: str, request) -> str:
    module_title, module_pk = lesson.module_stamp()
    quiz_title = lesson.quiz_stamp()
    parts = [*_stamp(lesson), lesson.quiz_id, quiz_title, module_pk, module_title]
    return _key("article", parts, audience, request)


def article(lesson, audience: str, request, make_context) -> SafeString:
    """The page's article for this audience, from the cache unless this is a preview.

    `make_context()` builds the template context (the audience's blocks, the module, the quiz); it is only
    called when the article is rendered. The article is rendered without context processors: it holds nothing
    of the reader (no user, no CSRF token), only of the lesson, the audience and the language.
    """

    def render():
        return render_to_string(ARTICLE_TEMPLATE, make_context())

    if getattr(request, "is_preview", False):
        return render()
    return _cached(article_key(lesson, audience, request), audience, render)


def body(lesson, audience: str, make_blocks, request) -> SafeString:
    """The body alone (classroom's reader): `make_blocks()` gives this audience's blocks, as on the page."""

    def render():
        return render_to_string(BODY_TEMPLATE, {"blocks": make_blocks(), "page": lesson, "request": request})

    if getattr(request, "is_preview", False):
        return render()
    return _cached(_key("body", _stamp(lesson), audience, request), audience, render)


def connect_signals() -> None:
    """Bump the generation when something a rendered page shows or its route depends on changes: what a body
    points at, a page (published, unpublished, moved, saved, deleted), a view restriction or its groups, a
    site or a locale. The whole-page cache (lessons/page_cache.py) answers before Wagtail routes, so each of
    these must end its entries; all are rare next to reads."""
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    uid = "lessons.render_cache"
    watched = [get_document_model(), get_image_model(), "wagtailembeds.Embed", "quizzes.Quiz"]
    watched += [PageViewRestriction, "wagtailcore.Site", "wagtailcore.Locale", *get_page_models()]
    for model in watched:
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"{uid}.save.{model}")
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"{uid}.delete.{model}")
    m2m_changed.connect(
        bump_generation, sender=PageViewRestriction.groups.through, dispatch_uid=f"{uid}.restriction-groups"
    )
    post_delete.connect(bump_generation, sender="wagtailcore.Page", dispatch_uid=f"{uid}.delete.page")
    page_published.connect(bump_generation, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(bump_generation, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(bump_generation, dispatch_uid=f"{uid}.moved")
