"""The lesson reader. Opening records an event on the server and earns nothing; the page's script then posts
heartbeats while it is visible and a signal when the end marker is seen. The server measures the time itself,
per student (classroom.completion), and only a POST can earn it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.clientid import device_of, network_of
from core.ratelimit import ratelimit
from lessons.models import LessonPage
from lessons.rendering import render_lesson_body
from people import scope

from .. import access, completion
from ..models import LessonProgress


def _live_lesson(pk: int) -> LessonPage:
    try:
        return LessonPage.objects.live().select_related("quiz").get(pk=pk)
    except LessonPage.DoesNotExist:
        raise Http404 from None


@login_required
@never_cache
def read(request, pk: int):
    lesson = _live_lesson(pk)
    roles = scope.roles_of(request.user)
    progress = None
    if roles.is_student:
        student = request.user.student
        if pk not in access.assigned_lessons(student):
            raise Http404
        progress = completion.record_open(student, lesson)
    elif not lesson.is_readable_by(request.user):
        raise Http404
    return render(
        request,
        "classroom/reader.html",
        {
            "lesson": lesson,
            "module": lesson.module,
            "body": render_lesson_body(lesson, request),
            "progress": progress,
            "missing": completion.missing_steps(progress, lesson, None) if progress else [],
            "is_student": roles.is_student,
            "minimum_minutes": completion.minimum_minutes(lesson),
            "heartbeat_interval": completion.HEARTBEAT_INTERVAL,
            "rule": completion.rule_in_plain_words(lesson),
        },
    )


@login_required
@require_POST
# A visible reader posts 4 heartbeats a minute; the limit leaves room for a few tabs and the end marker. More
# readers would earn nothing anyway (time is credited per student), but each costs a locked write.
@ratelimit("classroom.signal", limit=30, window=60, shared=False)
def signal(request, pk: int):
    roles = scope.roles_of(request.user)
    if not roles.is_student:
        raise Http404
    lesson = _live_lesson(pk)
    try:
        progress = LessonProgress.objects.get(student_id=roles.student_id, lesson=lesson)
    except LessonProgress.DoesNotExist:
        raise Http404 from None  # a heartbeat without an opened reader counts for nothing
    try:
        progress = completion.record_signal(
            progress.pk,
            lesson,
            reached_end=request.POST.get("end") == "1",
            device=device_of(request),
            network=network_of(request),
        )
    except completion.NotAssigned:
        raise Http404 from None  # withdrawn, or no longer the class's lesson: the reader would not open either
    return JsonResponse(
        {
            "finished": progress.completed_at is not None,
            "active_seconds": progress.active_seconds,
            "missing": [str(step) for step in completion.missing_steps(progress, lesson, None)],
        }
    )
