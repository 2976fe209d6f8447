"""Lesson search that works for Chinese on SQLite FTS5 and PostgreSQL alike.

The index holds LessonPage.search_text (jieba-segmented, teacher-only blocks left out); the query is
segmented by the same function and every word must match. Results keep to live pages of the reader's
language, to public modules for visitors who are not signed in, and to Wagtail's page privacy settings.
"""

from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from wagtail.models import Locale, PageViewRestriction

from .models import LessonPage, ModulePage
from .permissions import can_read_curriculum
from .segment import words
from .text import body_text

MAX_RESULTS = 30
SNIPPET_CHARS = 90


@dataclass(frozen=True)
class SearchResult:
    lesson: LessonPage
    snippet: SafeString


def _restricted_paths(request) -> list[str]:
    """Paths under a Wagtail privacy setting this request does not pass."""
    return [
        restriction.page.path
        for restriction in PageViewRestriction.objects.select_related("page")
        if not restriction.accept_request(request)
    ]


def search_lessons(query: str, request, locale: Locale | None = None) -> list[SearchResult]:
    terms = words(query)
    if not terms:
        return []
    locale = locale or Locale.get_active()
    lessons = LessonPage.objects.live().filter(locale=locale).search(" ".join(terms), operator="and")
    found = list(lessons[: MAX_RESULTS * 2])
    hidden = _restricted_paths(request)
    public = None
    if not can_read_curriculum(request.user):
        public = list(ModulePage.objects.live().filter(is_public=True).values_list("path", flat=True))
    results = []
    for lesson in found:
        if any(lesson.path.startswith(path) for path in hidden):
            continue
        if public is not None and not any(lesson.path.startswith(path) for path in public):
            continue
        results.append(SearchResult(lesson=lesson, snippet=snippet(lesson, terms)))
    return results[:MAX_RESULTS]


def snippet(lesson: LessonPage, terms: list[str]) -> SafeString:
    """A short excerpt of what a student may read, around the first matching word, with matches marked."""
    text = " ".join(body_text(lesson.body.raw_data).split()) or lesson.summary
    lowered = text.lower()
    positions = [lowered.find(term) for term in terms if lowered.find(term) >= 0]
    start = max(0, min(positions) - SNIPPET_CHARS // 3) if positions else 0
    excerpt = text[start : start + SNIPPET_CHARS]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return format_html("{}{}{}", prefix, _marked(excerpt, terms), suffix)


def _marked(text: str, terms: list[str]) -> SafeString:
    """The text, escaped, with each occurrence of a term in <mark>; longer terms first, no mark inside another.

    Matches are found in the plain text, so a term never matches inside an entity the escaping writes (a search
    for "amp" leaves "&amp;" whole)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters grow when lower-cased; match those exactly as written
        lowered = text
    spans: list[tuple[int, int]] = []
    for term in sorted({term.lower() for term in terms if term}, key=len, reverse=True):
        found = lowered.find(term)
        while found >= 0:
            end = found + len(term)
            if all(end <= taken_start or found >= taken_end for taken_start, taken_end in spans):
                spans.append((found, end))
            found = lowered.find(term, end)
    spans.sort()
    pieces, index = [], 0
    for found, end in spans:
        pieces.append((text[index:found], text[found:end]))
        index = end
    return format_html_join("", "{}<mark>{}</mark>", pieces) + escape(text[index:])
