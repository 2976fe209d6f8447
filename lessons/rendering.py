"""Render a lesson's body for one reader; classroom's lesson reader reuses this rather than the page view."""

from django.utils.safestring import SafeString

from . import render_cache
from .models import STUDENT_AUDIENCE, TEACHER_AUDIENCE, LessonPage
from .permissions import can_see_teacher_content


def audience_of(user) -> str:
    return TEACHER_AUDIENCE if can_see_teacher_content(user) else STUDENT_AUDIENCE


def blocks_for_user(lesson: LessonPage, user) -> list:
    return lesson.blocks_for_audience(audience_of(user))


def render_lesson_body(lesson: LessonPage, request) -> SafeString:
    """The body's HTML for request.user: teacher-only blocks are left out for everyone else.

    Rendered once per lesson version, audience and language (lessons/render_cache.py).
    """
    audience = audience_of(request.user)
    return render_cache.body(lesson, audience, lambda: lesson.blocks_for_audience(audience), request)


def lesson_data(lesson: LessonPage, user) -> dict:
    """The lesson as JSON-ready data, with the same filtering as its HTML."""
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "summary": lesson.summary,
        "url": lesson.get_url(),
        "class_hours": str(lesson.class_hours),
        "estimated_minutes": lesson.estimated_minutes,
        "self_study_minutes": lesson.reading_time.minutes,
        "grade_bands": lesson.grade_bands,
        "goals": lesson.goals,
        "activity_type": lesson.activity_type,
        "quiz": lesson.quiz_id,
        "body": [
            {"type": block.block_type, "id": block.id, "value": block.block.get_api_representation(block.value)}
            for block in blocks_for_user(lesson, user)
        ],
    }
